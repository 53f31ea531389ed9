"""Saving helper records through the service: every helper kind, and corrections stop at export."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fakes import CHEAP, PASS

from core import formstate as fs
from core.demo import SAMPLE_SUBJECT
from core.errors import NotFound, ValidationError, XietongError
from core.records import HELPER_KINDS, Record
from sync.app.session import RecordLocked, Service
from sync.exchange import assign, enroll_helper, export_bundle, import_bundle, pin_office
from sync.protocol.identity import make_enrolment_request, make_office_card

SUBJECT = dict(SAMPLE_SUBJECT)
# One valid record per helper kind, as a helper fills it in the forms.
SAMPLES: dict[str, dict[str, Any]] = {
    "visit": {
        "date": "2026-03-02",
        "place": "家中",
        "present": "本人、母亲",
        "thinking": "思想稳定",
        "work": "务农",
        "life": "正常",
        "family": "和睦",
        "notes": "情绪稳定",
    },
    "report": {"category": "外出", "urgency": "紧急", "occurred": "2026-03-01", "description": "未请假外出"},
    "assistance": {
        "date": "2026-03-01",
        "difficulty": "缺少农资",
        "help": "联系农技站",
        "resources": "农技站",
        "outcome": "已解决",
    },
    "registration": {
        "committee": "青山村民委员会",
        "filler": "王五",
        "fill_date": "2026-03-01",
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
        "family": [
            {"name": "李梅", "relation": "妻子", "phone": "13812345678"},
            {"name": "张小", "relation": "儿子", "workplace": "县一中"},
        ],
        "family_problem": "否",
    },
    "evaluation": {
        "period": "2026年第一季度",
        "date": "2026-03-01",
        "evaluators": [{"name": "甲"}, {"name": "乙", "identity": "村干部"}, {"name": "丙"}],
        "law_abiding": "好",
        "community_service": "较好",
        "daily_conduct": "好",
        "grade": "好",
        "comments": "表现良好",
    },
    "meeting": {"date": "2026-03-01", "attendees": "李四、王五", "topics": "季度情况", "decisions": "继续帮教"},
    "declaration": {"type": "入矫", "date": "2026-03-01", "place": "司法所", "attended": True, "attendees": "本人"},
    "investigation": {
        "date": "2026-03-01",
        "requested_by": "某县人民法院",
        "residence": "固定",
        "family": "和睦",
        "social": "简单",
        "community_opinion": "同意",
        "opinion": "适宜社区矫正",
    },
    "social_support": {
        "date": "2026-03-01",
        "organisation": "县农技站",
        "org_type": "企事业单位",
        "help_type": "就业帮扶",
        "content": "介绍果园务工",
    },
    "first_meeting": {
        "date": "2026-03-01",
        "place": "村委会",
        "present": "王五、本人、司法所李四",
        "explained": "协助事项和报告规定",
    },
    "movement": {
        "type": "外出",
        "channel": "经协助人员提出",
        "applied": "2026-03-01",
        "start": "2026-03-05",
        "end": "2026-03-08",
        "destination": "成都市",
        "reason": "探亲",
    },
    "travel_return": {"request": "0" * 32, "outcome": "按期返回", "date": "2026-03-09"},
}


class TickClock:
    def __init__(self) -> None:
        self._ticks = itertools.count()

    def __call__(self) -> datetime:
        return datetime(2026, 3, 10, 8, 0, tzinfo=UTC) + timedelta(seconds=next(self._ticks))


def _paired(tmp_path: Path, clock: Any) -> tuple[Service, Service, str]:
    """An office and an enrolled helper (both Services), one subject assigned and delivered."""
    office = Service(tmp_path / "office", clock=clock, kdf=CHEAP)
    office.setup("office", "青山镇司法所", PASS)
    helper = Service(tmp_path / "helper", clock=clock, kdf=CHEAP)
    helper.setup("helper", "王五", PASS)
    ome, hme = office.me, helper.me
    pin_office(helper.store, make_office_card(ome), ome.public().grouped)
    enroll_helper(
        office.store,
        ome,
        make_enrolment_request(hme, "青山村民委员会", "13800138000"),
        hme.public().grouped,
        committee="青山村民委员会",
        conditions=[1, 2, 3, 4],
        reviewer="赵六",
        review_date="2026-02-20",
        clock=clock,
    )
    subject = Record.new("subject", dict(SUBJECT), author=ome.fingerprint, clock=clock)
    office.store.put(subject, actor=ome.fingerprint)
    assign(office.store, ome, subject.id, hme.fingerprint, clock)
    send(office, helper, clock)
    return office, helper, subject.id


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Service, Service, str, TickClock]:
    """An office and an enrolled helper (both Services), one subject assigned and delivered."""
    clock = TickClock()
    office, helper, sid = _paired(tmp_path, clock)
    return office, helper, sid, clock


def send(src: Service, dst: Service, clock: TickClock) -> None:
    blob = export_bundle(src.store, src.me, dst.me.fingerprint, clock=clock)
    assert import_bundle(dst.store, dst.me, blob, clock=clock).status == "accepted"


def test_every_helper_kind_saves_through_the_form_values_and_appears_in_the_timeline(pair) -> None:  # type: ignore[no-untyped-def]
    _, helper, sid, _ = pair
    assert set(SAMPLES) == set(HELPER_KINDS)
    for kind, data in SAMPLES.items():
        values = fs.from_data(kind, data)  # what the form shows, then what it saves
        rec = helper.save_record(kind, fs.to_data(kind, values), subject=sid)
        assert helper.record(rec.id).data == fs.to_data(kind, values)
    rows = helper.subject_detail(sid)["timeline"]
    assert sorted(r["kind"] for r in rows) == sorted(HELPER_KINDS)
    assert all(r["editable"] for r in rows)
    urgent = [r for r in rows if r["urgent"]]
    assert [r["kind"] for r in urgent] == ["report"]
    reg = helper.record(next(r["id"] for r in rows if r["kind"] == "registration"))
    assert [m["name"] for m in reg.data["family"]] == ["李梅", "张小"]


def test_correction_allowed_before_export_refused_after_export_and_after_delivery(pair) -> None:  # type: ignore[no-untyped-def]
    office, helper, sid, clock = pair
    rec = helper.save_record("visit", SAMPLES["visit"], subject=sid)
    fixed = helper.save_record("visit", {**SAMPLES["visit"], "place": "村委会"}, subject=sid, record_id=rec.id)
    assert fixed.revision == 2 and helper.record_lock_reason(rec.id) is None

    send(helper, office, clock)
    assert helper.record_sync_status(rec.id) == "已导出"
    with pytest.raises(RecordLocked) as refused:
        helper.save_record("visit", {**SAMPLES["visit"], "place": "田间"}, subject=sid, record_id=rec.id)
    assert "已导出" in refused.value.message and "不能再修改" in refused.value.message
    assert isinstance(refused.value, XietongError)
    assert helper.record(rec.id).revision == 2 and helper.record(rec.id).data["place"] == "村委会"
    row = next(r for r in helper.subject_detail(sid)["timeline"] if r["id"] == rec.id)
    assert row["editable"] is False

    send(office, helper, clock)  # the office's receipt
    assert helper.record_sync_status(rec.id) == "已送达"
    with pytest.raises(RecordLocked, match="已送达司法所"):
        helper.save_record("visit", SAMPLES["visit"], subject=sid, record_id=rec.id)
    # a new record is always possible
    assert helper.save_record("visit", SAMPLES["visit"], subject=sid).revision == 1


def test_record_written_by_the_office_cannot_be_corrected_by_the_helper(pair) -> None:  # type: ignore[no-untyped-def]
    _, helper, sid, _ = pair
    notice_or_subject = helper.record(sid)
    assert helper.record_lock_reason(notice_or_subject.id) == "这条记录不是您填写的,只能查看,不能修改。"
    with pytest.raises(RecordLocked):
        helper.save_record("subject", dict(notice_or_subject.data), subject=None, record_id=sid)
    assert helper.record(sid).revision == notice_or_subject.revision


def test_invalid_family_row_is_refused_with_the_row_key(pair) -> None:  # type: ignore[no-untyped-def]
    _, helper, sid, _ = pair
    values = fs.from_data("registration", SAMPLES["registration"])
    values = fs.add_row("registration", values, "family")
    values = fs.set_value(values, "family.2.name", "王六")
    with pytest.raises(ValidationError) as bad:
        helper.save_record("registration", fs.to_data("registration", values), subject=sid)
    assert bad.value.errors == {"family.2.relation": "家庭主要成员第3行:请填写关系"}
    assert [r for r in helper.subject_detail(sid)["timeline"] if r["kind"] == "registration"] == []


class JumpClock(TickClock):
    """Ticks like ``TickClock``; ``jump(days)`` moves every later reading forward."""

    def __init__(self) -> None:
        super().__init__()
        self.offset = timedelta(0)

    def jump(self, days: int) -> None:
        self.offset += timedelta(days=days)

    def __call__(self) -> datetime:
        return super().__call__() + self.offset


@pytest.fixture
def jump_pair(tmp_path: Path) -> tuple[Service, Service, str, JumpClock]:
    clock = JumpClock()
    office, helper, sid = _paired(tmp_path, clock)
    return office, helper, sid, clock


def test_acknowledged_records_older_than_the_retention_leave_the_phone_on_unlock(jump_pair) -> None:  # type: ignore[no-untyped-def]
    office, helper, sid, clock = jump_pair
    delivered = helper.save_record("assistance", SAMPLES["assistance"], subject=sid)
    last_visit = helper.save_record("visit", SAMPLES["visit"], subject=sid)
    send(helper, office, clock)
    send(office, helper, clock)  # the office's receipt
    assert helper.record_sync_status(delivered.id) == "已送达"
    clock.jump(60)
    exported = helper.save_record("report", SAMPLES["report"], subject=sid)
    send(helper, office, clock)  # sent, not yet acknowledged
    unsent = helper.save_record("meeting", SAMPLES["meeting"], subject=sid)

    helper.lock()
    helper.unlock(PASS)
    assert helper.record(delivered.id).id == delivered.id, "60 days < 90: still on the phone"

    clock.jump(31)  # the delivered visit is now 91 days old; the others 31
    helper.lock()
    helper.unlock(PASS)
    with pytest.raises(NotFound):
        helper.record(delivered.id)
    assert helper.record(exported.id).revision == 1 and helper.record(unsent.id).revision == 1
    # the subject's latest visit stays (the overdue rule needs it), delivered or not
    assert {r["id"] for r in helper.subject_detail(sid)["timeline"]} == {unsent.id, exported.id, last_visit.id}
    # the office keeps its copy: minimisation is the phone's only
    assert office.record(delivered.id).data == SAMPLES["assistance"]


def test_shortening_the_retention_in_settings_drops_old_delivered_records_at_once(jump_pair) -> None:  # type: ignore[no-untyped-def]
    office, helper, sid, clock = jump_pair
    old = helper.save_record("assistance", SAMPLES["assistance"], subject=sid)
    send(helper, office, clock)
    send(office, helper, clock)
    clock.jump(20)
    assert helper.drop_delivered() == 0
    helper.update_settings(retention_days=30)
    assert helper.record(old.id).revision == 1, "20 days < 30"
    helper.update_settings(retention_days=10)
    with pytest.raises(NotFound):
        helper.record(old.id)


def test_unlocking_the_office_never_drops_its_records(jump_pair) -> None:  # type: ignore[no-untyped-def]
    office, helper, sid, clock = jump_pair
    rec = helper.save_record("visit", SAMPLES["visit"], subject=sid)
    send(helper, office, clock)
    send(office, helper, clock)
    clock.jump(400)
    office.lock()
    office.unlock(PASS)
    assert office.drop_delivered() == 0
    assert office.record(rec.id).data == SAMPLES["visit"]


def test_subject_page_reads_the_sync_state_once_for_the_whole_timeline(pair, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    office, helper, sid, clock = pair
    first = helper.save_record("visit", SAMPLES["visit"], subject=sid)
    send(helper, office, clock)
    later = [helper.save_record(k, SAMPLES[k], subject=sid) for k in ("report", "assistance", "meeting")]
    store = helper.store
    reads: list[str] = []
    real = store.meta_get

    def counting(key: str, *args: Any, **kwargs: Any) -> Any:
        reads.append(key)
        return real(key, *args, **kwargs)

    monkeypatch.setattr(store, "meta_get", counting)
    rows = {r["id"]: r["editable"] for r in helper.subject_detail(sid)["timeline"]}
    assert rows == {first.id: False, **{r.id: True for r in later}}
    assert len([k for k in reads if k.endswith("acked")]) == 1, reads


def test_service_today_follows_its_clock(pair) -> None:  # type: ignore[no-untyped-def]
    _, helper, _, _ = pair
    assert helper.today().isoformat() == "2026-03-10"
    assert fs.new_values("visit", today=helper.today())["date"] == "2026-03-10"


def test_drafts_of_records_dropped_by_retention_or_of_withdrawn_subjects_go_too(jump_pair) -> None:  # type: ignore[no-untyped-def]
    from sync.exchange import unassign

    office, helper, sid, clock = jump_pair
    delivered = helper.save_record("assistance", SAMPLES["assistance"], subject=sid)
    send(helper, office, clock)
    send(office, helper, clock)
    kept = helper.save_record("meeting", SAMPLES["meeting"], subject=sid)
    helper.save_draft(fs.draft_id("assistance", sid, delivered.id), {"note": "改了一半"})
    helper.save_draft(fs.draft_id("meeting", sid, kept.id), {"note": "还在"})
    helper.save_draft(fs.draft_id("visit", sid, None), {"note": "新走访"})
    helper.save_draft("not-a-form-draft", {"note": "其他"})

    clock.jump(91)
    helper.lock()
    helper.unlock(PASS)
    with pytest.raises(NotFound):
        helper.record(delivered.id)
    assert helper.load_draft(fs.draft_id("assistance", sid, delivered.id)) is None
    assert helper.load_draft(fs.draft_id("meeting", sid, kept.id)) == {"note": "还在"}
    assert helper.load_draft(fs.draft_id("visit", sid, None)) == {"note": "新走访"}

    # The office withdraws the subject: its drafts leave the phone at the next unlock.
    unassign(office.store, office.me, sid, helper.me.fingerprint, clock)
    send(office, helper, clock)
    helper.lock()
    helper.unlock(PASS)
    assert helper.load_draft(fs.draft_id("visit", sid, None)) is None
    assert helper.load_draft(fs.draft_id("meeting", sid, kept.id)) is None
    assert helper.load_draft("not-a-form-draft") == {"note": "其他"}, "a draft of unknown shape is never guessed at"


def test_draft_owner_reads_back_every_draft_id() -> None:
    assert fs.draft_owner(fs.draft_id("visit", "s-1-2", None)) == (None, "s-1-2")
    assert fs.draft_owner(fs.draft_id("visit", "s-1", "r-9")) == ("r-9", None)
    assert fs.draft_owner("new-nokind-s1") == (None, None)
    assert fs.draft_owner("other") == (None, None)


# ---------------------------------------------------------------- timeline statuses (issue 4, item 4)


def _row(helper: Service, sid: str, rid: str) -> dict[str, Any]:
    return next(r for r in helper.subject_detail(sid)["timeline"] if r["id"] == rid)


def test_own_record_status_follows_the_sync_state_and_keeps_the_revision_note(pair) -> None:  # type: ignore[no-untyped-def]
    office, helper, sid, clock = pair
    rec = helper.save_record("visit", SAMPLES["visit"], subject=sid)
    row = _row(helper, sid, rec.id)
    assert (row["status"], row["revision_note"], row["handling"], row["draft"]) == ("未导出", "", None, False)
    helper.save_record("visit", {**SAMPLES["visit"], "place": "村委会"}, subject=sid, record_id=rec.id)
    row = _row(helper, sid, rec.id)
    assert (row["status"], row["revision_note"]) == ("未导出", "已修改(第2版)")
    send(helper, office, clock)
    row = _row(helper, sid, rec.id)
    assert (row["status"], row["revision_note"], row["editable"]) == ("已导出", "已修改(第2版)", False)
    send(office, helper, clock)  # the office's receipt
    assert _row(helper, sid, rec.id)["status"] == "已送达"


def test_report_shows_its_sync_status_and_separately_whether_the_office_handled_it(pair) -> None:  # type: ignore[no-untyped-def]
    from sync.app import office as office_actions

    office, helper, sid, clock = pair
    report = helper.save_record("report", SAMPLES["report"], subject=sid)
    row = _row(helper, sid, report.id)
    assert (row["status"], row["handling"], row["urgent"]) == ("未导出", "待处理", True)
    send(helper, office, clock)
    assert (_row(helper, sid, report.id)["status"], _row(helper, sid, report.id)["handling"]) == ("已导出", "待处理")
    office_actions.acknowledge(office, report.id, "已电话联系")
    send(office, helper, clock)
    row = _row(helper, sid, report.id)
    assert (row["status"], row["handling"]) == ("已送达", "已处理")
    # the office's own page still reads the handling as its status
    [office_row] = [r for r in office_actions.subject_page(office, sid)["timeline"] if r["id"] == report.id]
    assert office_row["status"] == "已处理"


def test_notice_and_acknowledgement_from_the_office_are_labelled_as_sent_by_the_office(pair) -> None:  # type: ignore[no-untyped-def]
    from sync.app import office as office_actions

    office, helper, sid, clock = pair
    notice = office_actions.issue_notice(
        office,
        sid,
        tasks=["报告重要情况"],
        contact="赵六",
        contact_phone="13800000000",
        issuer="赵六",
        approver="钱七",
        issue_date="2026-03-05",
    )
    send(office, helper, clock)
    row = _row(helper, sid, notice.id)
    assert (row["status"], row["editable"], row["handling"]) == ("司法所发来", False, None)
    assert row["route"] == f"/records/{notice.id}/edit"  # opens read-only: not the helper's record


def test_unsaved_new_record_draft_is_a_draft_row_on_top_that_opens_its_new_form(pair) -> None:  # type: ignore[no-untyped-def]
    from core.routes import parse_route

    _, helper, sid, _ = pair
    helper.save_record("visit", SAMPLES["visit"], subject=sid)
    values = fs.set_value(fs.new_values("report"), "category", "经济纠纷")
    values = fs.set_value(values, "urgency", "紧急")
    helper.save_draft(fs.draft_id("report", sid, None), fs.to_draft("report", values))
    helper.save_draft(fs.draft_id("visit", "another-subject", None), fs.to_draft("visit", fs.new_values("visit")))
    helper.save_draft("not-a-form-draft", {"note": "其他"})

    timeline = helper.subject_detail(sid)["timeline"]
    drafts = [r for r in timeline if r["draft"]]
    assert [r["id"] for r in drafts] == [fs.draft_id("report", sid, None)], "only this subject's form drafts"
    top = timeline[0]
    assert top == drafts[0]
    assert (top["status"], top["kind"], top["title"], top["urgent"], top["handling"]) == (
        "草稿",
        "report",
        "经济纠纷",
        True,
        None,
    )
    screen = parse_route(top["route"])
    assert (screen.name, screen.get("id"), screen.get("kind")) == ("new_record", sid, "report")
    assert top["date"] == "2026-03-10", "no date typed yet: the day the draft was saved"

    helper.discard_draft(fs.draft_id("report", sid, None))
    assert not any(r["draft"] for r in helper.subject_detail(sid)["timeline"])


def test_edit_draft_is_listed_while_its_record_can_be_corrected_and_opens_the_record(pair) -> None:  # type: ignore[no-untyped-def]
    from core.routes import parse_route

    office, helper, sid, clock = pair
    rec = helper.save_record("visit", SAMPLES["visit"], subject=sid)
    edited = fs.set_value(fs.from_data("visit", SAMPLES["visit"]), "place", "田间地头")
    helper.save_draft(fs.draft_id("visit", sid, rec.id), fs.to_draft("visit", edited))
    timeline = helper.subject_detail(sid)["timeline"]
    [draft] = [r for r in timeline if r["draft"]]
    assert (draft["status"], draft["title"], draft["revision_note"]) == ("草稿", "田间地头", "修改尚未保存")
    assert draft["date"] == SAMPLES["visit"]["date"]
    screen = parse_route(draft["route"])
    assert (screen.name, screen.get("id")) == ("edit_record", rec.id)
    assert [r["status"] for r in timeline if r["id"] == rec.id] == ["未导出"], "the saved record keeps its own row"

    send(helper, office, clock)  # exported: the correction can no longer be saved, so no draft row
    assert not any(r["draft"] for r in helper.subject_detail(sid)["timeline"])


def test_a_damaged_draft_file_leaves_the_subject_page_and_unlocking_working(pair) -> None:  # type: ignore[no-untyped-def]
    _, helper, sid, _ = pair
    rec = helper.save_record("visit", SAMPLES["visit"], subject=sid)
    helper.save_draft(fs.draft_id("report", sid, None), fs.to_draft("report", fs.new_values("report")))
    [damaged] = list((helper.home / "drafts").glob("*.bin"))
    damaged.write_bytes(b"\x00not a sealed draft")
    rows = helper.subject_detail(sid)["timeline"]
    assert [r["id"] for r in rows] == [rec.id] and rows[0]["status"] == "未导出"
    helper.lock()
    helper.unlock(PASS)
    assert not helper.locked
    assert any("草稿" in p for p in helper.store.check()), "the damage is still reported"
