"""The index: what the store knows without opening a partition.

Record id -> partition (and kind), per-subject summaries for dashboards, open conflicts, the
small encrypted key-value ``meta``, and where the audit log ended at the last checkpoint.
Kept whole in memory; written as one sealed file at each checkpoint and rebuilt at unlock
from that file plus the journal's transactions.

Freshness: ``files`` holds each partition file's generation and digest as the last checkpoint
wrote it (an older copy put back is refused), and ``journals`` how many frames each journal the
checkpoint continues from already had (frames cut from a journal's end are noticed). Indexes
written before these existed read with both empty.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from core.records import Record
from core.rules import extend_summary, summarise_subject
from storage import jsontext
from storage.errors import StoreCorrupt
from storage.history import current_dict

if TYPE_CHECKING:
    from storage.transaction import Transaction

INDEX_FILE = "index.bin"
# The parts of the index file whose entries keep the text read from the file (``from_text``),
# for each value ``from_body`` keeps as it was read
KEPT = ("members", "summaries", "meta")
FEW = 16  # partitions the finishing step of a rolling checkpoint may still have to spell


@dataclass
class Index:
    gen: int = 0  # checkpoint generation; the journal continues this one
    members: dict[str, dict[str, str]] = field(default_factory=dict)  # partition -> record id -> kind
    where: dict[str, str] = field(default_factory=dict)  # record id -> partition
    summaries: dict[str, dict[str, Any]] = field(default_factory=dict)  # subject id -> summary
    dirty: set[str] = field(default_factory=set)  # partitions whose summary is stale
    # A stale partition whose every change since its summary was computed is a record new to
    # the store: those records, so the summary is extended rather than recomputed
    # from the whole partition (``core.rules.extend_summary``). Not in here: recompute in full.
    appended: dict[str, list[Record]] = field(default_factory=dict, repr=False, compare=False)
    conflicts: dict[str, str] = field(default_factory=dict)  # record id -> partition
    meta: dict[str, Any] = field(default_factory=dict)
    audit_bytes: int = 0  # audit log length at the checkpoint
    audit_last: dict[str, Any] | None = None  # {"seq", "hash"} of its last entry
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # partition -> {"gen", "digest"}
    journals: list[list[int]] = field(default_factory=list)  # [[journal generation, frames], ...]
    # Per partition, its members, summary and file record as last spelled for the index file,
    # with the object spelled (a summary or file record is replaced, never changed in place;
    # members are changed in place, so ``absorb`` drops theirs); likewise per setting its value.
    spelled: dict[str, dict[str, tuple[object, str]]] = field(
        default_factory=lambda: {"members": {}, "summaries": {}, "files": {}, "meta": {}}, repr=False, compare=False
    )
    # Per partition, the kinds its members have, found when first asked (``partitions``) and
    # dropped whenever ``absorb`` changes its members: asking which partitions hold a kind (the
    # enrolled helpers, at every import) no longer reads every record id of the store.
    kinds: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)

    def absorb(self, tx: Transaction) -> None:
        """Fold one committed transaction in (idempotent: replaying it again changes nothing)."""
        self._note_appended(tx)
        spelled_members = self.spelled["members"]
        for pkey, changes in tx.members.items():
            spelled_members.pop(pkey, None)
            self.kinds.pop(pkey, None)
            members = self.members.setdefault(pkey, {})
            if changes and None not in changes.values():  # nothing removed (an import): two updates
                members.update(cast("dict[str, str]", changes))
                self.where.update(dict.fromkeys(changes, pkey))
                continue
            for rid, kind in changes.items():
                if kind is None:
                    members.pop(rid, None)
                    if self.where.get(rid) == pkey:
                        del self.where[rid]
                else:
                    members[rid] = kind
                    self.where[rid] = pkey
            if not members:
                del self.members[pkey]
        self.dirty.update(tx.parts)
        for rid, part in tx.conflicts.items():
            if part is None:
                self.conflicts.pop(rid, None)
            else:
                self.conflicts[rid] = part
        self.meta.update(tx.meta)
        spelled_meta = self.spelled["meta"]
        for key, value in tx.meta.items():  # a setting is replaced, never changed in place
            text = tx.meta_texts.get(key)
            if text is not None:
                spelled_meta[key] = (value, text)
        for key in tx.meta_del:
            self.meta.pop(key, None)

    def _note_appended(self, tx: Transaction) -> None:
        """Before ``tx`` is absorbed: which partitions it only adds new records to (documents
        with one version, of ids no partition holds), on top of a summary that was current; the
        records are kept (``Transaction.firsts``, or made from the document: a replayed frame)."""
        firsts = tx.firsts
        for pkey, changes in tx.parts.items():
            if pkey in self.dirty:
                added = self.appended.get(pkey)
            else:
                added = [] if pkey in self.summaries else None
            if added is not None and all(rid in firsts for rid in changes):
                added.extend(map(firsts.__getitem__, changes))  # planned as new: one version each
            elif added is not None:
                for rid, doc in changes.items():
                    if doc is None or rid in self.where or len(doc["versions"]) != 1:
                        added = None
                        break
                    added.append(firsts.get(rid) or Record.of_fields(doc["versions"][0]["record"]))
            if added is None:
                self.appended.pop(pkey, None)
            else:
                self.appended[pkey] = added

    def summarise(self, pkey: str, docs: dict[str, Any]) -> None:
        """Only a subject's partition has a summary: an entrustment's partition (委托调查评估 and
        its helper's investigations, issue 15) is not on the register, the dashboards or a list.

        A partition that has only gained new records since its summary (``Index.appended``) has
        its summary extended by them where that gives the same summary (``extend_summary``:
        an import of visits), instead of summarising every record again."""
        added = self.appended.pop(pkey, None)
        old = self.summaries.get(pkey)
        if added is not None and old is not None:
            extended = extend_summary(old, added)
            if extended is not None:
                self.summaries[pkey] = extended
                return
        records = [Record.from_dict(current_dict(d)) for d in docs.values()]
        if any(r.kind == "subject" and r.id == pkey for r in records):
            self.summaries[pkey] = summarise_subject(pkey, records)
        else:
            self.summaries.pop(pkey, None)

    def partitions(self, kind: str | None, subject: str | None, kinds: Collection[str] | None) -> list[str]:
        """The partitions that can hold such records (the others need not be decrypted)."""
        if subject is not None:
            pkeys = [subject] if subject in self.members else []
        else:
            pkeys = [p for p in self.members if kind is None or kind in self._kinds_of(p)]
        if kinds is not None:
            wanted = frozenset(kinds)
            pkeys = [p for p in pkeys if not wanted.isdisjoint(self._kinds_of(p))]
        return pkeys

    def _kinds_of(self, pkey: str) -> frozenset[str]:
        known = self.kinds.get(pkey)
        if known is None:
            known = self.kinds[pkey] = frozenset(self.members[pkey].values())
        return known

    def body(
        self, *, gen: int, audit_bytes: int, audit_last: dict[str, Any] | None, fmt: int, journals: list[list[int]]
    ) -> dict[str, Any]:
        """The snapshot to seal (summaries of partitions not in a journal must be current)."""
        return {
            "format": fmt,
            "gen": gen,
            "members": self.members,
            "summaries": self.summaries,
            "conflicts": self.conflicts,
            "meta": self.meta,
            "audit": {
                "bytes": audit_bytes,
                "last": {"seq": audit_last["seq"], "hash": audit_last["hash"]} if audit_last else None,
            },
            "files": self.files,
            "journals": journals,
        }

    def body_text(
        self, *, gen: int, audit_bytes: int, audit_last: dict[str, Any] | None, fmt: int, journals: list[list[int]]
    ) -> str:
        """``jsontext.text(self.body(...))``, re-encoding only the partitions changed since the
        last checkpoint (at 100k records the whole index took tens of milliseconds to encode,
        and a save that finished a rolling checkpoint waited for it)."""
        body = self.body(gen=gen, audit_bytes=audit_bytes, audit_last=audit_last, fmt=fmt, journals=journals)
        parts = []
        for key, value in body.items():
            cache = self.spelled.get(key)
            parts.append((key, jsontext.text(value) if cache is None else _spelled_map(value, cache)))
        return jsontext.obj_text(parts)

    def spell_partition(self, pkey: str) -> None:
        """Spell one partition's members and summary for the index file now (a whole fold does
        it while its files are written, so the finishing step only joins texts)."""
        for key in ("members", "summaries"):
            value = getattr(self, key).get(pkey)
            cache = self.spelled[key]
            if value is not None and (pkey not in cache or cache[pkey][0] is not value):
                cache[pkey] = (value, jsontext.text(value))

    def spell_ahead(self, deadline: float) -> bool:
        """Spell partitions' members, summaries and file records not yet kept, until
        ``deadline`` (a ``time.perf_counter`` value); True once every one is kept. A rolling
        checkpoint does this in slices so its finishing step only joins texts. False also when
        this call spelled more than a few (saves keep changing a few partitions' members: the
        finishing step spells those itself)."""
        spelled = 0
        for key in ("members", "summaries", "files"):
            cache = self.spelled[key]
            mapping: dict[str, Any] = getattr(self, key)
            if len(cache) == len(mapping) and all(cache[p][0] is v for p, v in mapping.items()):
                continue
            for n, (pkey, value) in enumerate(mapping.items()):
                known = cache.get(pkey)
                if known is None or known[0] is not value:
                    cache[pkey] = (value, jsontext.text(value))
                    spelled += 1
                if n % 64 == 63 and time.perf_counter() >= deadline:
                    return False
        return spelled <= FEW

    @classmethod
    def from_text(cls, text: str, path: Path) -> Index:
        """The index file's text read back; each partition's members and summary and each
        setting keep the text the file spells them with, so the first checkpoint after an
        unlock joins those instead of spelling the whole index again (at 50k records that was
        a twentieth of a large import's time)."""
        try:
            body, texts = jsontext.loads_spelled(text, KEPT)
        except ValueError as exc:
            raise StoreCorrupt(path) from exc
        index = cls.from_body(body, path)
        for key, spans in texts.items():
            mapping: dict[str, Any] = getattr(index, key)
            parsed, cache = body[key], index.spelled[key]
            for name, spelled in spans.items():
                value = mapping.get(name)
                if value is not None and value is parsed.get(name):  # kept as read, not made anew
                    cache[name] = (value, spelled)
        return index

    @classmethod
    def from_body(cls, body: Any, path: Path) -> Index:
        try:
            members = {str(p): m if type(m) is dict else dict(m) for p, m in body["members"].items()}
            return cls(
                gen=int(body["gen"]),
                members=members,
                where={rid: pkey for pkey, m in members.items() for rid in m},
                summaries=dict(body["summaries"]),
                conflicts=dict(body["conflicts"]),
                meta=dict(body["meta"]),
                audit_bytes=int(body["audit"]["bytes"]),
                audit_last=body["audit"]["last"],
                files={
                    str(p): {"gen": int(f["gen"]), "digest": str(f["digest"])}
                    for p, f in (body.get("files") or {}).items()
                },
                journals=[[int(g), int(n)] for g, n in (body.get("journals") or [])],
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StoreCorrupt(path) from exc


def _spelled_map(mapping: dict[str, Any], cache: dict[str, tuple[object, str]]) -> str:
    """``jsontext.text(mapping)``, taking each value's text from ``cache`` while it is the very
    object spelled there; entries no longer in ``mapping`` leave the cache."""
    for gone in cache.keys() - mapping.keys():
        del cache[gone]
    items = []
    for key, value in mapping.items():
        known = cache.get(key)
        if known is None or known[0] is not value:
            known = cache[key] = (value, jsontext.text(value))
        items.append((key, known[1]))
    return jsontext.obj_text(items)
