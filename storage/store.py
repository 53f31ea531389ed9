"""The encrypted, crash-safe, partitioned store: the only way to reach data on disk.

Layout of a store's home folder::

    xietong.key        format version, scrypt parameters, wrapped data key (no personal data)
    index.bin          checkpoint: record id -> partition map, per-subject summaries, meta,
                       open conflicts, audit position (sealed)
    journal.bin        transactions committed since that checkpoint (sealed frames)
    audit.bin          hash-chained audit entries up to that checkpoint (sealed frames)
    parts/<name>.bin   one encrypted TinyDB per subject, one for records without subject
    drafts/<name>.bin  one sealed file per draft
    lock               held with flock while a process has the store open

A commit appends one frame to the journal and fsyncs it: the save is durable and cheap whatever
the store's size. After ``checkpoint_every`` commits, after a commit that found at least
``checkpoint_bytes`` in the journal, and on close, the pending changes are folded into the
partitions, the audit log and a new index, each written atomically, and the journal restarts
under the new generation. A crash at any instant leaves either the old checkpoint plus its
journal, or the new checkpoint (the older journal is then ignored).

``Store`` is the facade. What a commit changes is planned in ``storage.transaction``; decrypted
partitions and uncheckpointed changes live in ``storage.cache``; ``storage.integrity`` is the
read-back check and ``storage.filelock`` keeps a second process out.
"""

from __future__ import annotations

import copy
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection, Iterable

from core.records import Clock, Record, iso, utc_now
from storage import filelock, history, integrity, keyfile, migrations, sealed
from storage.audit import AUDIT_FILE, AuditLog
from storage.cache import PARTS_DIR, PartitionCache, fresh, json_copy
from storage.crypto import INDEX, KEY_LEN, Entropy, KdfParams, SubKeys, calibrate_scrypt
from storage.drafts import DRAFTS_DIR, Drafts
from storage.errors import (
    StoreCorrupt,
    StoreError,
    StoreExists,
    StoreLocked,
    StoreMissing,
    StoreTooNew,
)
from storage.filelock import LOCK_FILE
from storage.fsio import atomic_write, leftover_temps, remove_durably
from storage.index import INDEX_FILE, Index
from storage.journal import JOURNAL_FILE, Journal
from storage.summary import summarise
from storage.transaction import NO_SUBJECT, ApplyResult, AuditEntry, Plan, Transaction, check_actor

FORMAT_VERSION = migrations.CURRENT_VERSION

Doc = history.Doc


@dataclass(frozen=True)
class StoreOptions:
    """Tuning knobs; tests shrink them to exercise checkpoints and cache eviction."""

    checkpoint_every: int = 256  # commits folded into partitions per checkpoint
    checkpoint_bytes: int = 8 * 1024 * 1024  # or when the journal grows past this
    cache_partitions: int = 64  # decrypted partitions kept in memory


@dataclass(frozen=True)
class Conflict:
    """Two or more contents at one revision of a record, waiting for the officer."""

    record_id: str
    kind: str
    subject: str | None
    revision: int
    hashes: tuple[str, ...]
    versions: tuple[Record, ...]  # the rival versions, in arrival order
    current_hash: str  # content hash of the current version


