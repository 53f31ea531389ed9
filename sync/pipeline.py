"""Enrolment, export and staged import of bundles between the office and its helpers.

Everything here works on an open ``Store`` passed in (duck-typed: ``sync`` does not import
``storage``) and takes time as ``clock``. Sync state lives in the store's meta, per peer:

    sync/office                  helper side: the pinned office public identity
    sync/withdrawn               helper side: subject ids the office took away
    peers/<fp>/out_seq           last seq I sent to <fp>
    peers/<fp>/in_seq            last seq I accepted from <fp>
    peers/<fp>/bundles           bundle ids accepted from <fp> (re-import is "already")
    peers/<fp>/pending_ack       {record id: revision} received since my last export to <fp>
    peers/<fp>/acked             {record id: revision} <fp> told me it has received
    peers/<fp>/exported          {record id: revision} I have put in a bundle to <fp>
    peers/<fp>/sent_subjects     office side: subjects ever sent to helper <fp>
    peers/<fp>/withdrawn_at      office side: {subject id: seq of the bundle announcing it}
    peers/<fp>/last_in           {"at", "seq", "records"} of the last bundle accepted from <fp>
    peers/<fp>/office_fp         office side: the office key helper <fp> is known to pin
    sync/previous_identities     office side: private identities replaced by a key rotation
    sync/rotations               office side: the rotation statements, oldest first

The header ``ack`` carries ``{"seq": last seq received, "records": [[id, rev], ...]}`` and,
office -> helper, ``"withdrawn": [subject ids]`` and, while the helper still pins a replaced
office key, ``"rotation": [statements]`` (the bundle is then signed with that old key). Acks are bounded per bundle and resent
records are acknowledged again, so a lost bundle only costs a resend.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable

from core.kinds import check as check_kind
from core.kinds import validate
from core.records import HELPER_KINDS, OFFICE_KINDS, Record, iso
from sync.bundle import (
    DEFAULT_MAX_SIZE,
    check_size,
    decode_payload,
    decrypt,
    encode_payload,
    parse,
    seal,
    verify_signature,
)
from sync.errors import (
    BadRotation,
    BundleRejected,
    FingerprintMismatch,
    OutOfScope,
    Replayed,
    Revoked,
    SchemaInvalid,
    SyncError,
    UnknownSender,
    WrongRecipient,
)
from sync.identity import (
    Identity,
    PublicIdentity,
    confirm_fingerprint,
    make_rotation,
    parse_enrolment_request,
    parse_office_card,
    verify_rotation,
)

Clock = Callable[[], datetime]
Store = Any  # storage.Store; not imported (layering)

MAX_ACK = 15000  # record acks per header (keeps the header well under its 1 MiB limit)
RECORD_KEYS = frozenset({"id", "kind", "subject", "author", "revision", "created", "updated", "deleted", "data"})
OFFICE_TO_HELPER_KINDS = ("notice", "team", "ack")

# Per-peer state a helper carries over to the office's new key when the office rotates it.
PEER_STATE = ("out_seq", "in_seq", "bundles", "pending_ack", "acked", "exported", "last_in")

STATUS_UNSENT = "未导出"
STATUS_EXPORTED = "已导出"
STATUS_DELIVERED = "已送达"


class NotEnrolled(SyncError):
    code = "not_enrolled"
    default_message = "对方尚未登记或身份未核对,无法导出数据包。请先完成登记。"


class UnknownRecord(SyncError):
    code = "unknown_record"
    default_message = "找不到该记录,请刷新后重试。"


class ExportSuperseded(SyncError):
    code = "export_superseded"
    default_message = "这个数据包生成后又导出过一次,它已作废。请重新导出。"


def _k(peer: str, name: str) -> str:
    return f"peers/{peer}/{name}"


# --- enrolment ----------------------------------------------------------------------------


def pin_office(store: Store, card_bytes: bytes, fingerprint_typed: str) -> PublicIdentity:
    """Helper side: read the office card, compare the digits read aloud, pin the office."""
    public = parse_office_card(card_bytes)
    confirm_fingerprint(public, fingerprint_typed)
    pinned = store.meta_get("sync/office")
    if pinned is not None and pinned.get("fingerprint") != public.fingerprint:
        raise FingerprintMismatch(detail="本机已绑定另一个司法所")
    store.meta_set("sync/office", public.to_dict())
    return public


def _helper_record(store: Store, fp: str) -> Record | None:
    for rec in store.list("helper", include_deleted=True):
        if rec.data.get("fingerprint") == fp:
            return rec
    return None


def enroll_helper(
    store: Store,
    office_identity: Identity,
    request_bytes: bytes,
    fingerprint_typed: str,
    *,
    committee: str,
    conditions: list[int],
    reviewer: str,
    review_date: str,
    filed_date: str | None = None,
    clock: Clock,
) -> Record:
    """Office side: check the request and the digits, record the qualification review."""
    request = parse_enrolment_request(request_bytes)
    confirm_fingerprint(request.public, fingerprint_typed)
    existing = _helper_record(store, request.fingerprint)
    if existing is not None and existing.data.get("status") == "active":
        return existing
    data: dict[str, Any] = {
        "name": request.name,
        "committee": committee,
        "phone": request.phone,
        "fingerprint": request.fingerprint,
        "sign_pub": request.public.sign_pub.hex(),
        "enc_pub": request.public.enc_pub.hex(),
        "conditions": list(conditions),
        "reviewer": reviewer,
        "review_date": review_date,
        "enrolled_date": clock().date().isoformat(),
        "status": "active",
    }
    if filed_date:
        data["filed_date"] = filed_date
    check_kind("helper", data)
    if existing is not None:
        rec = existing.revise(data, clock=clock)
    else:
        rec = Record.new("helper", data, author=office_identity.fingerprint, clock=clock)
    # the helper pinned the card of the office's current key
    store.apply([rec], actor=office_identity.fingerprint,
                meta={_k(request.fingerprint, "office_fp"): office_identity.fingerprint})
    return rec


# --- office key rotation ------------------------------------------------------------------


class NotOffice(SyncError):
    default_message = "只有司法所可以更换密钥。"


def rotate_office_key(store: Store, me: Identity, clock: Clock) -> Identity:
    """Office side: a new key pair replaces ``me``; returns it (now the store's identity).

    The old private key is kept so bundles still addressed to it can be read, and each
    helper's next bundles are signed with the key it pins and carry the rotation statements
    (signed by the old key and the new one) until the helper answers to the new key.
    """
    if me.role != "office":
        raise NotOffice()
    new = Identity.generate("office", me.name)
    previous = list(store.meta_get("sync/previous_identities", []))
    rotations = list(store.meta_get("sync/rotations", []))
    store.apply([], actor=me.fingerprint, meta={
        "identity": new.to_private_dict(),
        "sync/previous_identities": previous + [me.to_private_dict()],
        "sync/rotations": rotations + [make_rotation(me, new)],
    })
    return new


def _office_keys(store: Store, me: Identity) -> list[Identity]:
    """Every office key this store has had, oldest first, ending with ``me``."""
    return [Identity.from_private_dict(d) for d in store.meta_get("sync/previous_identities", [])] + [me]


def _pinned_office_key(store: Store, keys: list[Identity], helper_fp: str) -> Identity:
    fp = store.meta_get(_k(helper_fp, "office_fp"))
    for key in keys:
        if key.fingerprint == fp:
            return key
    return keys[0]  # enrolled before keys were recorded: it pinned the first key


def _rotation_chain(store: Store, from_fp: str) -> list[dict[str, Any]]:
    rotations = store.meta_get("sync/rotations", [])
    for i, statement in enumerate(rotations):
        if statement.get("old_fingerprint") == from_fp:
            return list(rotations[i:])
    return []


def revoke_helper(store: Store, office_identity: Identity, fp: str, reason: str, clock: Clock) -> Record:
    """Office side: mark the helper revoked and record the last seq accepted from it."""
    helper = _helper_record(store, fp)
    if helper is None:
        raise UnknownSender()
    last_seq = int(store.meta_get(_k(fp, "in_seq"), 0))
    revoked = helper.revise({**helper.data, "status": "revoked"}, clock=clock)
    revocation = Record.new(
        "revocation",
        {"helper": fp, "date": clock().date().isoformat(), "reason": reason, "last_seq": last_seq},
        author=office_identity.fingerprint,
        clock=clock,
    )
    check_kind("revocation", revocation.data)
    store.apply([revoked, revocation], actor=office_identity.fingerprint)
    return revocation


def assign(store: Store, office_identity: Identity, subject_id: str, helper_fp: str, clock: Clock) -> Record:
    """Office side: add a helper to a subject (a new revision of the subject record)."""
    subject = store.get(subject_id)
    if subject is None or subject.kind != "subject":
        raise UnknownRecord()
    helper = _helper_record(store, helper_fp)
    if helper is None or helper.data.get("status") != "active":
        raise NotEnrolled()
    helpers = list(subject.data.get("helpers") or [])
    if helper_fp in helpers:
        return subject
    rec = subject.revise({**subject.data, "helpers": helpers + [helper_fp]}, clock=clock)
    store.apply([rec], actor=office_identity.fingerprint)
    return rec


def unassign(store: Store, office_identity: Identity, subject_id: str, helper_fp: str, clock: Clock) -> Record:
    """Office side: take a subject away from a helper; the next bundle tells it to withdraw."""
    subject = store.get(subject_id)
    if subject is None or subject.kind != "subject":
        raise UnknownRecord()
    helpers = [h for h in subject.data.get("helpers") or [] if h != helper_fp]
    data = {**subject.data, "helpers": helpers}
    if not helpers:
        data.pop("helpers", None)
    rec = subject.revise(data, clock=clock)
    store.apply([rec], actor=office_identity.fingerprint)
    return rec


# --- peers --------------------------------------------------------------------------------


def _peer_public(store: Store, me: Identity, fp: str) -> PublicIdentity:
    """The peer's pinned public identity (office: the enrolled helper; helper: its office)."""
    if me.role == "helper":
        pinned = store.meta_get("sync/office")
        if not pinned or pinned.get("fingerprint") != fp:
            raise UnknownSender()
        return PublicIdentity.from_dict(pinned)
    return _peer_lookup_helper(store, fp)


def _office_sender(store: Store, fp: str, seq: int) -> PublicIdentity:
    """Office receiving: an enrolled helper, and if revoked only bundles up to its last_seq."""
    public = _peer_lookup_helper(store, fp)
    helper = _helper_record(store, fp)
    if helper is not None and helper.data.get("status") == "revoked":
        last = max(
            (int(r.data.get("last_seq", 0)) for r in store.list("revocation") if r.data.get("helper") == fp),
            default=0,
        )
        if seq > last:
            raise Revoked()
    return public


def _peer_lookup_helper(store: Store, fp: str) -> PublicIdentity:
    helper = _helper_record(store, fp)
    if helper is None:
        raise UnknownSender()
    d = helper.data
    public = PublicIdentity.from_keys("helper", d["name"], bytes.fromhex(d["sign_pub"]), bytes.fromhex(d["enc_pub"]))
    if public.fingerprint != fp:
        raise UnknownSender()
    return public


# --- export -------------------------------------------------------------------------------


def _unacked_versions(store: Store, rec: Record, acked: dict[str, int]) -> list[Record]:
    have = int(acked.get(rec.id, 0))
    if rec.revision <= have:
        return []
    if rec.revision == 1:
        return [rec]
    return [v for v in store.history(rec.id) if v.revision > have]


def _office_outbox(store: Store, me: Identity, peer: str) -> tuple[list[Record], list[str], set[str]]:
    """Records for helper ``peer``, subjects withdrawn from it, and subjects assigned now."""
    # The index's per-subject summaries name each subject's helpers: only the subjects of this
    # helper are decrypted, not the whole register.
    candidates = [sid for sid, summary in store.summaries().items() if peer in (summary.get("helpers") or [])]
    found = [r for r in (store.get(sid) for sid in candidates) if r is not None and r.kind == "subject"]
    assigned = {
        s.id: s for s in sorted(found, key=lambda r: (r.created, r.id)) if peer in (s.data.get("helpers") or [])
    }
    out: list[Record] = list(assigned.values())
    mine = me.fingerprint
    for sid in assigned:  # only partitions holding notices, teams or receipts are decrypted
        out.extend(
            r
            for r in store.list(subject=sid, kinds=OFFICE_TO_HELPER_KINDS, include_deleted=True)
            if r.author == mine
        )
    out.extend(r for r in store.list("revocation") if r.data.get("helper") == peer)
    sent = set(store.meta_get(_k(peer, "sent_subjects"), []))
    withdrawn = sorted(sent - set(assigned))
    return out, withdrawn, set(assigned)


def _helper_outbox(store: Store, me: Identity) -> list[Record]:
    hidden = set(store.meta_get("sync/withdrawn", []))
    mine = me.fingerprint  # computed once: it hashes both public keys
    return [
        r
        for r in store.list(kinds=HELPER_KINDS, include_deleted=True)
        if r.author == mine and r.subject not in hidden
    ]


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
    _store: Store
    _peer_fp: str
    _actor: str
    _meta: Callable[[], dict[str, Any]]

    def commit(self) -> None:
        """Save what this bundle hands over (receipts, what was exported) in one commit. Refused
        when a later bundle to the same peer was sealed meanwhile: this one's view is stale."""
        if int(self._store.meta_get(_k(self._peer_fp, "out_seq"), 0)) != self.seq:
            raise ExportSuperseded()
        self._store.apply([], actor=self._actor, meta=self._meta())


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
    try:
        peer = _peer_public(store, me, peer_fp)
    except UnknownSender as exc:
        raise NotEnrolled() from exc
    signer, rotation = me, []
    if me.role == "office":
        signer = _pinned_office_key(store, _office_keys(store, me), peer_fp)
        rotation = _rotation_chain(store, signer.fingerprint) if signer is not me else []
    acked: dict[str, int] = store.meta_get(_k(peer_fp, "acked"), {})
    seq = int(store.meta_get(_k(peer_fp, "out_seq"), 0)) + 1
    withdrawn: list[str] = []
    assigned: set[str] = set()
    if me.role == "office":
        candidates, withdrawn, assigned = _office_outbox(store, me, peer_fp)
    else:
        candidates = _helper_outbox(store, me)
    versions: list[Record] = []
    for rec in candidates:
        versions.extend(_unacked_versions(store, rec, acked))
    pending: dict[str, int] = store.meta_get(_k(peer_fp, "pending_ack"), {})
    items = sorted(pending.items())
    ack_now = items[:MAX_ACK]  # the rest go with the next bundle
    ack: dict[str, Any] = {
        "seq": int(store.meta_get(_k(peer_fp, "in_seq"), 0)),
        "records": [[rid, rev] for rid, rev in ack_now],
    }
    if me.role == "office":
        ack["withdrawn"] = withdrawn
        if rotation:
            ack["rotation"] = rotation
    counts: dict[str, int] = {}
    for v in versions:
        counts[v.kind] = counts.get(v.kind, 0) + 1
    payload = encode_payload([v.to_dict() for v in versions])
    blob = seal(signer, peer, {"seq": seq, "created": clock(), "ack": ack, "counts": counts}, payload, rng=rng)
    sent = {v.id: v.revision for v in versions}
    if me.role == "office":
        gone = {r.id for sid in withdrawn for r in store.list(subject=sid, include_deleted=True)}
    else:
        gone = set()

    def meta() -> dict[str, Any]:
        """What the bundle hands over, on the store as it is at commit (an import may have
        come in since sealing; its receipts and records are kept)."""
        exported: dict[str, int] = dict(store.meta_get(_k(peer_fp, "exported"), {}))
        for rid, rev in sent.items():
            exported[rid] = max(rev, exported.get(rid, 0))
        pending_now: dict[str, int] = dict(store.meta_get(_k(peer_fp, "pending_ack"), {}))
        for rid, rev in ack_now:
            if pending_now.get(rid) == rev:
                del pending_now[rid]
        out: dict[str, Any] = {_k(peer_fp, "pending_ack"): pending_now, _k(peer_fp, "exported"): exported}
        if me.role == "office":
            out[_k(peer_fp, "sent_subjects")] = sorted(set(store.meta_get(_k(peer_fp, "sent_subjects"), []))
                                                        | assigned)
            at = dict(store.meta_get(_k(peer_fp, "withdrawn_at"), {}))
            for sid in withdrawn:
                at.setdefault(sid, seq)
            for sid in assigned:
                at.pop(sid, None)
            out[_k(peer_fp, "withdrawn_at")] = at
            if gone:  # the phone drops these, so a later reassignment must send them again
                out[_k(peer_fp, "acked")] = {rid: rev for rid, rev in store.meta_get(_k(peer_fp, "acked"), {}).items()
                                             if rid not in gone}
        return out

    store.apply([], actor=me.fingerprint, meta={_k(peer_fp, "out_seq"): seq})
    return Sealed(blob, seq, store, peer_fp, me.fingerprint, meta)


# --- import -------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    """What one import did; ``status`` is "accepted", "already" or "rejected"."""

    status: str
    sender: str | None = None
    seq: int | None = None
    bundle_id: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    code: str | None = None
    message: str | None = None
    gap: tuple[int, int] | None = None  # seqs missing before this one (first, last), if any
    withdrawn: list[str] = field(default_factory=list)
    quarantined: str | None = None

    @property
    def label(self) -> str:
        return {"accepted": "已导入", "already": "已导入(重复,无变化)", "rejected": "已拒绝"}[self.status]


def _strict_record(d: dict[str, Any]) -> Record:
    """``Record.from_dict`` that refuses anything it would otherwise coerce."""
    if set(d) != RECORD_KEYS:
        raise SchemaInvalid(detail="记录字段不符")
    ok = (
        isinstance(d["id"], str)
        and 0 < len(d["id"]) <= 64
        and isinstance(d["kind"], str)
        and (d["subject"] is None or (isinstance(d["subject"], str) and 0 < len(d["subject"]) <= 64))
        and isinstance(d["author"], str)
        and isinstance(d["revision"], int)
        and not isinstance(d["revision"], bool)
        and d["revision"] >= 1
        and isinstance(d["created"], str)
        and isinstance(d["updated"], str)
        and isinstance(d["deleted"], bool)
        and isinstance(d["data"], dict)
    )
    if not ok:
        raise SchemaInvalid(detail="记录字段类型错误")
    # a tombstone may drop its content (data minimisation); anything else must be valid
    empty_tombstone = d["deleted"] and not d["data"] and d["kind"] in HELPER_KINDS | OFFICE_KINDS
    errors = {} if empty_tombstone else validate(d["kind"], d["data"])
    if errors:
        raise SchemaInvalid(detail=f"{d['kind']}: {'; '.join(sorted(errors))}")
    return Record.from_dict(d)


def _check_scope(store: Store, records: list[Record], sender: str, sender_role: str) -> None:
    if sender_role == "office":
        for r in records:
            if r.kind not in OFFICE_KINDS or r.author != sender:
                raise OutOfScope(detail=f"{r.kind}")
            existing = store.get(r.id)
            if existing is not None and existing.author != sender:
                raise OutOfScope(detail="记录属于他人")
        return
    allowed: dict[str, bool] = {}
    for r in records:
        if r.kind not in HELPER_KINDS or r.author != sender or r.subject is None:
            raise OutOfScope(detail=f"{r.kind}")
        if r.subject not in allowed:
            subj = store.get(r.subject)
            allowed[r.subject] = bool(
                subj is not None and subj.kind == "subject" and sender in (subj.data.get("helpers") or [])
            )
        if not allowed[r.subject]:
            raise OutOfScope(detail="对象未分配给该协助人员")
        existing = store.get(r.id)
        if existing is not None and existing.author != sender:
            raise OutOfScope(detail="记录属于他人")


def _ack_entries(ack: dict[str, Any]) -> list[tuple[str, int]]:
    entries = ack.get("records", [])
    if not isinstance(entries, list):
        raise SchemaInvalid(detail="回执格式错误")
    out = []
    for e in entries:
        if not (isinstance(e, list) and len(e) == 2 and isinstance(e[0], str) and isinstance(e[1], int)):
            raise SchemaInvalid(detail="回执格式错误")
        out.append((e[0], e[1]))
    return out


def import_bundle(
    store: Store, me: Identity, blob: bytes, *, clock: Clock, max_size: int = DEFAULT_MAX_SIZE
) -> ImportOutcome:
    """Run every stage; rejection leaves the store unchanged and returns status "rejected"."""
    try:
        return _import(store, me, blob, max_size, clock)
    except BundleRejected as exc:
        return ImportOutcome("rejected", code=exc.code, message=str(exc))


def _import(store: Store, me: Identity, blob: bytes, max_size: int, clock: Clock) -> ImportOutcome:
    check_size(len(blob), max_size)
    env = parse(blob, max_size=max_size)
    keys = _office_keys(store, me) if me.role == "office" else [me]
    mine = next((k for k in keys if k.fingerprint == env.header.recipient), None)
    if mine is None:
        raise WrongRecipient()
    header = env.header
    fp = header.sender
    if me.role == "office":
        sender = _office_sender(store, fp, header.seq)
    else:
        sender = _peer_public(store, me, fp)
    verified = verify_signature(env, sender)
    accepted_ids: list[str] = store.meta_get(_k(fp, "bundles"), [])
    if header.bundle_id in accepted_ids:
        return ImportOutcome(
            "already", sender=fp, seq=header.seq, bundle_id=header.bundle_id, message="该数据包已导入过,本次没有变化。"
        )
    last = int(store.meta_get(_k(fp, "in_seq"), 0))
    if header.seq <= last:
        raise Replayed(detail=f"序号 {header.seq},已导入到 {last}")
    plain = decrypt(verified, mine)
    raw = decode_payload(plain)
    records = [_strict_record(d) for d in raw]
    _check_scope(store, records, fp, sender.role)
    ack = header.ack
    ack_entries = _ack_entries(ack)
    withdrawn = ack.get("withdrawn", []) if sender.role == "office" else []
    if not isinstance(withdrawn, list) or not all(isinstance(s, str) for s in withdrawn):
        raise SchemaInvalid(detail="撤回列表格式错误")
    new_office = _follow_rotation(sender, ack.get("rotation", [])) if sender.role == "office" else None

    # Everything checked: compute the new sync state and apply it with the records at once.
    pending = dict(store.meta_get(_k(fp, "pending_ack"), {}))
    for r in records:
        pending[r.id] = max(r.revision, pending.get(r.id, 0))
    acked = dict(store.meta_get(_k(fp, "acked"), {}))
    for rid, rev in ack_entries:
        acked[rid] = max(rev, acked.get(rid, 0))
    meta: dict[str, Any] = {
        _k(fp, "in_seq"): header.seq,
        _k(fp, "bundles"): accepted_ids + [header.bundle_id],
        _k(fp, "pending_ack"): pending,
        _k(fp, "acked"): acked,
        _k(fp, "last_in"): {"at": clock().isoformat(), "seq": header.seq, "records": len(records)},
    }
    if me.role == "office":
        pinned = _pinned_office_key(store, keys, fp)
        if keys.index(mine) > keys.index(pinned):  # the helper answers to a newer office key now
            meta[_k(fp, "office_fp")] = mine.fingerprint
        ack_seq = ack.get("seq", 0)
        at = dict(store.meta_get(_k(fp, "withdrawn_at"), {}))
        done = [sid for sid, s in at.items() if isinstance(ack_seq, int) and ack_seq >= s]
        if done:
            sent = [s for s in store.meta_get(_k(fp, "sent_subjects"), []) if s not in done]
            meta[_k(fp, "sent_subjects")] = sent
            for sid in done:
                del at[sid]
            meta[_k(fp, "withdrawn_at")] = at
            gone = set(done)
            dropped = {r.id for sid in gone for r in store.list(subject=sid, include_deleted=True)}
            meta[_k(fp, "acked")] = {rid: rev for rid, rev in acked.items() if rid not in dropped}
    else:
        hidden = set(store.meta_get("sync/withdrawn", []))
        # a subject sent again is assigned again
        hidden -= {r.subject for r in records if r.kind == "subject"}
        hidden |= set(withdrawn)
        meta["sync/withdrawn"] = sorted(hidden)
        if new_office is not None:  # re-pin to the office's new key, carrying the exchange state over
            meta["sync/office"] = new_office.to_dict()
            for name in PEER_STATE:
                value = meta.get(_k(fp, name), store.meta_get(_k(fp, name)))
                if value is not None:
                    meta[_k(new_office.fingerprint, name)] = value
    purge: list[str] = []
    if withdrawn and me.role == "helper":  # removed in the same commit as the import
        purge = [r.id for s in withdrawn for r in store.list(subject=s, include_deleted=True)]
    result = store.apply(records, actor=fp, meta=meta, purge=purge)
    gap = (last + 1, header.seq - 1) if header.seq > last + 1 else None
    message = "已导入。"
    if gap:
        message += f"对方第{gap[0]}至{gap[1]}号数据包未收到;其中尚未确认的记录已包含在本包中,无需补导。"
    return ImportOutcome(
        "accepted",
        sender=fp,
        seq=header.seq,
        bundle_id=header.bundle_id,
        counts=result.counts(),
        gap=gap,
        withdrawn=list(withdrawn),
        message=message,
    )


def _follow_rotation(sender: PublicIdentity, chain: Any) -> PublicIdentity | None:
    """The office's newest key if ``chain`` validly hands over from ``sender``; None if empty."""
    if chain == []:
        return None
    if not isinstance(chain, list) or len(chain) > 16:
        raise SchemaInvalid(detail="密钥更换声明格式错误")
    current = sender
    try:
        for statement in chain:
            current = verify_rotation(current, statement)
    except BadRotation as exc:
        raise SchemaInvalid(detail="密钥更换声明无效") from exc
    return current


def _quarantine(path: Path, quarantine_dir: Path) -> Path:
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    target = quarantine_dir / path.name
    n = 1
    while target.exists():
        target = quarantine_dir / f"{path.stem}.{n}{path.suffix}"
        n += 1
    shutil.move(str(path), str(target))
    return target


def import_file(
    store: Store,
    me: Identity,
    path: str | os.PathLike[str],
    quarantine_dir: str | os.PathLike[str],
    *,
    clock: Clock,
    max_size: int = DEFAULT_MAX_SIZE,
) -> ImportOutcome:
    """Import one bundle file; a refused file is moved (never deleted) to ``quarantine_dir``."""
    p = Path(path)
    try:
        check_size(p.stat().st_size, max_size)
        outcome = import_bundle(store, me, p.read_bytes(), clock=clock, max_size=max_size)
    except BundleRejected as exc:
        outcome = ImportOutcome("rejected", code=exc.code, message=str(exc))
    if outcome.status == "rejected":
        outcome.quarantined = str(_quarantine(p, Path(quarantine_dir)))
    return outcome


def peer_info(store: Store, fp: str) -> dict[str, Any]:
    """What this store knows of its exchanges with peer ``fp``: the last bundle received
    (``last_in``: {"at", "seq", "records"} or None), and the last sequence numbers each way."""
    return {
        "last_in": store.meta_get(_k(fp, "last_in")),
        "in_seq": int(store.meta_get(_k(fp, "in_seq"), 0)),
        "out_seq": int(store.meta_get(_k(fp, "out_seq"), 0)),
    }


def drop_delivered(store: Store, me: Identity, retention_days: int, clock: Clock) -> int:
    """Helper side (data minimisation, 四.5): remove my records the office acknowledged at their
    current revision and that nobody changed for ``retention_days``. Returns how many."""
    office = (store.meta_get("sync/office") or {}).get("fingerprint")
    if me.role != "helper" or office is None:
        return 0
    acked: dict[str, int] = store.meta_get(_k(office, "acked"), {})
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
    office = (store.meta_get("sync/office") or {}).get("fingerprint")
    if office is None:
        return {r.id: STATUS_UNSENT for r in records}
    acked: dict[str, int] = store.meta_get(_k(office, "acked"), {})
    exported: dict[str, int] = store.meta_get(_k(office, "exported"), {})
    out: dict[str, str] = {}
    for r in records:
        if int(acked.get(r.id, 0)) >= r.revision:
            out[r.id] = STATUS_DELIVERED
        elif int(exported.get(r.id, 0)) >= r.revision:
            out[r.id] = STATUS_EXPORTED
        else:
            out[r.id] = STATUS_UNSENT
    return out
