"""Visits as choices through the application API (issue 17): 与上次相同, from an 异常 answer to a
report, old free-text visits beside new ones in bundles, on the office's subject page and on
its dashboard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_session_records import TickClock, _paired, send

from core import formstate as fs
from core.errors import ValidationError
from sync.app import office
from sync.app import visits as visit_actions
from sync.app.session import Service

TODAY = "2026-03-10"  # the TickClock's day
ROUTINE = {
    "date": "2026-03-09",
    "place": "家中",
    "present_who": ["本人"],
    "thinking_state": "稳定",
    "work_state": "正常",
    "life_state": "正常",
    "family_state": "正常",
}
LEGACY = {
    "date": "2026-03-01",
    "place": "村委会",
    "present": "本人及其母亲",
    "thinking": "思想稳定,认罪悔罪",
    "work": "在家务农",
    "life": "生活正常",
    "family": "家庭和睦",
    "notes": "了解近况,未发现异常",
}
ABNORMAL = {
    **ROUTINE,
    "date": TODAY,
    "family_state": "异常",
    "family_note": "与妻子争吵后分居",
    "notes": "已劝导,将继续关注",
}


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Service, Service, str, TickClock]:
    clock = TickClock()
    office_svc, helper, sid = _paired(tmp_path, clock)
    return office_svc, helper, sid, clock


def test_last_visit_is_the_newest_by_visit_date_whoever_saved_it_later(pair: Any) -> None:
    _, helper, sid, _ = pair
    assert helper.last_visit(sid) is None
    helper.save_record(
        "visit",
        {**ROUTINE, "date": "2026-03-08", "work_state": "有变化", "work_note": "换了工作", "notes": "记录"},
        subject=sid,
    )
    helper.save_record("visit", LEGACY, subject=sid)  # saved later, but visited earlier
    last = helper.last_visit(sid)
    assert last is not None and last["date"] == "2026-03-08" and last["work_note"] == "换了工作"


def test_same_as_last_fills_the_answers_of_the_last_visit_and_keeps_today(pair: Any) -> None:
    _, helper, sid, _ = pair
    helper.save_record(
        "visit",
        {
            **ROUTINE,
            "present_who": ["本人", "家属"],
            "life_state": "有变化",
            "life_note": "搬到女儿家住",
            "notes": "上次",
        },
        subject=sid,
    )
    values = fs.new_values("visit", helper.today())
    out = visit_actions.same_as_last(helper, sid, values)
    assert out["date"] == TODAY and out["notes"] == ""
    assert (
        out["present_who"] == ["本人", "家属"] and out["life_state"] == "有变化" and out["life_note"] == "搬到女儿家住"
    )


def test_same_as_last_says_why_when_there_is_nothing_to_copy(pair: Any) -> None:
    _, helper, sid, _ = pair
    values = fs.new_values("visit", helper.today())
    with pytest.raises(visit_actions.NothingToCopy) as none:
        visit_actions.same_as_last(helper, sid, values)
    assert none.value.message == "该对象还没有可带入的走访记录,请逐项选择。"
    helper.save_record("visit", LEGACY, subject=sid)
    with pytest.raises(visit_actions.NothingToCopy) as legacy:
        visit_actions.same_as_last(helper, sid, values)
    assert legacy.value.message == "上次走访是旧版文字记录,没有可带入的选项,请逐项选择。"


def test_an_abnormal_answer_saves_the_visit_and_begins_a_report_with_category_and_note(pair: Any) -> None:
    _, helper, sid, _ = pair
    did = fs.draft_id("visit", sid, None)
    helper.save_draft(did, fs.to_draft("visit", fs.from_data("visit", ABNORMAL)))
    rec, report_did = visit_actions.save_and_report(helper, sid, ABNORMAL, "family_state")
    assert helper.record(rec.id).data == ABNORMAL and helper.load_draft(did) is None
    report = fs.from_draft("report", helper.load_draft(report_did))
    assert report["category"] == "严重情感纠纷" and report["occurred"] == TODAY
    assert report["description"] == "走访发现家庭情况异常:与妻子争吵后分居"
    assert report["urgency"] == "", "how urgent it is stays the helper's choice"
    report["urgency"] = "一般"
    saved = helper.save_record("report", fs.to_data("report", report), subject=sid)
    assert saved.data["category"] == "严重情感纠纷"


def test_a_refused_visit_begins_no_report_and_saves_nothing(pair: Any) -> None:
    _, helper, sid, _ = pair
    no_note = {k: v for k, v in ABNORMAL.items() if k != "family_note"}
    with pytest.raises(ValidationError) as refused:
        visit_actions.save_and_report(helper, sid, no_note, "family_state")
    assert refused.value.errors == {"family_note": "家庭情况为“异常”,请在家庭情况说明中写明具体情况"}
    assert helper.list_records("visit", sid) == [] and helper.load_draft(fs.draft_id("report", sid, None)) is None


def test_a_report_draft_already_begun_keeps_what_was_typed(pair: Any) -> None:
    _, helper, sid, _ = pair
    did = fs.draft_id("report", sid, None)
    begun = fs.set_value(fs.new_values("report", helper.today()), "description", "已在写的报告")
    helper.save_draft(did, fs.to_draft("report", begun))
    visit_actions.start_report(helper, sid, ABNORMAL, "family_state")
    kept = fs.from_draft("report", helper.load_draft(did))
    assert kept["description"] == "已在写的报告" and kept["category"] == "严重情感纠纷"


def test_new_and_free_text_visits_travel_to_the_office_and_show_there_as_saved(pair: Any) -> None:
    office_svc, helper, sid, clock = pair
    helper.save_record("visit", LEGACY, subject=sid)
    helper.save_record("visit", ABNORMAL, subject=sid)
    helper.save_record("visit", ROUTINE, subject=sid)
    send(helper, office_svc, clock)  # validated at the office under the same scope rules
    got = sorted((r.data for r in office_svc.list_records("visit", sid)), key=lambda d: d["date"])
    assert got == [LEGACY, ROUTINE, ABNORMAL], "each arrives exactly as it was saved, nothing migrated"
    page = office.subject_page(office_svc, sid)
    lines = {r["date"]: r["lines"] for r in page["timeline"] if r["kind"] == "visit"}
    old = [(x["label"], x["text"]) for x in lines["2026-03-01"]]
    assert ("思想状况", "思想稳定,认罪悔罪") in old and ("在场人员", "本人及其母亲") in old
    new = {x["label"]: (x["text"], x["unusual"]) for x in lines[TODAY]}
    assert new["家庭情况"] == ("异常(与妻子争吵后分居)", True) and new["思想状况"] == ("稳定", False)
    assert new["走访记录"] == ("已劝导,将继续关注", False)
    titles = {r["date"]: r["title"] for r in page["timeline"] if r["kind"] == "visit"}
    assert titles == {"2026-03-01": "村委会", "2026-03-09": "家中", TODAY: "家中 · 家庭情况异常"}


def test_the_dashboard_lists_visits_with_an_unusual_answer_in_the_last_30_days(pair: Any) -> None:
    office_svc, helper, sid, clock = pair
    helper.save_record("visit", {**ABNORMAL, "date": "2026-02-01", "family_note": "一个多月前的事"}, subject=sid)
    helper.save_record("visit", {**ROUTINE, "date": "2026-03-05"}, subject=sid)
    helper.save_record("visit", ABNORMAL, subject=sid)
    helper.save_record("visit", LEGACY, subject=sid)
    send(helper, office_svc, clock)
    rows = office.dashboard(office_svc)["unusual_visits"]
    assert [(r["date"], r["name"], r["text"]) for r in rows] == [(TODAY, "张三", "家庭情况异常(与妻子争吵后分居)")]


def test_the_dashboard_reads_the_partition_when_a_summary_predates_the_unusual_visits(
    pair: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    office_svc, helper, sid, clock = pair
    helper.save_record("visit", ABNORMAL, subject=sid)
    send(helper, office_svc, clock)
    store = office_svc.store
    real = store.summaries

    def old_summaries() -> dict[str, dict[str, Any]]:  # as an index written before this version
        return {k: {n: v for n, v in s.items() if n != "unusual_visits"} for k, s in real().items()}

    monkeypatch.setattr(store, "summaries", old_summaries)
    rows = office.dashboard(office_svc)["unusual_visits"]
    assert [(r["date"], r["text"]) for r in rows] == [(TODAY, "家庭情况异常(与妻子争吵后分居)")]
