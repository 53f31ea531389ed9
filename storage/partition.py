"""A partition: one encrypted TinyDB file holding the records of one subject (or of none).

TinyDB is the document store; ``EncryptedStorage`` is its Storage, reading and writing the
whole partition dict as one sealed file. Each document is keyed by record id and holds the
record's current version, every version seen (oldest first) and an open conflict, if any.

Beside TinyDB's table the sealed body carries a ``Stamp``: the file's write generation (one
more at every write of this partition) and the journals it already includes. The index keeps
each partition's generation and digest, so an older copy of the file put back in its place is
recognised (rollback), and the stamp's journal lengths prove that frames cut from a journal's
end had been there. Files written before stamps existed read as generation 0.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from storage import jsontext, sealed
from storage.crypto import PARTITION, Entropy
from storage.errors import StoreCorrupt
from storage.fsio import atomic_write

TABLE = "records"
STAMP = "_file"  # not a TinyDB table: EncryptedStorage takes it out on read and puts it back on write
Doc = dict[str, Any]


@dataclass
class Stamp:
    gen: int = 0
    journals: list[list[int]] = field(default_factory=list)  # [[journal generation, frames], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"gen": self.gen, "journals": self.journals}

    @classmethod
    def from_dict(cls, raw: Any, path: Path) -> Stamp:
        if raw is None:
            return cls()
        try:
            return cls(int(raw["gen"]), [[int(g), int(n)] for g, n in raw["journals"]])
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreCorrupt(path) from exc


@dataclass
class Loaded:
    docs: dict[str, Doc]
    stamp: Stamp
    digest: str  # sha256 of the file's bytes ("" when there is no file)


def digest_of(blob: bytes | list[bytes]) -> str:
    """SHA-256 of a file's bytes (or of its parts, in order)."""
    if isinstance(blob, bytes):
        return hashlib.sha256(blob).hexdigest()
    h = hashlib.sha256()
    for part in blob:
        h.update(part)
    return h.hexdigest()


class EncryptedStorage(Storage):
    """TinyDB storage whose file is sealed with the partition key and bound to its role."""

    def __init__(self, path: Path, key: bytes, role: str, entropy: Entropy, sync_dir: bool = True) -> None:
        self.path = path
        self._key = key
        self._role = role
        self._entropy = entropy
        self._sync_dir = sync_dir
        self.stamp: Stamp | None = None  # read from the file, or to write with it
        self.digest = ""

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            blob = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreCorrupt(self.path) from exc
        data = sealed.decode(blob, self._key, PARTITION, self._role, self.path)
        if not isinstance(data, dict):
            return None
        self.digest = digest_of(blob)
        self.stamp = Stamp.from_dict(data.pop(STAMP, None), self.path)
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self.write_spelled([(name, jsontext.dumps(table)) for name, table in data.items() if name != STAMP])

    def write_spelled(self, tables: list[tuple[str, bytes]]) -> None:
        """``write`` for tables spelled already (in UTF-8): the same bytes as ``write`` would seal."""
        items = list(tables)
        if self.stamp is not None:
            items.append((STAMP, jsontext.dumps(self.stamp.to_dict())))
        blob = sealed.encode_parts(jsontext.obj_bytes(items), self._key, PARTITION, self._role, self._entropy)
        atomic_write(self.path, blob, self._entropy(8).hex(), sync_dir=self._sync_dir)
        self.digest = digest_of(blob)


class RecordTable(Table):
    """Documents keyed by record id (a string), not TinyDB's counter."""

    document_id_class = str  # type: ignore[assignment]


class _Db(TinyDB):
    table_class = RecordTable


def open_db(path: Path, key: bytes, role: str, entropy: Entropy) -> TinyDB:
    """The partition as a TinyDB database (queries, tools); the store itself reads whole tables."""
    return _Db(path, key, role, entropy, storage=EncryptedStorage)


def load(path: Path, key: bytes, role: str, entropy: Entropy) -> Loaded:
    """All documents of a partition by record id (empty when the file does not exist yet).

    The store always wants the whole table, so it is taken from the TinyDB Storage as TinyDB
    keeps it (``{table: {doc id: document}}``); wrapping each document in TinyDB's ``Document``
    only to unwrap it again was a third of the cost of reading a partition.
    """
    storage = EncryptedStorage(path, key, role, entropy)
    tables = storage.read() or {}
    table = tables.get(TABLE)
    if table is not None and not isinstance(table, dict):
        raise StoreCorrupt(path)
    return Loaded(dict(table or {}), storage.stamp or Stamp(), storage.digest)


def write(
    path: Path,
    key: bytes,
    role: str,
    entropy: Entropy,
    docs: dict[str, Doc],
    stamp: Stamp,
    *,
    sync_dir: bool = True,
) -> str:
    """Replace the partition with ``docs`` (all of them), atomically; returns the file's digest.

    The caller holds the whole partition already (the cache), so TinyDB's read-modify-write is
    skipped: its Storage writes the table as TinyDB itself would. With ``sync_dir=False`` the
    caller fsyncs the folder once before anything names the new generation.
    """
    return write_spelled(path, key, role, entropy, doc_texts(docs), stamp, sync_dir=sync_dir)


def doc_texts(docs: dict[str, Doc], spelled: Mapping[str, tuple[Doc, bytes]] | None = None) -> bytes:
    """The table of ``docs`` as JSON text in UTF-8; a document found in ``spelled`` (record id ->
    (that very document, its text)) is not encoded again."""
    if not spelled:
        return jsontext.dumps(docs)
    items = []
    for rid, doc in docs.items():
        known = spelled.get(rid)
        items.append((rid, known[1] if known is not None and known[0] is doc else jsontext.dumps(doc)))
    return jsontext.obj_bytes(items)


def write_spelled(
    path: Path, key: bytes, role: str, entropy: Entropy, table: bytes, stamp: Stamp, *, sync_dir: bool = True
) -> str:
    """``write`` for a table spelled already (``doc_texts``); returns the file's digest."""
    storage = EncryptedStorage(path, key, role, entropy, sync_dir)
    storage.stamp = stamp
    storage.write_spelled([(TABLE, table)])
    return storage.digest


@dataclass
class Sealed:
    """A partition file ready to write: the bytes ``write_spelled`` would write, and where."""

    path: Path
    blob: list[bytes]  # the file's bytes, in parts
    tmp_hex: str

    def write(self) -> str:
        """Write it atomically (the folder is not fsynced); returns the file's digest. Only file
        I/O and hashing, which release the GIL: a fold writes several from worker threads."""
        atomic_write(self.path, self.blob, self.tmp_hex, sync_dir=False)
        return digest_of(self.blob)


def seal_spelled(path: Path, key: bytes, role: str, entropy: Entropy, table: bytes, stamp: Stamp) -> Sealed:
    """What ``write_spelled`` writes, sealed but not yet written."""
    body = jsontext.obj_bytes([(TABLE, table), (STAMP, jsontext.dumps(stamp.to_dict()))])
    return Sealed(path, sealed.encode_parts(body, key, PARTITION, role, entropy), entropy(8).hex())
