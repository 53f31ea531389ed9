"""Handover (移交): a subject moves to a new helper. The new phone receives the latest 附件2,
the last N visits and evaluations and the open reports as one office record, and nothing
else of the old helper's; the old phone purges the subject."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fakes import CHEAP, PASS

from core.demo import SAMPLE_SUBJECT
from core.errors import ValidationError
from core.handover import HANDOVER_KIND
from core.kinds import validate
from core.records import HELPER_KINDS, Record
from sync.app import office
from sync.app.handover import handover_rows
from sync.app.session import Service
from sync.exchange import enroll_helper, export_bundle, import_bundle, pin_office
from sync.protocol.identity import make_enrolment_request, make_office_card

VISIT = {
    "place": "家中",
    "present": "本人、母亲",
    "thinking": "思想稳定",
    "work": "务农",
    "life": "正常",
    "family": "和睦",
    "notes": "情绪稳定",
}
REGISTRATION = {
    "committee": "青山村民委员会",
    "filler": "王五",
    "name": "张三",
    "gender": "男",
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
    "living": "与妻子同住",
    "workplace": "务农",
    "work_status": "正常",
    "personality": "内向",
    "skills": "种植",
    "other_traits": "无",
    "family": [{"name": "李梅", "relation": "妻子", "phone": "13812345678"}],
    "family_problem": "否",
}
EVALUATION = {
    "evaluators": [{"name": "甲"}, {"name": "乙", "identity": "村干部"}, {"name": "丙"}],
    "law_abiding": "好",
    "community_service": "较好",
    "daily_conduct": "好",
    "grade": "好",
    "comments": "良好",
}
REPORT = {"category": "外出", "urgency": "一般", "description": "未请假外出"}


class TickClock:
    def __init__(self) -> None:
        self._ticks = itertools.count()

    def __call__(self) -> datetime:
        return datetime(2026, 3, 20, 8, 0, tzinfo=UTC) + timedelta(seconds=next(self._ticks))


def _helper(tmp_path: Path, name: str, osvc: Service, clock: TickClock) -> Service:
    svc = Service(tmp_path / name, clock=clock, kdf=CHEAP)
    svc.setup("helper", name, PASS)
    pin_office(svc.store, make_office_card(osvc.me), osvc.me.public().grouped)
    enroll_helper(
        osvc.store,
        osvc.me,
        make_enrolment_request(svc.me, "青山村民委员会", "13800138000"),
        svc.me.public().grouped,
        committee="青山村民委员会",
        conditions=[1, 2, 3, 4],
        reviewer="赵六",
        review_date="2026-02-20",
        clock=clock,
    )
    return svc


def _send(src: Service, dst: Service, clock: TickClock):  # type: ignore[no-untyped-def]
    out = import_bundle(
        dst.store, dst.me, export_bundle(src.store, src.me, dst.me.fingerprint, clock=clock), clock=clock
    )
    assert out.status == "accepted", out.message
    return out


@pytest.fixture
def case(tmp_path: Path) -> dict[str, Any]:
    """An office, the old helper 王五 with a history for one subject (all delivered), the new
    helper 李六 and a third helper 赵七."""
    clock = TickClock()
    osvc = Service(tmp_path / "office", clock=clock, kdf=CHEAP)
    osvc.setup("office", "青山镇司法所", PASS)
    old, new, third = (_helper(tmp_path, n, osvc, clock) for n in ("王五", "李六", "赵七"))
    sid = office.save_subject(osvc, dict(SAMPLE_SUBJECT)).id
    office.assign(osvc, sid, old.me.fingerprint)
    team = Record.new(
        "team",
        {"members": [{"slot": "office_staff", "name": "李四"}]},
        author=osvc.me.fingerprint,
        subject=sid,
        clock=clock,
    )
    osvc.store.put(team, actor=osvc.me.fingerprint)
    _send(osvc, old, clock)
    mine = {
        "registration": [old.save_record("registration", {**REGISTRATION, "fill_date": "2026-03-01"}, subject=sid)],
        "visit": [old.save_record("visit", {**VISIT, "date": f"2026-03-{d:02d}"}, subject=sid) for d in (2, 5, 9, 12)],
        "evaluation": [
            old.save_record("evaluation", {**EVALUATION, "period": p, "date": d}, subject=sid)
            for p, d in (("一月", "2026-01-31"), ("二月", "2026-02-28"), ("三月", "2026-03-15"))
        ],
        "report": [
            old.save_record("report", {**REPORT, "occurred": d}, subject=sid) for d in ("2026-03-03", "2026-03-10")
        ],
        "assistance": [
            old.save_record(
                "assistance",
                {
                    "date": "2026-03-04",
                    "difficulty": "缺少农资",
                    "help": "联系农技站",
                    "resources": "农技站",
                    "outcome": "已解决",
                },
                subject=sid,
            )
        ],
    }
    _send(old, osvc, clock)
    office.acknowledge(osvc, mine["report"][0].id, "已核实")
    return {
        "clock": clock,
        "office": osvc,
        "old": old,
        "new": new,
        "third": third,
        "sid": sid,
        "mine": mine,
        "team": team,
    }


def test_the_new_phone_gets_the_history_to_continue_and_nothing_else_of_the_old_helper(case: dict[str, Any]) -> None:
    clock, osvc, old, new, sid, mine = (case[k] for k in ("clock", "office", "old", "new", "sid", "mine"))
    office.set_handover_keep(osvc, 2)
    office.assign(osvc, sid, new.me.fingerprint, replace=old.me.fingerprint)

    _send(osvc, new, clock)
    held = new.store.list(include_deleted=True)
    assert all(r.author == osvc.me.fingerprint for r in held if r.subject == sid)  # no record of 王五's as such
    assert not [r for r in held if r.kind in HELPER_KINDS]
    assert {r.kind for r in held if r.subject == sid} == {"subject", "team", HANDOVER_KIND}

    [handover] = handover_rows(new, sid)
    assert handover["from_name"] == "王五"
    got = [(i["kind"], i["date"]) for i in handover["items"]]
    assert got == [
        ("registration", "2026-03-01"),
        ("visit", "2026-03-12"),
        ("visit", "2026-03-09"),
        ("evaluation", "2026-03-15"),
        ("evaluation", "2026-02-28"),
        ("report", "2026-03-10"),
    ]
    assert handover["items"][0]["data"]["family"] == REGISTRATION["family"]  # a copy of the form, whole
    assert all(i["author_name"] == "王五" for i in handover["items"])
    copied = str(handover)
    assert old.me.fingerprint not in copied and mine["assistance"][0].id not in copied
    assert not any(r.id in copied for rs in mine.values() for r in rs)  # copies of data, not the records

    row = next(t for t in new.subject_detail(sid)["timeline"] if t["kind"] == HANDOVER_KIND)
    assert row["kind_label"] == "移交材料" and row["title"] == "王五"


def test_the_old_phone_purges_the_subject_once_the_office_withdraws_it(case: dict[str, Any]) -> None:
    clock, osvc, old, new, sid = (case[k] for k in ("clock", "office", "old", "new", "sid"))
    office.assign(osvc, sid, new.me.fingerprint, replace=old.me.fingerprint)
    out = _send(osvc, old, clock)
    assert out.withdrawn == [sid]
    assert old.store.list(subject=sid, include_deleted=True) == []
    assert old.subject_rows() == []
    assert office.subject_page(osvc, sid)["helpers"] == [{"fingerprint": new.me.fingerprint, "name": "李六"}]


def test_a_handover_goes_only_to_the_helper_it_was_made_for(case: dict[str, Any]) -> None:
    clock, osvc, old, new, third, sid = (case[k] for k in ("clock", "office", "old", "new", "third", "sid"))
    office.assign(osvc, sid, new.me.fingerprint, replace=old.me.fingerprint)
    office.assign(osvc, sid, third.me.fingerprint)  # a second helper beside the new one: no move
    _send(osvc, third, clock)
    assert {r.kind for r in third.store.list(subject=sid)} == {"subject", "team"}
    assert len(osvc.store.list(subject=sid, kinds=(HANDOVER_KIND,))) == 1


def test_a_subject_whose_helper_was_taken_off_is_handed_over_to_the_next_one(case: dict[str, Any]) -> None:
    osvc, old, new, sid = (case[k] for k in ("office", "old", "new", "sid"))
    office.unassign(osvc, sid, old.me.fingerprint)
    office.assign(osvc, sid, new.me.fingerprint)
    [rec] = osvc.store.list(subject=sid, kinds=(HANDOVER_KIND,))
    assert rec.data["helper"] == new.me.fingerprint and rec.data["from_name"] == "王五"
    assert len(rec.data["items"]) == 1 + 3 + 3 + 1  # default: the last 3 visits and evaluations


def test_a_new_subjects_first_helper_gets_no_handover(tmp_path: Path) -> None:
    clock = TickClock()
    osvc = Service(tmp_path / "office", clock=clock, kdf=CHEAP)
    osvc.setup("office", "青山镇司法所", PASS)
    helper = _helper(tmp_path, "王五", osvc, clock)
    sid = office.save_subject(osvc, dict(SAMPLE_SUBJECT)).id
    office.assign(osvc, sid, helper.me.fingerprint)
    assert osvc.store.list(subject=sid, kinds=(HANDOVER_KIND,)) == []


def test_the_number_handed_over_is_an_office_setting(case: dict[str, Any]) -> None:
    osvc = case["office"]
    assert office.handover_keep(osvc) == 3
    assert office.set_handover_keep(osvc, "5") == 5 and office.handover_keep(osvc) == 5
    with pytest.raises(ValidationError):
        office.set_handover_keep(osvc, 99)


def test_a_handover_whose_copy_is_not_a_valid_record_is_refused() -> None:
    fp = "1" * 30
    good = {
        "helper": fp,
        "date": "2026-03-01",
        "items": [
            {"kind": "visit", "date": "2026-03-02", "author_name": "王五", "data": {**VISIT, "date": "2026-03-02"}}
        ],
    }
    assert validate(HANDOVER_KIND, good) == {}
    bad = {**good, "items": [{**good["items"][0], "data": {"date": "2026-03-02"}}]}
    assert "items.0.data" in validate(HANDOVER_KIND, bad)
    wrong_kind = {**good, "items": [{**good["items"][0], "kind": "assistance"}]}
    assert "items.0.kind" in validate(HANDOVER_KIND, wrong_kind)
