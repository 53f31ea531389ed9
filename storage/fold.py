"""Folding a retired journal into the partition files: the fold's progress, and the partition
files of a large fold written from threads.

A large fold (an import's hundred subjects) writes its partition files from ``WRITERS``
threads while the ledger's thread seals the next file and summarises the partition; a small
one (most rolling-checkpoint slices) writes them one at a time from the ledger
(``storage.ledger``), which also finishes every fold: the folder fsynced after the last rename,
then the index of the next generation.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from storage.cache import PartitionCache, Prepared
from storage.index import Index
from storage.journal import Journal
from storage.transaction import NO_SUBJECT, AuditEntry

PARALLEL_FROM = 8  # a fold of this many partitions or more writes their files from threads
WRITERS = 2  # threads writing partition files (the phone and the laptop have two cores or more)


@dataclass
class Fold:
    """A rolling checkpoint in progress: the retired journal's changes, a slice per commit."""

    old: Journal | None  # the retired journal (None: its file went missing, reported)
    todo: list[str]  # partitions still to write
    audit_n: int  # entries at the front of ``audit_pending`` that the retired journal holds
    done: int = field(default=0)  # partitions written so far
    wait: int = field(default=0)  # commits since the last slice
    audited: tuple[int, AuditEntry | None] | None = None  # (log end, last entry) once appended


def write_together(
    parts: PartitionCache,
    index: Index,
    fold: Fold,
    journals: list[list[int]],
    append_audit: Callable[[Fold], tuple[int, AuditEntry | None]],
) -> None:
    """Every partition of ``fold``, the files written by ``WRITERS`` threads while this one
    seals the next and summarises (file I/O and hashing release the GIL); the audit entries
    are appended to their log by one of them meanwhile (``append_audit``). At most
    ``2 * WRITERS`` sealed files wait at once (memory stays bounded on a large store); the
    threads live only as long as this call. ``journals``: what each file's stamp says it
    includes. The index names none of the files until the ledger's finishing step
    (``Ledger._finish_fold``); a file that failed stays on the fold's list (the first failure
    is raised)."""
    waiting: deque[tuple[Prepared, Future[str]]] = deque()
    failed: list[str] = []
    first: BaseException | None = None

    def settle_oldest() -> None:
        nonlocal first
        prepared, future = waiting.popleft()
        problem = future.exception()
        if problem is not None:
            failed.append(prepared.pkey)  # still pending: written by a later fold
            first = first or problem
            return
        index.files[prepared.pkey] = parts.written(prepared, future.result())
        index.dirty.discard(prepared.pkey)
        fold.done += 1

    audit_job: Future[tuple[int, AuditEntry | None]] | None = None
    try:
        with ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="xietong-fold") as pool:
            if fold.audited is None:  # the audit log's own file: appended alongside
                audit_job = pool.submit(append_audit, fold)
            while fold.todo:
                pkey = fold.todo[-1]
                if pkey not in parts.pending:
                    fold.todo.pop()
                    continue
                prepared = parts.prepare(pkey, journals)
                waiting.append((prepared, pool.submit(prepared.file.write)))
                fold.todo.pop()
                if pkey in index.dirty and pkey != NO_SUBJECT:
                    index.summarise(pkey, prepared.docs)  # of what is being written
                index.spell_partition(pkey)  # for the index file, while the writers write
                while len(waiting) > 2 * WRITERS:
                    settle_oldest()
    finally:
        while waiting:
            settle_oldest()
        fold.todo.extend(failed)
        if audit_job is not None and first is None:
            first = audit_job.exception()  # not appended: the finishing step tries again
    if first is not None:
        raise first
