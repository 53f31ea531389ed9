"""Rollback and truncation at rest (issue 12.3): an older copy of one partition file, and whole
frames cut from a journal's end, are named by ``check`` (or refused when read); a store written
before partition stamps existed still opens."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_helpers import CHEAP_KDF, PASS, TickClock, abandon, subject, visit

from storage import Store, StoreCorrupt, StoreOptions, sealed
from storage.crypto import INDEX, PARTITION
from storage.fsio import scan_frames
from storage.journal import HEADER_LEN
from storage.partition import STAMP


def _cut_frames(path: Path, frames: int) -> None:
    """Remove the last ``frames`` whole frames (what a careful attacker or a bad copy does)."""
    data = path.read_bytes()
    scan = scan_frames(data, HEADER_LEN)
    assert len(scan.frames) >= frames > 0, "not that many frames to cut"
    path.write_bytes(data[: scan.offsets[-frames]])


def test_an_older_copy_of_one_partition_file_is_named_by_check_and_refused_when_read(
    tmp_path: Path, clock: TickClock
) -> None:
    home = tmp_path / "home"
    store = Store.create(home, PASS, clock=clock, kdf=CHEAP_KDF)
    a, b = subject(clock, "甲"), subject(clock, "乙")
    first = visit(clock, a.id, notes="第一次走访")
    store.apply([a, b, first], actor="office")
    store.checkpoint()
    path = store._parts.path(a.id)
    old_copy = path.read_bytes()
    # Only a correction: the older copy still holds every record the index lists, so nothing
    # but its age gives it away.
    store.put(first.revise({**first.data, "notes": "更正"}, clock=clock), actor="helper")
    store.close()
    path.write_bytes(old_copy)  # decrypts fine: same key, same file name, just older

    store = Store.open(home, PASS, clock=clock)
    problems = store.check()
    assert any("旧副本" in p and str(path) in p for p in problems), problems
    with pytest.raises(StoreCorrupt) as err:
        store.list(subject=a.id)
    assert err.value.path == path and "回滚" in err.value.message
    assert store.get(b.id) == b  # the other subject is not affected
    assert [r.id for r in store.list(kind="subject", skip_damaged=True)] == [b.id]
    store.close()


def test_whole_frames_cut_from_the_end_of_either_journal_are_named(tmp_path: Path, clock: TickClock) -> None:
    home = tmp_path / "home"
    opts = StoreOptions(checkpoint_every=5, fold_every=1, fold_budget_ms=0.0)  # one fold step per commit
    store = Store.create(home, PASS, clock=clock, kdf=CHEAP_KDF, options=opts)
    subjects = [subject(clock, f"对象{i}") for i in range(5)]
    for s in subjects:  # five commits: the fifth retires the journal
        store.put(s, actor="office")
    for s in subjects[:2]:  # two more, each with a fold step that records both journals' lengths
        store.put(visit(clock, s.id), actor="helper")
    abandon(store)
    old, active = home / "journal.old.bin", home / "journal.bin"
    assert old.exists() and active.exists()
    _cut_frames(old, 2)
    _cut_frames(active, 1)

    store = Store.open(home, PASS, clock=clock, options=opts)
    problems = store.check()
    assert any("少了 2 条" in p and str(old) in p for p in problems), problems
    assert any("少了 1 条" in p and str(active) in p for p in problems), problems
    abandon(store)


def test_frames_cut_after_a_finished_fold_are_reported_at_open(tmp_path: Path, clock: TickClock) -> None:
    home = tmp_path / "home"
    opts = StoreOptions(checkpoint_every=3, fold_every=1, fold_budget_ms=1000.0)
    store = Store.create(home, PASS, clock=clock, kdf=CHEAP_KDF, options=opts)
    s = subject(clock)
    store.put(s, actor="office")
    store.put(visit(clock, s.id), actor="helper")
    store.put(visit(clock, s.id), actor="helper")  # retires the journal
    store.put(visit(clock, s.id), actor="helper")  # the fold writes the partition
    store.put(visit(clock, s.id), actor="helper")  # the finishing step: a new index that saw 2 frames
    assert store._ledger.fold is None and store._ledger.index.gen == 1
    abandon(store)
    _cut_frames(home / "journal.bin", 2)
    store = Store.open(home, PASS, clock=clock, options=opts)
    problems = store._ledger.problems  # found while opening, before any check
    assert any("少了 2 条" in p and str(home / "journal.bin") in p for p in problems), problems
    assert problems[0] in store.check()
    abandon(store)


def test_an_untouched_store_reports_no_freshness_problem_after_many_rolling_folds(
    tmp_path: Path, clock: TickClock
) -> None:
    home = tmp_path / "home"
    opts = StoreOptions(checkpoint_every=3, fold_every=2, fold_budget_ms=0.0, cache_partitions=1)
    store = Store.create(home, PASS, clock=clock, kdf=CHEAP_KDF, options=opts)
    subjects = [subject(clock, f"对象{i}") for i in range(4)]
    store.apply(subjects, actor="office")
    for i in range(40):
        store.put(visit(clock, subjects[i % 4].id, notes=f"第{i}次"), actor="helper")
        if i % 7 == 0:
            abandon(store)
            store = Store.open(home, PASS, clock=clock, options=opts)
            assert store.check() == []
    assert store.check() == []
    store.close()
    store = Store.open(home, PASS, clock=clock, options=opts)
    assert store.check() == [] and len(store.list("visit")) == 40
    store.close()


def test_a_store_written_before_partition_stamps_opens_and_gains_them(tmp_path: Path, clock: TickClock) -> None:
    home = tmp_path / "home"
    store = Store.create(home, PASS, clock=clock, kdf=CHEAP_KDF)
    s = subject(clock)
    v = visit(clock, s.id)
    store.apply([s, v], actor="office")
    store.checkpoint()
    keys = store._require_keys()
    ppath = store._parts.path(s.id)
    role = f"parts/{ppath.name}"
    store.close()
    # Rewrite both files as the previous version of the code wrote them.
    body = sealed.read(home / "index.bin", keys.index, INDEX, "index.bin")
    del body["files"], body["journals"]
    sealed.write(home / "index.bin", body, keys.index, INDEX, "index.bin", lambda n: b"\x01" * n)
    part = sealed.read(ppath, keys.partition, PARTITION, role)
    del part[STAMP]
    sealed.write(ppath, part, keys.partition, PARTITION, role, lambda n: b"\x02" * n)

    store = Store.open(home, PASS, clock=clock)
    assert store.get(v.id) == v and store.check() == []
    store.put(visit(clock, s.id, notes="新的"), actor="helper")
    store.checkpoint()
    assert store._ledger.index.files[s.id]["gen"] == 1
    store.close()
    assert "files" in sealed.read(home / "index.bin", keys.index, INDEX, "index.bin")
