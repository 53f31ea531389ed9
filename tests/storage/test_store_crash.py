"""Crash safety: a child saving in a loop is SIGKILLed at random instants, many times.

After every kill the store must open, ``check()`` must find nothing wrong, and every save the
child reported (written to the pipe only after the call returned) must be there. Children are
forked from the test process so each round costs milliseconds, not an interpreter start.
"""

from __future__ import annotations

import os
import random
import signal
import struct
import threading
import time
from pathlib import Path

import pytest
from store_helpers import CHEAP_KDF, PASS, TickClock, abandon

from core.records import Record
from storage import Store, StoreOptions
from storage.fsio import frame

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")

KILLS = 120
SUBJECTS = [f"subj{i}" for i in range(6)]
# Small thresholds so kills land inside checkpoints too, not only in journal appends.
OPTIONS = StoreOptions(checkpoint_every=4, cache_partitions=2)


def _record(tag: str, revision: int) -> Record:
    sid = SUBJECTS[hash(tag) % len(SUBJECTS)]
    return Record(
        tag,
        "visit",
        sid,
        "helper-fp",
        revision,
        "2026-03-01T00:00:00+00:00",
        f"2026-03-01T00:00:{revision:02d}+00:00",
        False,
        {"notes": f"{tag} 第{revision}版", "n": revision},
    )


def _child(home: Path, round_no: int, out_fd: int, seed: int) -> None:
    """Save forever, reporting each save after it returned. Never returns."""
    try:
        rng = random.Random(seed)
        store = Store.open(home, PASS, clock=TickClock(), options=OPTIONS)
        os.write(out_fd, b"ready\n")
        mine: list[str] = []
        for i in range(100_000):
            roll = rng.random()
            if roll < 0.45 or not mine:
                tag = f"r{round_no}-{i}"
                store.put(_record(tag, 1), actor="helper")
                mine.append(tag)
                os.write(out_fd, f"put {tag} 1\n".encode())
            elif roll < 0.65:
                tag = rng.choice(mine)
                rev = store.get(tag).revision + 1  # type: ignore[union-attr]
                store.put(_record(tag, rev), actor="helper")
                os.write(out_fd, f"put {tag} {rev}\n".encode())
            elif roll < 0.9:
                tags = [f"r{round_no}-{i}-{k}" for k in range(3)]
                store.apply([_record(t, 1) for t in tags], actor="sync", meta={f"seq:{round_no}": i})
                mine.extend(tags)
                os.write(out_fd, ("".join(f"put {t} 1\n" for t in tags) + f"meta seq:{round_no} {i}\n").encode())
            else:
                store.save_draft(f"d{round_no}", {"i": i})
                os.write(out_fd, f"draft d{round_no} {i}\n".encode())
    finally:
        os._exit(0)


def _run_and_kill(home: Path, round_no: int, rng: random.Random) -> list[str]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        os.close(read_fd)
        _child(home, round_no, write_fd, rng.randrange(1 << 30))
    os.close(write_fd)
    buf = b""
    deadline = time.monotonic() + 10
    while b"ready\n" not in buf and time.monotonic() < deadline:
        chunk = os.read(read_fd, 65536)
        if not chunk:
            break
        buf += chunk
    time.sleep(rng.uniform(0, 0.04))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    while True:
        chunk = os.read(read_fd, 65536)
        if not chunk:
            break
        buf += chunk
    os.close(read_fd)
    lines = buf.decode().splitlines()
    assert lines and lines[0] == "ready", f"child did not start: {lines[:3]}"
    # Only complete lines count: the kill may cut the last report, which then never happened.
    complete = buf.decode().endswith("\n")
    return lines[1:] if complete else lines[1:-1]


