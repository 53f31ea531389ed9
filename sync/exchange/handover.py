"""Which handover records go to which phone: each only to the helper it was made for.

A handover (``core.handover``) carries copies of the previous helpers' records; sending it to
any other helper of the subject would hand those copies to someone who was not meant to
continue the case (四.5).
"""

from __future__ import annotations

from collections.abc import Collection

from core.handover import HANDOVER_KIND
from core.records import Record
from storage import Store


def handovers_for(store: Store, subject_id: str, peer: str, office_authors: Collection[str]) -> list[Record]:
    """The office's handover records of ``subject_id`` made for helper ``peer`` (tombstones too)."""
    return [
        r
        for r in store.list(subject=subject_id, kinds=(HANDOVER_KIND,), include_deleted=True)
        if r.author in office_authors and r.data.get("helper") == peer
    ]


def others_acks(store: Store, subject_id: str, peer: str, records: list[Record]) -> set[str]:
    """Ids of the office's answers (``ack``) among ``records`` to reports ``peer`` did not write:
    they stay at the office, so a new helper does not receive the handling of the old helper's
    reports beyond what its handover holds (四.5)."""
    acks = [r for r in records if r.kind == "ack" and r.subject == subject_id]
    if not acks:
        return set()
    authors = {r.id: r.author for r in store.list(subject=subject_id, kinds=("report",), include_deleted=True)}
    return {a.id for a in acks if authors.get(str(a.data.get("report")), peer) != peer}
