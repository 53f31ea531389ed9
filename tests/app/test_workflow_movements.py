"""Issue 14, items 2 and 3: the first meeting after a notice, the 附件2 that has not come back,
travel and residence-change requests, the office's decision and the return from travel."""

from __future__ import annotations

from pathlib import Path

import pytest
from workflow_setup import Clock, case, to_helper, to_office

from core.errors import NotFound, PermissionDenied, ValidationError
from core.records import Record
from sync.app import helper_workflow, office
from sync.exchange.scope import check_scope
from sync.protocol.errors import OutOfScope

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
    "channel": "对象直接向司法所提出",
    "applied": "2026-11-23",
    "start": "2026-12-01",
    "destination": "白石村五组",
    "new_committee": "白石村民委员会",
    "reason": "随子女居住",
}
MEETING = {
    "date": "2026-11-25",
    "place": "青山村民委员会",
    "present": "王五、张三、司法所陈晓",
    "explained": "协助事项、报告重要情况和外出审批规定",
}


def _notice(osvc, sid: str, day: str = "2026-11-23", committee_hint: str = "") -> Record:  # type: ignore[no-untyped-def]
    return office.issue_notice(
        osvc,
        sid,
        tasks=["报告重要情况"],
        contact="李所长",
        contact_phone="13900001111",
        issuer="陈填发",
        approver="周批准",
        issue_date=day,
    )


def test_notice_without_a_meeting_is_listed_after_the_set_days_until_the_helper_meets(tmp_path: Path) -> None:
    clock = Clock()
    osvc, h, sid = case(tmp_path, clock)
    _notice(osvc, sid)
    assert office.awaiting_meeting(osvc) == []  # issued today: not yet late
    clock.advance(office.FIRST_MEETING_DAYS)
    [late] = office.awaiting_meeting(osvc)
    assert (late["subject"], late["committee"], late["days"]) == (sid, "青山村民委员会", 7)
    assert late["notice"] == "(2026)协通字第1号"
    to_helper(osvc, h, tmp_path)
    h.save_record("first_meeting", {**MEETING, "date": h.today().isoformat()}, subject=sid)
    to_office(h, osvc, tmp_path)
    assert office.awaiting_meeting(osvc) == []


def test_subjects_whose_registration_has_not_come_back_are_listed_by_committee(tmp_path: Path) -> None:
    clock = Clock()
    osvc, h, sid = case(tmp_path, clock)
    assert office.awaiting_registration(osvc) == []  # no notice yet: nothing is owed
    _notice(osvc, sid)
    [row] = office.awaiting_registration(osvc)
    assert (row["subject"], row["committee"], row["met"]) == (sid, "青山村民委员会", False)
    from test_office_subject_page_family import REGISTRATION

    h.save_record("registration", REGISTRATION, subject=sid)
    to_office(h, osvc, tmp_path)
    assert office.awaiting_registration(osvc) == []


def test_first_meeting_needs_date_place_who_and_what_was_explained(tmp_path: Path) -> None:
    _osvc, h, sid = case(tmp_path, Clock())
    with pytest.raises(ValidationError) as exc:
        h.save_record("first_meeting", {"date": "2026-11-22"}, subject=sid)
    assert {"place", "present", "explained"} <= set(exc.value.errors)


def test_travel_request_is_decided_at_the_office_and_the_decision_shows_on_the_phone(tmp_path: Path) -> None:
    clock = Clock()
    osvc, h, sid = case(tmp_path, clock)
    request = h.save_record("movement", TRAVEL, subject=sid)
    to_office(h, osvc, tmp_path)
    [pending] = office.pending_requests(osvc)
    assert (pending["id"], pending["name"], pending["author_name"]) == (request.id, "张三", "王五")
    outcome = office.decide(osvc, request.id, True, "按期返回后当面报告")
    assert outcome["relocation"] is None and outcome["decision"].data["outcome"] == "批准"
    assert office.pending_requests(osvc) == []
    to_helper(osvc, h, tmp_path)
    [row] = helper_workflow.case_panels(h, sid)["movements"]
    assert (row["decision"], row["decision_note"], row["can_return"]) == ("批准", "按期返回后当面报告", True)


def test_travel_request_needs_a_return_date_not_before_it_starts(tmp_path: Path) -> None:
    _osvc, h, sid = case(tmp_path, Clock())
    with pytest.raises(ValidationError) as exc:
        h.save_record("movement", {**TRAVEL, "end": ""}, subject=sid)
    assert "预计返回日期" in exc.value.errors["end"]
    with pytest.raises(ValidationError) as exc:
        h.save_record("movement", {**TRAVEL, "end": "2026-11-24"}, subject=sid)
    assert "end" in exc.value.errors


