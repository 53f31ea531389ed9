"""A partition: one encrypted TinyDB file holding the records of one subject (or of none).

TinyDB is the document store; ``EncryptedStorage`` is its Storage, reading and writing the
whole partition dict as one sealed file. Each document is keyed by record id and holds the
record's current version, every version seen (oldest first) and an open conflict, if any.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware
from tinydb.storages import Storage
from tinydb.table import Document, Table

from storage import sealed
from storage.crypto import PARTITION, Entropy

TABLE = "records"
Doc = dict[str, Any]


class EncryptedStorage(Storage):
    """TinyDB storage whose file is sealed with the partition key and bound to its role."""

    def __init__(self, path: Path, key: bytes, role: str, entropy: Entropy, sync_dir: bool = True) -> None:
        self.path = path
        self._key = key
        self._role = role
        self._entropy = entropy
        self._sync_dir = sync_dir

    def read(self) -> dict[str, dict[str, Any]] | None:
        if not self.path.exists():
            return None
        data = sealed.read(self.path, self._key, PARTITION, self._role)
        return data if isinstance(data, dict) else None

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        sealed.write(self.path, data, self._key, PARTITION, self._role, self._entropy, sync_dir=self._sync_dir)


class RecordTable(Table):
    """Documents keyed by record id (a string), not TinyDB's counter."""

    document_id_class = str  # type: ignore[assignment]


class _Db(TinyDB):
    table_class = RecordTable


def _open(path: Path, key: bytes, role: str, entropy: Entropy, sync_dir: bool = True) -> TinyDB:
    middleware = CachingMiddleware(EncryptedStorage)
    middleware.WRITE_CACHE_SIZE = 1 << 30  # flush once, on close
    return _Db(path, key, role, entropy, sync_dir, storage=middleware)


def load(path: Path, key: bytes, role: str, entropy: Entropy) -> dict[str, Doc]:
    """All documents of a partition by record id (empty when the file does not exist yet)."""
    db = _open(path, key, role, entropy)
    try:
        return {str(doc.doc_id): dict(doc) for doc in db.table(TABLE)}
    finally:
        db.close()  # nothing was modified, so nothing is written


def save(
    path: Path,
    key: bytes,
    role: str,
    entropy: Entropy,
    changes: Mapping[str, Doc | None],
    *,
    sync_dir: bool = True,
) -> dict[str, Doc]:
    """Apply changed documents (None removes one), write the partition once, atomically.

    Returns the partition's documents as written (the checkpoint summarises them). With
    ``sync_dir=False`` the caller fsyncs the folder once after replacing many partitions.
    """
    db = _open(path, key, role, entropy, sync_dir)
    table = db.table(TABLE)
    present = set((db.storage.read() or {}).get(TABLE, {}))
    # Replace = remove then insert: two table updates whatever the number of changes.
    # Doc ids are record ids (RecordTable); TinyDB annotates them as int but keys by any hashable.
    stale = [rid for rid in changes if rid in present]
    if stale:
        table.remove(doc_ids=stale)  # type: ignore[arg-type]
    fresh = [Document(doc, doc_id=rid) for rid, doc in changes.items() if doc is not None]  # type: ignore[arg-type]
    if fresh:
        table.insert_multiple(fresh)
    written = dict((db.storage.read() or {}).get(TABLE, {}))  # the middleware's cached tables
    db.close()  # the one encrypted write
    return written
