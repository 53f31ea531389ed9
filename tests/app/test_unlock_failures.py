"""The growing delay after wrong passphrases survives a restart, counts time already waited,
never crashes on a damaged count file, and the lock screen's sentence says count and wait."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakes import CHEAP, PASS

from storage import WrongPassphrase
from sync.app.session import (
    FAILURES_FILE,
    Service,
    UnlockFailures,
    failures_note,
    read_unlock_failures,
    unlock_wait,
    wrong_passphrase_message,
)

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    s = Service(tmp_path / "home", clock=Clock(), kdf=CHEAP)
    s.setup("helper", "李协助", PASS)
    s.lock()
    return tmp_path / "home"


def fail(svc: Service, times: int) -> None:
    for _ in range(times):
        with pytest.raises(WrongPassphrase):
            svc.unlock("not the passphrase")


def test_the_count_and_delay_survive_closing_the_app(home: Path) -> None:
    clock, sleeps = Clock(), Sleeps()
    fail(Service(home, clock=clock, sleep=sleeps), 3)
    assert sleeps.calls == [1.0]
    again_sleeps = Sleeps()
    again = Service(home, clock=clock, sleep=again_sleeps)  # the app swiped away and opened again
    assert again.failures == 3
    assert again.unlock_note() == "已连续输错3次,下次需等待2秒。"
    with pytest.raises(WrongPassphrase) as err:
        again.unlock("still wrong")
    assert again_sleeps.calls == [2.0]
    assert err.value.message == "口令不正确,请重新输入。已连续输错4次,下次需等待4秒。"


def test_a_correct_passphrase_resets_the_count_for_later_sessions_too(home: Path) -> None:
    clock, sleeps = Clock(), Sleeps()
    svc = Service(home, clock=clock, sleep=sleeps)
    fail(svc, 4)
    svc.unlock(PASS)
    assert sleeps.calls == [1.0, 2.0, 4.0]
    assert svc.failures == 0 and not (home / FAILURES_FILE).exists()
    later = Service(home, clock=clock, sleep=Sleeps())
    assert later.failures == 0 and later.unlock_note() == ""


def test_a_reset_by_another_session_on_the_same_home_is_seen(home: Path) -> None:
    clock = Clock()
    app = Service(home, clock=clock, sleep=Sleeps())
    fail(app, 3)
    Service(home, clock=clock, sleep=Sleeps()).unlock(PASS)  # e.g. a CLI command with the right passphrase
    assert app.failures == 0


def test_time_already_waited_since_the_last_failure_counts_towards_the_delay(home: Path) -> None:
    clock, sleeps = Clock(), Sleeps()
    svc = Service(home, clock=clock, sleep=sleeps)
    fail(svc, 4)  # waits 1 then 2; the next try waits 4
    clock.now += timedelta(seconds=1.5)
    assert svc.unlock_wait() == 2.5  # what the lock screen says while it waits
    fail(svc, 1)
    assert sleeps.calls == [1.0, 2.0, 2.5]
    clock.now += timedelta(minutes=10)  # long past the 8 s
    fail(svc, 1)
    assert sleeps.calls == [1.0, 2.0, 2.5]
    assert svc.failures == 6


def test_unlock_wait_never_shortens_for_a_clock_set_back() -> None:
    state = UnlockFailures(5, START)
    assert unlock_wait(state, START - timedelta(hours=1)) == 8.0
    assert unlock_wait(state, START + timedelta(seconds=3)) == 5.0
    assert unlock_wait(UnlockFailures(5, None), START) == 8.0
    assert unlock_wait(UnlockFailures(1, START), START) == 0.0


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\xff\xfe not json",
        b"[1, 2]",
        b'{"count": "3"}',
        b'{"count": -2}',
        b'{"count": true}',
        b'{"last": "2026-11-23T09:00:00+00:00"}',
        b'{"count": 2, "last": "yesterday"}',
    ],
)
def test_a_damaged_count_file_means_no_failures_and_unlock_still_works(home: Path, body: bytes) -> None:
    (home / FAILURES_FILE).write_bytes(body)
    assert read_unlock_failures(home) == UnlockFailures()
    sleeps = Sleeps()
    svc = Service(home, clock=Clock(), sleep=sleeps)
    assert svc.failures == 0
    svc.unlock(PASS)
    assert sleeps.calls == [] and not svc.locked


def test_a_missing_count_file_means_no_failures(tmp_path: Path) -> None:
    assert read_unlock_failures(tmp_path / "nowhere") == UnlockFailures()


def test_the_count_file_holds_only_the_count_and_the_time(home: Path) -> None:
    fail(Service(home, clock=Clock(), sleep=Sleeps()), 2)
    raw = json.loads((home / FAILURES_FILE).read_text("ascii"))
    assert raw == {"count": 2, "last": "2026-11-23T09:00:00+00:00"}
    assert read_unlock_failures(home) == UnlockFailures(2, START)


def test_an_unwritable_count_file_keeps_the_count_for_this_session(home: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sync.app.unlock as service

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr(service, "atomic_write", refuse)
    sleeps = Sleeps()
    svc = Service(home, clock=Clock(), sleep=sleeps)
    fail(svc, 4)
    assert sleeps.calls == [1.0, 2.0] and svc.failures == 4
    assert not (home / FAILURES_FILE).exists()


def test_the_lock_screen_sentence_names_the_count_and_the_next_wait() -> None:
    assert wrong_passphrase_message(1, 0.0) == "口令不正确,请重新输入。已连续输错1次。"
    assert wrong_passphrase_message(3, 2.0) == "口令不正确,请重新输入。已连续输错3次,下次需等待2秒。"
    assert failures_note(7, 0.4) == "已连续输错7次,下次需等待1秒。"
    assert failures_note(0, 8.0) == ""


def test_a_second_session_must_know_the_passphrase_even_while_the_store_is_open(home: Path) -> None:
    """Browser sessions share one Service: one unlocked it; another, still on its lock screen,
    must not get in by typing anything."""
    svc = Service(home, clock=Clock(), sleep=Sleeps())
    svc.unlock(PASS)
    with pytest.raises(WrongPassphrase):
        svc.unlock("anything at all")
    assert svc.failures == 1 and not svc.locked, "counted, and the first session keeps working"
    assert svc.unlock(PASS)["name"] == "李协助"
    assert svc.failures == 0
