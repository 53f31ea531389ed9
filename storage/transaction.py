"""Transaction planning: what one all-or-nothing commit changes, worked out before it is written.

A ``Plan`` reads the store's current state (through the index and a partition reader it is given)
and fills a ``Transaction``: changed record documents per partition, index membership, open
conflicts, meta keys and the chained audit entries. Nothing is changed until the store commits
the transaction, which appends ``Transaction.to_dict()`` to the journal as one frame; replay at
unlock reads it back with ``Transaction.from_dict``. Planning can therefore refuse (a bad meta
value, a missing actor) without leaving anything half done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from core.records import Record
from storage import history, jsontext
from storage.audit import chained_entry
from storage.errors import StoreError, UnknownVersion
from storage.history import Doc
from storage.index import Index

NO_SUBJECT = ""  # partition key of records without subject

# A transaction of at least this many records (an import, a demo, a migration) audits the
# records new to the store in one entry, ``NEW_MANY``, whose "new" lists each one as
# [id, kind, revision, content hash]; every other change keeps an entry of its own. Ten
# thousand chained entries were a seventh of a large import end to end.
AUDIT_BATCH_FROM = 64
NEW_MANY = "new-many"

AuditEntry = dict[str, Any]


@dataclass
class Transaction:
    """One journal frame. ``None`` values mean "removed" (a document, a membership, a conflict)."""

    parts: dict[str, dict[str, Doc | None]] = field(default_factory=dict)  # partition -> id -> doc
    members: dict[str, dict[str, str | None]] = field(default_factory=dict)  # partition -> id -> kind
    conflicts: dict[str, str | None] = field(default_factory=dict)  # record id -> partition
    meta: dict[str, Any] = field(default_factory=dict)
    meta_del: list[str] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    audit_texts: list[str] = field(default_factory=list)  # each entry of ``audit`` spelled (not in the frame)
    meta_texts: dict[str, str] = field(default_factory=dict)  # each value of ``meta`` spelled (not in the frame)
    doc_texts: dict[str, tuple[Doc, bytes]] = field(default_factory=dict)  # record id -> (document, its text in UTF-8)
    # record id -> the record a document new to the store was made from (not in the frame): the
    # summaries extended at the next checkpoint read it instead of rebuilding it from the document
    firsts: dict[str, Record] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The journal frame's body (its keys and their order are the on-disk format)."""
        return {
            "parts": self.parts,
            "members": self.members,
            "conflicts": self.conflicts,
            "meta": self.meta,
            "meta_del": self.meta_del,
            "audit": self.audit,
        }

    def spell(self) -> tuple[Iterator[bytes], dict[str, dict[str, tuple[Doc, bytes]]]]:
        """The journal frame, exactly ``jsontext.text(self.to_dict())`` in UTF-8, as chunks to
        be joined, and every document in it with its text in UTF-8 by partition and record id
        (its partition file reuses them), filled in as the chunks are taken.

        A large import's frame is megabytes: it is joined about sixty documents at a time and each
        piece sealed as it comes (``crypto.seal_chunks``), so the frame is never held as one
        plaintext, and the pieces reuse the same memory."""
        docs: dict[str, dict[str, tuple[Doc, bytes]]] = {}
        return self._frame(docs), docs

    def _frame(self, docs: dict[str, dict[str, tuple[Doc, bytes]]]) -> Iterator[bytes]:
        def key(name: str) -> bytes:
            return jsontext.string_text(name).encode("utf-8")

        out = [b'{"parts":{']
        comma = b""
        for pkey, changes in self.parts.items():
            out += (comma, key(pkey), b":{")
            comma, inner = b",", b""
            spelled = docs[pkey] = {}
            for rid, doc in changes.items():
                if doc is None:
                    out += (inner, key(rid), b":null")
                else:
                    known = self.doc_texts.get(rid)
                    if known is None or known[0] is not doc:
                        known = (doc, jsontext.text(doc).encode("utf-8"))
                    spelled[rid] = known
                    out += (inner, key(rid), b":", known[1])
                inner = b","
                if len(out) >= 256:
                    yield b"".join(out)
                    out = []
            out.append(b"}")
        audit = self.audit_texts if len(self.audit_texts) == len(self.audit) else map(jsontext.text, self.audit)
        rest = (
            '},"members":',
            jsontext.text(self.members),
            ',"conflicts":',
            jsontext.text(self.conflicts),
            ',"meta":',
            jsontext.obj_text((k, self.meta_texts.get(k) or jsontext.text(v)) for k, v in self.meta.items()),
            ',"meta_del":',
            jsontext.text(self.meta_del),
            ',"audit":[',
            ",".join(audit),
            "]}",
        )
        out.append("".join(rest).encode("utf-8"))
        yield b"".join(out)

    @classmethod
    def from_dict(cls, body: dict[str, Any]) -> Transaction:
        """A frame read back from the journal (authenticated, so its shape is ours)."""
        return cls(
            parts=body["parts"],
            members=body["members"],
            conflicts=body["conflicts"],
            meta=body["meta"],
            meta_del=body["meta_del"],
            audit=body["audit"],
        )

    def remove(self, pkey: str, rid: str) -> None:
        self.parts.setdefault(pkey, {})[rid] = None
        self.members.setdefault(pkey, {})[rid] = None

    def place(self, pkey: str, rid: str, doc: Doc, kind: str, text: bytes | None = None) -> None:
        """``text``: the document spelled already (``jsontext.text(doc)`` in UTF-8), if it is."""
        self.parts.setdefault(pkey, {})[rid] = doc
        self.members.setdefault(pkey, {})[rid] = kind
        if text is not None:
            self.doc_texts[rid] = (doc, text)

    def unplace(self, pkey: str, rid: str) -> None:
        """Take a ``place`` back (the record changes again later in the same transaction)."""
        for table in (self.parts, self.members):
            changes = table.get(pkey)
            if changes is not None:
                changes.pop(rid, None)
                if not changes:
                    del table[pkey]
        self.doc_texts.pop(rid, None)
        self.firsts.pop(rid, None)


