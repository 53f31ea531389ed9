"""The store's file lock: one process at a time writes a store's home folder.

An exclusive advisory ``flock`` on ``lock`` in the home folder, held from open to close. A second
process (or a second ``Store.open`` in this one) gets ``StoreBusy`` instead of a shared writer.
Windows has no ``fcntl``; there one app instance per profile is the rule and no lock is taken.
"""

from __future__ import annotations

import os
from pathlib import Path

from storage.errors import StoreBusy

try:  # POSIX advisory lock; Windows has none here (one app instance per profile there)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = "lock"


def acquire(home: Path) -> int | None:
    """Hold an exclusive advisory lock so two processes never write one store."""
    if fcntl is None:
        return None
    path = home / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        raise StoreBusy() from exc
    return fd


def release(fd: int | None) -> None:
    """Let go of a lock ``acquire`` returned (``None``: nothing was held)."""
    if fd is None:
        return
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