def test_store_survives_repeated_sigkill_and_keeps_every_reported_save(tmp_path: Path) -> None:
    home = tmp_path / "home"
    Store.create(home, PASS, kdf=CHEAP_KDF, options=OPTIONS).close()
    rng = random.Random(20260301)
    expected_rev: dict[str, int] = {}
    expected_meta: dict[str, int] = {}
    expected_draft: dict[str, int] = {}
    reported = 0
    started = time.monotonic()
    for round_no in range(KILLS):
        for line in _run_and_kill(home, round_no, rng):
            what, key, value = line.split()
            reported += 1
            if what == "put":
                expected_rev[key] = max(expected_rev.get(key, 0), int(value))
            elif what == "meta":
                expected_meta[key] = int(value)
            else:
                expected_draft[key] = int(value)
        store = Store.open(home, PASS, clock=TickClock(), options=OPTIONS)
        try:
            assert store.check() == [], f"round {round_no}"
            for tag, rev in expected_rev.items():
                got = store.get(tag)
                assert got is not None, f"round {round_no}: reported save {tag} lost"
                assert got.revision >= rev and got == _record(tag, got.revision)
            for key, value in expected_meta.items():
                assert store.meta_get(key, -1) >= value
            for key, value in expected_draft.items():
                assert store.load_draft(key)["i"] >= value  # type: ignore[index]
            # Each apply of three records is all or nothing, whether or not it was reported.
            batches: dict[str, int] = {}
            for rec in store.list("visit"):
                if rec.id.count("-") == 2:
                    prefix = rec.id.rsplit("-", 1)[0]
                    batches[prefix] = batches.get(prefix, 0) + 1
            assert all(n == 3 for n in batches.values()), f"round {round_no}: torn apply {batches}"
        finally:
            # Every few rounds the parent closes normally (a checkpoint); otherwise it too
            # just drops the store, so the next child replays the journal left behind.
            if round_no % 3 == 0:
                store.close()
            else:
                abandon(store)
    assert reported > KILLS, "the children should have reported many saves"
    assert time.monotonic() - started < 120


