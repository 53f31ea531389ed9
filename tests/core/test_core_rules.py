"""Supervision rules: overdue visits, terms ending, badges and per-subject summaries."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from core import rules
from core.records import Record

TODAY = date(2026, 5, 20)
OFFICE = "9" * 30
HELPER = "1" * 30


def _clock() -> datetime:
    return datetime(2026, 5, 20, 8, tzinfo=UTC)


def test_visit_exactly_at_interval_is_not_overdue_but_one_day_later_is() -> None:
    assert not rules.visit_overdue(TODAY - timedelta(days=30), TODAY)
    assert rules.visit_overdue(TODAY - timedelta(days=31), TODAY)
    assert rules.days_overdue(TODAY - timedelta(days=31), TODAY) == 1
    assert rules.days_overdue(TODAY - timedelta(days=10), TODAY) == 0


def test_custom_interval_is_honoured() -> None:
    assert rules.visit_overdue(TODAY - timedelta(days=8), TODAY, 7)
    assert not rules.visit_overdue(TODAY - timedelta(days=8), TODAY, interval_days=14)


def test_never_visited_is_overdue_once_term_has_started() -> None:
    assert rules.visit_overdue(None, TODAY)
    assert rules.visit_overdue(None, TODAY, term_start=TODAY)
    assert not rules.visit_overdue(None, TODAY, term_start=TODAY + timedelta(days=1))
    assert rules.days_overdue(None, TODAY, term_start=TODAY - timedelta(days=12)) == 12
    assert rules.days_overdue(None, TODAY) == 0


def test_term_ending_within_counts_today_and_the_last_day_but_not_past_terms() -> None:
    assert rules.term_ending_within(TODAY, TODAY, 30)
    assert rules.term_ending_within(TODAY + timedelta(days=30), TODAY, 30)
    assert not rules.term_ending_within(TODAY + timedelta(days=31), TODAY, 30)
    assert not rules.term_ending_within(TODAY - timedelta(days=1), TODAY, 30)
    assert not rules.term_ending_within(None, TODAY, 30)


def _subject(start: date, end: date) -> dict[str, Any]:
    return {
        "name": "李堃",
        "committee": "河口村民委员会",
        "town": "青石镇",
        "category": "缓刑",
        "term_start": start.isoformat(),
        "term_end": end.isoformat(),
        "helpers": [HELPER],
    }


def test_badges_for_an_overdue_urgent_ending_subject_in_fixed_order() -> None:
    subject = _subject(TODAY - timedelta(days=300), TODAY + timedelta(days=10))
    badges = rules.subject_badges(subject, TODAY - timedelta(days=45), 2, TODAY)
    assert badges == ["走访逾期", "紧急情况待处理", "即将解矫"]


def test_no_badges_for_a_recently_visited_subject_far_from_term_end() -> None:
    subject = _subject(TODAY - timedelta(days=100), TODAY + timedelta(days=200))
    assert rules.subject_badges(subject, TODAY - timedelta(days=3), 0, TODAY) == []
    assert rules.subject_badges(subject, (TODAY - timedelta(days=3)).isoformat(), 0, TODAY) == []


def test_visits_are_not_due_outside_the_term() -> None:
    ended = _subject(TODAY - timedelta(days=400), TODAY - timedelta(days=5))
    assert rules.subject_badges(ended, None, 0, TODAY) == []
    future = _subject(TODAY + timedelta(days=5), TODAY + timedelta(days=400))
    assert rules.subject_badges(future, None, 0, TODAY) == []


def test_badge_thresholds_are_parameters() -> None:
    subject = _subject(TODAY - timedelta(days=100), TODAY + timedelta(days=50))
    assert rules.subject_badges(subject, TODAY - timedelta(days=10), 0, TODAY) == []
    badges = rules.subject_badges(subject, TODAY - timedelta(days=10), 0, TODAY, visit_interval=7, ending_days=60)
    assert badges == ["走访逾期", "即将解矫"]


def test_badges_survive_garbage_subject_data() -> None:
    assert rules.subject_badges({"term_start": 5, "term_end": "soon"}, "yesterday", 0, TODAY) == ["走访逾期"]
    assert rules.subject_badges(None, None, "3", TODAY) == ["走访逾期"]  # type: ignore[arg-type]


def _rec(kind: str, data: dict[str, Any], *, deleted: bool = False, rid: str | None = None) -> Record:
    r = Record.new(kind, data, author=HELPER if kind != "ack" else OFFICE, subject="s1", clock=_clock, record_id=rid)
    return r.revise(data, clock=_clock, deleted=True) if deleted else r


def _as_subject(data: dict[str, Any]) -> Record:
    return Record.new("subject", data, author=OFFICE, subject="s1", clock=_clock, record_id="s1")


def test_summary_of_a_subject_nobody_registered_names_nothing() -> None:
    summary = rules.summarise_subject("s1", [_rec("visit", {"date": "2026-04-01"})])
    assert summary["name"] == "" and summary["last_visit"] == "2026-04-01" and summary["deleted"] is False


def test_summary_counts_last_visit_and_unacknowledged_urgent_reports() -> None:
    subject = _subject(date(2026, 1, 1), date(2026, 12, 31))
    records = [
        _rec("visit", {"date": "2026-03-01"}),
        _rec("visit", {"date": "2026-04-15"}),
        _rec("visit", {"date": "2026-05-01"}, deleted=True),  # deleted visits do not count
        _rec("visit", {"date": "garbage"}),
        _rec("report", {"urgency": "紧急"}, rid="r1"),
        _rec("report", {"urgency": "紧急"}, rid="r2"),
        _rec("report", {"urgency": "一般"}, rid="r3"),
        _rec("ack", {"report": "r1"}),
        _rec("ack", {"report": "r2"}, deleted=True),  # a withdrawn acknowledgement reopens r2
    ]
    summary = rules.summarise_subject("s1", [_as_subject(subject), *records])
    assert summary["name"] == "李堃" and summary["category"] == "缓刑" and summary["helpers"] == [HELPER]
    assert summary["term_end"] == "2026-12-31"
    assert summary["last_visit"] == "2026-04-15"
    assert summary["open_urgent"] == 1
    assert summary["open_reports"] == 2
    assert summary["counts"] == {"ack": 1, "report": 3, "visit": 3}
    assert json.loads(json.dumps(summary, ensure_ascii=False)) == summary
    assert [r.id for r in rules.open_urgent_reports(records)] == ["r2"]


def test_summary_feeds_badges_directly() -> None:
    summary = rules.summarise_subject(
        "s1",
        [
            _as_subject(_subject(date(2026, 1, 1), date(2026, 6, 1))),
            _rec("visit", {"date": "2026-04-01"}),
            _rec("report", {"urgency": "紧急"}),
        ],
    )
    assert rules.summary_badges(summary, TODAY) == ["走访逾期", "紧急情况待处理", "即将解矫"]
    assert rules.summary_badges(summary, date(2026, 4, 2)) == ["紧急情况待处理"]


def test_summary_of_a_subject_with_no_records() -> None:
    summary = rules.summarise_subject("s1", [_as_subject({"name": "王犇"})])
    assert summary["last_visit"] is None and summary["open_urgent"] == 0 and summary["counts"] == {}
    assert summary["helpers"] == [] and summary["term_end"] == ""


@pytest.mark.parametrize("bad", [None, [], "x", {"helpers": "abc", "name": 3}])
def test_summary_tolerates_malformed_subject_data(bad: Any) -> None:
    subject = Record("s1", "subject", "s1", OFFICE, 1, "2026-01-01", "2026-01-01", False, bad)
    summary = rules.summarise_subject("s1", [subject])
    assert summary["name"] == "" and summary["helpers"] == []
