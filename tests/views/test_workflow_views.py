"""Issue 14's screens wired to their ``sync.app`` functions, with the one fake shell: the office
team page, the dashboard's workflow sections with 批准 / 不批准, and the phone's team and
decision panels with 按期返回 / 逾期未归."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flet as ft
from fake_shell import FakeShell, click
from workflow_setup import Clock, case, to_helper, to_office

from core import routes
from core.routes import Screen, parent, parse_route
from sync.app import helper_workflow, office

TRAVEL = {
    "type": "外出",
    "channel": "经协助人员提出",
    "applied": "2026-11-23",
    "start": "2026-11-25",
    "end": "2026-11-30",
    "destination": "成都市武侯区",
    "reason": "探望住院的母亲",
}
MOVE = {
    "type": "居住地变更",
    "channel": "经协助人员提出",
    "applied": "2026-11-23",
    "start": "2026-12-01",
    "destination": "白石村五组",
    "new_committee": "白石村民委员会",
    "reason": "随子女居住",
}


def _walk(control: Any) -> list[Any]:
    out = [control]
    for attr in ("controls", "content", "cells", "rows", "appbar", "title"):
        child = getattr(control, attr, None)
        for c in child if isinstance(child, list) else [child]:
            if c is not None and not isinstance(c, str) and hasattr(c, "__dict__"):
                out += _walk(c)
    return out


def _button(view: Any, text: str) -> Any:
    return next(c for c in _walk(view) if callable(getattr(c, "on_click", None)) and text == str(c.content))


def _texts(view: Any) -> str:
    return " ".join(str(c.value) for c in _walk(view) if isinstance(getattr(c, "value", None), str))


def test_team_route_parses_and_leads_back_to_the_subject_page() -> None:
    screen = parse_route(routes.office_team("abc123"))
    assert screen == Screen.of("office_team", id="abc123") and screen.is_office
    assert parent(screen) == Screen.of("office_subject", id="abc123")


def test_team_page_saves_the_members_typed_and_the_leader(tmp_path: Path) -> None:
    from views.office.team_page import team_page_view

    osvc, _h, sid = case(tmp_path, Clock())
    shell = FakeShell(osvc)
    view = team_page_view(shell, Screen.of("office_team", id=sid))
    drops = [c for c in _walk(view) if isinstance(c, ft.Dropdown)]
    names = [c for c in _walk(view) if isinstance(c, ft.TextField) and c.label == "姓名"]
    drops[0].value, names[0].value = "office_staff", "陈晓"
    drops[1].value, names[1].value = "family", "李梅"
    leader = next(c for c in _walk(view) if isinstance(c, ft.TextField) and "组长" in (c.label or ""))
    leader.value = "陈晓"
    click(_button(view, "保存矫正小组").on_click)
    page = office.team_page(osvc, sid)
    assert [(m["slot_label"], m["name"]) for m in page["members"]] == [("司法所专职人员", "陈晓"), ("家庭成员", "李梅")]
    assert page["leader"] == "陈晓" and shell.went[-1] == routes.office_team(sid)
    again = team_page_view(shell, Screen.of("office_team", id=sid))
    leader = next(c for c in _walk(again) if isinstance(c, ft.TextField) and "组长" in (c.label or ""))
    leader.value = "外人"
    click(_button(again, "保存矫正小组").on_click)
    assert "组长应为小组成员之一" in _texts(again)


def test_subject_page_opens_the_team_page(tmp_path: Path) -> None:
    from views.office.subject_page import subject_page_view

    osvc, _h, sid = case(tmp_path, Clock())
    shell = FakeShell(osvc)
    click(_button(subject_page_view(shell, Screen.of("office_subject", id=sid)), "矫正小组").on_click)
    assert shell.went[-1] == routes.office_team(sid)


def test_dashboard_lists_the_workflow_and_decides_a_request_in_place(tmp_path: Path) -> None:
    from views.office.dashboard import dashboard_view

    clock = Clock()
    osvc, h, sid = case(tmp_path, clock)
    office.issue_notice(
        osvc,
        sid,
        tasks=["报告重要情况"],
        contact="李所长",
        contact_phone="13900001111",
        issuer="陈填发",
        approver="周批准",
    )
    travel = h.save_record("movement", {**TRAVEL, "applied": "2026-11-22"}, subject=sid)
    move = h.save_record("movement", MOVE, subject=sid)
    to_office(h, osvc, tmp_path)
    clock.advance(8)
    shell = FakeShell(osvc)
    view = dashboard_view(shell, Screen.of("office_dashboard"))
    texts = _texts(view)
    for heading in (
        "待审批的外出、居住地变更申请",
        "通知单发出7天仍未见面",
        "登记表(附件2)尚未反馈",
        "尚未建立矫正小组的对象",
    ):
        assert heading in texts
    assert "青山村民委员会 1 人" in texts
    notes = [c for c in _walk(view) if isinstance(c, ft.TextField) and c.label == "审批意见"]
    notes[0].value = "按期返回后报告"
    click(_button(view, "批准").on_click)  # the older request comes first: the travel
    decided = {r["id"]: r for r in helper_workflow.case_panels(h, sid)["movements"]}  # not yet on the phone
    assert decided[travel.id]["decision"] == "待审批"
    assert [r["id"] for r in office.pending_requests(osvc)] == [move.id]
    assert shell.toasts[-1].startswith("已批准")
    view = dashboard_view(shell, Screen.of("office_dashboard"))
    click(_button(view, "批准").on_click)
    assert "迁往白石村民委员会" in _texts(view)
    click(_button(view, "填发新通知单").on_click)
    assert shell.went[-1] == routes.route("office_notices", subject=sid)
    assert "居住地变更已批准,待重新分配" in _texts(dashboard_view(shell, Screen.of("office_dashboard")))


def test_phone_shows_team_and_decision_and_records_the_return(tmp_path: Path) -> None:
    from views.subjects import detail_view

    clock = Clock()
    osvc, h, sid = case(tmp_path, clock)
    office.save_team(
        osvc, sid, [{"slot": "office_staff", "name": "陈晓"}, {"slot": "police", "name": "刘翀"}], leader="陈晓"
    )
    travel = h.save_record("movement", TRAVEL, subject=sid)
    to_office(h, osvc, tmp_path)
    office.decide(osvc, travel.id, True, "按期返回后报告")
    to_helper(osvc, h, tmp_path)
    shell = FakeShell(h)
    view = detail_view(shell, Screen.of("subject", id=sid))
    texts = _texts(view)
    assert "司法所专职人员:陈晓(组长)" in texts and "社区民警:刘翀" in texts
    assert "司法所审批:批准" in texts and "按期返回后报告" in texts
    assert any("新增见面记录" in str(c.content) for c in _walk(view) if hasattr(c, "on_click"))
    click(_button(view, "逾期未归").on_click)
    kinds = sorted(r.kind for r in h.list_records(subject=sid) if r.kind in ("travel_return", "report"))
    assert kinds == ["report", "travel_return"]
    assert shell.went[-1] == routes.subject(sid) and "紧急情况报告" in shell.toasts[-1]
    after = detail_view(shell, Screen.of("subject", id=sid))
    assert "返回情况:逾期未归" in _texts(after)
    assert not any(str(getattr(c, "content", "")) == "按期返回" for c in _walk(after))
