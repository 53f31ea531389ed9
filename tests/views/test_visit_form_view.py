"""The visit form's wiring (issue 17) without a browser: defaults, chips, a note appearing for an
answer that is not normal, 与上次相同, 报告重要情况 from 异常, and an old free-text visit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flet as ft
import pytest
from fake_shell import FakeShell, click
from screen_setup import helper_with_subject

from core import formstate as fs
from core.routes import Screen
from sync.app.session import Service
from views import forms, record_page

ROUTINE = {
    "date": "2026-11-20",
    "place": "村委会",
    "present_who": ["本人", "家属"],
    "thinking_state": "有波动",
    "thinking_note": "担心孩子上学",
    "work_state": "正常",
    "life_state": "正常",
    "family_state": "正常",
    "notes": "谈心",
}
LEGACY = {
    "date": "2026-11-20",
    "place": "家中",
    "present": "本人、母亲",
    "thinking": "思想稳定",
    "work": "务农",
    "life": "正常",
    "family": "和睦",
    "notes": "情绪稳定",
}


@pytest.fixture
def helper(tmp_path: Path) -> tuple[Service, str]:
    return helper_with_subject(tmp_path / "helper")


def walk(control: Any) -> list[Any]:
    out = [control]
    for attr in ("controls", "content"):
        child = getattr(control, attr, None)
        for c in child if isinstance(child, list) else [child] if isinstance(child, ft.Control) else []:
            out.extend(walk(c))
    return out


def everything(view: ft.View) -> list[Any]:
    return [c for top in view.controls for c in walk(top)]


def new_visit(shell: FakeShell, sid: str, **params: str) -> ft.View:
    return forms.record_view(shell, Screen.of("new_record", id=sid, kind="visit", **params))  # type: ignore[arg-type]


def field(view: ft.View, label: str) -> ft.TextField:
    found = [c for c in everything(view) if isinstance(c, ft.TextField) and c.label == label]
    assert found, f"no input labelled {label}: " + ", ".join(
        str(c.label) for c in everything(view) if isinstance(c, ft.TextField)
    )
    return found[0]


def labels(view: ft.View) -> list[str]:
    return [str(c.label) for c in everything(view) if isinstance(c, ft.TextField)]


ANSWERS = {"稳定", "有波动", "正常", "有变化", "异常"}


def answer_rows(view: ft.View) -> list[list[ft.Chip]]:
    """The chips of each of the four answers, in form order."""
    return [
        [c for c in row.controls]
        for row in everything(view)
        if isinstance(row, ft.Row)
        and row.controls
        and all(isinstance(c, ft.Chip) for c in row.controls)
        and row.controls[0].label.value in ANSWERS
    ]


def groups(view: ft.View) -> list[Any]:
    """Each answer as chosen (the selected chip's word), like a radio group's value."""
    return [
        type("G", (), {"value": next((c.label.value for c in row if c.selected), None), "row": row})()
        for row in answer_rows(view)
    ]


def chips(view: ft.View) -> dict[str, ft.Chip]:
    """The 在场人员 chips by their word."""
    return {c.label.value: c for c in everything(view) if isinstance(c, ft.Chip) and c.label.value not in ANSWERS}


def button(view: ft.View, text: str) -> Any:
    found = [
        c
        for c in everything(view)
        if isinstance(c, (ft.Button, ft.OutlinedButton, ft.TextButton)) and c.content == text
    ]
    assert found, f"no button {text}"
    return found[0]


def buttons(view: ft.View) -> list[str]:
    return [str(c.content) for c in everything(view) if isinstance(c, (ft.Button, ft.OutlinedButton, ft.TextButton))]


def pick(group: Any, value: str) -> None:
    click(next(c for c in group.row if c.label.value == value).on_select)


def save(view: ft.View) -> None:
    click(button(view, "保存").on_click)


def test_a_new_visit_opens_at_home_with_the_normal_answers_and_saves_after_one_chip(
    helper: tuple[Service, str],
) -> None:
    svc, sid = helper
    shell = FakeShell(svc)
    view = new_visit(shell, sid)
    assert field(view, "走访地点").value == "家中" and field(view, "走访日期").value == "2026-11-23"
    assert [g.value for g in groups(view)] == ["稳定", "正常", "正常", "正常"]
    assert not any(label.endswith("说明") for label in labels(view)), "no note is asked for a normal answer"
    assert "与上次相同" in buttons(view) and "报告重要情况" not in buttons(view)
    save(view)
    assert shell.went == [] and svc.list_records("visit", sid) == []  # who was present is missing
    click(chips(view)["本人"].on_select)
    save(view)
    assert shell.went == [f"/subjects/{sid}"]
    [rec] = svc.list_records("visit", sid)
    assert rec.data == {
        "date": "2026-11-23",
        "place": "家中",
        "present_who": ["本人"],
        "thinking_state": "稳定",
        "work_state": "正常",
        "life_state": "正常",
        "family_state": "正常",
    }


def test_an_abnormal_answer_brings_its_note_the_report_button_and_the_inline_messages(
    helper: tuple[Service, str],
) -> None:
    svc, sid = helper
    shell = FakeShell(svc)
    view = new_visit(shell, sid)
    click(chips(view)["本人"].on_select)
    pick(groups(view)[3], "异常")
    assert "家庭情况说明" in labels(view) and "报告重要情况" in buttons(view)
    assert labels(view).index("家庭情况说明") < labels(view).index("走访记录"), "走访记录 is no longer optional"
    save(view)
    assert field(view, "家庭情况说明").error == "家庭情况为“异常”,请在家庭情况说明中写明具体情况"
    assert field(view, "走访记录").error == "家庭情况“异常”不是正常情况,请在走访记录中至少写一行"
    assert svc.list_records("visit", sid) == []
    click(
        field(view, "家庭情况说明").on_change,
        type("E", (), {"control": type("C", (), {"value": "与妻子争吵后分居"})()})(),
    )
    assert field(view, "家庭情况说明").error is None, "the message goes once the note is written"
    pick(groups(view)[3], "正常")
    assert "家庭情况说明(选填)" in labels(view), "a written note stays (optional) when the answer is normal again"
    assert "报告重要情况" not in buttons(view)


def test_other_opens_a_field_for_the_names_and_closing_it_hides_it(helper: tuple[Service, str]) -> None:
    svc, sid = helper
    view = new_visit(FakeShell(svc), sid)
    assert "其他在场人员" not in labels(view)
    click(chips(view)["其他"].on_select)
    assert "其他在场人员" in labels(view) and chips(view)["其他"].selected
    click(chips(view)["其他"].on_select)
    assert "其他在场人员" not in labels(view) and not chips(view)["其他"].selected


def test_a_note_can_be_added_to_a_normal_answer(helper: tuple[Service, str]) -> None:
    svc, sid = helper
    view = new_visit(FakeShell(svc), sid)
    click(button(view, "工作情况加说明").on_click)
    assert "工作情况说明(选填)" in labels(view) and "工作情况加说明" not in buttons(view)


def test_same_as_last_fills_the_answers_of_the_last_visit_and_keeps_the_date(helper: tuple[Service, str]) -> None:
    svc, sid = helper
    svc.save_record("visit", ROUTINE, subject=sid)
    shell = FakeShell(svc)
    view = new_visit(shell, sid)
    click(button(view, "与上次相同").on_click)
    assert [g.value for g in groups(view)] == ["有波动", "正常", "正常", "正常"]
    assert field(view, "思想状况说明").value == "担心孩子上学" and field(view, "走访地点").value == "村委会"
    assert field(view, "走访记录").value == "", "有波动 asks for a line of 走访记录: no longer 选填"
    assert {k for k, c in chips(view).items() if c.selected} == {"本人", "家属"}
    assert field(view, "走访日期").value == "2026-11-23"
    assert fs.from_draft("visit", svc.load_draft(fs.draft_id("visit", sid, None)))["thinking_state"] == "有波动"


def test_same_as_last_after_a_free_text_visit_says_there_is_nothing_to_copy(helper: tuple[Service, str]) -> None:
    svc, sid = helper
    svc.save_record("visit", LEGACY, subject=sid)
    view = new_visit(FakeShell(svc), sid)
    click(button(view, "与上次相同").on_click)
    assert "上次走访是旧版文字记录,没有可带入的选项,请逐项选择。" in [
        c.value for c in everything(view) if isinstance(c, ft.Text)
    ]
    assert [g.value for g in groups(view)] == ["稳定", "正常", "正常", "正常"]


def test_report_from_an_abnormal_answer_saves_the_visit_and_opens_the_report_prefilled(
    helper: tuple[Service, str],
) -> None:
    svc, sid = helper
    shell = FakeShell(svc)
    view = new_visit(shell, sid)
    click(chips(view)["本人"].on_select)
    pick(groups(view)[3], "异常")
    for label, text in (("家庭情况说明", "其父亲因病去世"), ("走访记录", "已慰问")):
        click(field(view, label).on_change, type("E", (), {"control": type("C", (), {"value": text})()})())
    click(button(view, "报告重要情况").on_click)
    assert shell.went == [f"/subjects/{sid}/new/report?source=visit"]
    [visit] = svc.list_records("visit", sid)
    assert visit.data["family_note"] == "其父亲因病去世"
    report = forms.record_view(shell, Screen.of("new_record", id=sid, kind="report", source="visit"))  # type: ignore[arg-type]
    radios = [c for c in everything(report) if isinstance(c, ft.RadioGroup)]
    assert [g.value for g in radios] == ["家庭重大变故", None], "category guessed, urgency left to choose"
    assert field(report, "情况描述").value == "走访发现家庭情况异常:其父亲因病去世"
    assert "已根据走访带入情况类别和说明,请选择紧急程度后保存。" in [
        c.value for c in everything(report) if isinstance(c, ft.Text)
    ]


def test_an_old_free_text_visit_is_corrected_and_shown_with_its_paragraphs(helper: tuple[Service, str]) -> None:
    svc, sid = helper
    rec = svc.save_record("visit", LEGACY, subject=sid)
    shell = FakeShell(svc)
    view = forms.record_view(shell, Screen.of("edit_record", id=rec.id))  # type: ignore[arg-type]
    assert field(view, "思想状况").value == "思想稳定" and field(view, "在场人员").value == "本人、母亲"
    assert groups(view) == [] and not chips(view) and "与上次相同" not in buttons(view)
    click(field(view, "工作情况").on_change, type("E", (), {"control": type("C", (), {"value": "在镇上打工"})()})())
    save(view)
    assert svc.record(rec.id).data == {**LEGACY, "work": "在镇上打工"}, "corrected in its own shape"
    page = record_page.read_only_view(shell, svc.record(rec.id), "已导出", f"/subjects/{sid}")  # type: ignore[arg-type]
    shown = [c.value for c in everything(page) if isinstance(c, ft.Text)]
    assert "思想稳定" in shown and "本人、母亲" in shown
    assert "思想状况说明" not in shown and "其他在场人员" not in shown, "no empty lines of the new form"
