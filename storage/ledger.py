"""The committed state: the last checkpoint plus the journal since, and folding one into the other.

``Ledger`` holds what the store knows in memory (the ``Index``, the ``PartitionCache`` with its
pending changes, the audit entries not yet in the audit log) and the files that make it durable.
``commit`` appends a transaction to the journal (durable at the fsync) and folds it into memory;
``checkpoint`` writes the pending changes into the partitions, the audit log and a new index,
then restarts the journal under the next generation; ``load`` rebuilds memory at unlock.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Collection

from core.records import Record
from storage import history, sealed
from storage.audit import AUDIT_FILE, AuditLog
from storage.cache import PARTS_DIR, PartitionCache
from storage.crypto import INDEX, Entropy, SubKeys
from storage.drafts import DRAFTS_DIR
from storage.errors import StoreCorrupt, StoreError, StoreLocked
from storage.fsio import atomic_write, leftover_temps, remove_durably
from storage.history import Doc, fresh
from storage.index import INDEX_FILE, Index
from storage.journal import JOURNAL_FILE, Journal
from core.rules import summarise_subject
from storage.transaction import NO_SUBJECT, AuditEntry, Transaction


@dataclass(frozen=True)
class StoreOptions:
    """Tuning knobs; tests shrink them to exercise checkpoints and cache eviction."""

    checkpoint_every: int = 256  # commits folded into partitions per checkpoint
    checkpoint_bytes: int = 8 * 1024 * 1024  # or when the journal grows past this
    cache_partitions: int = 64  # decrypted partitions kept in memory


class Ledger:
    def __init__(self, home: Path, keys: SubKeys, entropy: Entropy, options: StoreOptions, fmt: int) -> None:
        self.home = home
        self._keys: SubKeys | None = keys
        self._entropy = entropy
        self._options = options
        self._format = fmt
        self.problems: list[str] = []  # met while in use; the integrity check reports them first
        self.index = Index()  # checkpoint state plus committed transactions since the checkpoint
        self.audit_pending: list[AuditEntry] = []
        self.parts = PartitionCache(home, keys, entropy, options.cache_partitions)
        self.journal = Journal(home / JOURNAL_FILE, keys.journal, entropy)
        self.audit = AuditLog(home / AUDIT_FILE, keys.audit, entropy)

    @property
    def audit_last(self) -> AuditEntry | None:
        """The last audit entry committed: the next one chains to it."""
        return self.audit_pending[-1] if self.audit_pending else self.index.audit_last

    def note(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems.append(problem)

    def commit(self, tx: Transaction) -> None:
        """Durable once the journal frame is fsynced; then folded into memory."""
        if self.journal.gen != self.index.gen:
            self.journal.reset(self.index.gen)  # a journal of an older checkpoint is obsolete
        before = self.journal.bytes
        try:
            self.journal.append(tx.to_dict())
        except OSError as exc:
            raise StoreError("保存失败:无法写入存储(空间不足或存储卡被移除?)。请检查后重试。") from exc
        self._absorb(tx)
        # The size test counts the journal as this commit found it, so a save never waits for the
        # folding of its own large transaction: a big import is durable at its fsync and folded
        # by the next commit, an explicit checkpoint() or close().
        if self.journal.count >= self._options.checkpoint_every or before >= self._options.checkpoint_bytes:
            try:
                self.checkpoint()
            except (OSError, StoreError) as exc:
                # The commit is already durable in the journal; report the failure through check().
                self.problems.append(f"整理数据文件失败,将在下次保存时重试:{exc}")

    def _absorb(self, tx: Transaction) -> None:
        self.parts.absorb(tx.parts)
        self.index.absorb(tx)
        self.audit_pending.extend(tx.audit)

    def records(
        self,
        kind: str | None,
        subject: str | None,
        kinds: Collection[str] | None,
        include_deleted: bool,
        skip_damaged: bool,
    ) -> list[Record]:
        """Current versions matching all the filters, oldest created first (``Store.list``)."""
        wanted = frozenset(kinds) if kinds is not None else None
        out: list[Record] = []
        for pkey in self.index.partitions(kind, subject, kinds):
            try:
                docs = self.parts.docs(pkey)
            except StoreCorrupt as exc:
                if not skip_damaged:
                    raise
                self.note(exc.message)
                continue
            for doc in docs.values():
                cur = history.current_dict(doc)
                if kind is not None and cur["kind"] != kind:
                    continue
                if wanted is not None and cur["kind"] not in wanted:
                    continue
                if subject is not None and cur.get("subject") != subject:
                    continue
                if cur.get("deleted") and not include_deleted:
                    continue
                out.append(fresh(Record.from_dict(cur)))
        out.sort(key=lambda r: (r.created, r.id))
        return out

    def refresh_summaries(self) -> None:
        """Recompute the summaries of subjects changed since they were last computed.

        Kept off the save path (it reads the whole partition); done when summaries are read
        and before each checkpoint writes the index. A damaged partition keeps its old summary.
        """
        for pkey in sorted(self.index.dirty):
            if pkey == NO_SUBJECT:
                continue
            try:
                docs = self.parts.docs(pkey) if pkey in self.index.members else {}
            except StoreCorrupt as exc:
                self.note(exc.message)
                continue
            self._set_summary(pkey, docs)
        self.index.dirty.clear()

    def _set_summary(self, pkey: str, docs: dict[str, Doc]) -> None:
        if docs:
            records = [Record.from_dict(history.current_dict(d)) for d in docs.values()]
            self.index.summaries[pkey] = summarise_subject(pkey, records)
        else:
            self.index.summaries.pop(pkey, None)

    def checkpoint(self) -> None:
        """Fold the pending changes into the files; the journal restarts empty."""
        self.parts.flush(self._written)
        self.refresh_summaries()
        audit_bytes = self.index.audit_bytes
        if self.audit_pending:
            audit_bytes = self.audit.append(self.audit_pending, self.index.audit_bytes)
        audit_last = self.audit_last
        self._write_index(gen=self.index.gen + 1, audit_bytes=audit_bytes, audit_last=audit_last)
        self.index.gen += 1
        self.index.audit_bytes = audit_bytes
        self.index.audit_last = {"seq": audit_last["seq"], "hash": audit_last["hash"]} if audit_last else None
        self.parts.pending.clear()
        self.audit_pending.clear()
        self.journal.reset(self.index.gen)
        for folder in (self.home, self.home / PARTS_DIR, self.home / DRAFTS_DIR):
            for tmp in leftover_temps(folder):
                remove_durably(tmp)

    def _written(self, pkey: str, docs: dict[str, Doc]) -> None:
        """A partition was just checkpointed: summarise what was written, no second read."""
        if pkey in self.index.dirty and pkey != NO_SUBJECT:
            self._set_summary(pkey, docs)
            self.index.dirty.discard(pkey)

    def init_layout(self) -> None:
        """Empty partitions folder, audit log, index and journal (before the key file exists)."""
        for folder in (self.home / PARTS_DIR, self.home / DRAFTS_DIR):
            folder.mkdir(exist_ok=True)
            for stale in folder.glob("*.bin"):
                stale.unlink()  # leftovers of an interrupted create or migration
        atomic_write(self.home / AUDIT_FILE, b"", self._entropy(8).hex())
        self._write_index()
        self.journal.reset(0)

    def _write_index(self, *, gen: int = 0, audit_bytes: int = 0, audit_last: AuditEntry | None = None) -> None:
        body = self.index.body(gen=gen, audit_bytes=audit_bytes, audit_last=audit_last, fmt=self._format)
        sealed.write(self.home / INDEX_FILE, body, self._index_key(), INDEX, INDEX_FILE, self._entropy)

    def load(self) -> None:
        """Read the index and replay the journal of the same generation. Writes nothing."""
        path = self.home / INDEX_FILE
        body = sealed.read(path, self._index_key(), INDEX, INDEX_FILE)
        self.index = Index.from_body(body, path)
        state = self.journal.read()
        self.problems.extend(state.problems)
        if state.gen == self.index.gen:
            self.journal.adopt(state)
            for tx in state.txs:
                self._absorb(Transaction.from_dict(tx))
        elif state.gen is not None and state.gen > self.index.gen:
            self.problems.append(f"索引文件比事务日志旧,可能被替换:{path}。")

    def _index_key(self) -> bytes:
        if self._keys is None:
            raise StoreLocked()
        return self._keys.index

    def forget(self) -> None:
        """Drop every decrypted thing and key (the store is locking)."""
        self._keys = None
        self.journal.forget()
        self.audit.forget()
        self.parts.forget()
        self.index = Index()
        self.audit_pending.clear()
