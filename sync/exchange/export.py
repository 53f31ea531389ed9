"""Export: the outbox for a peer, the bundle sealed for it, and the commit once it was saved."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.records import HELPER_KINDS, Clock, Record
from storage import Store
from sync.exchange.entrustments import entrustments_for
from sync.exchange.errors import ExportSuperseded
from sync.exchange.handover import handovers_for, others_acks
from sync.exchange.peers import (
    PeerState,
    audit_head,
    office_keys,
    pinned_office_key,
    recipient_for_export,
    rotation_chain,
)
from sync.protocol.bundle import encode_payload, seal
from sync.protocol.identity import Identity

MAX_ACK = 15000  # record acks per header (keeps the header well under its 1 MiB limit)
OFFICE_TO_HELPER_KINDS: tuple[str, ...] = ("notice", "team", "ack", "closure")
OFFICE_TO_HELPER_KINDS += ("decision",)  # issue 14: the office's decision on a travel / move request


def closed_and_received(store: Store, peer: str, subject_ids: list[str]) -> list[str]:
    """Closed subjects (解矫) whose closure the phone ``peer`` has acknowledged. The phone stops
    taking records for a subject once it has the closure, and the bundle that acknowledges it
    carries every record of its own the office had not yet acknowledged: so the next bundle
    can acknowledge those and withdraw the subject, and the phone purges nothing unsent.
    A closed case is never sent to a phone that does not have it, and stays withdrawn while
    the withdrawal is on its way."""
    summaries = store.summaries()
    state = PeerState(store, peer)
    acked, sent, in_flight = state.acked, set(state.sent_subjects), state.withdrawn_at
    out = []
    for sid in subject_ids:
        closed = summaries.get(sid, {}).get("closed")
        if not isinstance(closed, dict):
            continue
        if sid not in sent or sid in in_flight or int(acked.get(str(closed.get("id")), 0)) >= 1:
            out.append(sid)
    return out


def _unacked_versions(store: Store, rec: Record, acked: dict[str, int]) -> list[Record]:
    have = int(acked.get(rec.id, 0))
    if rec.revision <= have:
        return []
    if rec.revision == 1:
        return [rec]
    return [v for v in store.history(rec.id) if v.revision > have]


def _office_outbox(store: Store, me: Identity, peer: str) -> tuple[list[Record], list[str], set[str]]:
    """Records for helper ``peer``, partitions withdrawn from it, and partitions it has now
    (its subjects, and the entrustments that name it)."""
    # The index's per-subject summaries name each subject's helpers: only the subjects of this
    # helper are decrypted, not the whole register.
    candidates = [sid for sid, summary in store.summaries().items() if peer in (summary.get("helpers") or [])]
    found = [r for r in (store.get(sid) for sid in candidates) if r is not None and r.kind == "subject"]
    assigned = {
        s.id: s for s in sorted(found, key=lambda r: (r.created, r.id)) if peer in (s.data.get("helpers") or [])
    }
    for sid in closed_and_received(store, peer, candidates):  # 解矫: the phone's last records are in
        assigned.pop(sid, None)
    out: list[Record] = list(assigned.values())
    mine = {k.fingerprint for k in office_keys(store, me)}  # records from before a rotation are ours too
    for sid in assigned:  # only partitions holding notices, teams or receipts are decrypted
        ours = [
            r for r in store.list(subject=sid, kinds=OFFICE_TO_HELPER_KINDS, include_deleted=True) if r.author in mine
        ]
        others = others_acks(store, sid, peer, ours)  # issue 15: answers to another helper's reports stay
        out.extend(r for r in ours if r.id not in others)
        out.extend(handovers_for(store, sid, peer, mine))  # issue 15: each only to its new helper
    out.extend(r for r in store.list("revocation") if r.data.get("helper") == peer)
    tasks = entrustments_for(store, peer, mine)  # issue 15: 调查评估 before the register
    out.extend(tasks)
    partitions = set(assigned) | {r.id for r in tasks}
    sent = set(PeerState(store, peer).sent_subjects)
    withdrawn = sorted(sent - partitions)
    return out, withdrawn, partitions


def _helper_outbox(store: Store, me: Identity) -> list[Record]:
    """This phone's own records (those of a subject taken from it stay until acknowledged)."""
    mine = me.fingerprint  # computed once: it hashes both public keys
    return [r for r in store.list(kinds=HELPER_KINDS, include_deleted=True) if r.author == mine]