@dataclass
class ApplyResult:
    """What an apply did, per record id (a record appears once per version received)."""

    new_ids: list[str] = field(default_factory=list)
    updated_ids: list[str] = field(default_factory=list)
    duplicate_ids: list[str] = field(default_factory=list)
    conflict_ids: list[str] = field(default_factory=list)
    historical_ids: list[str] = field(default_factory=list)

    @property
    def new(self) -> int:
        return len(self.new_ids)

    @property
    def updated(self) -> int:
        return len(self.updated_ids)

    @property
    def duplicate(self) -> int:
        return len(self.duplicate_ids)

    @property
    def conflict(self) -> int:
        return len(self.conflict_ids)

    @property
    def historical(self) -> int:
        return len(self.historical_ids)

    @property
    def changed(self) -> bool:
        return bool(self.new_ids or self.updated_ids or self.conflict_ids or self.historical_ids)

    def counts(self) -> dict[str, int]:
        return {
            "new": self.new,
            "updated": self.updated,
            "duplicate": self.duplicate,
            "conflict": self.conflict,
            "historical": self.historical,
        }

    def _add(self, status: str, rid: str) -> None:
        getattr(self, f"{status}_ids").append(rid)


def check_actor(actor: str) -> None:
    if not isinstance(actor, str) or not actor:
        raise StoreError("缺少操作人,无法记录审计日志。")


