"""A record as one line of a subject's timeline, shared by the helper's phone and the office.

Which field gives a record its date and its headline, and how a stored value is shown. The
helper's page replaces a line's ``status`` with the sync state; the office keeps it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core import visits
from core.records import Record
from core.rules import is_urgent
from core.vocabularies import KIND_LABELS

# The headline field shown for a record in a timeline, per kind.
TITLE_FIELD = {
    "visit": "place",
    "report": "category",
    "evaluation": "grade",
    "assistance": "help",
    "meeting": "topics",
    "declaration": "type",
    "investigation": "opinion",  # 评估意见: what the investigation concluded
    "notice": "number",
    "ack": "note",
    "team": "",
    "registration": "filler",
}
# The field holding the date a record is about (not when it was saved), per kind.
DATE_FIELD = {
    "visit": "date",
    "report": "occurred",
    "evaluation": "date",
    "assistance": "date",
    "meeting": "date",
    "declaration": "date",
    "investigation": "date",
    "notice": "issue_date",
    "ack": "date",
    "registration": "fill_date",
}
TITLE_FIELD.update({"closure": "reason", "social_support": "organisation"})
DATE_FIELD.update({"closure": "date", "social_support": "date"})
TITLE_FIELD |= {
    "first_meeting": "place",
    "movement": "destination",
    "decision": "outcome",
    "travel_return": "outcome",
    "team": "leader",
}
DATE_FIELD |= {"first_meeting": "date", "movement": "applied", "decision": "date", "travel_return": "date"}
TITLE_FIELD["handover"], DATE_FIELD["handover"] = "from_name", "date"
# A subject's particulars shown at the top of the subject's page, in this order.
PARTICULAR_FIELDS = (
    "name",
    "gender",
    "birth",
    "category",
    "crime",
    "sentence",
    "term_start",
    "term_end",
    "committee",
    "town",
    "residence",
    "phone",
)


def shown(value: Any) -> str:
    """A stored value as text: lists joined with 、, nothing as ""."""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


def headline(kind: str, data: Mapping[str, Any]) -> str:
    """The record's headline field, cut to 30 characters; a visit adds its unusual answers."""
    key = TITLE_FIELD.get(kind, "")
    title = visits.headline(data) if kind == "visit" else shown(data.get(key)) if key else ""
    return title[:30] + "…" if len(title) > 30 else title


def record_date(kind: str, data: Mapping[str, Any], saved: str) -> str:
    """The date the record is about, else the day of ``saved`` (an ISO timestamp)."""
    return str(data.get(DATE_FIELD.get(kind, ""), "") or saved[:10])


def timeline_row(r: Record, acked: set[Any]) -> dict[str, Any]:
    """A record as a timeline line. ``status`` here is what the office shows (a report's
    handling, else whether it was corrected)."""
    handling = ("已处理" if r.id in acked else "待处理") if r.kind == "report" else None
    revision_note = f"已修改(第{r.revision}版)" if r.revision > 1 else ""
    return {
        "id": r.id,
        "kind": r.kind,
        "kind_label": KIND_LABELS.get(r.kind, r.kind),
        "date": record_date(r.kind, r.data, r.created),
        "title": headline(r.kind, r.data),
        "status": handling or revision_note or "已保存",
        "revision_note": revision_note,
        "handling": handling,
        "urgent": is_urgent(r.kind, r.data),
    }
