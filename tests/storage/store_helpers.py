"""Shared helpers for the storage tests (a unique module name, importable from any test file)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from core.records import Record
from storage import KdfParams, Store

CHEAP_KDF = KdfParams(n=2**10, r=8, p=1)
PASS = "correct horse 马"


class TickClock:
    """Deterministic aware-UTC clock: one second later at every call."""

    def __init__(self) -> None:
        self._ticks = itertools.count()
        self.start = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=next(self._ticks))


def subject(clock: TickClock, name: str = "张三", **data: object) -> Record:
    return Record.new("subject", {"name": name, **data}, author="office-fp", clock=clock)


def visit(clock: TickClock, subject_id: str, date: str = "2026-03-02", **data: object) -> Record:
    return Record.new(
        "visit", {"date": date, "notes": "情绪稳定", **data}, author="helper-fp", subject=subject_id, clock=clock
    )


def abandon(store: Store) -> None:
    """Drop an open store the way a killed process would: no checkpoint, lock released."""
    from storage.filelock import release

    store._journal.close()
    store._keys = None
    release(store._lock_fd)
    store._lock_fd = None