def test_return_on_time_closes_the_travel_and_overdue_raises_an_urgent_report(tmp_path: Path) -> None:
    clock = Clock()
    osvc, h, sid = case(tmp_path, clock)
    first = h.save_record("movement", TRAVEL, subject=sid)
    second = h.save_record("movement", {**TRAVEL, "destination": "重庆市"}, subject=sid)
    with pytest.raises(ValidationError):  # not decided yet
        helper_workflow.record_return(h, first.id, "按期返回")
    to_office(h, osvc, tmp_path)
    office.decide(osvc, first.id, True)
    office.decide(osvc, second.id, True)
    to_helper(osvc, h, tmp_path)
    clock.advance(8)
    [back] = helper_workflow.record_return(h, first.id, "按期返回")
    assert back.kind == "travel_return" and back.data["outcome"] == "按期返回"
    with pytest.raises(ValidationError):  # only once
        helper_workflow.record_return(h, first.id, "按期返回")
    saved = helper_workflow.record_return(h, second.id, "逾期未归", notes="电话无人接听")
    assert [r.kind for r in saved] == ["travel_return", "report"]
    assert saved[1].data["urgency"] == "紧急" and saved[1].data["category"] == "外出"
    assert "逾期未归" in saved[1].data["description"]
    to_office(h, osvc, tmp_path)
    [urgent] = office.dashboard(osvc)["urgent_reports"]
    assert urgent["id"] == saved[1].id


def test_refused_request_offers_no_return_and_only_the_office_decides(tmp_path: Path) -> None:
    osvc, h, sid = case(tmp_path, Clock())
    request = h.save_record("movement", TRAVEL, subject=sid)
    to_office(h, osvc, tmp_path)
    with pytest.raises(PermissionDenied):
        office.decide(h, request.id, True)
    with pytest.raises(NotFound):
        office.decide(osvc, "nosuchrecord", True)
    office.decide(osvc, request.id, False, "近期有重要情况,暂不批准")
    to_helper(osvc, h, tmp_path)
    [row] = helper_workflow.case_panels(h, sid)["movements"]
    assert (row["decision"], row["can_return"]) == ("不批准", False)
    with pytest.raises(ValidationError):
        helper_workflow.record_return(h, request.id, "按期返回")


def test_a_second_decision_revises_the_first(tmp_path: Path) -> None:
    osvc, h, sid = case(tmp_path, Clock())
    request = h.save_record("movement", TRAVEL, subject=sid)
    to_office(h, osvc, tmp_path)
    first = office.decide(osvc, request.id, False)["decision"]
    again = office.decide(osvc, request.id, True, "补充材料后同意")["decision"]
    assert again.id == first.id and again.revision == 2 and again.data["outcome"] == "批准"


def test_approved_move_to_another_committee_waits_for_reassignment_and_a_new_notice(tmp_path: Path) -> None:
    clock = Clock()
    osvc, h, sid = case(tmp_path, clock)
    request = h.save_record("movement", MOVE, subject=sid)
    to_office(h, osvc, tmp_path)
    outcome = office.decide(osvc, request.id, True)
    assert outcome["relocation"]["from"] == "青山村民委员会" and outcome["relocation"]["to"] == "白石村民委员会"
    [waiting] = office.relocations(osvc)
    assert (waiting["moved"], waiting["noticed"]) == (False, False)
    subject = osvc.store.get(sid)
    assert subject is not None
    office.save_subject(osvc, {**subject.data, "committee": "白石村民委员会", "residence": "白石村五组"}, sid)
    assert office.relocations(osvc)[0]["moved"] is True
    _notice(osvc, sid, day=osvc.today().isoformat())
    assert office.relocations(osvc) == []


def test_a_decision_written_by_a_helper_is_refused_at_import(tmp_path: Path) -> None:
    osvc, h, sid = case(tmp_path, Clock())
    forged = Record.new(
        "decision",
        {"request": "x" * 32, "outcome": "批准", "by": "王五", "date": "2026-11-23"},
        author=h.me.fingerprint,
        subject=sid,
    )
    with pytest.raises(OutOfScope):
        check_scope(osvc.store, [forged], h.me.fingerprint, "helper")
    own = Record.new("movement", TRAVEL, author=h.me.fingerprint, subject=sid)
    check_scope(osvc.store, [own], h.me.fingerprint, "helper")  # a helper kind on its subject