def test_a_torn_journal_tail_is_ignored_and_cut_before_the_next_commit(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = Store.create(home, PASS, kdf=CHEAP_KDF, options=StoreOptions(checkpoint_every=100))
    kept = _record("kept", 1)
    store.put(kept, actor="h")
    abandon(store)
    journal = home / "journal.bin"
    whole = journal.read_bytes()
    for torn in (b"\x00\x00", struct.pack(">I", 500) + b"partial", frame(os.urandom(80))):
        journal.write_bytes(whole + torn)
        reopened = Store.open(home, PASS, options=StoreOptions(checkpoint_every=100))
        assert reopened.get("kept") == kept and reopened.check() == []
        reopened.put(_record("after", 1), actor="h")
        abandon(reopened)
        again = Store.open(home, PASS, options=StoreOptions(checkpoint_every=100))
        assert again.get("after") == _record("after", 1) and again.get("kept") == kept
        assert again.check() == []
        again.purge(["after"], actor="h")
        abandon(again)
        whole = journal.read_bytes()


def test_damage_in_the_middle_of_the_journal_is_reported_not_hidden(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = Store.create(home, PASS, kdf=CHEAP_KDF, options=StoreOptions(checkpoint_every=100))
    for i in range(3):
        store.put(_record(f"j{i}", 1), actor="h")
    abandon(store)
    journal = home / "journal.bin"
    data = bytearray(journal.read_bytes())
    data[20] ^= 0xFF  # inside the first frame
    journal.write_bytes(bytes(data))
    reopened = Store.open(home, PASS)
    problems = reopened.check()
    assert problems and "事务日志" in problems[0] and str(journal) in problems[0]
    abandon(reopened)


# A kill inside a rolling checkpoint: every file operation the fold makes is a place to die.
FOLD_OPTIONS = StoreOptions(checkpoint_every=3, cache_partitions=2, fold_every=1, fold_budget_ms=0.0)
_FILE_OPS = ("replace", "fsync", "unlink", "ftruncate")


def _fold_child(home: Path, out_fd: int, kill_at: int) -> None:
    """Save in a loop; SIGKILL itself just before the ``kill_at``-th file operation made while a
    rolling fold is in progress. Never returns."""
    try:
        store = Store.open(home, PASS, clock=TickClock(), options=FOLD_OPTIONS)
        ledger = store._ledger
        write = os.write
        seen = [0]

        def hook(name: str) -> None:
            real = getattr(os, name)

            def call(*args: object, **kwargs: object) -> object:
                if ledger.fold is not None:
                    seen[0] += 1
                    if seen[0] > kill_at:
                        write(out_fd, f"killed {name}\n".encode())
                        os.kill(os.getpid(), signal.SIGKILL)
                return real(*args, **kwargs)

            setattr(os, name, call)

        for name in _FILE_OPS:
            hook(name)
        write(out_fd, b"ready\n")
        for i in range(400):
            tag = f"k{kill_at}-{i}"
            if i % 5 == 4:
                tags = [f"{tag}-{k}" for k in range(3)]
                store.apply([_record(t, 1) for t in tags], actor="sync")
                write(out_fd, "".join(f"put {t} 1\n" for t in tags).encode())
            else:
                store.put(_record(tag, 1), actor="helper")
                write(out_fd, f"put {tag} 1\n".encode())
        write(out_fd, b"done\n")
    finally:
        os._exit(0)


def test_a_kill_at_any_file_operation_of_a_rolling_fold_loses_no_reported_save(tmp_path: Path) -> None:
    home = tmp_path / "home"
    Store.create(home, PASS, kdf=CHEAP_KDF, options=FOLD_OPTIONS).close()
    expected: set[str] = set()
    killed_in: set[str] = set()
    for kill_at in range(0, 40):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            os.close(read_fd)
            _fold_child(home, write_fd, kill_at)
        os.close(write_fd)
        buf = b""
        while chunk := os.read(read_fd, 65536):
            buf += chunk
        os.close(read_fd)
        os.waitpid(pid, 0)
        lines = buf.decode().splitlines()
        assert lines[0] == "ready"
        assert lines[-1].startswith("killed"), "the child should have died inside a fold"
        killed_in.add(lines[-1].split()[1])
        expected.update(line.split()[1] for line in lines if line.startswith("put "))
        store = Store.open(home, PASS, clock=TickClock(), options=FOLD_OPTIONS)
        try:
            assert store.check() == [], f"kill at {kill_at}"
            missing = [tag for tag in expected if store.get(tag) is None]
            assert not missing, f"kill at {kill_at}: reported saves lost {missing[:3]}"
            batches: dict[str, int] = {}
            for rec in store.list("visit"):
                if rec.id.count("-") == 2:
                    prefix = rec.id.rsplit("-", 1)[0]
                    batches[prefix] = batches.get(prefix, 0) + 1
            assert all(n == 3 for n in batches.values()), f"kill at {kill_at}: torn apply {batches}"
        finally:
            if kill_at % 4 == 0:
                store.close()
            else:
                abandon(store)
    assert {"replace", "fsync"} <= killed_in  # inside renames (partition, journal, index) and syncs


def test_a_failure_to_start_the_next_journal_is_retried_and_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage.journal import Journal

    home = tmp_path / "home"
    opts = StoreOptions(checkpoint_every=2)
    store = Store.create(home, PASS, kdf=CHEAP_KDF, options=opts)
    real_reset = Journal.reset
    failures = [1]

    def reset(self: Journal, gen: int) -> None:
        if gen == 1 and failures[0]:  # the disk is full just after the journal was retired
            failures[0] -= 1
            raise OSError(28, "No space left on device")
        real_reset(self, gen)

    monkeypatch.setattr(Journal, "reset", reset)
    store.put(_record("a", 1), actor="h")
    store.put(_record("b", 1), actor="h")  # retires the journal; starting the next one fails
    assert (home / "journal.old.bin").exists() and not (home / "journal.bin").exists()
    assert any("整理数据文件失败" in p for p in store.check())
    store.put(_record("c", 1), actor="h")  # the next commit starts it and saves
    abandon(store)
    store = Store.open(home, PASS, options=opts)
    assert all(store.get(t) == _record(t, 1) for t in "abc")
    store.close()


# A checkpoint folding many partitions writes their files from worker threads.
MANY = [f"many{i}" for i in range(12)]
ALL_AT_ONCE = StoreOptions(checkpoint_every=10_000, checkpoint_bytes=1 << 30, cache_partitions=4)


def _checkpoint_child(home: Path, out_fd: int, kill_at: int, round_no: int) -> None:
    """Save a record into each of twelve subjects (the journal only), report them, then
    checkpoint; SIGKILL itself just before its ``kill_at``-th file operation. Never returns."""
    try:
        store = Store.open(home, PASS, clock=TickClock(), options=ALL_AT_ONCE)
        for i, sid in enumerate(MANY):
            tag = f"c{round_no}-{i}"
            store.put(Record(tag, "visit", sid, "h", 1, "t", "t", False, {"notes": tag}), actor="h")
            os.write(out_fd, f"put {tag} 1\n".encode())
        seen = [0]
        write = os.write
        for name in _FILE_OPS:
            real = getattr(os, name)

            def call(*args: object, _real: object = real, _name: str = name, **kwargs: object) -> object:
                seen[0] += 1
                if seen[0] > kill_at:
                    write(out_fd, f"killed {_name}\n".encode())
                    os.kill(os.getpid(), signal.SIGKILL)
                return _real(*args, **kwargs)  # type: ignore[operator]

            setattr(os, name, call)
        store.checkpoint()
        write(out_fd, b"done\n")
    finally:
        os._exit(0)


def test_a_kill_at_any_file_operation_of_a_checkpoint_writing_from_threads_loses_nothing(tmp_path: Path) -> None:
    from storage import fold

    assert len(MANY) >= fold.PARALLEL_FROM  # the fold below writes its files from threads
    home = tmp_path / "home"
    Store.create(home, PASS, kdf=CHEAP_KDF, options=ALL_AT_ONCE).close()
    expected: set[str] = set()
    endings: set[str] = set()
    for round_no, kill_at in enumerate(range(0, 60, 3)):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            os.close(read_fd)
            _checkpoint_child(home, write_fd, kill_at, round_no)
        os.close(write_fd)
        buf = b""
        while chunk := os.read(read_fd, 65536):
            buf += chunk
        os.close(read_fd)
        os.waitpid(pid, 0)
        lines = buf.decode().splitlines()
        endings.add(lines[-1].split()[0])
        expected.update(line.split()[1] for line in lines if line.startswith("put "))
        store = Store.open(home, PASS, clock=TickClock(), options=ALL_AT_ONCE)
        try:
            assert store.check() == [], f"kill at {kill_at}"
            missing = [tag for tag in expected if store.get(tag) is None]
            assert not missing, f"kill at {kill_at}: reported saves lost {missing[:3]}"
        finally:
            abandon(store)
    assert endings == {"killed", "done"}  # kills inside the fold, and a fold that finished


def _a_visit_in_each_of_many(home: Path, prefix: str) -> Store:
    """A store whose next checkpoint writes its files from threads: a visit in each of MANY."""
    store = Store.create(home, PASS, kdf=CHEAP_KDF, options=ALL_AT_ONCE)
    for i, sid in enumerate(MANY):
        store.put(Record(f"{prefix}{i}", "visit", sid, "h", 1, "t", "t", False, {"notes": "一"}), actor="h")
    return store


def test_a_checkpoint_writing_from_threads_makes_every_rename_durable_before_the_index_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kill keeps what the page cache holds; a power cut keeps only what was fsynced. The
    folder of the partition files is fsynced after the last of them is renamed into place and
    before the index naming their new generations replaces the old one."""
    from storage import ledger
    from storage.index import INDEX_FILE

    home = tmp_path / "home"
    store = _a_visit_in_each_of_many(home, "d")
    events: list[tuple[str, str]] = []
    lock = threading.Lock()
    real_replace, real_fsync_dir = os.replace, ledger.fsync_dir

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        real_replace(src, dst)
        with lock:
            events.append(("replace", "index" if Path(dst).name == INDEX_FILE else Path(dst).parent.name))

    def fsync_dir(folder: Path) -> None:
        real_fsync_dir(folder)
        with lock:
            events.append(("fsync_dir", folder.name))

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(ledger, "fsync_dir", fsync_dir)
    store.checkpoint()
    renamed = [i for i, e in enumerate(events) if e == ("replace", "parts")]
    assert len(renamed) == len(MANY)  # every partition written, from the writer threads
    index_at = events.index(("replace", "index"))
    assert ("fsync_dir", "parts") in events[renamed[-1] : index_at]
    abandon(store)


def test_a_partition_file_that_failed_to_write_is_written_by_the_next_checkpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage import partition

    home = tmp_path / "home"
    store = _a_visit_in_each_of_many(home, "f")
    real = partition.Sealed.write
    unlucky = store._parts.path(MANY[5])

    def write(self: partition.Sealed) -> str:
        if self.path == unlucky:
            raise OSError(28, "No space left on device")
        return real(self)

    monkeypatch.setattr(partition.Sealed, "write", write)
    with pytest.raises(OSError):
        store.checkpoint()
    assert not unlucky.exists() and store._ledger.fold is not None and store._ledger.fold.todo == [MANY[5]]
    monkeypatch.setattr(partition.Sealed, "write", real)
    store.checkpoint()
    assert unlucky.exists() and store.check() == []
    assert not [t for t in threading.enumerate() if t.name.startswith("xietong-")]  # none outlives a fold
    abandon(store)
    reopened = Store.open(home, PASS, options=ALL_AT_ONCE)
    assert [r.id for r in reopened.list("visit", MANY[5])] == ["f5"] and reopened.check() == []
    reopened.close()


def test_an_audit_append_that_failed_beside_the_partition_writers_is_appended_by_the_next_checkpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage import audit

    home = tmp_path / "home"
    store = _a_visit_in_each_of_many(home, "a")
    log_before = (home / audit.AUDIT_FILE).read_bytes()
    real = audit.AuditLog.append

    def full(self: audit.AuditLog, *args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(audit.AuditLog, "append", full)
    with pytest.raises(OSError):
        store.checkpoint()
    assert (home / audit.AUDIT_FILE).read_bytes() == log_before
    assert store._ledger.fold is not None and store._ledger.fold.audited is None
    monkeypatch.setattr(audit.AuditLog, "append", real)
    store.checkpoint()
    assert store.check() == []
    entries = store.audit_entries()
    assert [e["record"] for e in entries if e["action"] == "new"] == [f"a{i}" for i in range(len(MANY))]
    assert audit.verify(entries) == []
    abandon(store)
