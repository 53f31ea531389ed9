"""What an imported bundle may contain: each record strict and valid for its kind (dated no
later than the receiver's day plus one day of slack), and only what its sender may write."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from core.entrustment import may_investigate
from core.kinds import validate
from core.records import HELPER_KINDS, OFFICE_KINDS, Record
from storage import Store
from sync.exchange.peers import PeerState
from sync.protocol.errors import OutOfScope, SchemaInvalid

RECORD_KEYS = frozenset({"id", "kind", "subject", "author", "revision", "created", "updated", "deleted", "data"})

SLACK = timedelta(days=1)  # time zones and a phone clock a little ahead


def validate_records(raw: list[dict[str, Any]], today: date | None = None) -> list[Record]:
    """Every record strict and valid for its kind; with ``today`` (the receiver's date, plus one
    day of slack) a date that may not lie in the future (a visit's) is refused, so a visit dated
    ahead never silences the overdue-visit rule."""
    limit = today + SLACK if today is not None else None
    return [strict_record(d, limit) for d in raw]


def strict_record(d: dict[str, Any], today: date | None = None) -> Record:
    """``Record.from_dict`` that refuses anything it would otherwise coerce."""
    if d.keys() != RECORD_KEYS:
        raise SchemaInvalid(detail="记录字段不符")
    # exact types: parsed JSON has no subclasses (and ``bool`` is not taken for a revision)
    rid, subject, revision = d["id"], d["subject"], d["revision"]
    ok = (
        type(rid) is str
        and 0 < len(rid) <= 64
        and type(d["kind"]) is str
        and (subject is None or (type(subject) is str and 0 < len(subject) <= 64))
        and type(d["author"]) is str
        and type(revision) is int
        and revision >= 1
        and type(d["created"]) is str
        and type(d["updated"]) is str
        and type(d["deleted"]) is bool
        and type(d["data"]) is dict
    )
    if not ok:
        raise SchemaInvalid(detail="记录字段类型错误")
    # a tombstone may drop its content (data minimisation); anything else must be valid
    empty_tombstone = d["deleted"] and not d["data"] and d["kind"] in HELPER_KINDS | OFFICE_KINDS
    errors = {} if empty_tombstone else validate(d["kind"], d["data"], today=today)
    if errors:
        # the field names, and each field's sentence (they name the rule, never the record's data)
        raise SchemaInvalid(detail=f"{d['kind']}: {'; '.join(f'{k}:{errors[k]}' for k in sorted(errors))}")
    # Every field's type was checked above and ``d`` was parsed for this import alone.
    return Record.of_fields(d)


def check_scope(
    store: Store, records: list[Record], sender: str, sender_role: str, *, office_keys: frozenset[str] = frozenset()
) -> None:
    """The office writes only office kinds under one of its keys (the sender, the keys this phone
    pinned before, and those the bundle's verified rotation chain hands over to: the signing key
    vouches for them); a helper writes only helper kinds, only for subjects assigned to it (or an
    investigation for an entrustment that names it, ``core.entrustment``), and never over a
    record someone else wrote. A subject (or entrustment) taken from a phone still takes that
    phone's last records until the phone has acknowledged the withdrawal: it may have written
    them before it learnt of it, and it keeps them until they are delivered."""
    held = store.held(r.id for r in records)  # only these can belong to someone else
    if sender_role == "office":
        authors = office_keys | {sender}
        for r in records:
            if r.kind not in OFFICE_KINDS or r.author not in authors:
                raise OutOfScope(detail=f"{r.kind}")
            existing = store.get(r.id) if r.id in held else None
            if existing is not None and existing.author not in authors:
                raise OutOfScope(detail="记录属于他人")
        return
    given: set[str] | None = None
    heads: dict[str, Record | None] = {}
    allowed: set[tuple[str, str]] = set()  # (subject, kind) found writable: asked once
    for r in records:
        if r.kind not in HELPER_KINDS or r.author != sender or r.subject is None:
            raise OutOfScope(detail=f"{r.kind}")
        if (r.subject, r.kind) not in allowed:
            if r.subject not in heads:
                heads[r.subject] = store.get(r.subject)
            head = heads[r.subject]
            if not _may_write(head, r.kind, sender):
                if given is None:  # sent to this phone and not yet confirmed withdrawn (read once)
                    given = set(PeerState(store, sender).sent_subjects)
                if not (r.subject in given and _was_writable(head, r.kind)):
                    raise OutOfScope(detail="对象未分配给该协助人员")
            allowed.add((r.subject, r.kind))
        existing = store.get(r.id) if r.id in held else None
        if existing is not None and existing.author != sender:
            raise OutOfScope(detail="记录属于他人")


def _may_write(head: Record | None, kind: str, sender: str) -> bool:
    """A helper writes for a subject assigned to it, and an investigation for an entrustment
    that names it (``core.entrustment``)."""
    if head is not None and head.kind == "subject":
        return sender in (head.data.get("helpers") or [])
    return may_investigate(head, kind, sender)


def _was_writable(head: Record | None, kind: str) -> bool:
    """What a phone may still deliver for a partition taken from it while the withdrawal is on
    its way (its last records; the phone keeps them until they are acknowledged)."""
    if head is not None and head.kind == "subject":
        return True
    return head is not None and head.kind == "entrustment" and kind == "investigation"
