"""Per-subject summary kept in the index, so dashboards never open partitions.

Computed from the current records of one subject's partition at every save. The fields the
dashboards use come from ``core.rules.summarise_subject`` (one source of truth for the rules);
a minimal own summary underneath keeps the index working should that function be unavailable.
"""

from __future__ import annotations

from typing import Any, Iterable

from core.records import Record
from core.rules import summarise_subject

SUBJECT_FIELDS = ("name", "gender", "category", "committee", "town", "term_start", "term_end", "helpers")


def summarise(subject_id: str, records: Iterable[Record]) -> dict[str, Any]:
    records = list(records)
    out = _minimal(subject_id, records)
    subject_data = next((r.data for r in records if r.kind == "subject" and r.id == subject_id), {})
    out.update(summarise_subject(subject_data, records))
    return out


def _minimal(subject_id: str, records: list[Record]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "subject": subject_id,
        "records": 0,
        "last_visit": None,
        "reports": 0,
        "open_reports": 0,
        "urgent_open_reports": 0,
        "last_evaluation": None,
        "updated": None,
        "deleted": False,
    }
    reports: dict[str, Record] = {}
    acked: set[str] = set()
    for rec in records:
        if rec.kind == "subject" and rec.id == subject_id:
            out["deleted"] = rec.deleted
            for name in SUBJECT_FIELDS:
                out[name] = rec.data.get(name)
        if rec.deleted:
            continue
        out["records"] += 1
        if out["updated"] is None or rec.updated > out["updated"]:
            out["updated"] = rec.updated
        if rec.kind == "visit":
            date = rec.data.get("date")
            if isinstance(date, str) and (out["last_visit"] is None or date > out["last_visit"]):
                out["last_visit"] = date
        elif rec.kind == "evaluation":
            date = rec.data.get("date")
            if isinstance(date, str) and (out["last_evaluation"] is None or date > out["last_evaluation"]):
                out["last_evaluation"] = date
        elif rec.kind == "report":
            reports[rec.id] = rec
        elif rec.kind == "ack" and isinstance(rec.data.get("report"), str):
            acked.add(rec.data["report"])
    out["reports"] = len(reports)
    open_reports = [r for rid, r in reports.items() if rid not in acked]
    out["open_reports"] = len(open_reports)
    out["urgent_open_reports"] = sum(1 for r in open_reports if r.data.get("urgency") == "紧急")
    return out
