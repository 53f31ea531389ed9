"""The shell's idle lock waits for running jobs and fires as soon as the last one ends."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from views import shell as sh


class FakeService:
    """Only what the idle check reads: locked, settings(), lock()."""

    def __init__(self) -> None:
        self.locked = False
        self.locks = 0

    def settings(self) -> dict[str, Any]:
        return {"idle_minutes": 5}

    def lock(self) -> None:
        self.locked = True
        self.locks += 1


def idle_shell(svc: FakeService) -> sh.Shell:
    shell = sh.Shell(page=None, service=svc)  # type: ignore[arg-type]  # no page: nothing is drawn
    shell.rendered_routes = []  # type: ignore[attr-defined]
    shell.render = shell.rendered_routes.append  # type: ignore[attr-defined, method-assign]
    shell.last_activity = time.monotonic() - 6 * 60  # idle longer than the 5 minutes set
    return shell


def test_busy_counts_jobs_per_service_across_sessions() -> None:
    svc = FakeService()
    one, two = idle_shell(svc), idle_shell(svc)
    assert one.idle_lock_due()
    with one.busy():
        assert two.running_jobs() == 1 and not two.idle_lock_due()  # the other session waits too
        with two.busy():
            assert one.running_jobs() == 2
        assert not one.idle_lock_due()
    assert one.running_jobs() == 0 and one.idle_lock_due()


def test_a_failing_job_still_releases_the_lock() -> None:
    shell = idle_shell(FakeService())
    with pytest.raises(RuntimeError):
        with shell.busy():
            raise RuntimeError("boom")
    assert shell.running_jobs() == 0


def test_watch_idle_does_not_lock_during_a_job_and_locks_right_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sh, "IDLE_CHECK_SECONDS", 0.01)
    svc = FakeService()
    shell = idle_shell(svc)

    async def scenario() -> None:
        watcher = asyncio.create_task(shell.watch_idle())
        try:
            with shell.busy():
                await asyncio.sleep(0.1)  # ten checks while the job runs
                assert svc.locks == 0
                monkeypatch.setattr(sh, "IDLE_CHECK_SECONDS", 3600)  # only the job's end can wake it now
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.05)
            assert svc.locks == 1
            assert shell.rendered_routes == ["/lock"]  # type: ignore[attr-defined]
        finally:
            watcher.cancel()

    asyncio.run(scenario())
