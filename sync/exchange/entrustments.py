"""Which entrustments (委托调查评估, issue 15) go to which phone, and when they leave it again.

An entrustment travels only to the helper it names (``core.entrustment``), as its own partition.
Once finished (result recorded, or converted into a register entry) it stays on the phone until
the phone has acknowledged the finished revision: the bundle that acknowledges it carries every
investigation the phone had not yet sent, so the next bundle withdraws it and the phone purges
nothing unsent (as with a closed case). A finished entrustment is never sent to a phone that
does not have it. Naming another helper withdraws it from the first phone.
"""

from __future__ import annotations

from core.entrustment import ENTRUSTMENT_KIND, is_finished, is_travelling, named_helper
from core.records import Record
from storage import Store
from sync.exchange.peers import PeerState


def entrustments_for(store: Store, peer: str, office_authors: set[str]) -> list[Record]:
    """The office's entrustments that belong on phone ``peer`` now (each is its own partition)."""
    state = PeerState(store, peer)
    acked, sent, in_flight = state.acked, set(state.sent_subjects), state.withdrawn_at
    out = []
    for rec in store.list(ENTRUSTMENT_KIND):
        if not is_travelling(rec) or rec.author not in office_authors or named_helper(rec) != peer:
            continue
        if is_finished(rec.data) and (
            rec.id not in sent or rec.id in in_flight or int(acked.get(rec.id, 0)) >= rec.revision
        ):
            continue
        out.append(rec)
    return out
