"""The helper's subject screens built outside the browser: each timeline record shows its status
label and opens the right screen (a draft its form), an open urgent report raises the banner,
and scrolling a list or a subject page counts as activity for the idle lock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flet as ft
import pytest
from fake_shell import FakeShell
from screen_setup import helper_with_subject

from core import formstate as fs
from core.routes import Screen
from sync.app.session import Service
from views import subjects

VISIT = {
    "date": "2026-11-20",
    "place": "家中",
    "present": "本人",
    "thinking": "稳定",
    "work": "务农",
    "life": "正常",
    "family": "和睦",
    "notes": "无",
}
URGENT = {"category": "外出", "urgency": "紧急", "occurred": "2026-11-21", "description": "未请假外出"}


@pytest.fixture
def helper(tmp_path: Path) -> tuple[Service, str]:
    return helper_with_subject(tmp_path / "helper")


def texts(control: Any) -> list[str]:
    """Every Text value under ``control``, depth first."""
    out: list[str] = []
    if isinstance(control, ft.Text) and isinstance(control.value, str):
        out.append(control.value)
    for attr in ("controls", "content", "title", "subtitle", "leading", "trailing"):
        child = getattr(control, attr, None)
        for c in child if isinstance(child, list) else [child] if isinstance(child, ft.Control) else []:
            out.extend(texts(c))
    return out


def tiles(control: Any) -> list[ft.ListTile]:
    found: list[ft.ListTile] = [control] if isinstance(control, ft.ListTile) else []
    for attr in ("controls", "content"):
        child = getattr(control, attr, None)
        for c in child if isinstance(child, list) else [child] if isinstance(child, ft.Control) else []:
            found.extend(tiles(c))
    return found


class Click:
    """Stands in for the click event (the handlers read nothing from it)."""


def detail(shell: FakeShell, sid: str) -> ft.View:
    return subjects.detail_view(shell, Screen.of("subject", id=sid))  # type: ignore[arg-type]


def test_timeline_tile_shows_the_status_label_and_a_draft_opens_its_form(helper: tuple[Service, str]) -> None:
    svc, sid = helper
    rec = svc.save_record("visit", VISIT, subject=sid)
    svc.save_record("visit", {**VISIT, "place": "村委会"}, subject=sid, record_id=rec.id)
    svc.save_draft(
        fs.draft_id("assistance", sid, None),
        fs.to_draft("assistance", fs.set_value(fs.new_values("assistance"), "help", "联系农技站")),
    )
    shell = FakeShell(svc)
    view = detail(shell, sid)
    lines = [t for c in view.controls for t in texts(c)]
    assert "草稿" in lines and "未导出" in lines
    assert "村委会  已修改(第2版)" in lines
    timeline = [t for c in view.controls for t in tiles(c)]
    draft_tile = next(t for t in timeline if "草稿" in texts(t))
    assert "联系农技站  尚未保存" in texts(draft_tile)
    draft_tile.on_click(Click())  # type: ignore[misc,arg-type]
    record_tile = next(t for t in timeline if "未导出" in texts(t))
    record_tile.on_click(Click())  # type: ignore[misc,arg-type]
    assert shell.went == [f"/subjects/{sid}/new/assistance", f"/records/{rec.id}/edit"]


def test_open_urgent_report_raises_the_banner_but_an_urgent_draft_does_not(helper: tuple[Service, str]) -> None:
    svc, sid = helper
    draft = fs.set_value(fs.new_values("report"), "urgency", "紧急")
    svc.save_draft(fs.draft_id("report", sid, None), fs.to_draft("report", draft))
    lines = [t for c in detail(FakeShell(svc), sid).controls for t in texts(c)]
    assert not any("紧急情况报告待司法所处理" in t for t in lines)
    assert sum(" · 紧急" in t for t in lines) == 1, "the unsaved urgent report is still marked urgent"
    svc.save_record("report", URGENT, subject=sid)
    lines = [t for c in detail(FakeShell(svc), sid).controls for t in texts(c)]
    assert "有1条紧急情况报告待司法所处理" in lines
    assert any(t.endswith("司法所待处理") for t in lines)


def test_timeline_notes_name_the_correction_the_handling_and_read_only() -> None:
    row = {"title": "外出", "revision_note": "已修改(第3版)", "handling": "已处理", "editable": False}
    assert subjects.timeline_notes(row) == "外出  已修改(第3版)  司法所已处理  只读"
    assert subjects.timeline_notes({"title": "", "revision_note": "", "handling": None, "editable": True}) == ""


def test_scrolling_the_subject_page_counts_as_activity(helper: tuple[Service, str]) -> None:
    svc, sid = helper
    shell = FakeShell(svc)
    view = detail(shell, sid)
    assert view.on_scroll is not None
    view.on_scroll(Click())  # type: ignore[arg-type]
    view.on_scroll(Click())  # type: ignore[arg-type]
    assert shell.touches == 2


class ScrollEvent:
    def __init__(self, pixels: float, extent: float) -> None:
        self.pixels, self.max_scroll_extent = pixels, extent


def test_scrolling_the_subject_list_counts_as_activity(helper: tuple[Service, str]) -> None:
    svc, _ = helper
    shell = FakeShell(svc)
    view = subjects.list_view(shell, Screen.of("subjects"))  # type: ignore[arg-type]
    [results] = [c for c in view.controls if isinstance(c, ft.ListView)]
    assert results.on_scroll is not None
    results.on_scroll(ScrollEvent(0, 10_000))  # type: ignore[arg-type]
    assert shell.touches == 1


def test_scrolling_the_record_form_counts_as_activity(helper: tuple[Service, str]) -> None:
    from views import forms

    svc, sid = helper
    shell = FakeShell(svc)
    view = forms.record_view(shell, Screen.of("new_record", id=sid, kind="registration"))  # type: ignore[arg-type]
    assert view.on_scroll is not None
    view.on_scroll(Click())  # type: ignore[arg-type]
    assert shell.touches == 1