class Store:
    """Open with ``Store.open`` or ``Store.create``; ``close()`` drops the key material."""

    # ------------------------------------------------------------------ lifecycle

    def __init__(
        self,
        home: Path,
        store_id: str,
        data_key: bytes,
        *,
        clock: Clock,
        entropy: Entropy,
        options: StoreOptions,
        lock_fd: int | None,
    ) -> None:
        self.home = home
        self._store_id = store_id
        keys = SubKeys.derive(data_key, store_id)
        self._keys: SubKeys | None = keys
        self._clock = clock
        self._entropy = entropy
        self._options = options
        self._lock_fd = lock_fd
        self._mutex = threading.RLock()
        self._problems: list[str] = []
        self._index = Index()  # checkpoint state plus committed transactions since the checkpoint
        self._audit_pending: list[AuditEntry] = []
        self._parts = PartitionCache(home, keys, entropy, options.cache_partitions)
        self._journal = Journal(home / JOURNAL_FILE, keys.journal, entropy)
        self._audit = AuditLog(home / AUDIT_FILE, keys.audit, entropy)
        self._drafts = Drafts(home, keys, lambda: iso(self._clock()), entropy)

    @staticmethod
    def exists(home: str | os.PathLike[str]) -> bool:
        return (Path(home) / keyfile.KEY_FILE).is_file()

    @classmethod
    def create(
        cls,
        home: str | os.PathLike[str],
        passphrase: str,
        *,
        clock: Clock = utc_now,
        kdf: KdfParams | None = None,
        entropy: Entropy = os.urandom,
        options: StoreOptions | None = None,
    ) -> "Store":
        """Make a new empty store; the key file is written last, so a half-made store does not exist."""
        root = Path(home)
        if cls.exists(root):
            raise StoreExists()
        _check_passphrase(passphrase)
        params = kdf or calibrate_scrypt()
        root.mkdir(parents=True, exist_ok=True)
        lock_fd = filelock.acquire(root)
        try:
            store_id = entropy(16).hex()
            data_key = entropy(KEY_LEN)
            store = cls(
                root,
                store_id,
                data_key,
                clock=clock,
                entropy=entropy,
                options=options or StoreOptions(),
                lock_fd=lock_fd,
            )
            store._init_layout()
            blob = keyfile.build(
                version=FORMAT_VERSION,
                store_id=store_id,
                passphrase=passphrase,
                data_key=data_key,
                params=params,
                entropy=entropy,
            )
            atomic_write(root / keyfile.KEY_FILE, blob, entropy(8).hex())
            return store
        except BaseException:
            filelock.release(lock_fd)
            raise

    @classmethod
    def open(
        cls,
        home: str | os.PathLike[str],
        passphrase: str,
        *,
        clock: Clock = utc_now,
        entropy: Entropy = os.urandom,
        options: StoreOptions | None = None,
    ) -> "Store":
        """Unlock: derive the key, read the index, replay the journal. Writes nothing."""
        root = Path(home)
        if not cls.exists(root):
            raise StoreMissing()
        lock_fd = filelock.acquire(root)
        try:
            header = keyfile.parse(root / keyfile.KEY_FILE)
            if header.version > FORMAT_VERSION:
                raise StoreTooNew()
            if header.version < FORMAT_VERSION:
                migrations.upgrade(root, passphrase, header, clock=clock, entropy=entropy)
                header = keyfile.parse(root / keyfile.KEY_FILE)
            data_key = keyfile.unwrap(header, passphrase)
            store = cls(
                root,
                header.store_id,
                data_key,
                clock=clock,
                entropy=entropy,
                options=options or StoreOptions(),
                lock_fd=lock_fd,
            )
            store._load()
            return store
        except BaseException:
            filelock.release(lock_fd)
            raise

    def close(self) -> None:
        """Fold pending changes into the files, then forget every key (the store is locked)."""
        with self._mutex:
            if self._keys is None:
                return
            try:
                if self._journal.count:
                    self._checkpoint()
            except (OSError, StoreError):
                pass  # the journal still holds everything; the next open replays it
            finally:
                self._journal.forget()
                self._audit.forget()
                self._drafts.forget()
                self._keys = None
                self._parts.forget()
                self._index = Index()
                self._audit_pending.clear()
                filelock.release(self._lock_fd)
                self._lock_fd = None

    lock = close

    @property
    def closed(self) -> bool:
        return self._keys is None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def check_passphrase(self, passphrase: str) -> None:
        """Raise ``WrongPassphrase`` unless ``passphrase`` opens this store's key file: a second
        session asking to unlock a store that another session holds open must still know it."""
        with self._mutex:
            self._ensure_open()
            keyfile.unwrap(keyfile.parse(self.home / keyfile.KEY_FILE), passphrase)

    def change_passphrase(self, old: str, new: str) -> None:
        """Re-wrap the same data key under a new passphrase: only the key file changes."""
        with self._mutex:
            self._ensure_open()
            _check_passphrase(new)
            path = self.home / keyfile.KEY_FILE
            header = keyfile.parse(path)
            data_key = keyfile.unwrap(header, old)
            blob = keyfile.build(
                version=header.version,
                store_id=header.store_id,
                passphrase=new,
                data_key=data_key,
                params=header.params,
                entropy=self._entropy,
            )
            atomic_write(path, blob, self._entropy(8).hex())

    # ------------------------------------------------------------------ records

    def put(self, record: Record, *, actor: str) -> Record:
        """Store one version; returns the record's current version afterwards."""
        with self._mutex:
            _, docs = self._apply([record], actor, None)
            return history.current_record(docs[record.id])

    def apply(
        self,
        records: Iterable[Record],
        *,
        actor: str,
        meta: dict[str, Any] | None = None,
        purge: Iterable[str] = (),
    ) -> ApplyResult:
        """Store many versions (and meta keys, and removals) in one all-or-nothing commit."""
        with self._mutex:
            result, _ = self._apply(list(records), actor, meta, list(purge))
            return result

    def purge(self, record_ids: Iterable[str], *, actor: str) -> int:
        """Remove records and their whole history (data minimisation); audited. Returns how many."""
        with self._mutex:
            self._ensure_open()
            check_actor(actor)
            plan = self._plan()
            count = plan.purge(record_ids, actor)
            if count:
                self._commit(plan.tx)
            return count

    def get(self, record_id: str) -> Record | None:
        with self._mutex:
            self._ensure_open()
            pkey = self._index.where.get(record_id)
            if pkey is None:
                return None
            doc = self._parts.docs(pkey).get(record_id)
            return fresh(history.current_record(doc)) if doc else None

    def list(
        self,
        kind: str | None = None,
        subject: str | None = None,
        *,
        kinds: Collection[str] | None = None,
        include_deleted: bool = False,
        skip_damaged: bool = False,
    ) -> list[Record]:
        """Current versions, oldest created first. With ``subject`` only that partition is read.

        ``kinds`` keeps only those kinds; partitions holding none of them (the index knows each
        record's kind) are not decrypted at all.

        A damaged partition raises ``StoreCorrupt`` naming it; with ``skip_damaged`` it is left
        out instead (and reported by ``check()``), so a register can still show everything else.
        """
        with self._mutex:
            self._ensure_open()
            if subject is not None:
                pkeys = [subject] if subject in self._index.members else []
            else:
                pkeys = [p for p, m in self._index.members.items() if kind is None or kind in m.values()]
            if kinds is not None:
                wanted = frozenset(kinds)
                pkeys = [p for p in pkeys if not wanted.isdisjoint(self._index.members[p].values())]
            out: list[Record] = []
            for pkey in pkeys:
                try:
                    docs = self._parts.docs(pkey)
                except StoreCorrupt as exc:
                    if not skip_damaged:
                        raise
                    if exc.message not in self._problems:
                        self._problems.append(exc.message)
                    continue
                for doc in docs.values():
                    cur = history.current_dict(doc)
                    if kind is not None and cur["kind"] != kind:
                        continue
                    if kinds is not None and cur["kind"] not in wanted:
                        continue
                    if subject is not None and cur.get("subject") != subject:
                        continue
                    if cur.get("deleted") and not include_deleted:
                        continue
                    out.append(fresh(Record.from_dict(cur)))
            out.sort(key=lambda r: (r.created, r.id))
            return out

    def history(self, record_id: str) -> list[Record]:
        """Every version ever stored, oldest revision first (rivals in arrival order)."""
        with self._mutex:
            self._ensure_open()
            pkey = self._index.where.get(record_id)
            doc = self._parts.docs(pkey).get(record_id) if pkey is not None else None
            return [fresh(r) for r in history.history(doc)] if doc else []

    def summaries(self) -> dict[str, dict[str, Any]]:
        """Per-subject summaries from the index.

        Only partitions changed since the summaries were last computed are read (normally still
        cached); everything else comes from the index alone.
        """
        with self._mutex:
            self._ensure_open()
            self._refresh_summaries()
            return json_copy(self._index.summaries)

    def count(self) -> int:
        """How many records the store holds (from the index)."""
        with self._mutex:
            self._ensure_open()
            return len(self._index.where)

    def conflicts(self) -> list[Conflict]:
        with self._mutex:
            self._ensure_open()
            out: list[Conflict] = []
            for rid, pkey in sorted(self._index.conflicts.items()):
                doc = self._parts.docs(pkey).get(rid)
                if not doc:
                    continue
                cur = history.current_dict(doc)
                for rev_key, hashes in sorted(doc["conflicts"].items(), key=lambda kv: int(kv[0])):
                    rivals = tuple(
                        fresh(Record.from_dict(v["record"]))
                        for h in hashes
                        for v in doc["versions"]
                        if v["rev"] == int(rev_key) and v["hash"] == h
                    )
                    out.append(
                        Conflict(
                            rid, cur["kind"], cur.get("subject"), int(rev_key), tuple(hashes), rivals, doc["current"][1]
                        )
                    )
            return out

    def resolve_conflict(self, record_id: str, chosen_content_hash: str, *, actor: str) -> Record:
        """The officer picks one rival; it becomes current if the conflict is at the current revision."""
        with self._mutex:
            self._ensure_open()
            check_actor(actor)
            plan = self._plan()
            new_doc = plan.resolve(record_id, chosen_content_hash, actor)
            self._commit(plan.tx)
            return fresh(history.current_record(new_doc))

    # ------------------------------------------------------------------ meta

    def meta_get(self, key: str, default: Any = None) -> Any:
        with self._mutex:
            self._ensure_open()
            return json_copy(self._index.meta[key]) if key in self._index.meta else default

    def meta_set(self, key: str, value: Any, *, actor: str = "system") -> None:
        """Set an encrypted setting (JSON value). Unchanged values write nothing."""
        with self._mutex:
            self._apply([], actor, {key: value})

    def meta_delete(self, key: str, *, actor: str = "system") -> None:
        with self._mutex:
            self._ensure_open()
            if key not in self._index.meta:
                return
            plan = self._plan()
            plan.delete_meta(key, actor)
            self._commit(plan.tx)

    def meta_keys(self) -> list[str]:
        with self._mutex:
            self._ensure_open()
            return sorted(self._index.meta)

    # ------------------------------------------------------------------ drafts

    def save_draft(self, draft_id: str, data: dict[str, Any]) -> None:
        with self._mutex:
            self._ensure_open()
            self._drafts.save(draft_id, data)

    def load_draft(self, draft_id: str) -> dict[str, Any] | None:
        with self._mutex:
            self._ensure_open()
            return self._drafts.load(draft_id)

    def delete_draft(self, draft_id: str) -> None:
        with self._mutex:
            self._ensure_open()
            self._drafts.delete(draft_id)

    def list_drafts(self) -> list[tuple[str, str]]:
        with self._mutex:
            self._ensure_open()
            return self._drafts.list()

    # ------------------------------------------------------------------ audit, check, files

    def audit_entries(self) -> list[dict[str, Any]]:
        """The whole audit log, oldest first (entries since the checkpoint included)."""
        with self._mutex:
            self._ensure_open()
            entries, problems = self._audit.read(self._index.audit_bytes)
            if problems:
                raise StoreCorrupt(self._audit.path)
            return entries + copy.deepcopy(self._audit_pending)

    def check(self) -> list[str]:
        """Read back every file and verify the audit chain; returns the problems (Chinese)."""
        with self._mutex:
            self._ensure_open()
            return integrity.check(
                self.home,
                self._require_keys().index,
                self._index,
                self._journal,
                self._audit,
                self._audit_pending,
                self._parts,
                self._drafts,
                self._problems,
            )

    def files(self) -> list[Path]:
        """Every file under the home this store owns (what tests scan for plaintext)."""
        out = [self.home / name for name in (keyfile.KEY_FILE, INDEX_FILE, JOURNAL_FILE, AUDIT_FILE, LOCK_FILE)]
        out = [p for p in out if p.is_file()] + leftover_temps(self.home)
        for folder in (self.home / PARTS_DIR, self.home / DRAFTS_DIR):
            if folder.is_dir():
                out.extend(p for p in folder.iterdir() if p.is_file())
        return sorted(out)

    def checkpoint(self) -> None:
        """Fold the journal into the partitions and index now (normally automatic)."""
        with self._mutex:
            self._ensure_open()
            if self._journal.count:
                self._checkpoint()

    # ------------------------------------------------------------------ internals

    def _plan(self) -> Plan:
        """A new transaction whose first audit entry chains to the last one committed."""
        last = self._audit_pending[-1] if self._audit_pending else self._index.audit_last
        return Plan(self._index, self._parts.docs, last, lambda: iso(self._clock()))

    def _apply(
        self, records: list[Record], actor: str, meta: dict[str, Any] | None, purge: list[str] | None = None
    ) -> tuple[ApplyResult, dict[str, Doc]]:
        self._ensure_open()
        check_actor(actor)
        for rec in records:
            if not isinstance(rec, Record):
                raise StoreError("只能保存记录对象。")
        plan = self._plan()
        result, work = plan.records(records, actor)
        if meta:
            plan.set_meta(meta, actor)
        if purge:
            plan.purge(purge, actor)
        if plan.needs_commit:
            self._commit(plan.tx)
        return result, work

    def _refresh_summaries(self) -> None:
        """Recompute the summaries of subjects changed since they were last computed.

        Kept off the save path (it reads the whole partition); done when summaries are read
        and before each checkpoint writes the index. A damaged partition keeps its old summary.
        """
        for pkey in sorted(self._index.dirty):
            if pkey == NO_SUBJECT:
                continue
            try:
                docs = self._parts.docs(pkey) if pkey in self._index.members else {}
            except StoreCorrupt as exc:
                if exc.message not in self._problems:
                    self._problems.append(exc.message)
                continue
            self._set_summary(pkey, docs)
        self._index.dirty.clear()

    def _set_summary(self, pkey: str, docs: dict[str, Doc]) -> None:
        if docs:
            records = [Record.from_dict(history.current_dict(d)) for d in docs.values()]
            self._index.summaries[pkey] = summarise(pkey, records)
        else:
            self._index.summaries.pop(pkey, None)

    def _commit(self, tx: Transaction) -> None:
        """Durable once the journal frame is fsynced; then folded into memory."""
        if self._journal.gen != self._index.gen:
            self._journal.reset(self._index.gen)  # a journal of an older checkpoint is obsolete
        before = self._journal.bytes
        try:
            self._journal.append(tx.to_dict())
        except OSError as exc:
            raise StoreError("保存失败:无法写入存储(空间不足或存储卡被移除?)。请检查后重试。") from exc
        self._absorb(tx)
        # The size test counts the journal as this commit found it, so a save never waits for the
        # folding of its own large transaction: a big import is durable at its fsync and folded
        # by the next commit, an explicit checkpoint() or close().
        if self._journal.count >= self._options.checkpoint_every or before >= self._options.checkpoint_bytes:
            try:
                self._checkpoint()
            except (OSError, StoreError) as exc:
                # The commit is already durable in the journal; report the failure through check().
                self._problems.append(f"整理数据文件失败,将在下次保存时重试:{exc}")

    def _absorb(self, tx: Transaction) -> None:
        self._parts.absorb(tx.parts)
        self._index.absorb(tx)
        self._audit_pending.extend(tx.audit)

    def _checkpoint(self) -> None:
        self._require_keys()
        self._parts.flush(self._written)
        self._refresh_summaries()
        audit_bytes = self._index.audit_bytes
        if self._audit_pending:
            audit_bytes = self._audit.append(self._audit_pending, self._index.audit_bytes)
        audit_last = self._audit_pending[-1] if self._audit_pending else self._index.audit_last
        self._write_index(gen=self._index.gen + 1, audit_bytes=audit_bytes, audit_last=audit_last)
        self._index.gen += 1
        self._index.audit_bytes = audit_bytes
        self._index.audit_last = {"seq": audit_last["seq"], "hash": audit_last["hash"]} if audit_last else None
        self._parts.pending.clear()
        self._audit_pending.clear()
        self._journal.reset(self._index.gen)
        for folder in (self.home, self.home / PARTS_DIR, self.home / DRAFTS_DIR):
            for tmp in leftover_temps(folder):
                remove_durably(tmp)

    def _written(self, pkey: str, docs: dict[str, Doc]) -> None:
        """A partition was just checkpointed: summarise what was written, no second read."""
        if pkey in self._index.dirty and pkey != NO_SUBJECT:
            self._set_summary(pkey, docs)
            self._index.dirty.discard(pkey)

    def _init_layout(self) -> None:
        """Empty partitions folder, audit log, index and journal (before the key file exists)."""
        for folder in (self.home / PARTS_DIR, self.home / DRAFTS_DIR):
            folder.mkdir(exist_ok=True)
            for stale in folder.glob("*.bin"):
                stale.unlink()  # leftovers of an interrupted create or migration
        atomic_write(self.home / AUDIT_FILE, b"", self._entropy(8).hex())
        self._write_index()
        self._journal.reset(0)

    def _write_index(self, *, gen: int = 0, audit_bytes: int = 0, audit_last: AuditEntry | None = None) -> None:
        body = self._index.body(gen=gen, audit_bytes=audit_bytes, audit_last=audit_last, fmt=FORMAT_VERSION)
        sealed.write(self.home / INDEX_FILE, body, self._require_keys().index, INDEX, INDEX_FILE, self._entropy)

    def _load(self) -> None:
        keys = self._require_keys()
        path = self.home / INDEX_FILE
        body = sealed.read(path, keys.index, INDEX, INDEX_FILE)
        self._index = Index.from_body(body, path)
        state = self._journal.read()
        self._problems.extend(state.problems)
        if state.gen == self._index.gen:
            self._journal.adopt(state)
            for tx in state.txs:
                self._absorb(Transaction.from_dict(tx))
        elif state.gen is not None and state.gen > self._index.gen:
            self._problems.append(f"索引文件比事务日志旧,可能被替换:{path}。")

    def _require_keys(self) -> SubKeys:
        if self._keys is None:
            raise StoreLocked()
        return self._keys

    def _ensure_open(self) -> None:
        if self._keys is None:
            raise StoreLocked()


def _check_passphrase(passphrase: str) -> None:
    if not isinstance(passphrase, str) or not passphrase:
        raise StoreError("口令不能为空,请输入口令。")


__all__ = ["ApplyResult", "Conflict", "FORMAT_VERSION", "Store", "StoreOptions"]
