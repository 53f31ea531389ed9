"""The timeline line both the helper's page and the office's subject page show for a record."""

from __future__ import annotations

from core.records import Record
from core.timeline import headline, record_date, shown, timeline_row


def _record(kind: str, data: dict, revision: int = 1) -> Record:  # type: ignore[type-arg]
    return Record(
        id="r1",
        kind=kind,
        subject="s1",
        author="a" * 30,
        revision=revision,
        created="2026-11-20T08:00:00+00:00",
        updated="2026-11-20T08:00:00+00:00",
        data=data,
    )


def test_a_missing_or_empty_headline_shows_nothing_not_none() -> None:
    assert shown(None) == "" and shown(["张三", "李四"]) == "张三、李四" and shown(3) == "3"
    assert headline("visit", {"place": None}) == "" and headline("visit", {}) == ""
    assert headline("team", {"place": "家中"}) == ""  # a kind without a headline field
    assert headline("visit", {"place": "甲" * 31}) == "甲" * 30 + "…"
    assert headline("visit", {"place": "甲" * 30}) == "甲" * 30


def test_the_date_is_the_one_the_record_is_about_else_the_day_it_was_saved() -> None:
    assert record_date("report", {"occurred": "2026-11-01"}, "2026-11-20T08:00:00+00:00") == "2026-11-01"
    assert record_date("report", {"occurred": ""}, "2026-11-20T08:00:00+00:00") == "2026-11-20"
    assert record_date("team", {"date": "2026-11-01"}, "2026-11-20T08:00:00+00:00") == "2026-11-20"


def test_a_report_line_says_whether_it_was_handled_and_a_correction_its_revision() -> None:
    urgent = _record("report", {"category": "其他", "urgency": "紧急", "occurred": "2026-11-19"})
    row = timeline_row(urgent, acked=set())
    assert (row["kind_label"], row["date"], row["title"], row["status"], row["urgent"]) == (
        "重要情况报告",
        "2026-11-19",
        "其他",
        "待处理",
        True,
    )
    assert timeline_row(urgent, acked={"r1"})["status"] == "已处理"
    visit = timeline_row(_record("visit", {"place": "家中", "date": "2026-11-18"}, revision=3), acked=set())
    assert (visit["status"], visit["revision_note"], visit["handling"], visit["urgent"]) == (
        "已修改(第3版)",
        "已修改(第3版)",
        None,
        False,
    )
