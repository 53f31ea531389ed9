"""The record form's wiring without a browser: prefill of a new registration only, the 个体特征
section, the short app-bar title, and a store locked by another session sends the form to the
lock screen instead of raising."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flet as ft
import pytest
from fake_shell import FakeShell, click
from screen_setup import PASS, SUBJECT, clock, helper_with_subject

from core import formstate as fs
from core.routes import Screen
from sync.app.session import Service
from views import forms, record_page


@pytest.fixture
def helper(tmp_path: Path) -> tuple[Service, str]:
    return helper_with_subject(tmp_path / "helper")


def texts(control: Any) -> list[str]:
    """Every Text value and TextField label/value under ``control``, depth first."""
    out: list[str] = []
    if isinstance(control, ft.Text) and isinstance(control.value, str):
        out.append(control.value)
    if isinstance(control, ft.TextField):
        out.append(f"{control.label}={control.value}")
    for attr in ("controls", "content"):
        child = getattr(control, attr, None)
        for c in child if isinstance(child, list) else [child] if child is not None else []:
            out.extend(texts(c))
    return out


def top(view: ft.View) -> list[Any]:
    """The view's controls with the form's inputs in place of the column holding them."""
    return [c for t in view.controls for c in (t.controls if t.data == forms.FORM_BODY else [t])]


def new_registration(shell: FakeShell, sid: str) -> ft.View:
    return forms.record_view(shell, Screen.of("new_record", id=sid, kind="registration"))  # type: ignore[arg-type]


def field_value(view: ft.View, label: str) -> str:
    for line in (t for c in view.controls for t in texts(c)):
        if line.startswith(label + "="):
            return line.split("=", 1)[1]
    raise KeyError(label)


def test_a_new_registration_opens_prefilled_from_the_subject_and_the_helper(helper: tuple[Service, str]) -> None:
    svc, sid = helper
    view = new_registration(FakeShell(svc), sid)
    assert field_value(view, "姓名") == "张三"
    assert field_value(view, "居住地址") == "四川省某县某镇"
    assert field_value(view, "户籍地址") == "四川省某县城关镇"
    assert field_value(view, "村(居)民委员会") == "青山村民委员会"
    assert field_value(view, "填表人") == "王五"
    assert field_value(view, "填表日期") == "2026-11-23"
    assert field_value(view, "民族") == ""
    groups = [
        c
        for c in top(view)
        if isinstance(c, ft.Column)
        and c.controls
        and isinstance(c.controls[1], ft.RadioGroup)
        and c.controls[0].value == "性别"
    ]
    assert groups and groups[0].controls[1].value == "女"


def test_a_restored_draft_is_not_overwritten_by_the_subject(helper: tuple[Service, str]) -> None:
    svc, sid = helper
    did = fs.draft_id("registration", sid, None)
    typed = fs.set_value(fs.new_values("registration"), "name", "张三丰")
    svc.save_draft(did, fs.to_draft("registration", typed))
    view = new_registration(FakeShell(svc), sid)
    assert field_value(view, "姓名") == "张三丰"
    assert field_value(view, "居住地址") == ""  # the draft had none: not filled in behind the person's back
    assert field_value(view, "填表人") == ""


def test_a_correction_shows_the_saved_record_not_the_subject(helper: tuple[Service, str]) -> None:
    svc, sid = helper
    values = fs.prefill("registration", SUBJECT, "王五", today=clock().date())
    for name, text in {
        "name": "张叁",
        "residence": "新住址",
        "age": "45",
        "ethnicity": "汉族",
        "education": "初中",
        "health": "良好",
        "political": "群众",
        "marital": "已婚",
        "contact": "13912345678",
        "prior_record": "无",
        "remorse": "好",
        "experience": "务农",
        "living": "正常",
        "workplace": "务农",
        "work_status": "正常",
        "personality": "内向",
        "skills": "种植",
        "other_traits": "无",
        "family_problem": "否",
    }.items():
        values = fs.set_value(values, name, text)
    rec = svc.save_record("registration", fs.to_data("registration", values), subject=sid)
    view = forms.record_view(FakeShell(svc), Screen.of("edit_record", id=rec.id))  # type: ignore[arg-type]
    assert field_value(view, "姓名") == "张叁"
    assert field_value(view, "居住地址") == "新住址"


def test_registration_shows_the_traits_under_the_seeds_heading_and_a_short_bar_title(
    helper: tuple[Service, str],
) -> None:
    svc, sid = helper
    view = new_registration(FakeShell(svc), sid)
    boxes = [
        c
        for c in top(view)
        if isinstance(c, ft.Container) and isinstance(c.content, ft.Column) and texts(c.content)[:1] == ["个体特征"]
    ]
    assert len(boxes) == 1
    inside = texts(boxes[0])
    assert [line.split("=")[0] for line in inside[1:]] == ["性格特点", "能力专长", "其他特征"]
    assert isinstance(view.appbar, ft.AppBar) and view.appbar.title.value == "新增登记表"
    assert "新增社区矫正对象基本情况登记表" in texts(view.controls[0])
    order = [line.split("=")[0] for c in view.controls for line in texts(c) if "=" in line]
    assert (
        order.index("工作或在校学习情况")
        < order.index("性格特点")
        < order.index("其他特征")
        < order.index("备注(选填)")
    )


VISIT = {
    "date": "2026-11-20",
    "place": "家中",
    "present": "本人、母亲",
    "thinking": "思想稳定",
    "work": "务农",
    "life": "正常",
    "family": "和睦",
    "notes": "情绪稳定",
}


def test_typing_after_another_session_locked_the_store_goes_to_the_lock_screen(helper: tuple[Service, str]) -> None:
    svc, sid = helper
    shell = FakeShell(svc)
    status = ft.Text("")
    form = forms.FormInputs(shell, "visit", fs.draft_id("visit", sid, None), fs.new_values("visit"), status)  # type: ignore[arg-type]
    form.build_all()
    form.changed("place", "家中")
    assert shell.rendered == [] and status.value == forms.DRAFT_SAVED
    svc.lock()  # the idle lock of another browser session
    form.changed("present", "本人")  # raised StoreLocked out of the event handler before
    assert shell.rendered == ["/lock"]
    svc.unlock(PASS)
    assert fs.from_draft("visit", svc.load_draft(form.did))["place"] == "家中"  # what was saved stays


def test_adding_a_family_row_while_locked_goes_to_the_lock_screen(helper: tuple[Service, str]) -> None:
    svc, sid = helper
    shell = FakeShell(svc)
    form = forms.FormInputs(
        shell,
        "registration",
        fs.draft_id("registration", sid, None),  # type: ignore[arg-type]
        fs.new_values("registration"),
        ft.Text(""),
    )
    form.build_all()
    svc.lock()
    form.add_row(fs.KINDS["registration"].field("family"))
    assert shell.rendered == ["/lock"]


def save_button(view: ft.View) -> ft.Button:
    row = [c for c in view.controls if isinstance(c, ft.Row)][-1]
    return next(b for b in row.controls if type(b) is ft.Button and b.content == "保存")


def test_saving_while_locked_goes_to_the_lock_screen_and_saves_nothing(helper: tuple[Service, str]) -> None:
    svc, sid = helper
    did = fs.draft_id("visit", sid, None)
    values = fs.set_value(fs.new_values("visit", svc.today()), "present_who", ["本人"])
    svc.save_draft(did, fs.to_draft("visit", values))  # a complete visit, restored when the form opens
    shell = FakeShell(svc)
    view = forms.record_view(shell, Screen.of("new_record", id=sid, kind="visit"))  # type: ignore[arg-type]
    svc.lock()
    click(save_button(view).on_click)
    assert shell.rendered == ["/lock"] and shell.went == []
    svc.unlock(PASS)
    assert svc.store.list("visit", subject=sid) == []
    assert svc.load_draft(fs.draft_id("visit", sid, None))  # the draft is still there
    click(save_button(view).on_click)
    assert shell.went == [f"/subjects/{sid}"]
    assert [r.data["place"] for r in svc.store.list("visit", subject=sid)] == ["家中"]


def test_a_read_only_registration_shows_the_traits_heading_once_before_its_fields(helper: tuple[Service, str]) -> None:
    svc, sid = helper
    data = {
        "committee": "青山村民委员会",
        "filler": "王五",
        "fill_date": "2026-11-23",
        "name": "张三",
        "gender": "女",
        "age": 45,
        "ethnicity": "汉族",
        "education": "初中",
        "health": "良好",
        "political": "群众",
        "marital": "已婚",
        "contact": "13912345678",
        "residence": "某镇某村",
        "household": "某镇某村",
        "prior_record": "无",
        "remorse": "认罪悔罪",
        "experience": "务农",
        "living": "正常",
        "workplace": "务农",
        "work_status": "正常",
        "personality": "内向",
        "skills": "种植",
        "other_traits": "无",
        "family_problem": "否",
    }
    rec = svc.save_record("registration", data, subject=sid)
    view = record_page.read_only_view(FakeShell(svc), rec, "已导出", f"/subjects/{sid}")  # type: ignore[arg-type]
    shown = [t for c in view.controls for t in texts(c)]
    assert shown.count("个体特征") == 1
    assert shown.index("工作或在校学习情况") < shown.index("个体特征") < shown.index("性格特点")
