"""Handover (移交): what a new helper receives of a subject's history, as one office record.

When a subject moves to a new helper, the office sends the new phone a ``handover`` record it
writes itself: copies of the latest 附件2, the last few visits and evaluations and the reports
the office has not yet handled, each with its kind, date and author's name. The phone accepts
from the office only records the office wrote, so another helper's records never travel as
they are; and nothing beyond this selection leaves the office (四.5). The team (矫正小组) is an
office record already sent to every helper of the subject.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from core.records import Record

HANDOVER_KIND = "handover"
COPIED_KINDS: tuple[str, ...] = ("registration", "visit", "evaluation", "report")
DEFAULT_KEEP = 3  # visits and evaluations copied, unless the office's settings say otherwise
MAX_KEEP = 20
MAX_ITEMS = 1 + 2 * MAX_KEEP + 50
_DATE_FIELDS = {"registration": "fill_date", "visit": "date", "evaluation": "date", "report": "occurred"}


def item_date(rec: Record) -> str:
    return str(rec.data.get(_DATE_FIELDS.get(rec.kind, ""), "") or rec.created[:10])


def select(records: Iterable[Record], *, keep: int, exclude_author: str = "") -> list[Record]:
    """From one subject's records: the newest 附件2, the ``keep`` newest visits and evaluations,
    and every report without a live acknowledgement (open), newest first within each kind.
    Records by ``exclude_author`` (the new helper, who has them already) are left out."""
    live = [r for r in records if not r.deleted]
    handled = {r.data.get("report") for r in live if r.kind == "ack"}
    own = [r for r in live if r.kind in COPIED_KINDS and r.author != exclude_author]

    def newest(kind: str) -> list[Record]:
        return sorted((r for r in own if r.kind == kind), key=lambda r: (item_date(r), r.updated, r.id), reverse=True)

    keep = max(0, min(int(keep), MAX_KEEP))
    return [
        *newest("registration")[:1],
        *newest("visit")[:keep],
        *newest("evaluation")[:keep],
        *[r for r in newest("report") if r.id not in handled][:50],
    ]


def items(records: Iterable[Record], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """The selected records as the handover's rows: kind, date, author's name and a copy of
    the data (nothing of the envelope: no id, no fingerprint)."""
    return [
        {
            "kind": r.kind,
            "date": item_date(r),
            "author_name": names.get(r.author, "")[:40] or "协助人员",
            "data": dict(r.data),
        }
        for r in records
    ]


def check_items(data: dict[str, Any], errors: dict[str, str]) -> None:
    """Each copy must be a valid record of its kind (cross-check of the ``handover`` kind)."""
    from core.record_checks import validate

    rows = data.get("items")
    if not isinstance(rows, list):
        return
    for i, row in enumerate(rows[:MAX_ITEMS]):
        if not isinstance(row, dict) or f"items.{i}" in errors or f"items.{i}.kind" in errors:
            continue
        copy = row.get("data")
        if not isinstance(copy, dict) or validate(row.get("kind"), copy):
            errors[f"items.{i}.data"] = f"移交记录第{i + 1}行:内容不符合该类记录的格式"
