"""The committed state: the last checkpoint plus the journals since, and folding one into the other.

``Ledger`` holds what the store knows in memory (the ``Index``, the ``PartitionCache`` with its
pending changes, the audit entries not yet in the audit log) and the files that make it durable.
``commit`` appends a transaction to the journal (durable at the fsync) and folds it into memory;
``load`` rebuilds memory at unlock.

Rolling checkpoint: when the journal holds ``checkpoint_every`` commits (or ``checkpoint_bytes``),
it is retired (renamed ``journal.old.bin``) and a ``Fold`` starts. Every ``fold_every``-th later
commit writes a bounded slice of it (one partition file at a time, for about
``fold_budget_ms``; most saves pay nothing, so the median save is not slowed) and the last
step appends the retired journal's audit entries, fsyncs the partitions folder and writes the
index of the next generation, which makes the retired journal obsolete. No save waits for a
whole checkpoint. A whole fold at once (``checkpoint``, the end of a large import) writes its
partition files from threads (``storage.fold``). A kill at any instant leaves the old index with both journals to replay (a
partition file already written is newer than the index says, which is allowed: replaying sets
the same documents again), or the new index with the current journal.

Freshness (rollback and truncation at rest): every partition file carries its write generation
and the journal lengths it includes; the index records each file's generation and digest and
the journal lengths at its checkpoint. An older partition file, or a journal with fewer whole
frames than a later-written file saw, is reported by name (at unlock, when the partition is read,
and by ``check``). Frames appended after the last file that recorded them cannot be told from a
crash just before them: that window is one fold step, at most.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from core.records import Record
from storage import gcpause, history, sealed
from storage.audit import AUDIT_FILE, AuditLog
from storage.cache import PARTS_DIR, PartitionCache
from storage.crypto import INDEX, Entropy, SubKeys
from storage.drafts import DRAFTS_DIR
from storage.errors import StoreCorrupt, StoreError, StoreLocked
from storage.fold import PARALLEL_FROM, Fold, write_together
from storage.fsio import atomic_write, fsync_dir, leftover_temps, remove_durably
from storage.history import Doc, fresh
from storage.index import INDEX_FILE, Index
from storage.journal import (
    JOURNAL_FILE,
    OLD_JOURNAL_FILE,
    Journal,
    JournalState,
    journal_problems,
    missing_journal_message,
)
from storage.transaction import NO_SUBJECT, AuditEntry, Transaction


@dataclass(frozen=True)
class StoreOptions:
    """Tuning knobs; tests shrink them to exercise checkpoints and cache eviction."""

    checkpoint_every: int = 256  # commits in a journal before it is retired and folded
    checkpoint_bytes: int = 8 * 1024 * 1024  # or when the journal grows past this
    # Decrypted partitions kept in memory. An import reads each subject it touches to check the
    # sender's scope, then writes it at the checkpoint: with room for a bundle's subjects (a
    # week's bundle from a village has a few dozen; the benchmark's has a hundred) none is read
    # twice. A phone's helper has far fewer subjects than this; at the office it is some tens of MB.
    cache_partitions: int = 128
    fold_every: int = 3  # a rolling-checkpoint slice runs on every n-th commit (the others pay nothing)
    fold_budget_ms: float = 8.0  # work per slice, after its first step
    draft_interval_s: float = 1.0  # a buffered draft is written at most this often


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
        self.audit_texts: dict[int, str] = {}  # seq -> a pending entry as its journal frame spelled it
        self.parts = PartitionCache(home, keys, entropy, options.cache_partitions, self.index_file)
        self.journal = Journal(home / JOURNAL_FILE, keys.journal, entropy)
        self.audit = AuditLog(home / AUDIT_FILE, keys.audit, entropy)
        self.fold: Fold | None = None

    def index_file(self, pkey: str) -> dict[str, object] | None:
        return self.index.files.get(pkey)

    @property
    def audit_last(self) -> AuditEntry | None:
        """The last audit entry committed: the next one chains to it."""
        return self.audit_pending[-1] if self.audit_pending else self.index.audit_last

    @property
    def unfolded(self) -> bool:
        """Whether anything committed is still only in a journal."""
        return bool(self.journal.count or self.fold)

    def note(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems.append(problem)

    def commit(self, tx: Transaction) -> None:
        """Durable once the journal frame is fsynced; then folded into memory, then a fold slice."""
        expected = self.index.gen + (1 if self.fold else 0)
        if self.journal.gen != expected:
            self.journal.reset(expected)  # a journal of an older checkpoint is obsolete
        before = self.journal.bytes
        frame, doc_texts = tx.spell()  # each document and audit entry encoded once, reused by the fold
        try:
            self.journal.append(frame)
        except OSError as exc:
            raise StoreError("保存失败:无法写入存储(空间不足或存储卡被移除?)。请检查后重试。") from exc
        self._absorb(tx, doc_texts)
        # The size test counts the journal as this commit found it, so a save never waits for the
        # retiring of its own large transaction: a big import is durable at its fsync and folded
        # over the next commits, an explicit checkpoint() or close().
        try:
            if self.fold is None:
                if self.journal.count >= self._options.checkpoint_every or before >= self._options.checkpoint_bytes:
                    self._start_fold()  # the retiring is this commit's share of the work
            else:
                self.fold.wait += 1
                # Behind: the next journal is already due while this fold lasts. Every commit
                # then folds (a slice no longer than usual), so memory and the journal stay bounded.
                behind = (
                    self.journal.count >= self._options.checkpoint_every
                    or self.journal.bytes >= self._options.checkpoint_bytes
                )
                if behind or self.fold.wait >= self._options.fold_every:
                    self.fold.wait = 0
                    self._fold_slice(time.perf_counter() + self._options.fold_budget_ms / 1000)
        except (OSError, StoreError) as exc:
            # The commit is already durable in the journal; report the failure through check().
            self.note(f"整理数据文件失败,将在下次保存时重试:{exc}")

    def _start_fold(self) -> None:
        old = self.journal.retire(self.home / OLD_JOURNAL_FILE)
        self.fold = Fold(old, sorted(self.parts.pending), len(self.audit_pending))
        self.journal.reset(self.index.gen + 1)  # if this fails, the next commit starts it

    def _fold_slice(self, deadline: float) -> None:
        """One partition at least, more while time is left; then the index's parts spelled ahead
        (``Index.spell_ahead``) and the audit entries appended (``_fold_audit``) while time is
        left; the finishing step (the index) on its own."""
        fold = self.fold
        steps = 0
        while fold is not None and (steps == 0 or time.perf_counter() < deadline):
            if fold.todo:
                self._write_partition(fold.todo[-1])
                fold.todo.pop()  # only once written: a partition that failed is tried again
                fold.done += 1
            elif not self.index.spell_ahead(deadline):
                break  # the rest of the index waits for the next slice
            elif fold.audited is None:
                self._fold_audit(fold)
            elif steps == 0:
                self._finish_fold()
            else:
                break
            steps += 1
            fold = self.fold

    def _stamp_journals(self) -> list[list[int]]:
        """The journals (generation, whole frames) whose changes a file written now includes."""
        out = []
        if self.fold is not None and self.fold.old is not None and self.fold.old.gen is not None:
            out.append([self.fold.old.gen, self.fold.old.count])
        if self.journal.gen is not None:
            out.append([self.journal.gen, self.journal.count])
        return out

    def _write_partition(self, pkey: str) -> None:
        if pkey not in self.parts.pending:
            return  # written already by an earlier slice with everything it had
        record, docs = self.parts.write(pkey, self._stamp_journals())
        self.index.files[pkey] = record
        if pkey in self.index.dirty and pkey != NO_SUBJECT:
            self.index.summarise(pkey, docs)  # summarise what was written, no second read
            self.index.dirty.discard(pkey)

    def _finish_fold(self) -> None:
        """Audit entries of the retired journal (unless ``_fold_audit`` appended them already),
        then the index of the next generation."""
        fold = self.fold
        if fold is None:
            return
        audit_bytes, audit_last = fold.audited or self._fold_audit(fold)
        entries = self.audit_pending[: fold.audit_n]
        fsync_dir(self.parts.folder)  # every partition rename durable before the index names it
        gen = self.index.gen + 1
        journals = [[self.journal.gen, self.journal.count]] if self.journal.gen == gen else []
        self._write_index(gen=gen, audit_bytes=audit_bytes, audit_last=audit_last, journals=journals)
        self.index.gen = gen
        self.index.audit_bytes = audit_bytes
        self.index.audit_last = audit_last
        self.index.journals = journals
        del self.audit_pending[: fold.audit_n]
        for e in entries:
            self.audit_texts.pop(e["seq"], None)
        self.fold = None
        if fold.old is not None:
            fold.old.close()
        remove_durably(self.home / OLD_JOURNAL_FILE)

    def _fold_audit(self, fold: Fold) -> tuple[int, AuditEntry | None]:
        """Append the retired journal's audit entries after the checkpoint's end of the log.
        Until the index names the new end those bytes are not part of the log (a crash leaves
        them to be cut off), so this may be a slice of its own before the index is written, or
        run beside the partition writers (their renames are made durable by ``_finish_fold``)."""
        audit_bytes, audit_last = self.index.audit_bytes, self.index.audit_last
        entries = self.audit_pending[: fold.audit_n]
        if entries:
            texts = [self.audit_texts.get(e["seq"]) for e in entries]
            audit_bytes = self.audit.append(entries, self.index.audit_bytes, texts)
            audit_last = {"seq": entries[-1]["seq"], "hash": entries[-1]["hash"]}
        fold.audited = (audit_bytes, audit_last)
        return fold.audited

    def _absorb(self, tx: Transaction, doc_texts: dict[str, dict[str, tuple[Doc, bytes]]] | None = None) -> None:
        self.parts.absorb(tx.parts, doc_texts)
        self.index.absorb(tx)
        self.audit_pending.extend(tx.audit)
        if len(tx.audit_texts) == len(tx.audit):
            self.audit_texts.update((e["seq"], t) for e, t in zip(tx.audit, tx.audit_texts, strict=True))

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
            self.index.summarise(pkey, docs)
        self.index.dirty.clear()
        self.index.appended.clear()

    def checkpoint(self) -> None:
        """Fold everything now (close, an explicit checkpoint): the journal ends empty."""
        with gcpause.paused():
            if self.fold is not None:
                self._fold_all()
            if self.journal.count:
                self._start_fold()
                self._fold_all()
        for folder in (self.home, self.home / PARTS_DIR, self.home / DRAFTS_DIR):
            for tmp in leftover_temps(folder):
                remove_durably(tmp)

    def rewrite_from(self, docs_of: Callable[[str], dict[str, Doc]], pkeys: list[str], batch: int) -> None:
        """Re-keying: write every partition in ``pkeys`` (its documents from ``docs_of``) under
        this ledger's keys, then the audit entries waiting and the index, as one fold. At most
        ``batch`` partitions' documents are held at once."""
        self.fold = Fold(None, [], len(self.audit_pending))
        for n, pkey in enumerate(pkeys, start=1):
            self.parts.pending[pkey] = dict(docs_of(pkey))
            self._write_partition(pkey)
            if n % max(1, batch) == 0:  # bounded memory on a large office store
                self.parts.evict_all()
        self._finish_fold()

    def _fold_all(self) -> None:
        if self.fold is not None and len(self.fold.todo) >= PARALLEL_FROM:
            write_together(self.parts, self.index, self.fold, self._stamp_journals(), self._fold_audit)
        while self.fold is not None and self.fold.todo:
            self._write_partition(self.fold.todo[-1])
            self.fold.todo.pop()
        self._finish_fold()

    def init_layout(self) -> None:
        """Empty partitions folder, audit log, index and journal (before the key file exists)."""
        for folder in (self.home / PARTS_DIR, self.home / DRAFTS_DIR):
            folder.mkdir(exist_ok=True)
            for stale in folder.glob("*.bin"):
                stale.unlink()  # leftovers of an interrupted create or migration
        remove_durably(self.home / OLD_JOURNAL_FILE)
        atomic_write(self.home / AUDIT_FILE, b"", self._entropy(8).hex())
        self._write_index()
        self.journal.reset(0)

    def _write_index(
        self,
        *,
        gen: int = 0,
        audit_bytes: int = 0,
        audit_last: AuditEntry | None = None,
        journals: list[list[int]] | None = None,
    ) -> None:
        body = self.index.body_text(
            gen=gen, audit_bytes=audit_bytes, audit_last=audit_last, fmt=self._format, journals=journals or []
        )
        sealed.write_text(self.home / INDEX_FILE, body, self._index_key(), INDEX, INDEX_FILE, self._entropy)

    def load(self) -> None:
        """Read the index and replay the journals it continues from. Writes nothing."""
        path = self.home / INDEX_FILE
        self.index = Index.from_text(sealed.read_text(path, self._index_key(), INDEX, INDEX_FILE), path)
        gen = self.index.gen
        old_path = self.home / OLD_JOURNAL_FILE
        old = Journal(old_path, self._keys.journal if self._keys else b"", self._entropy)
        old_state = old.read() if old_path.exists() else JournalState(None)
        state = self.journal.read()
        self.problems.extend(old_state.problems if old_state.gen == gen else [])
        self.problems.extend(state.problems)
        newer = [s.gen for s in (old_state, state) if s.gen is not None and s.gen > gen + 1]
        if newer or (old_state.gen is not None and old_state.gen > gen):
            self.problems.append(f"索引文件比事务日志旧,可能被替换:{path}。")
        if old_state.gen == gen:  # a rolling checkpoint was interrupted: fold on from both journals
            old.adopt(old_state)
            self._replay(old_state)
            audit_n = len(self.audit_pending)
            if state.gen == gen + 1:
                self.journal.adopt(state)
                self._replay(state)
            self.fold = Fold(old, sorted(self.parts.pending), audit_n)
        elif state.gen == gen:
            self.journal.adopt(state)
            self._replay(state)
        elif state.gen == gen + 1:  # the retired journal went missing: keep what is left
            self.problems.append(missing_journal_message(old_path))
            self.journal.adopt(state)
            self._replay(state)
            self.fold = Fold(None, sorted(self.parts.pending), 0)
        self.problems.extend(journal_problems(self.index.journals, gen, self.home, old_state, state))

    def _replay(self, state: JournalState) -> None:
        for tx in state.txs:
            self._absorb(Transaction.from_dict(tx))

    def _index_key(self) -> bytes:
        if self._keys is None:
            raise StoreLocked()
        return self._keys.index

    def forget(self) -> None:
        """Drop every decrypted thing and key (the store is locking)."""
        self._keys = None
        if self.fold is not None and self.fold.old is not None:
            self.fold.old.forget()
        self.fold = None
        self.journal.forget()
        self.audit.forget()
        self.parts.forget()
        self.index = Index()
        self.audit_pending.clear()
        self.audit_texts.clear()
