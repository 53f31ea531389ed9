"""What became of each record on the phone (未导出 / 已导出 / 已送达), and data minimisation:
records the office acknowledged leave the phone after the retention period (四.5)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.records import HELPER_KINDS, Clock, Record, iso
from storage import Store
from sync.exchange.errors import UnknownRecord
from sync.exchange.peers import PeerState, pinned_office_fp
from sync.protocol.identity import Identity

STATUS_UNSENT = "未导出"
STATUS_EXPORTED = "已导出"
STATUS_DELIVERED = "已送达"


def peer_info(store: Store, fp: str) -> dict[str, Any]:
    """What this store knows of its exchanges with peer ``fp``: the last bundle received
    (``last_in``: {"at", "seq", "records"} or None), and the last sequence numbers each way."""
    state = PeerState(store, fp)
    return {"last_in": state.last_in, "in_seq": state.in_seq, "out_seq": state.out_seq}


def drop_delivered(store: Store, me: Identity, retention_days: int, clock: Clock) -> int:
    """Helper side (data minimisation, 四.5): remove my records the office acknowledged at their
    current revision and that nobody changed for ``retention_days``. Returns how many."""
    office = pinned_office_fp(store)
    if me.role != "helper" or office is None:
        return 0
    acked = PeerState(store, office).acked
    if not acked:
        return 0
    cutoff = iso(clock() - timedelta(days=max(0, int(retention_days))))
    mine = me.fingerprint
    records = store.list(kinds=HELPER_KINDS, include_deleted=True)
    # Each subject's latest visit stays: the overdue-visit rule on the phone depends on it.
    latest: dict[str | None, Record] = {}
    for r in records:
        if r.kind == "visit" and not r.deleted:
            best = latest.get(r.subject)
            if best is None or str(r.data.get("date", "")) > str(best.data.get("date", "")):
                latest[r.subject] = r
    keep = {r.id for r in latest.values()}
    old = [
        r.id
        for r in records
        if r.author == mine and r.id not in keep and int(acked.get(r.id, 0)) >= r.revision and r.updated < cutoff
    ]
    if not old:
        return 0
    return int(store.purge(old, actor=mine))


def record_status(store: Store, record_id: str) -> str:
    """Helper side: 未导出 (not in any bundle yet), 已导出 (sent), 已送达 (office acknowledged)."""
    rec = store.get(record_id)
    if rec is None:
        raise UnknownRecord()
    return record_statuses(store, [rec])[rec.id]


def record_statuses(store: Store, records: list[Record]) -> dict[str, str]:
    """``record_status`` for many records at once (a timeline): the sync state is read once."""
    office = pinned_office_fp(store)
    if office is None:
        return {r.id: STATUS_UNSENT for r in records}
    state = PeerState(store, office)
    acked, exported = state.acked, state.exported
    out: dict[str, str] = {}
    for r in records:
        if int(acked.get(r.id, 0)) >= r.revision:
            out[r.id] = STATUS_DELIVERED
        elif int(exported.get(r.id, 0)) >= r.revision:
            out[r.id] = STATUS_EXPORTED
        else:
            out[r.id] = STATUS_UNSENT
    return out
