"""The partition cache: decrypted partitions in memory, with the commits not yet checkpointed.

A partition's documents are its checkpointed file (``parts/<name>.bin``, one encrypted TinyDB)
overlaid with the changes committed to the journal since. Decrypting a partition costs a whole
file read, so the most recently used ones are kept (LRU, ``capacity`` of them). ``write`` puts
one partition's pending changes into its file (a rolling checkpoint writes a few per commit).
Records handed out of it must be copies (``history.fresh``), so a caller can never change what
the cache holds.

Every file read is checked against the generation and digest the index recorded for it
(``recorded``): an older copy of a partition file put back in place is refused by name rather
than silently showing older records.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from storage import partition
from storage.crypto import Entropy, SubKeys
from storage.errors import StoreCorrupt, StoreLocked
from storage.history import Doc
from storage.partition import Stamp

PARTS_DIR = "parts"

FileRecord = dict[str, Any]  # {"gen": int, "digest": str}: what the index knows of a partition file


def rollback_message(path: Path) -> str:
    return f"数据文件不是最新版本,可能被旧副本替换(回滚):{path}。请从备份恢复或联系技术支持。"


def check_not_older(path: Path, loaded: partition.Loaded, recorded: FileRecord | None) -> None:
    """Raise ``StoreCorrupt`` when ``loaded`` is older than the generation the index recorded.

    A newer generation is normal: a fold wrote the file and was interrupted before the index
    named it; the journals the index continues from still hold everything it added.
    """
    if not recorded:
        return
    gen = int(recorded.get("gen", 0))
    if loaded.stamp.gen < gen or (loaded.stamp.gen == gen and recorded.get("digest") not in (None, loaded.digest)):
        raise StoreCorrupt(path, rollback_message(path))


@dataclass
class Prepared:
    """A partition sealed for its next generation, not yet written (``PartitionCache.prepare``)."""

    pkey: str
    gen: int
    docs: dict[str, Doc]
    file: partition.Sealed


class PartitionCache:
    def __init__(
        self,
        home: Path,
        keys: SubKeys,
        entropy: Entropy,
        capacity: int,
        recorded: Callable[[str], FileRecord | None] = lambda pkey: None,
    ) -> None:
        self.folder = home / PARTS_DIR
        self._keys: SubKeys | None = keys
        self._entropy = entropy
        self._capacity = capacity
        self._recorded = recorded
        self._names: dict[str, str] = {}
        self._cache: OrderedDict[str, dict[str, Doc]] = OrderedDict()
        self._gens: dict[str, int] = {}  # partition -> generation of its file as last read or written
        self.pending: dict[str, dict[str, Doc | None]] = {}  # partition -> id -> doc (None: removed)
        # partition -> id -> (pending document, its JSON text in UTF-8 as the journal spelled it)
        self.spelled: dict[str, dict[str, tuple[Doc, bytes]]] = {}

    def _key(self) -> SubKeys:
        if self._keys is None:
            raise StoreLocked()
        return self._keys

    def name(self, pkey: str) -> str:
        """The partition's file name: stable, and revealing nothing about the subject."""
        name = self._names.get(pkey)
        if name is None:
            name = self._key().file_name("partition", pkey)
            self._names[pkey] = name
        return name

    def path(self, pkey: str) -> Path:
        return self.folder / f"{self.name(pkey)}.bin"

    def role(self, pkey: str) -> str:
        """What the file's encryption is bound to (a file moved elsewhere fails to decrypt)."""
        return f"{PARTS_DIR}/{self.name(pkey)}.bin"

    def docs(self, pkey: str) -> dict[str, Doc]:
        """Decrypted documents of a partition (checkpointed file + pending changes), LRU-cached."""
        cached = self._cache.get(pkey)
        if cached is not None:
            self._cache.move_to_end(pkey)
            return cached
        path = self.path(pkey)
        docs: dict[str, Doc] = {}
        if path.exists():
            loaded = partition.load(path, self._key().partition, self.role(pkey), self._entropy)
            check_not_older(path, loaded, self._recorded(pkey))
            docs = loaded.docs
            self._gens[pkey] = max(self._gens.get(pkey, 0), loaded.stamp.gen)
        overlay(docs, self.pending.get(pkey, {}))
        if self._capacity > 0:
            self._cache[pkey] = docs
            while len(self._cache) > self._capacity:
                self._cache.popitem(last=False)
        return docs

    def load_file(self, path: Path) -> partition.Loaded:
        """Read back one file of the parts folder as it is on disk (the integrity check)."""
        return partition.load(path, self._key().partition, f"{PARTS_DIR}/{path.name}", self._entropy)

    def absorb(
        self,
        parts: Mapping[str, Mapping[str, Doc | None]],
        texts: Mapping[str, Mapping[str, tuple[Doc, bytes]]] | None = None,
    ) -> None:
        """Take a committed transaction's document changes (``texts``: its documents with their
        text as the journal frame spelled them, kept so writing the partition does not encode
        them again)."""
        for pkey, changes in parts.items():
            self.pending.setdefault(pkey, {}).update(changes)
            cached = self._cache.get(pkey)
            if cached is not None:
                overlay(cached, changes)
            spelled = texts.get(pkey) if texts else None
            if spelled:
                self.spelled.setdefault(pkey, {}).update(spelled)

    def write(self, pkey: str, journals: list[list[int]]) -> tuple[FileRecord, dict[str, Doc]]:
        """Write the partition as it stands (its file plus every pending change) under the next
        generation; returns what the index should record of the file, and the documents written.

        The folder is not fsynced here: the caller does it once before the index names the file.
        """
        prepared = self.prepare(pkey, journals)
        return self.written(prepared, prepared.file.write()), prepared.docs

    def prepare(self, pkey: str, journals: list[list[int]]) -> Prepared:
        """``write`` up to the file operations: the partition as it stands, sealed under its
        next generation. Nothing changes until ``written`` is told the file is on disk."""
        docs = self.docs(pkey)
        recorded = self._recorded(pkey) or {}
        gen = max(int(recorded.get("gen", 0)), self._gens.get(pkey, 0)) + 1
        file = partition.seal_spelled(
            self.path(pkey),
            self._key().partition,
            self.role(pkey),
            self._entropy,
            partition.doc_texts(docs, self.spelled.get(pkey)),
            Stamp(gen, journals),
        )
        return Prepared(pkey, gen, docs, file)

    def written(self, prepared: Prepared, digest: str) -> FileRecord:
        """The prepared file is on disk: its changes are no longer pending."""
        self._gens[prepared.pkey] = prepared.gen
        self.pending.pop(prepared.pkey, None)
        self.spelled.pop(prepared.pkey, None)
        return {"gen": prepared.gen, "digest": digest}

    def is_cached(self, pkey: str) -> bool:
        return pkey in self._cache

    def evict_all(self) -> None:
        self._cache.clear()

    def forget(self) -> None:
        """Drop every decrypted document and the key (the store is locking)."""
        self._cache.clear()
        self.pending.clear()
        self.spelled.clear()
        self._names.clear()
        self._gens.clear()
        self._keys = None


def overlay(docs: dict[str, Doc], changes: Mapping[str, Doc | None]) -> None:
    if None not in changes.values():  # nothing removed (an import): one update
        docs.update(cast("Mapping[str, Doc]", changes))
        return
    for rid, doc in changes.items():
        if doc is None:
            docs.pop(rid, None)
        else:
            docs[rid] = doc