@dataclass(frozen=True)
class Sealed:
    """A bundle sealed but not yet counted as handed over: ``commit`` once it was written (or
    given to a save dialog that did not come back cancelled).

    Only its sequence number is used up at sealing, so no two bundles ever share one (the
    receiver refuses a second bundle with a seen number; a number never delivered is a gap it
    notes and gets over). What it hands over is saved by ``commit``: until then its records
    stay 未导出 and correctable, and its receipts go again with the next bundle, so a cancelled
    save or a failed write costs nothing."""

    blob: bytes
    seq: int
    peer: PeerState
    actor: str
    handed_over: Callable[[], dict[str, Any]]

    def commit(self) -> None:
        """Save what this bundle hands over (receipts, what was exported) in one commit. Refused
        when a later bundle to the same peer was sealed meanwhile: this one's view is stale."""
        if self.peer.out_seq != self.seq:
            raise ExportSuperseded()
        self.peer.store.apply([], actor=self.actor, meta=self.handed_over())


def export_bundle(
    store: Store, me: Identity, peer_fp: str, *, clock: Clock, rng: Callable[[int], bytes] = os.urandom
) -> bytes:
    """The next bundle to ``peer_fp``, counted as handed over at once (``seal_bundle`` and
    ``Sealed.commit``)."""
    sealed = seal_bundle(store, me, peer_fp, clock=clock, rng=rng)
    sealed.commit()
    return sealed.blob


def seal_bundle(
    store: Store, me: Identity, peer_fp: str, *, clock: Clock, rng: Callable[[int], bytes] = os.urandom
) -> Sealed:
    """The next bundle to ``peer_fp``: what it has not acknowledged, plus my receipts. Uses up
    the next sequence number; what the bundle hands over is saved by ``Sealed.commit``."""
    recipient = recipient_for_export(store, me, peer_fp)
    state = PeerState(store, peer_fp)
    signer, rotation = me, []
    if me.role == "office":
        signer = pinned_office_key(store, office_keys(store, me), peer_fp)
        rotation = rotation_chain(store, signer.fingerprint) if signer is not me else []
    acked = state.acked
    seq = state.out_seq + 1
    withdrawn: list[str] = []
    assigned: set[str] = set()
    if me.role == "office":
        candidates, withdrawn, assigned = _office_outbox(store, me, peer_fp)
    else:
        candidates = _helper_outbox(store, me)
    versions: list[Record] = []
    for rec in candidates:
        versions.extend(_unacked_versions(store, rec, acked))
    ack_now = sorted(state.pending_ack.items())[:MAX_ACK]  # the rest go with the next bundle
    ack: dict[str, Any] = {"seq": state.in_seq, "records": [[rid, rev] for rid, rev in ack_now]}
    if me.role == "office":
        ack["withdrawn"] = withdrawn
        if rotation:
            ack["rotation"] = rotation
    counts: dict[str, int] = {}
    for v in versions:
        counts[v.kind] = counts.get(v.kind, 0) + 1
    payload = encode_payload([v.to_dict() for v in versions])
    header: dict[str, Any] = {"seq": seq, "created": clock(), "ack": ack, "counts": counts}
    head = audit_head(store)
    if head is not None:  # the peer remembers it: our freshness anchor against a rolled-back store
        header["audit"] = head
    blob = seal(signer, recipient, header, payload, rng=rng)
    sent = {v.id: v.revision for v in versions}
    gone: set[str] = set()
    if me.role == "office":
        gone = {r.id for sid in withdrawn for r in store.list(subject=sid, include_deleted=True)}

    def handed_over() -> dict[str, Any]:
        """What the bundle hands over, on the store as it is at commit (an import may have
        come in since sealing; its receipts and records are kept)."""
        exported = state.exported
        for rid, rev in sent.items():
            exported[rid] = max(rev, exported.get(rid, 0))
        pending_now = state.pending_ack
        for rid, rev in ack_now:
            if pending_now.get(rid) == rev:
                del pending_now[rid]
        out: dict[str, Any] = {state.key("pending_ack"): pending_now, state.key("exported"): exported}
        if me.role == "office":
            acked_in = dict(state.get("acked_in", {}))
            for rid, _rev in ack_now:
                acked_in[rid] = seq  # once the phone has this bundle, the record is final
            out[state.key("acked_in")] = acked_in
            out[state.key("sent_subjects")] = sorted(set(state.sent_subjects) | assigned)
            at = state.withdrawn_at
            for sid in withdrawn:
                at.setdefault(sid, seq)
            for sid in assigned:
                at.pop(sid, None)
            out[state.key("withdrawn_at")] = at
            if gone:  # the phone drops these, so a later reassignment must send them again
                out[state.key("acked")] = {rid: rev for rid, rev in state.acked.items() if rid not in gone}
        return out

    store.apply([], actor=me.fingerprint, meta={state.key("out_seq"): seq})
    return Sealed(blob, seq, state, me.fingerprint, handed_over)
