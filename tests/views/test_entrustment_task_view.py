"""The helper's 调查评估任务 built outside the browser: the task is listed above the subjects and
opens its page; the page's button opens the investigation form with 委托机关 filled in; saving
goes back to the task, whose timeline then shows the investigation; a finished task offers no
form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flet as ft
from fake_shell import FakeShell, click
from test_subjects_view import texts, tiles
from workflow_setup import ENTRUSTMENT, Clock, enrolled_helper, office_service, to_helper

from core import formstate as fs
from core import routes
from core.routes import Screen
from sync.app import office
from sync.app.session import Service
from views import entrustment_task, forms, subjects

ENTRY: dict[str, Any] = dict(ENTRUSTMENT)
FINDINGS = {
    "residence": "与父母同住",
    "family": "父母愿意协助监管",
    "social": "无不良交往",
    "community_opinion": "村委会同意接收",
    "opinion": "建议适用社区矫正",
}


def _task(tmp_path: Path) -> tuple[Service, Service, str]:
    c = Clock()
    osvc = office_service(tmp_path / "office", c)
    h = enrolled_helper(tmp_path, c, osvc)
    eid = office.record_entrustment(osvc, {**ENTRY, "helper": h.me.fingerprint}).id
    to_helper(osvc, h, tmp_path)
    return osvc, h, eid


def _buttons(view: ft.View) -> list[ft.Button]:
    found: list[ft.Button] = []
    for c in view.controls:
        found += (
            [c] if isinstance(c, ft.Button) else [b for b in getattr(c, "controls", []) if isinstance(b, ft.Button)]
        )
    return found


def field_value(control: Any, label: str) -> Any:
    if isinstance(control, ft.TextField) and control.label == label:
        return control.value
    for attr in ("controls", "content"):
        child = getattr(control, attr, None)
        for c in child if isinstance(child, list) else [child] if isinstance(child, ft.Control) else []:
            found = field_value(c, label)
            if found is not None:
                return found
    return None


def test_the_task_is_listed_opened_and_investigated(tmp_path: Path) -> None:
    _osvc, h, eid = _task(tmp_path)
    shell = FakeShell(h)
    listing = subjects.list_view(shell, Screen("subjects"))  # type: ignore[arg-type]
    shown = [t for c in listing.controls for t in texts(c)]
    assert "调查评估任务(1)" in shown and "李四(被告人)" in shown
    (tile,) = [t for c in listing.controls for t in tiles(c) if t.title.value == "李四(被告人)"]
    click(tile.on_click)
    assert shell.went == [routes.entrustment_task(eid)]

    page = entrustment_task.task_view(shell, Screen.of("entrustment_task", id=eid))  # type: ignore[arg-type]
    shown = [t for c in page.controls for t in texts(c)]
    assert "委托事项" in shown and ENTRUSTMENT["request"] in shown and "尚未填写调查记录。" in shown
    (add,) = [b for b in _buttons(page) if b.content == entrustment_task.ADD_LABEL]
    click(add.on_click)
    assert shell.went[-1] == routes.new_record(eid, "investigation")

    form = forms.record_view(shell, Screen.of("new_record", id=eid, kind="investigation"))  # type: ignore[arg-type]
    assert any(field_value(c, "委托机关") == "东岭县人民法院" for c in form.controls)
    values = fs.new_values("investigation", h.today())
    for k, v in {"requested_by": "东岭县人民法院", **FINDINGS}.items():
        values = fs.set_value(values, k, v)
    h.save_draft(fs.draft_id("investigation", eid, None), fs.to_draft("investigation", values))
    form = forms.record_view(shell, Screen.of("new_record", id=eid, kind="investigation"))  # type: ignore[arg-type]
    row = [c for c in form.controls if isinstance(c, ft.Row)][-1]
    click(next(b for b in row.controls if type(b) is ft.Button and b.content == "保存").on_click)
    assert shell.went[-1] == routes.entrustment_task(eid), shell.toasts
    (saved,) = h.store.list("investigation", subject=eid)
    assert saved.data["opinion"] == "建议适用社区矫正"
    page = entrustment_task.task_view(shell, Screen.of("entrustment_task", id=eid))  # type: ignore[arg-type]
    shown = [t for c in page.controls for t in texts(c)]
    assert "尚未填写调查记录。" not in shown and any("建议适用社区矫正" in t for t in shown)  # its 评估意见


def test_a_finished_task_offers_no_form(tmp_path: Path) -> None:
    osvc, h, eid = _task(tmp_path)
    office.record_assessment_result(osvc, eid, "适合社区矫正", "居住稳定")
    to_helper(osvc, h, tmp_path)
    page = entrustment_task.task_view(FakeShell(h), Screen.of("entrustment_task", id=eid))  # type: ignore[arg-type]
    shown = [t for c in page.controls for t in texts(c)]
    assert not [b for b in _buttons(page) if b.content == entrustment_task.ADD_LABEL]
    assert any(t.startswith("已评估:适合社区矫正") and "不能再新增" in t for t in shown)