class Plan:
    """Plans one transaction against the store as it stands; reads, never writes."""

    def __init__(
        self,
        index: Index,
        partition: Callable[[str], dict[str, Doc]],
        audit_last: AuditEntry | None,
        now: Callable[[], str],
    ) -> None:
        self.tx = Transaction()
        self._index = index
        self._partition = partition
        self._audit_last = audit_last  # the entry the first new one chains to
        self._now = now
        self._at: str | None = None  # one time for the whole transaction (it commits at once)

    @property
    def needs_commit(self) -> bool:
        return bool(self.tx.parts or self.tx.meta)

    def audit(self, action: str, actor: str, rid: str | None, kind: str | None, old: Any, new: Any) -> None:
        prev = self.tx.audit[-1] if self.tx.audit else self._audit_last
        if self._at is None:
            self._at = self._now()  # reading the clock per entry was a tenth of a 10k-record import
        entry, spelled = chained_entry(prev, self._at, actor, action, rid, kind, old, new)
        self.tx.audit.append(entry)
        self.tx.audit_texts.append(spelled)  # for the journal and the audit log

    def records(self, records: list[Record], actor: str) -> tuple[ApplyResult, dict[str, Doc]]:
        """Merge versions into their documents; returns what happened and the documents as left."""
        result = ApplyResult()
        work: dict[str, Doc] = {}  # record id -> doc as this transaction leaves it
        origin: dict[str, str | None] = {}  # record id -> partition before this transaction
        texts: dict[str, bytes] = {}  # record id -> its doc in ``work`` spelled, where that came free
        ids = {
            history.NEW: result.new_ids,
            history.UPDATED: result.updated_ids,
            history.DUPLICATE: result.duplicate_ids,
            history.CONFLICT: result.conflict_ids,
            history.HISTORICAL: result.historical_ids,
        }
        where, tx = self._index.where, self.tx
        new_many: list[list[Any]] | None = [] if len(records) >= AUDIT_BATCH_FROM else None
        placed: set[str] = set()  # new to the store, placed as planned (unless changed again)
        # with a new-many entry: the other entries, written after it (a record created and changed
        # again in this transaction is created first in the log too)
        later: list[tuple[str, str, str, list[Any] | None, list[Any]]] = []
        for rec in records:
            rid = rec.id
            if rid not in work:
                pkey = where.get(rid)
                origin[rid] = pkey
                doc = self._partition(pkey).get(rid) if pkey is not None else None
                if pkey is None:  # new to the store (most of an import): no merge to make
                    work[rid], h, text = history.first_version(rec)
                    tx.place(rec.subject or NO_SUBJECT, rid, work[rid], rec.kind, text)
                    tx.firsts[rid] = rec
                    placed.add(rid)
                    if rid in self._index.conflicts:  # as the placing below would
                        tx.conflicts[rid] = None
                    result.new_ids.append(rid)
                    if new_many is None:
                        self.audit(history.NEW, actor, rid, rec.kind, None, [rec.revision, h])
                    else:
                        new_many.append([rid, rec.kind, rec.revision, h])
                    continue
                if doc is not None:  # (None: the index names a partition that lacks it; merged as new)
                    work[rid] = doc
            merged = history.merge(work.get(rid), rec)
            ids[merged.status].append(rid)
            if merged.status == history.DUPLICATE:
                continue
            if rid in placed:  # new in this transaction and changed again: placed below instead
                placed.discard(rid)
                tx.unplace(history.current_dict(work[rid]).get("subject") or NO_SUBJECT, rid)
            work[rid] = merged.doc
            if merged.text is not None:
                texts[rid] = merged.text
            else:
                texts.pop(rid, None)
            old = list(merged.old) if merged.old else None
            if new_many is None:
                self.audit(merged.status, actor, rid, rec.kind, old, list(merged.new))
            else:
                later.append((merged.status, rid, rec.kind, old, list(merged.new)))
        if new_many:
            self.audit(NEW_MANY, actor, None, None, None, new_many)
        for status, rid, kind, old, new in later:
            self.audit(status, actor, rid, kind, old, new)
        for rid in dict.fromkeys(result.new_ids + result.updated_ids + result.conflict_ids + result.historical_ids):
            if rid in placed:
                continue
            doc = work[rid]
            cur = history.current_dict(doc)
            pkey = cur.get("subject") or NO_SUBJECT
            old_pkey = origin.get(rid)
            if old_pkey is not None and old_pkey != pkey:
                self.tx.remove(old_pkey, rid)
            self.tx.place(pkey, rid, doc, cur["kind"], texts.get(rid))
            if doc["conflicts"]:
                self.tx.conflicts[rid] = pkey
            elif rid in self._index.conflicts:
                self.tx.conflicts[rid] = None
        return result, work

    def set_meta(self, meta: dict[str, Any], actor: str) -> None:
        """Settings to change (JSON values); values already set are left out. Each value is
        spelled here, so one JSON cannot hold is refused before anything is planned, and the
        journal frame and the index reuse the text (an import's acknowledgements are one
        setting of ten thousand entries)."""
        try:
            texts = {key: jsontext.text(value) for key, value in meta.items()}
            for text in texts.values():
                text.encode("utf-8")  # a lone surrogate spells as JSON but cannot be written
        except (TypeError, ValueError, RecursionError) as exc:
            raise StoreError("设置值无法保存,只能保存文字、数字、列表和字典。") from exc
        for key, value in meta.items():
            if not isinstance(key, str):
                raise StoreError("设置名必须是文字。")
            if key in self._index.meta and self._index.meta[key] == value:
                continue
            self.tx.meta[key] = history.json_copy(value)
            self.tx.meta_texts[key] = texts[key]
            self.audit("meta", actor, key, "meta", None, None)

    def delete_meta(self, key: str, actor: str) -> None:
        self.tx.meta_del.append(key)
        self.audit("meta-delete", actor, key, "meta", None, None)

    def purge(self, record_ids: Iterable[str], actor: str) -> int:
        """Remove records and their whole history; returns how many existed."""
        count = 0
        for rid in dict.fromkeys(record_ids):
            pkey = self._index.where.get(rid)
            if pkey is None:
                continue
            doc = self._partition(pkey).get(rid)
            self.tx.remove(pkey, rid)
            if rid in self._index.conflicts:
                self.tx.conflicts[rid] = None
            cur = history.current_dict(doc) if doc else {"kind": None}
            self.audit("purge", actor, rid, cur.get("kind"), doc["current"] if doc else None, None)
            count += 1
        return count

    def resolve(self, record_id: str, chosen_content_hash: str, actor: str) -> Doc:
        """Close a conflict with the officer's choice; returns the record's new document."""
        pkey = self._index.where.get(record_id)
        doc = self._partition(pkey).get(record_id) if pkey is not None else None
        if pkey is None or doc is None:
            raise UnknownVersion()
        new_doc, _rev = history.resolve(doc, chosen_content_hash)
        self.tx.parts[pkey] = {record_id: new_doc}
        if not new_doc["conflicts"]:
            self.tx.conflicts[record_id] = None
        kind = history.current_dict(new_doc)["kind"]
        self.audit("resolve", actor, record_id, kind, doc["current"], new_doc["current"])
        return new_doc
