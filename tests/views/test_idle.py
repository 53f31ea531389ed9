"""The idle-lock decision, without Flet."""

from __future__ import annotations

from core.idle import idle_lock_due


def test_idle_past_the_setting_locks() -> None:
    assert idle_lock_due(5 * 60 + 1, 5, 0)


def test_idle_within_the_setting_does_not_lock() -> None:
    assert not idle_lock_due(5 * 60 - 1, 5, 0)
    assert not idle_lock_due(5 * 60, 5, 0)


def test_a_running_job_holds_the_lock_off_however_long_the_idle_time() -> None:
    assert not idle_lock_due(10 * 3600, 5, 1)
    assert not idle_lock_due(10 * 3600, 1, 3)


def test_when_the_last_job_ends_an_overdue_lock_fires_at_once() -> None:
    idle = 6 * 60.0
    assert not idle_lock_due(idle, 5, 1)
    assert idle_lock_due(idle, 5, 0)
