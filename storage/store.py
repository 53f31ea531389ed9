"""The encrypted, crash-safe, partitioned store: the only way to reach data on disk.

Layout of a store's home folder::

    xietong.key        format version, scrypt parameters, wrapped data key (no personal data)
    index.bin          checkpoint: record id -> partition map, per-subject summaries, meta,
                       open conflicts, audit position (sealed)
    journal.bin        transactions committed since that checkpoint (sealed frames)
    journal.old.bin    the retired journal a rolling checkpoint is folding (while it lasts)
    audit.bin          hash-chained audit entries up to that checkpoint (sealed frames)
    parts/<name>.bin   one encrypted TinyDB per subject, one for records without subject
    drafts/<name>.bin  one sealed file per draft
    lock               held with flock while a process has the store open

A commit appends one frame to the journal and fsyncs it: the save is durable and cheap whatever
the store's size. After ``checkpoint_every`` commits, or a commit that found at least
``checkpoint_bytes`` in the journal, the journal is retired (``journal.old.bin``) and folded
into the partitions, the audit log and a new index a bounded slice per later commit (a rolling
checkpoint, ``storage.ledger``); close and ``checkpoint()`` fold everything at once. A crash at
any instant leaves the old checkpoint plus its journals, or the new checkpoint (the retired
journal is then ignored).

``Store`` is the facade; its passphrase and re-key operations are in ``storage.store_keys``,
its draft operations in ``storage.store_drafts``. What a commit changes is planned in
``storage.transaction``; decrypted partitions and uncheckpointed changes live in
``storage.cache``; ``storage.integrity`` is the read-back check and ``storage.filelock`` keeps a
second process out.
"""

from __future__ import annotations

import builtins
import copy
import os
import threading
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from core.records import Clock, Record, iso, utc_now
from core.validation import forget_cached_dates
from storage import filelock, history, integrity, keyfile, migrations, policy
from storage.crypto import KEY_LEN, Entropy, KdfParams, SubKeys
from storage.drafts import Drafts
from storage.errors import (
    StoreCorrupt,
    StoreError,
    StoreExists,
    StoreLocked,
    StoreMissing,
)
from storage.history import Conflict, fresh, json_copy
from storage.ledger import Ledger, StoreOptions
from storage.store_conflicts import ConflictsMixin
from storage.store_drafts import DraftsMixin
from storage.store_keys import KeysMixin, finish_interrupted_rekey
from storage.store_settings import SettingsMixin
from storage.transaction import ApplyResult, Plan, check_actor

FORMAT_VERSION = migrations.CURRENT_VERSION

Doc = history.Doc


