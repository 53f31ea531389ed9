"""The handover records (移交材料) of a subject as lines to read, on the phone and at the office.

The new helper's phone shows them on the subject's page as read-only history (see
``sync.app.office.handover`` for what a handover holds and how it is made).
"""

from __future__ import annotations

from typing import Any

from core.handover import HANDOVER_KIND
from core.kinds import KIND_LABELS
from core.timeline import headline
from sync.app.session import Service


def handover_rows(svc: Service, subject_id: str) -> list[dict[str, Any]]:
    """The handover records of a subject, newest first, with their copied records as lines to
    read (both sides: the office's subject page and the new helper's phone)."""
    records = svc.store.list(subject=subject_id, kinds=(HANDOVER_KIND,))
    out = []
    for r in sorted(records, key=lambda r: (r.data.get("date", ""), r.id), reverse=True):
        out.append(
            {
                "id": r.id,
                "date": r.data.get("date", ""),
                "from_name": r.data.get("from_name", ""),
                "items": [
                    {
                        "kind": i.get("kind", ""),
                        "kind_label": KIND_LABELS.get(i.get("kind", ""), ""),
                        "date": i.get("date", ""),
                        "author_name": i.get("author_name", ""),
                        "title": headline(i.get("kind", ""), i.get("data") or {}),
                        "data": dict(i.get("data") or {}),
                    }
                    for i in r.data.get("items") or []
                ],
            }
        )
    return out
