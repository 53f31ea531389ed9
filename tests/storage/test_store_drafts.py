"""Drafts: encrypted unsaved form input, one file per draft."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from store_helpers import CHEAP_KDF, PASS, TickClock, abandon

from storage import Store, StoreError, StoreOptions
from storage import drafts as drafts_module


def test_drafts_round_trip_list_and_delete_across_reopen(tmp_path: Path, clock: TickClock) -> None:
    home = tmp_path / "home"
    store = Store.create(home, PASS, clock=clock, kdf=CHEAP_KDF)
    store.save_draft("visit:new", {"notes": "未写完", "family": [{"name": "王五"}]})
    store.save_draft("report:1", {"category": "外出"})
    store.save_draft("visit:new", {"notes": "写了一半"})
    assert store.load_draft("visit:new") == {"notes": "写了一半"}
    assert store.load_draft("missing") is None
    drafts = store.list_drafts()
    assert [d for d, _ in drafts] == ["report:1", "visit:new"]
    assert drafts[0][1] < drafts[1][1]
    store.close()
    store = Store.open(home, PASS, clock=clock)
    assert store.load_draft("report:1") == {"category": "外出"}
    store.delete_draft("report:1")
    store.delete_draft("report:1")  # deleting twice is harmless
    assert [d for d, _ in store.list_drafts()] == ["visit:new"]
    assert len(list((home / "drafts").iterdir())) == 1
    store.close()


def test_draft_file_names_do_not_reveal_draft_ids(tmp_path: Path, clock: TickClock) -> None:
    store = Store.create(tmp_path / "home", PASS, clock=clock, kdf=CHEAP_KDF)
    store.save_draft("subject-张三", {"x": 1})
    [path] = (tmp_path / "home" / "drafts").iterdir()
    assert "张三" not in path.name and "subject" not in path.name
    store.close()


class FakeMonotonic:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _counting_fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    real = os.fsync

    def fsync(fd: int) -> None:
        calls[0] += 1
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return calls


def test_keystrokes_write_the_draft_at_most_once_a_second_and_the_latest_is_never_lost(
    tmp_path: Path, clock: TickClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    store = Store.create(home, PASS, clock=clock, kdf=CHEAP_KDF)
    mono = FakeMonotonic()
    store._drafts.monotonic = mono
    timers: list[float] = []

    class NeverFires:  # the time is fake here: only the keystroke rule is counted
        def __init__(self, delay: float, *args: object) -> None:
            timers.append(delay)
            self.daemon = True

        def start(self) -> None: ...

        def cancel(self) -> None: ...

    monkeypatch.setattr(drafts_module.threading, "Timer", NeverFires)
    fsyncs = _counting_fsyncs(monkeypatch)
    for i in range(1, 101):  # 100 keystrokes, 8 a second
        store.buffer_draft("visit:new", {"notes": "走" * i})
        mono.t += 0.125
    assert timers and all(0 < d <= 1.0 for d in timers)  # each wait ends within the second
    assert store.load_draft("visit:new") == {"notes": "走" * 100}  # the form reopened sees it all
    writes = store._drafts.writes
    assert writes <= 14, writes  # one per second of typing (12.5 s), not one per keystroke
    assert fsyncs[0] == 2 * writes  # each write: the file and its folder
    store.flush_drafts()  # leaving the form
    assert store._drafts.writes == writes + 1
    store.flush_drafts()  # nothing waits: nothing written
    assert store._drafts.writes == writes + 1
    abandon(store)
    store = Store.open(home, PASS, clock=clock)
    assert store.load_draft("visit:new") == {"notes": "走" * 100}
    store.close()


def test_a_buffered_draft_is_written_by_the_timer_within_the_interval(tmp_path: Path, clock: TickClock) -> None:
    home = tmp_path / "home"
    store = Store.create(home, PASS, clock=clock, kdf=CHEAP_KDF, options=StoreOptions(draft_interval_s=0.2))
    store.buffer_draft("d", {"n": 1})  # written at once
    store.buffer_draft("d", {"n": 2})  # waits for the timer
    assert store._drafts.writes == 1
    deadline = time.monotonic() + 5
    while store._drafts.writes < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert store._drafts.writes == 2
    abandon(store)  # no flush, no close: only what the timer wrote survives
    store = Store.open(home, PASS, clock=clock)
    assert store.load_draft("d") == {"n": 2}
    store.close()


def test_locking_writes_the_waiting_draft_and_discarding_drops_it(tmp_path: Path, clock: TickClock) -> None:
    home = tmp_path / "home"
    store = Store.create(home, PASS, clock=clock, kdf=CHEAP_KDF, options=StoreOptions(draft_interval_s=3600))
    store.buffer_draft("keep", {"n": 1})
    store.buffer_draft("keep", {"n": 2})
    store.buffer_draft("gone", {"n": 1})
    store.buffer_draft("gone", {"n": 2})
    store.delete_draft("gone")
    assert store.load_draft("gone") is None
    assert [d for d, _ in store.list_drafts()] == ["keep"]  # listing writes what waits first
    store.buffer_draft("keep", {"n": 3})
    store.close()  # the app locks
    store = Store.open(home, PASS, clock=clock)
    assert store.load_draft("keep") == {"n": 3} and store.load_draft("gone") is None
    assert [d for d, _ in store.list_drafts()] == ["keep"]
    store.close()


def test_a_buffered_draft_that_cannot_be_saved_is_refused_at_once(tmp_path: Path, clock: TickClock) -> None:
    store = Store.create(tmp_path / "home", PASS, clock=clock, kdf=CHEAP_KDF)
    with pytest.raises(StoreError):
        store.buffer_draft("d", {"when": object()})
    store.close()
