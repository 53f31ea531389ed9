"""Supervision rules the dashboards show: overdue visits, open urgent reports, terms ending.

Plain functions of their inputs with ``today`` injected, so the office dashboard can compute
badges from the small per-subject summaries in the store index without opening partitions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from core import visits
from core.closeout import BADGE_CLOSED, closed_summary
from core.records import Record
from core.validation import as_day, parse_date
from core.vocabularies import URGENCIES

BADGE_VISIT_OVERDUE = "走访逾期"
BADGE_URGENT_OPEN = "紧急情况待处理"
BADGE_TERM_ENDING = "即将解矫"

DEFAULT_VISIT_INTERVAL = 30
DEFAULT_ENDING_DAYS = 30


def visit_overdue(
    last_visit: date | None, today: date, interval_days: int = DEFAULT_VISIT_INTERVAL, *, term_start: date | None = None
) -> bool:
    """More than ``interval_days`` since the last visit.

    A subject never visited is overdue as soon as the term has started (or at once when the
    start is unknown): the helper should meet the subject on receiving the notice (四.1).
    """
    if last_visit is None:
        return term_start is None or term_start <= today
    return (today - last_visit).days > interval_days


def days_overdue(
    last_visit: date | None, today: date, interval_days: int = DEFAULT_VISIT_INTERVAL, *, term_start: date | None = None
) -> int:
    """Days past the visit due date (0 when not overdue, or due today).

    Without any visit the due date is the term start; with neither, 0.
    """
    if last_visit is None:
        if term_start is None:
            return 0
        return max(0, (today - term_start).days)
    return max(0, (today - last_visit).days - interval_days)


def term_ending_within(term_end: date | None, today: date, days: int = DEFAULT_ENDING_DAYS) -> bool:
    """The term ends today or within ``days`` days (an already ended term does not count)."""
    if term_end is None:
        return False
    return 0 <= (term_end - today).days <= days


def term_active(term_start: date | None, term_end: date | None, today: date) -> bool:
    """Under supervision today; unknown bounds are treated as open."""
    if term_start is not None and today < term_start:
        return False
    if term_end is not None and today > term_end:
        return False
    return True


def subject_badges(
    subject_data: dict[str, Any],
    last_visit: date | str | None,
    open_urgent_reports: int,
    today: date,
    *,
    visit_interval: int = DEFAULT_VISIT_INTERVAL,
    ending_days: int = DEFAULT_ENDING_DAYS,
) -> list[str]:
    """Chinese badge texts for one subject, in a fixed order (visit, urgent, ending).

    ``subject_data`` may be a subject record's data or a summary from ``summarise_subject``;
    only ``term_start`` and ``term_end`` are read. Visits are only due during the term.
    """
    day = as_day(today) or today
    data = subject_data if isinstance(subject_data, dict) else {}
    start, end = parse_date(data.get("term_start")), parse_date(data.get("term_end"))
    visited = parse_date(last_visit)
    badges: list[str] = []
    if term_active(start, end, day) and visit_overdue(visited, day, visit_interval, term_start=start):
        badges.append(BADGE_VISIT_OVERDUE)
    if isinstance(open_urgent_reports, int) and not isinstance(open_urgent_reports, bool) and open_urgent_reports > 0:
        badges.append(BADGE_URGENT_OPEN)
    if term_ending_within(end, day, ending_days):
        badges.append(BADGE_TERM_ENDING)
    return badges


def summary_badges(
    summary: dict[str, Any],
    today: date,
    *,
    visit_interval: int = DEFAULT_VISIT_INTERVAL,
    ending_days: int = DEFAULT_ENDING_DAYS,
) -> list[str]:
    """Badges straight from a stored summary, for dashboards that never open partitions."""
    if not isinstance(summary, dict):
        return []
    if isinstance(summary.get("closed"), dict):  # 解矫: nothing is due any more
        return [BADGE_CLOSED]
    urgent = summary.get("open_urgent", 0)
    return subject_badges(
        summary,
        summary.get("last_visit"),
        urgent if isinstance(urgent, int) else 0,
        today,
        visit_interval=visit_interval,
        ending_days=ending_days,
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


UNUSUAL_VISITS_KEPT = 5  # the newest visits with an unusual answer a summary keeps for the dashboard


def unusual_visits(records: Iterable[Record], keep: int = UNUSUAL_VISITS_KEPT) -> list[dict[str, Any]]:
    """The newest ``keep`` live visits with an answer that is not the normal one, newest first:
    id, date and the unusual answers (label, value, note cut to 60 characters)."""
    live = [r for r in records if r.kind == "visit" and not r.deleted and isinstance(r.data, dict)]
    live.sort(key=lambda r: (_text(r.data.get("date")), r.id), reverse=True)  # newest first:
    found: list[dict[str, Any]] = []  # only as many are asked about their answers as it takes to find ``keep``
    for r in live:
        if len(found) >= keep:
            break
        off = visits.unusual(r.data)
        if off:
            found.append(
                {"id": r.id, "date": _text(r.data.get("date")), "answers": [{**u, "note": u["note"][:60]} for u in off]}
            )
    return found


URGENT = URGENCIES[0]  # 紧急
SUBJECT_FIELDS = ("name", "gender", "category", "committee", "town", "term_start", "term_end")


def is_urgent(kind: str, data: Mapping[str, Any]) -> bool:
    """The one rule for an urgent report (三(二)3: 重要情况 reported at once)."""
    return kind == "report" and isinstance(data, Mapping) and data.get("urgency") == URGENT


def open_urgent_reports(records: Iterable[Record]) -> list[Record]:
    """Urgent reports not yet acknowledged by a (non-deleted) ``ack`` record."""
    live = [r for r in records if not r.deleted]
    acked = {r.data.get("report") for r in live if r.kind == "ack" and isinstance(r.data, dict)}
    return [r for r in live if is_urgent(r.kind, r.data) and r.id not in acked]


def summarise_subject(subject_id: str, records: Iterable[Record]) -> dict[str, Any]:
    """The small JSON-ready summary the store index keeps per subject, so that dashboards, the
    register and the overdue rule never open a partition.

    ``records`` are the current records of the subject's partition (its own subject record
    among them); deleted records are not counted.
    """
    records = list(records)
    subject = next((r for r in records if r.kind == "subject" and r.id == subject_id), None)
    data = subject.data if subject is not None and isinstance(subject.data, dict) else {}
    live = [r for r in records if not r.deleted and r.kind != "subject" and isinstance(r.data, dict)]
    visit_dates = [d for d in (parse_date(r.data.get("date")) for r in live if r.kind == "visit") if d is not None]
    evaluation_dates = [
        d for d in (parse_date(r.data.get("date")) for r in live if r.kind == "evaluation") if d is not None
    ]
    acked = {r.data.get("report") for r in live if r.kind == "ack"}
    reports = [r for r in live if r.kind == "report"]
    helpers = data.get("helpers")
    stamps = [r.updated for r in records if not r.deleted]
    summary: dict[str, Any] = {"subject": subject_id}
    summary.update({name: _text(data.get(name)) for name in SUBJECT_FIELDS})
    summary.update(
        {
            "helpers": [h for h in helpers if isinstance(h, str)] if isinstance(helpers, list) else [],
            "deleted": bool(subject.deleted) if subject is not None else False,
            "records": len(stamps),
            "updated": max(stamps) if stamps else None,
            "last_visit": max(visit_dates).isoformat() if visit_dates else None,
            "last_evaluation": max(evaluation_dates).isoformat() if evaluation_dates else None,
            "reports": len(reports),
            "open_reports": sum(1 for r in reports if r.id not in acked),
            "open_urgent": sum(1 for r in reports if is_urgent(r.kind, r.data) and r.id not in acked),
            "counts": dict(sorted(Counter(r.kind for r in live).items())),
            "unusual_visits": unusual_visits(live),
        }
    )
    summary["closed"] = closed_summary(records)
    return summary


# Kinds whose new records change a summary only by counting them (and a visit's or an
# evaluation's date, a visit's unusual answers): not the subject, a report, an acknowledgement
# (which closes a report) or a closure (解矫).
_NOT_EXTENDABLE = frozenset({"subject", "report", "ack", "closure"})
_SUMMARY_KEYS = tuple(summarise_subject("", []))


def extend_summary(summary: Mapping[str, Any], added: Iterable[Record]) -> dict[str, Any] | None:
    """``summarise_subject(s, old + added)`` from ``summary`` (``summarise_subject(s, old)``, as
    stored) and ``added``, records new to the partition; None where that cannot be told from the
    summary alone (a new subject, report, acknowledgement or closure, a deleted record, a summary
    of another shape). The tests hold it equal to summarising the whole partition again."""
    added = list(added)
    if list(summary) != list(_SUMMARY_KEYS) or not isinstance(summary.get("counts"), dict):
        return None
    if not all(
        r.kind not in _NOT_EXTENDABLE and not r.deleted and isinstance(r.data, dict) and isinstance(r.updated, str)
        for r in added
    ):
        return None
    updated, records = summary["updated"], summary["records"]
    if not (updated is None or isinstance(updated, str)) or type(records) is not int:
        return None
    if not added:
        return dict(summary)
    out = dict(summary)
    out["records"] = records + len(added)
    newest = max(r.updated for r in added)
    out["updated"] = newest if updated is None or newest > updated else updated
    for kind, key in (("visit", "last_visit"), ("evaluation", "last_evaluation")):
        dates = [d for d in (parse_date(r.data.get("date")) for r in added if r.kind == kind) if d is not None]
        if dates:
            before = parse_date(summary[key])
            if summary[key] is not None and before is None:
                return None
            latest = max(dates) if before is None else max(max(dates), before)
            out[key] = latest.isoformat()
    counts = Counter(summary["counts"])
    counts.update(r.kind for r in added)
    out["counts"] = dict(sorted(counts.items()))
    fresh = unusual_visits(added)
    if fresh:
        kept = summary["unusual_visits"]
        if not isinstance(kept, list):
            return None
        merged = [*kept, *fresh]
        merged.sort(key=lambda v: (v["date"], v["id"]), reverse=True)
        out["unusual_visits"] = merged[:UNUSUAL_VISITS_KEPT]
    return out