class Store(KeysMixin, DraftsMixin, SettingsMixin, ConflictsMixin):
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
        self._ledger = Ledger(home, keys, entropy, options, FORMAT_VERSION)
        self._parts = self._ledger.parts
        self._journal = self._ledger.journal  # tests reach it to simulate a crash or a full disk
        self._drafts = Drafts(home, keys, lambda: iso(self._clock()), entropy, interval=options.draft_interval_s)

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
    ) -> Store:
        """Make a new empty store; the key file is written last, so a half-made store does not exist.

        The passphrase must meet ``storage.policy`` (``WeakPassphrase`` names the rule). ``kdf``
        below the scrypt floor is refused (``WeakKdf``) unless the test switch is on; without
        ``kdf`` the cost is calibrated on this device."""
        root = Path(home)
        if cls.exists(root):
            raise StoreExists()
        policy.check_passphrase(passphrase)
        params = policy.kdf_for_new_key(kdf)
        root.mkdir(parents=True, exist_ok=True)
        lock_fd = filelock.acquire(root)
        try:
            store_id = entropy(16).hex()
            data_key = entropy(KEY_LEN)
            opts = options or StoreOptions()
            store = cls(root, store_id, data_key, clock=clock, entropy=entropy, options=opts, lock_fd=lock_fd)
            store._ledger.init_layout()
            keyfile.write(
                root / keyfile.KEY_FILE,
                version=FORMAT_VERSION,
                store_id=store_id,
                passphrase=passphrase,
                data_key=data_key,
                params=params,
                entropy=entropy,
            )
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
    ) -> Store:
        """Unlock: derive the key, read the index, replay the journal. Writes nothing."""
        root = Path(home)
        if not cls.exists(root):
            raise StoreMissing()
        lock_fd = filelock.acquire(root)
        try:
            finish_interrupted_rekey(root)
            store_id, data_key = migrations.unlock(root, passphrase, clock=clock, entropy=entropy)
            opts = options or StoreOptions()
            store = cls(root, store_id, data_key, clock=clock, entropy=entropy, options=opts, lock_fd=lock_fd)
            store._ledger.load()
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
                self._drafts.flush()  # typed in the last second: written before the keys go
            except (OSError, StoreError):
                pass  # the draft written before it is still there
            try:
                if self._ledger.unfolded:
                    self._ledger.checkpoint()
            except (OSError, StoreError):
                pass  # the journal still holds everything; the next open replays it
            finally:
                self._ledger.forget()
                self._drafts.forget()
                forget_cached_dates()
                self._keys = None
                filelock.release(self._lock_fd)
                self._lock_fd = None

    lock = close

    @property
    def closed(self) -> bool:
        return self._keys is None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _successor(self, data_key: bytes, lock_fd: int | None) -> Store:
        """This store opened again under ``data_key`` (after a re-key), holding ``lock_fd``."""
        store = Store(
            self.home,
            self._store_id,
            data_key,
            clock=self._clock,
            entropy=self._entropy,
            options=self._options,
            lock_fd=lock_fd,
        )
        try:
            store._ledger.load()
        except BaseException:
            store.close()
            raise
        return store

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
                self._ledger.commit(plan.tx)
            return count

    def held(self, record_ids: Iterable[str]) -> set[str]:
        """Which of ``record_ids`` the store holds (the index alone answers: nothing decrypted)."""
        with self._mutex:
            self._ensure_open()
            where = self._ledger.index.where
            return {rid for rid in record_ids if rid in where}

    def get(self, record_id: str) -> Record | None:
        with self._mutex:
            self._ensure_open()
            pkey = self._ledger.index.where.get(record_id)
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
            return self._ledger.records(kind, subject, kinds, include_deleted, skip_damaged)

    def history(self, record_id: str) -> builtins.list[Record]:
        """Every version ever stored, oldest revision first (rivals in arrival order)."""
        with self._mutex:
            self._ensure_open()
            pkey = self._ledger.index.where.get(record_id)
            doc = self._parts.docs(pkey).get(record_id) if pkey is not None else None
            return [fresh(r) for r in history.history(doc)] if doc else []

    def summaries(self) -> dict[str, dict[str, Any]]:
        """Per-subject summaries from the index.

        Only partitions changed since the summaries were last computed are read (normally still
        cached); everything else comes from the index alone.
        """
        with self._mutex:
            self._ensure_open()
            self._ledger.refresh_summaries()
            return json_copy(self._ledger.index.summaries)

    def count(self) -> int:
        """How many records the store holds (from the index)."""
        with self._mutex:
            self._ensure_open()
            return len(self._ledger.index.where)

    # ------------------------------------------------------------------ audit, check, files

    def audit_entries(self) -> builtins.list[dict[str, Any]]:
        """The whole audit log, oldest first (entries since the checkpoint included)."""
        with self._mutex:
            self._ensure_open()
            entries, problems = self._ledger.audit.read(self._ledger.index.audit_bytes)
            if problems:
                raise StoreCorrupt(self._ledger.audit.path)
            return entries + copy.deepcopy(self._ledger.audit_pending)

    def check(self) -> builtins.list[str]:
        """Read back every file and verify the audit chain; returns the problems (Chinese)."""
        with self._mutex:
            self._ensure_open()
            return integrity.check(
                self.home,
                self._require_keys().index,
                self._ledger.index,
                self._journal,
                self._ledger.audit,
                self._ledger.audit_pending,
                self._parts,
                self._drafts,
                self._ledger.problems,
            )

    def files(self) -> builtins.list[Path]:
        """Every file under the home this store owns (what tests scan for plaintext)."""
        return integrity.owned_files(self.home)

    def checkpoint(self) -> None:
        """Fold the journal into the partitions and index now (normally automatic)."""
        with self._mutex:
            self._ensure_open()
            if self._ledger.unfolded:
                self._ledger.checkpoint()

    # ------------------------------------------------------------------ internals

    def _plan(self) -> Plan:
        """A new transaction whose first audit entry chains to the last one committed."""
        return Plan(self._ledger.index, self._parts.docs, self._ledger.audit_last, lambda: iso(self._clock()))

    def _apply(
        self,
        records: builtins.list[Record],
        actor: str,
        meta: dict[str, Any] | None,
        purge: builtins.list[str] | None = None,
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
            self._ledger.commit(plan.tx)
        return result, work

    def _require_keys(self) -> SubKeys:
        if self._keys is None:
            raise StoreLocked()
        return self._keys

    def _ensure_open(self) -> None:
        if self._keys is None:
            raise StoreLocked()


__all__ = ["ApplyResult", "Conflict", "FORMAT_VERSION", "Store", "StoreOptions"]
