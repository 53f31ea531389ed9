"""When the idle lock may fire: never while a job (import, export, re-encryption) is running.

A job started by a tap runs in a worker thread for as long as it needs; locking the store under
it would fail the job half-way. The Shell asks this once per check and again as a job ends.
"""

from __future__ import annotations


def idle_lock_due(idle_seconds: float, idle_minutes: float, running_jobs: int) -> bool:
    """True when the store should lock now: idle longer than the setting and no job running."""
    if running_jobs > 0:
        return False
    return idle_seconds > idle_minutes * 60
