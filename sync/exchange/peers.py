"""Who is on the other side of an exchange, and what this store remembers about each of them.

Sync state lives in the store's meta. Per peer (read and written only through ``PeerState``):

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
    peers/<fp>/acked_in          office side: {record id: seq of my bundle that acknowledged it}
    peers/<fp>/flagged           office side: changes or deletions by <fp> of records already
                                 acknowledged to it, for the officer to review
    peers/<fp>/audit             the audit head {"seq", "hash"} <fp> last sent in a bundle header

And for the whole store:

    sync/office                  helper side: the pinned office public identity
    sync/office_via              helper side: "card" (pinned in person) or "rotation" (followed a
                                 rotation confirmed in person); an in-person pin overrides the latter
    sync/office_lineage          helper side: every office key this phone has pinned, oldest first
                                 (records they authored stay the office's)
    sync/pending_rotation        helper side: a rotation a bundle announced, awaiting the in-person
                                 check of the new fingerprint ({} when none)
    sync/withdrawn               helper side: subject ids the office took away
    sync/previous_identities     office side: private identities replaced by a key rotation
    sync/rotations               office side: the rotation statements, oldest first
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from core.records import Record
from storage import Store
from sync.exchange.errors import NotEnrolled
from sync.protocol.errors import Revoked, UnknownSender
from sync.protocol.identity import Identity, PublicIdentity

PeerField = Literal[
    "out_seq",
    "in_seq",
    "bundles",
    "pending_ack",
    "acked",
    "exported",
    "sent_subjects",
    "withdrawn_at",
    "last_in",
    "office_fp",
    "audit",
    "acked_in",
    "flagged",
]

# Per-peer state a helper carries over to the office's new key when the office rotates it.
CARRIED_ON_ROTATION: tuple[PeerField, ...] = (
    "out_seq",
    "in_seq",
    "bundles",
    "pending_ack",
    "acked",
    "exported",
    "last_in",
)

PINNED_OFFICE = "sync/office"
OFFICE_VIA = "sync/office_via"
OFFICE_LINEAGE = "sync/office_lineage"
PENDING_ROTATION = "sync/pending_rotation"
WITHDRAWN = "sync/withdrawn"
PREVIOUS_IDENTITIES = "sync/previous_identities"
ROTATIONS = "sync/rotations"


@dataclass(frozen=True)
class PeerState:
    """This store's view of its exchanges with one peer, named by the peer's fingerprint.

    Reads come straight from the store; writes are returned as meta entries (``key``) so the
    caller applies them in the same atomic commit as the records they go with."""

    store: Store
    fp: str

    def key(self, name: PeerField) -> str:
        return f"peers/{self.fp}/{name}"

    def get(self, name: PeerField, default: Any = None) -> Any:
        return self.store.meta_get(self.key(name), default)

    @property
    def out_seq(self) -> int:
        return int(self.get("out_seq", 0))

    @property
    def in_seq(self) -> int:
        return int(self.get("in_seq", 0))

    @property
    def bundles(self) -> list[str]:
        return list(self.get("bundles", []))

    @property
    def pending_ack(self) -> dict[str, int]:
        return dict(self.get("pending_ack", {}))

    @property
    def acked(self) -> dict[str, int]:
        return dict(self.get("acked", {}))

    @property
    def exported(self) -> dict[str, int]:
        return dict(self.get("exported", {}))

    @property
    def sent_subjects(self) -> list[str]:
        return list(self.get("sent_subjects", []))

    @property
    def withdrawn_at(self) -> dict[str, int]:
        return dict(self.get("withdrawn_at", {}))

    @property
    def last_in(self) -> dict[str, Any] | None:
        value = self.get("last_in")
        return dict(value) if isinstance(value, dict) else None

    @property
    def office_fp(self) -> str | None:
        value = self.get("office_fp")
        return value if isinstance(value, str) else None


def pinned_office(store: Store) -> PublicIdentity | None:
    """Helper side: the office this phone pinned, or None before pinning."""
    pinned = store.meta_get(PINNED_OFFICE)
    return PublicIdentity.from_dict(pinned) if pinned else None


def pinned_office_fp(store: Store) -> str | None:
    pinned = store.meta_get(PINNED_OFFICE) or {}
    fp = pinned.get("fingerprint")
    return fp if isinstance(fp, str) else None


def audit_head(store: Store) -> dict[str, Any] | None:
    """This store's audit head {"seq", "hash"} for a bundle header, or None for an empty log.

    Read through ``Store.audit_entries`` (the only public view of the log): it decrypts the whole
    log; a ``Store.audit_head()`` reading the index is asked of storage (see the hardening report)."""
    entries = store.audit_entries()
    if not entries:
        return None
    last = entries[-1]
    return {"seq": int(last["seq"]), "hash": str(last["hash"])[:32]}  # 128 bits name a head


def office_lineage(store: Store) -> list[str]:
    """Helper side: the office keys this phone has pinned, oldest first (the current one last)."""
    current = pinned_office_fp(store)
    lineage = [fp for fp in store.meta_get(OFFICE_LINEAGE, []) if isinstance(fp, str)]
    if current is not None and current not in lineage:
        lineage.append(current)
    return lineage


def pending_rotation(store: Store) -> dict[str, Any] | None:
    """Helper side: {"from": fp, "office": public identity dict, "chain": [fp, ...]} of a rotation
    announced by the pinned office and not yet confirmed in person, or None."""
    value = store.meta_get(PENDING_ROTATION)
    return dict(value) if isinstance(value, dict) and value else None


def carried_state(store: Store, old_fp: str, new_fp: str) -> dict[str, Any]:
    """Meta entries copying the per-office exchange state to the office's new key (what the new
    key already has is kept: a re-pin never rewinds it)."""
    old, new = PeerState(store, old_fp), PeerState(store, new_fp)
    out: dict[str, Any] = {}
    for name in CARRIED_ON_ROTATION:
        value = old.get(name)
        if value is not None and new.get(name) is None:
            out[new.key(name)] = value
    return out


def helper_record(store: Store, fp: str) -> Record | None:
    """Office side: the enrolment record of helper ``fp`` (active or revoked), if any."""
    for rec in store.list("helper", include_deleted=True):
        if rec.data.get("fingerprint") == fp:
            return rec
    return None


def office_keys(store: Store, me: Identity) -> list[Identity]:
    """Every office key this store has had, oldest first, ending with ``me``."""
    previous = store.meta_get(PREVIOUS_IDENTITIES, [])
    return [Identity.from_private_dict(d) for d in previous] + [me]


def pinned_office_key(store: Store, keys: list[Identity], helper_fp: str) -> Identity:
    """Office side: which of its keys helper ``helper_fp`` pins (its bundles are signed with it)."""
    fp = PeerState(store, helper_fp).office_fp
    for key in keys:
        if key.fingerprint == fp:
            return key
    return keys[0]  # enrolled before keys were recorded: it pinned the first key


def rotation_chain(store: Store, from_fp: str) -> list[dict[str, Any]]:
    """Office side: the rotation statements leading from key ``from_fp`` to the current key."""
    rotations = store.meta_get(ROTATIONS, [])
    for i, statement in enumerate(rotations):
        if statement.get("old_fingerprint") == from_fp:
            return list(rotations[i:])
    return []


def enrolled_helper(store: Store, fp: str) -> PublicIdentity:
    """Office side: the public identity of enrolled helper ``fp`` (revoked or not)."""
    helper = helper_record(store, fp)
    if helper is None:
        raise UnknownSender()
    d = helper.data
    public = PublicIdentity.from_keys("helper", d["name"], bytes.fromhex(d["sign_pub"]), bytes.fromhex(d["enc_pub"]))
    if public.fingerprint != fp:
        raise UnknownSender()
    return public


def is_revoked(store: Store, fp: str) -> bool:
    helper = helper_record(store, fp)
    return helper is not None and helper.data.get("status") == "revoked"


def last_accepted_before_revocation(store: Store, fp: str) -> int:
    """The last seq the office accepted from helper ``fp`` before revoking it."""
    return max(
        (int(r.data.get("last_seq", 0)) for r in store.list("revocation") if r.data.get("helper") == fp),
        default=0,
    )


def sender_for_import(store: Store, me: Identity, fp: str, seq: int) -> PublicIdentity:
    """Who may have sent a bundle: the helper's pinned office, or an enrolled helper; a revoked
    helper only for bundles it sealed before the revocation (up to its last accepted seq)."""
    if me.role == "helper":
        pinned = pinned_office(store)
        if pinned is None or pinned.fingerprint != fp:
            raise UnknownSender()
        return pinned
    public = enrolled_helper(store, fp)
    if is_revoked(store, fp) and seq > last_accepted_before_revocation(store, fp):
        raise Revoked()
    return public


def recipient_for_export(store: Store, me: Identity, fp: str) -> PublicIdentity:
    """Who a bundle may be sealed for: the pinned office, or an enrolled, active helper."""
    try:
        if me.role == "helper":
            pinned = pinned_office(store)
            if pinned is None or pinned.fingerprint != fp:
                raise UnknownSender()
            return pinned
        public = enrolled_helper(store, fp)
    except UnknownSender as exc:
        raise NotEnrolled() from exc
    if is_revoked(store, fp):
        raise NotEnrolled(detail="该协助人员已被撤销,不再向其发送数据包")
    return public


def flagged_changes(store: Store) -> list[dict[str, Any]]:
    """Office side: every helper's changes or deletions of records the office had already
    acknowledged, kept for the officer to review (each with the helper's fingerprint)."""
    out: list[dict[str, Any]] = []
    for helper in store.list("helper", include_deleted=True):
        fp = str(helper.data.get("fingerprint", ""))
        out.extend({**f, "helper": fp} for f in PeerState(store, fp).get("flagged", []) if isinstance(f, dict))
    return out


def dismiss_flag(store: Store, helper_fp: str, record_id: str, revision: int, *, actor: str) -> bool:
    """The officer has reviewed one flagged change: it leaves the list (the record and its
    history are untouched). False when it was not on the list."""
    state = PeerState(store, helper_fp)
    flagged = [f for f in state.get("flagged", []) if isinstance(f, dict)]
    kept = [f for f in flagged if not (f.get("record") == record_id and f.get("revision") == revision)]
    if len(kept) == len(flagged):
        return False
    store.apply([], actor=actor, meta={state.key("flagged"): kept})
    return True
