"""Import a bundle into a store, as named stages; the first refusal stops it.

    parse              size limit, strict layout                    TooLarge/Truncated/Malformed
    identify_sender    addressed to one of my keys; sender enrolled, active, its signature
                                                                    WrongRecipient/UnknownSender/
                                                                    Revoked/BadSignature
    check_freshness    not a bundle already taken, not an older seq  Replayed ("already" is no-op)
    decrypt            every chunk, to the end                      DecryptFailed/Truncated
    validate_records   each record strict and valid for its kind    SchemaInvalid
    check_scope        only what the sender may write               OutOfScope     (scope.py)
    merge              the new sync state (receipts, withdrawals, rotation)
    apply              records, sync state and purges in one atomic commit

Nothing is written before ``apply``: a refusal leaves the store byte-for-byte unchanged, and
``import_file`` moves the refused file to quarantine (never deletes it). The frozen vectors in
``tests/vectors`` and the adversarial tests run through ``import_bundle`` on a real store.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.entrustment import PARTITION_HEADS
from core.records import HELPER_KINDS, Clock, Record
from storage import Store, gcpause
from sync.exchange.peers import (
    PENDING_ROTATION,
    WITHDRAWN,
    PeerState,
    office_keys,
    office_lineage,
    pinned_office_key,
    sender_for_import,
)
from sync.exchange.scope import check_scope, validate_records
from sync.protocol.bundle import (
    DEFAULT_MAX_SIZE,
    Envelope,
    Header,
    VerifiedEnvelope,
    check_size,
    decode_payload,
    decrypt,
    parse,
    verify_signature,
)
from sync.protocol.errors import (
    BadRotation,
    BundleRejected,
    Replayed,
    SchemaInvalid,
    WrongRecipient,
)
from sync.protocol.identity import Identity, PublicIdentity, verify_rotation

QUARANTINE_DIR = "quarantine"


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
    rotation_pending: str | None = None  # helper side: the office announced a new key (its name)
    warnings: list[str] = field(default_factory=list)  # accepted, but a person should look (rollback)


@dataclass(frozen=True)
class Identified:
    """A parsed bundle whose recipient key and sender are known and whose signature holds."""

    envelope: Envelope
    verified: VerifiedEnvelope
    mine: Identity
    keys: list[Identity]
    sender: PublicIdentity


class AlreadyImported(Exception):
    """Internal: the bundle was taken before; importing it again changes nothing."""

    def __init__(self, header: Header) -> None:
        super().__init__(header.bundle_id)
        self.header = header


@dataclass(frozen=True)
class Opened:
    """A bundle through the stages that need no record schema: its sender is known and active,
    its signature holds, it is fresh, and its payload decrypted to the end."""

    who: Identified
    plaintext: bytes

    @property
    def header(self) -> Header:
        return self.who.envelope.header


# --- the stages ---------------------------------------------------------------------------


def identify_sender(store: Store, me: Identity, env: Envelope) -> Identified:
    keys = office_keys(store, me) if me.role == "office" else [me]
    mine = next((k for k in keys if k.fingerprint == env.header.recipient), None)
    if mine is None:
        raise WrongRecipient()
    sender = sender_for_import(store, me, env.header.sender, env.header.seq)
    verified = verify_signature(env, sender)
    return Identified(env, verified, mine, keys, sender)


def check_freshness(state: PeerState, env: Envelope) -> None:
    """A bundle taken before is "already"; an older or equal seq than the last taken is a replay."""
    if env.header.bundle_id in state.bundles:
        raise AlreadyImported(env.header)
    if env.header.seq <= state.in_seq:
        raise Replayed(detail=f"序号 {env.header.seq},已导入到 {state.in_seq}")


def open_bundle(store: Store, me: Identity, blob: bytes, *, max_size: int = DEFAULT_MAX_SIZE) -> Opened:
    """The stages up to and including decryption; raises the first refusal met (or
    ``AlreadyImported``). Nothing is written."""
    check_size(len(blob), max_size)
    env = parse(blob, max_size=max_size)
    who = identify_sender(store, me, env)
    check_freshness(PeerState(store, env.header.sender), env)
    return Opened(who, decrypt(who.verified, who.mine))


@dataclass(frozen=True)
class Merge:
    """Everything ``apply`` writes, computed before anything is written."""

    records: list[Record]
    meta: dict[str, Any]
    purge: list[str]
    withdrawn: list[str]
    gap: tuple[int, int] | None
    warnings: list[str] = field(default_factory=list)


def freshness_warnings(state: PeerState, header: Header, my_role: str) -> list[str]:
    """What the peer's header says about a rollback nobody could see locally: it acknowledges a
    bundle this store never sent (this store is an older copy), or its audit log is shorter than
    in an earlier bundle (the peer's store is an older copy)."""
    out = []
    ack_seq = header.ack.get("seq")
    if isinstance(ack_seq, int) and not isinstance(ack_seq, bool) and ack_seq > state.out_seq:
        out.append(
            f"对方确认收到本机第{ack_seq}号数据包,但本机记录只发出到第{state.out_seq}号:"
            "本机数据可能被恢复成了旧副本(回滚),请核查并联系技术人员。"
        )
    seen = state.get("audit")
    if (
        header.audit is not None
        and isinstance(seen, dict)
        and (
            header.audit["seq"] < int(seen.get("seq", 0))
            or (header.audit["seq"] == seen.get("seq") and header.audit["hash"] != seen.get("hash"))
        )
    ):
        who = "协助人员手机" if my_role == "office" else "司法所"
        out.append(f"{who}的审计记录比上次收到时更少:对方数据可能被恢复成了旧副本(回滚),请核查。")
    return out


def merge(store: Store, me: Identity, who: Identified, records: list[Record], clock: Clock) -> Merge:
    header = who.envelope.header
    fp, sender = header.sender, who.sender
    state = PeerState(store, fp)
    ack = header.ack
    ack_entries = _ack_entries(ack)
    withdrawn = ack.get("withdrawn", []) if sender.role == "office" else []
    if not isinstance(withdrawn, list) or not all(isinstance(s, str) for s in withdrawn):
        raise SchemaInvalid(detail="撤回列表格式错误")
    chain = rotation_keys(who)

    pending = state.pending_ack
    for r in records:
        pending[r.id] = max(r.revision, pending.get(r.id, 0))
    acked = state.acked
    for rid, rev in ack_entries:
        acked[rid] = max(rev, acked.get(rid, 0))
    last = state.in_seq
    meta: dict[str, Any] = {
        state.key("in_seq"): header.seq,
        state.key("bundles"): state.bundles + [header.bundle_id],
        state.key("pending_ack"): pending,
        state.key("acked"): acked,
        state.key("last_in"): {"at": clock().isoformat(), "seq": header.seq, "records": len(records)},
    }
    if header.audit is not None:
        meta[state.key("audit")] = header.audit
    warnings = freshness_warnings(state, header, me.role)
    purge: list[str] = []
    if me.role == "office":
        pinned = pinned_office_key(store, who.keys, fp)
        if who.keys.index(who.mine) > who.keys.index(pinned):  # the helper answers to a newer key
            meta[state.key("office_fp")] = who.mine.fingerprint
        ack_seq = ack.get("seq", 0)
        at = state.withdrawn_at
        done = [sid for sid, s in at.items() if isinstance(ack_seq, int) and ack_seq >= s]
        if done:
            meta[state.key("sent_subjects")] = [s for s in state.sent_subjects if s not in done]
            for sid in done:
                del at[sid]
            meta[state.key("withdrawn_at")] = at
            dropped = {r.id for sid in done for r in store.list(subject=sid, include_deleted=True)}
            meta[state.key("acked")] = {rid: rev for rid, rev in acked.items() if rid not in dropped}
    else:
        hidden = set(store.meta_get(WITHDRAWN, []))
        hidden -= {r.subject for r in records if r.kind in PARTITION_HEADS}  # sent again: assigned again
        hidden |= set(withdrawn)
        meta[WITHDRAWN] = sorted(hidden)
        if chain:  # a new office key waits for the in-person check (confirm_office_rotation)
            meta[PENDING_ROTATION] = {
                "from": fp,
                "office": chain[-1].to_dict(),
                "chain": [k.fingerprint for k in chain],
            }
        # Removed in the same commit as the import: what was taken from this phone, except its
        # own records the office has not acknowledged (they go with the next bundle, and leave
        # once acknowledged: a reassignment never loses a visit written before it was known).
        purge = [
            r.id
            for s in sorted(hidden)
            for r in store.list(subject=s, include_deleted=True)
            if not (r.author == me.fingerprint and r.kind in HELPER_KINDS and int(acked.get(r.id, 0)) < r.revision)
        ]
    gap = (last + 1, header.seq - 1) if header.seq > last + 1 else None
    return Merge(records, meta, purge, list(withdrawn), gap, warnings)


def flag_acknowledged_changes(store: Store, who: Identified, records: list[Record], plan: Merge) -> None:
    """Office side: a helper's new revision or tombstone of a record the office had acknowledged
    in a bundle the phone had received when it sealed this one. It is applied (the acknowledged
    version stays in the record's history, so nothing is lost) but never silently: it is kept
    in ``peers/<fp>/flagged`` for the officer and named in the import's warnings."""
    if who.sender.role != "helper":
        return
    state = PeerState(store, who.envelope.header.sender)
    ack_seq = who.envelope.header.ack.get("seq", 0)
    ack_seq = ack_seq if isinstance(ack_seq, int) and not isinstance(ack_seq, bool) else 0
    acked_in = dict(state.get("acked_in", {}))
    flagged = list(state.get("flagged", []))
    new = []
    for r in records:
        at = acked_in.get(r.id)
        if at is None or at > ack_seq:
            continue  # never acknowledged to the phone (a new record): nothing to look up
        existing = store.get(r.id)
        if existing is None or r.revision <= existing.revision:
            continue
        new.append(
            {
                "record": r.id,
                "kind": r.kind,
                "revision": r.revision,
                "deleted": r.deleted,
                "acked_revision": existing.revision,
                "seq": who.envelope.header.seq,
            }
        )
    if not new:
        return
    plan.meta[state.key("flagged")] = flagged + new
    deleted = sum(1 for f in new if f["deleted"])
    plan.warnings.append(
        f"对方修改了 {len(new) - deleted} 条、删除了 {deleted} 条司法所已确认收到的记录:"
        "原版本保留在历史中,已标记待核查。"
    )


def follow_rotation(sender: PublicIdentity, chain: Any) -> list[PublicIdentity]:
    """The office keys ``chain`` validly hands over to from ``sender``, oldest first ([] if none)."""
    if chain == []:
        return []
    if not isinstance(chain, list) or len(chain) > 16:
        raise SchemaInvalid(detail="密钥更换声明格式错误")
    current, keys = sender, []
    try:
        for statement in chain:
            current = verify_rotation(current, statement)
            keys.append(current)
    except BadRotation as exc:
        raise SchemaInvalid(detail="密钥更换声明无效") from exc
    return keys


def rotation_keys(who: Identified) -> list[PublicIdentity]:
    """Helper side: the keys a bundle from the office announces it rotated to (verified)."""
    if who.sender.role != "office":
        return []
    return follow_rotation(who.sender, who.envelope.header.ack.get("rotation", []))


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


# --- the pipeline -------------------------------------------------------------------------


def import_bundle(
    store: Store, me: Identity, blob: bytes, *, clock: Clock, max_size: int = DEFAULT_MAX_SIZE
) -> ImportOutcome:
    """Run every stage; a refusal leaves the store unchanged and returns status "rejected"."""
    with gcpause.paused():  # thousands of records decoded, checked and planned: no cycles to find
        return _import_bundle(store, me, blob, clock=clock, max_size=max_size)


def _import_bundle(store: Store, me: Identity, blob: bytes, *, clock: Clock, max_size: int) -> ImportOutcome:
    try:
        opened = open_bundle(store, me, blob, max_size=max_size)
        records = validate_records(decode_payload(opened.plaintext), clock().date())
        office_authors: frozenset[str] = frozenset()
        if opened.who.sender.role == "office":
            office_authors = frozenset(office_lineage(store)) | {k.fingerprint for k in rotation_keys(opened.who)}
        check_scope(store, records, opened.header.sender, opened.who.sender.role, office_keys=office_authors)
        plan = merge(store, me, opened.who, records, clock)
        flag_acknowledged_changes(store, opened.who, records, plan)
    except AlreadyImported as already:
        h = already.header
        return ImportOutcome(
            "already",
            sender=h.sender,
            seq=h.seq,
            bundle_id=h.bundle_id,
            message="该数据包已导入过,本次没有变化。",
        )
    except BundleRejected as exc:
        return ImportOutcome("rejected", code=exc.code, message=str(exc))
    env = opened.who.envelope
    result = store.apply(plan.records, actor=env.header.sender, meta=plan.meta, purge=plan.purge)
    message = "已导入。"
    if plan.gap:
        message += f"对方第{plan.gap[0]}至{plan.gap[1]}号数据包未收到;其中尚未确认的记录已包含在本包中,无需补导。"
    h = env.header
    message += "".join(plan.warnings)
    pending = plan.meta.get(PENDING_ROTATION)
    if pending:
        message += "司法所已更换密钥:请当面向司法所工作人员核对新指纹后确认,确认前本机仍使用原密钥。"
    return ImportOutcome(
        "accepted",
        rotation_pending=str(pending["office"]["name"]) if pending else None,
        sender=h.sender,
        seq=h.seq,
        bundle_id=h.bundle_id,
        counts=result.counts(),
        gap=plan.gap,
        withdrawn=plan.withdrawn,
        message=message,
        warnings=list(plan.warnings),
    )


def quarantine(path: Path, quarantine_dir: Path) -> Path:
    """Move a refused file aside, never over another: a second copy gets a number."""
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
        outcome.quarantined = str(quarantine(p, Path(quarantine_dir)))
    return outcome
