"""Issue 14, item 1: the office makes and edits a subject's 矫正小组; it reaches the helper's
phone; the team's meetings are recorded against it."""

from __future__ import annotations

from pathlib import Path

import pytest
from workflow_setup import Clock, case, to_helper, to_office

from core.errors import NotFound, PermissionDenied, ValidationError
from sync.app import helper_workflow, office

MEMBERS = [
    {"slot": "office_staff", "name": "陈晓", "phone": "13900001111", "unit": "青山镇司法所"},
    {"slot": "committee", "name": "赵敏", "phone": "13900002222"},
    {"slot": "social_worker", "name": "孙悦"},
    {"slot": "volunteer", "name": "钱多"},
    {"slot": "family", "name": "李梅"},
    {"slot": "employer", "name": "周厂长", "unit": "青山建材厂"},
]
MEETING = {
    "type": "矫情分析会",
    "date": "2026-11-22",
    "attendees": "陈晓、赵敏、王五",
    "topics": "近期情绪",
    "decisions": "增加走访",
}


def test_team_is_saved_with_its_leader_and_replaced_by_the_next_revision(tmp_path: Path) -> None:
    osvc, _h, sid = case(tmp_path, Clock())
    first = office.save_team(osvc, sid, MEMBERS, leader="陈晓")
    page = office.team_page(osvc, sid)
    assert page["leader"] == "陈晓" and page["id"] == first.id
    assert [m["slot_label"] for m in page["members"]] == [
        "司法所专职人员",
        "村(居)委会人员",
        "专职社工",
        "志愿者",
        "家庭成员",
        "所在单位/学校人员",
    ]
    again = office.save_team(osvc, sid, MEMBERS[:2] + [{"slot": "x", "name": "网格员老吴"}], leader="赵敏")
    assert again.id == first.id and again.revision == 2
    assert [m["name"] for m in office.team_page(osvc, sid)["members"]] == ["陈晓", "赵敏", "网格员老吴"]
    assert len(osvc.list_records("team", sid)) == 1


def test_leader_must_be_a_member_and_a_member_needs_a_known_role(tmp_path: Path) -> None:
    osvc, _h, sid = case(tmp_path, Clock())
    with pytest.raises(ValidationError) as exc:
        office.save_team(osvc, sid, MEMBERS, leader="外人")
    assert "组长应为小组成员之一" in exc.value.errors["leader"]
    with pytest.raises(ValidationError) as exc:
        office.save_team(osvc, sid, [{"slot": "boss", "name": "甲"}])
    assert "members.0.slot" in exc.value.errors
    with pytest.raises(ValidationError):
        office.save_team(osvc, sid, [])
    with pytest.raises(NotFound):
        office.save_team(osvc, "nosuchsubject", MEMBERS)
    assert osvc.list_records("team", sid) == []


def test_role_is_read_from_its_chinese_label_or_x(tmp_path: Path) -> None:
    assert office.slot_code("社区民警") == "police"
    assert office.slot_code("村(居)委会人员") == "committee"
    assert office.slot_code("X") == office.slot_code("其他") == "x"
    assert office.slot_code("volunteer") == "volunteer"
    assert office.slot_code("老板") is None


def test_dashboard_lists_subjects_without_a_team_until_one_is_made(tmp_path: Path) -> None:
    osvc, _h, sid = case(tmp_path, Clock())
    assert [r["subject"] for r in office.subjects_without_team(osvc)] == [sid]
    office.save_team(osvc, sid, MEMBERS, leader="陈晓")
    assert office.subjects_without_team(osvc) == []


def test_team_reaches_the_helper_and_its_meetings_are_recorded_against_it(tmp_path: Path) -> None:
    clock = Clock()
    osvc, h, sid = case(tmp_path, clock)
    office.save_team(osvc, sid, MEMBERS, leader="陈晓")
    to_helper(osvc, h, tmp_path)
    on_phone = helper_workflow.case_panels(h, sid)["team"]
    assert on_phone["leader"] == "陈晓" and len(on_phone["members"]) == 6
    h.save_record("meeting", MEETING, subject=sid)
    to_office(h, osvc, tmp_path)
    [meeting] = office.team_page(osvc, sid)["meetings"]
    assert (meeting["type"], meeting["topics"]) == ("矫情分析会", "近期情绪")
    office.save_team(osvc, sid, MEMBERS[:1], leader="陈晓")
    to_helper(osvc, h, tmp_path)
    assert [m["name"] for m in helper_workflow.case_panels(h, sid)["team"]["members"]] == ["陈晓"]


def test_only_the_office_edits_a_team(tmp_path: Path) -> None:
    _osvc, h, sid = case(tmp_path, Clock())
    with pytest.raises(PermissionDenied):
        office.save_team(h, sid, MEMBERS)
