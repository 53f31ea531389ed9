"""矫正对象 → 委托调查评估: the officer records an entrustment, sees it listed, records the
result, converts it into a register entry, and field errors show beside the fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flet as ft
from fake_shell import FakeShell, click
from fakes import CHEAP, PASS, clock

from sync.app import office
from sync.app.session import Service
from views.office.entrustments import CONVERT, RECORD, RESULT, entrustments_section


def controls(control: Any) -> list[Any]:
    out = [control]
    for attr in ("controls", "content"):
        child = getattr(control, attr, None)
        for c in child if isinstance(child, list) else [child]:
            if c is not None and not isinstance(c, str) and hasattr(c, "__dict__"):
                out += controls(c)
    return out


def by_label(panel: Any, label: str) -> Any:
    return next(c for c in controls(panel) if isinstance(c, ft.TextField | ft.Dropdown) and c.label == label)


def button(panel: Any, text: str) -> Any:
    return next(
        c for c in controls(panel) if isinstance(c, ft.FilledButton | ft.OutlinedButton) and text in str(c.content)
    )


def fill(panel: Any, values: dict[str, str]) -> None:
    for label, value in values.items():
        by_label(panel, label).value = value


def test_record_result_and_convert_in_the_console(tmp_path: Path) -> None:
    svc = Service(tmp_path / "office", kdf=CHEAP, clock=clock)
    svc.setup("office", "东岭司法所", PASS)
    shell = FakeShell(svc)
    panel = entrustments_section(shell)  # type: ignore[arg-type]
    assert by_label(panel, "委托日期 YYYY-MM-DD").value == "2026-11-23"

    click(button(panel, RECORD).on_click)  # nothing typed: refused beside the fields
    assert by_label(panel, "被调查人姓名").error and office.open_entrustments(svc) == []

    fill(
        panel,
        {
            "被调查人姓名": "李四",
            "被调查人性别": "男",
            "被调查人居住地": "青山村三组",
            "被调查人身份": "被告人",
            "委托机关": "东岭县人民法院",
        },
    )
    fill(panel, {"委托日期 YYYY-MM-DD": "2026-11-02", "完成期限 YYYY-MM-DD": "2026-11-16", "委托事项": "调查评估"})
    click(button(panel, RECORD).on_click)
    (row,) = office.open_entrustments(svc)
    assert row["name"] == "李四" and "已登记委托调查评估" in shell.toasts[-1]

    panel = entrustments_section(shell)  # type: ignore[arg-type]
    assert [o.key for o in by_label(panel, "委托调查评估").options] == [row["id"]]
    by_label(panel, "委托调查评估").value = row["id"]
    fill(panel, {"评估意见": "适合社区矫正", "评估情况(含协助人员协助调查的情况)": "家属支持,居住稳定。"})
    click(button(panel, RESULT).on_click)
    assert office.open_entrustments(svc)[0]["result"] == "适合社区矫正"

    panel = entrustments_section(shell)  # type: ignore[arg-type]
    by_label(panel, "委托调查评估").value = row["id"]
    click(button(panel, CONVERT).on_click)  # no sentence yet
    assert by_label(panel, "转入:判决日期 YYYY-MM-DD").error and office.subject_rows(svc) == []
    fill(
        panel,
        {
            "转入:判决日期 YYYY-MM-DD": "2026-11-20",
            "转入:罪名": "危险驾驶罪",
            "转入:判决法院": "东岭县人民法院",
            "转入:判处": "拘役三个月,缓刑六个月",
            "转入:矫正类别": "缓刑",
            "转入:矫正期限起 YYYY-MM-DD": "2026-11-25",
            "转入:矫正期限止 YYYY-MM-DD": "2027-05-24",
            "转入:户籍地": "东岭县",
            "转入:村(居)民委员会": "青山村民委员会",
            "转入:乡镇(街道)": "青山镇",
            "转入:出生年月 YYYY-MM(委托时未知则填)": "1990-05",
        },
    )
    click(button(panel, CONVERT).on_click)
    (subject,) = office.subject_rows(svc)
    assert subject["name"] == "李四" and office.open_entrustments(svc) == []
    assert "已转为社区矫正对象" in shell.toasts[-1]


def test_naming_a_helper_and_reading_the_investigation_in_the_console(tmp_path: Path) -> None:
    from workflow_setup import ENTRUSTMENT, Clock, enrolled_helper, office_service, to_helper, to_office

    from views.office.entrustments import ASSIGN

    c = Clock()
    osvc = office_service(tmp_path / "office", c)
    helper = enrolled_helper(tmp_path, c, osvc)
    eid = office.record_entrustment(osvc, ENTRUSTMENT).id
    shell = FakeShell(osvc)
    panel = entrustments_section(shell)  # type: ignore[arg-type]
    by_label(panel, "委托调查评估").value = eid
    click(by_label(panel, "委托调查评估").on_select)
    assert "尚未收到协助人员的调查记录。" in [getattr(c, "value", None) for c in controls(panel)]
    by_label(panel, "改为指定的协助人员").value = helper.me.fingerprint
    click(button(panel, ASSIGN).on_click)
    assert "已指定王五协助调查" in shell.toasts[-1] and office.open_entrustments(osvc)[0]["helper_name"] == "王五"

    to_helper(osvc, helper, tmp_path)
    helper.save_record(
        "investigation",
        {"date": "2026-11-23", "requested_by": "东岭县人民法院", "residence": "居住稳定", "family": "家属支持",
         "social": "无不良交往", "community_opinion": "同意接收", "opinion": "建议适用社区矫正"},
        subject=eid,
    )  # fmt: skip
    to_office(helper, osvc, tmp_path)
    panel = entrustments_section(shell)  # type: ignore[arg-type]
    assert office.open_entrustments(osvc)[0]["investigations"] == 1  # the listing's 调查记录 column
    by_label(panel, "委托调查评估").value = eid
    click(by_label(panel, "委托调查评估").on_select)
    shown = [getattr(c, "value", None) for c in controls(panel)]
    assert "评估意见:建议适用社区矫正" in shown and "家庭情况:家属支持" in shown
