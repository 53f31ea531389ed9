"""The partition cache: decrypted partitions in memory, with the commits not yet checkpointed.

A partition's documents are its checkpointed file (``parts/<name>.bin``, one encrypted TinyDB)
overlaid with the changes committed to the journal since. Decrypting a partition costs a whole
file read, so the most recently used ones are kept (LRU, ``capacity`` of them). ``flush`` writes
the pending changes into the files at a checkpoint. Records handed out of it must be copies
(``history.fresh``), so a caller can never change what the cache holds.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Callable, Mapping

from storage import partition
from storage.crypto import Entropy, SubKeys
from storage.errors import StoreLocked
from storage.fsio import fsync_dir
from storage.history import Doc

PARTS_DIR = "parts"


class PartitionCache:
    def __init__(self, home: Path, keys: SubKeys, entropy: Entropy, capacity: int) -> None:
        self.folder = home / PARTS_DIR
        self._keys: SubKeys | None = keys
        self._entropy = entropy
        self._capacity = capacity
        self._names: dict[str, str] = {}
        self._cache: OrderedDict[str, dict[str, Doc]] = OrderedDict()
        self.pending: dict[str, dict[str, Doc | None]] = {}  # partition -> id -> doc (None: removed)

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
        docs = partition.load(path, self._key().partition, self.role(pkey), self._entropy) if path.exists() else {}
        overlay(docs, self.pending.get(pkey, {}))
        if self._capacity > 0:
            self._cache[pkey] = docs
            while len(self._cache) > self._capacity:
                self._cache.popitem(last=False)
        return docs

    def load_file(self, path: Path) -> dict[str, Doc]:
        """Read back one file of the parts folder as it is on disk (the integrity check)."""
        return partition.load(path, self._key().partition, f"{PARTS_DIR}/{path.name}", self._entropy)

    def absorb(self, parts: Mapping[str, Mapping[str, Doc | None]]) -> None:
        """Take a committed transaction's document changes."""
        for pkey, changes in parts.items():
            self.pending.setdefault(pkey, {}).update(changes)
            cached = self._cache.get(pkey)
            if cached is not None:
                overlay(cached, changes)

    def flush(self, written: Callable[[str, dict[str, Doc]], None]) -> None:
        """Write every pending change into its partition file; ``written`` sees each as saved."""
        key = self._key().partition
        for pkey, changes in self.pending.items():
            docs = partition.save(self.path(pkey), key, self.role(pkey), self._entropy, changes, sync_dir=False)
            written(pkey, docs)
        if self.pending:
            fsync_dir(self.folder)  # every partition rename durable before the index names them

    def is_cached(self, pkey: str) -> bool:
        return pkey in self._cache

    def evict_all(self) -> None:
        self._cache.clear()

    def forget(self) -> None:
        """Drop every decrypted document and the key (the store is locking)."""
        self._cache.clear()
        self.pending.clear()
        self._names.clear()
        self._keys = None


def overlay(docs: dict[str, Doc], changes: Mapping[str, Doc | None]) -> None:
    for rid, doc in changes.items():
        if doc is None:
            docs.pop(rid, None)
        else:
            docs[rid] = doc
