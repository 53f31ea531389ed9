"""``rules.unusual_visits`` asks only the newest visits about their answers, and finds what
asking every visit and keeping the newest would find."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from core import visits
from core.records import Record
from core.rules import _text, unusual_visits

STATES = {"thinking_state": ("稳定", "有波动", "异常"), "work_state": ("正常", "有变化", "异常")}


def every_visit_asked(records: list[Record], keep: int) -> list[dict[str, Any]]:
    found = []
    for r in records:
        if r.kind != "visit" or r.deleted or not isinstance(r.data, dict):
            continue
        off = visits.unusual(r.data)
        if off:
            found.append(
                {"id": r.id, "date": _text(r.data.get("date")), "answers": [{**u, "note": u["note"][:60]} for u in off]}
            )
    found.sort(key=lambda v: (v["date"], v["id"]), reverse=True)
    return found[:keep]


VISIT = st.fixed_dictionaries(
    {
        "date": st.sampled_from(["2026-03-01", "2026-03-02", "2026-02-28", "", "x"]),
        "thinking_state": st.sampled_from(STATES["thinking_state"]),
        "work_state": st.sampled_from(STATES["work_state"]),
        "thinking_note": st.text(max_size=70),
    }
)
RECORD = st.tuples(
    st.text("abcdef", min_size=1, max_size=4),
    st.sampled_from(["visit", "visit", "report"]),
    st.booleans(),
    VISIT | st.fixed_dictionaries({"thinking": st.just("旧式段落"), "date": st.just("2026-03-03")}),
)


@given(st.lists(RECORD, max_size=14, unique_by=lambda t: t[0]), st.integers(0, 6))
def test_the_newest_unusual_visits_are_those_every_visit_asked_gives(rows: list[Any], keep: int) -> None:
    records = [Record(rid, kind, "s", "h", 1, "t", "t", deleted, data) for rid, kind, deleted, data in rows]
    assert unusual_visits(records, keep) == every_visit_asked(records, keep)
