"""The Store contract, run against the encrypted backend in every configuration (see conftest)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from store_helpers import CHEAP_KDF, PASS, TickClock, subject, visit

from core.records import Record
from storage import (
    Store,
    StoreError,
    StoreExists,
    StoreLocked,
    StoreMissing,
    StoreOptions,
    UnknownVersion,
    WrongPassphrase,
    snapshot_bytes,
)


def crash_copy(home: Path, tmp_path: Path, options: StoreOptions, clock: TickClock) -> Store:
    """Open a byte copy of a live store: exactly what a kill at this instant would leave."""
    copy = tmp_path / f"crash-{len(list(tmp_path.iterdir()))}"
    shutil.copytree(home, copy)
    return Store.open(copy, PASS, clock=clock, options=options)


# ---------------------------------------------------------------- lifecycle


def test_open_of_missing_home_raises_store_missing(tmp_path: Path) -> None:
    with pytest.raises(StoreMissing):
        Store.open(tmp_path / "nowhere", PASS)
    assert not Store.exists(tmp_path / "nowhere")


def test_create_over_existing_store_raises_store_exists(store: Store, home: Path) -> None:
    store.close()
    with pytest.raises(StoreExists):
        Store.create(home, PASS, kdf=CHEAP_KDF)


def test_every_operation_after_close_raises_store_locked(store: Store, clock: TickClock) -> None:
    s = subject(clock)
    store.put(s, actor="office")
    store.close()
    calls: list[Callable[[], object]] = [
        lambda: store.get(s.id),
        lambda: store.put(s, actor="office"),
        lambda: store.apply([s], actor="office"),
        lambda: store.list(),
        lambda: store.history(s.id),
        lambda: store.summaries(),
        lambda: store.meta_get("k"),
        lambda: store.meta_set("k", 1),
        lambda: store.save_draft("d", {}),
        lambda: store.load_draft("d"),
        lambda: store.list_drafts(),
        lambda: store.check(),
        lambda: store.conflicts(),
        lambda: store.audit_entries(),
        lambda: store.change_passphrase(PASS, "new"),
    ]
    for call in calls:
        with pytest.raises(StoreLocked):
            call()
    assert str(StoreLocked()) == "数据已锁定,请输入口令解锁。"


def test_wrong_passphrase_is_refused_with_the_users_sentence(store: Store, home: Path) -> None:
    store.close()
    with pytest.raises(WrongPassphrase) as err:
        Store.open(home, "wrong")
    assert str(err.value) == "口令不正确,请重新输入。"


def test_changed_passphrase_keeps_data_and_rewrites_only_the_key_file(
    make_store: Callable[..., Store], home: Path, clock: TickClock
) -> None:
    store = make_store()
    s = subject(clock)
    store.put(s, actor="office")
    store.close()
    store = make_store(reopen=True)
    before = snapshot_bytes(home)
    with pytest.raises(WrongPassphrase):
        store.change_passphrase("not it", "新的口令第二版!")
    store.change_passphrase(PASS, "新的口令第二版!")
    after = snapshot_bytes(home)
    assert {k for k in before if before[k] != after.get(k)} == {"xietong.key"}
    store.close()
    with pytest.raises(WrongPassphrase):
        Store.open(home, PASS)
    reopened = Store.open(home, "新的口令第二版!")
    try:
        assert reopened.get(s.id) == s
    finally:
        reopened.close()


# ---------------------------------------------------------------- records


def test_put_then_get_returns_the_same_record_after_reopen(make_store: Callable[..., Store], clock: TickClock) -> None:
    store = make_store()
    s = subject(clock, "李四", family=[{"name": "王五", "relation": "父子"}])
    v = visit(clock, s.id)
    assert store.put(s, actor="office") == s
    store.put(v, actor="helper")
    assert store.get(s.id) == s and store.get(v.id) == v
    assert store.get("no-such-id") is None
    store.close()
    store = make_store(reopen=True)
    assert store.get(s.id) == s and store.get(v.id) == v
    assert store.count() == 2


def test_returned_records_can_be_mutated_without_changing_the_store(store: Store, clock: TickClock) -> None:
    s = subject(clock, family=[{"name": "王五"}])
    store.put(s, actor="office")
    got = store.get(s.id)
    assert got is not None
    got.data["family"][0]["name"] = "改了"
    assert store.get(s.id).data["family"][0]["name"] == "王五"  # type: ignore[union-attr]


def test_list_filters_by_kind_subject_and_tombstone(store: Store, clock: TickClock) -> None:
    a, b = subject(clock, "甲"), subject(clock, "乙")
    va1, va2, vb = visit(clock, a.id), visit(clock, a.id), visit(clock, b.id)
    office = Record.new("office", {"name": "花山司法所"}, author="office-fp", clock=clock)
    store.apply([a, b, va1, va2, vb, office], actor="office")
    store.put(va2.revise(va2.data, clock=clock, deleted=True), actor="helper")
    assert [r.id for r in store.list("subject")] == [a.id, b.id]
    assert [r.id for r in store.list("visit", a.id)] == [va1.id]
    assert [r.id for r in store.list("visit", a.id, include_deleted=True)] == [va1.id, va2.id]
    assert {r.id for r in store.list(subject=b.id)} == {b.id, vb.id}
    assert [r.id for r in store.list("office")] == [office.id]
    assert len(store.list()) == 5
    assert store.list("visit", "unknown-subject") == []


def test_newer_revision_supersedes_and_history_keeps_every_version(store: Store, clock: TickClock) -> None:
    v1 = visit(clock, "s1")
    v2 = v1.revise({**v1.data, "notes": "第二次"}, clock=clock)
    v3 = v2.revise({**v2.data, "notes": "第三次"}, clock=clock)
    store.put(v1, actor="h")
    assert store.put(v2, actor="h") == v2
    store.put(v3, actor="h")
    assert store.get(v1.id) == v3
    assert store.history(v1.id) == [v1, v2, v3]


def test_putting_the_same_or_an_older_identical_version_changes_no_byte(
    store: Store, home: Path, clock: TickClock
) -> None:
    v1 = visit(clock, "s1")
    v2 = v1.revise({**v1.data, "notes": "改"}, clock=clock)
    store.apply([v1, v2], actor="h")
    before = snapshot_bytes(home)
    assert store.put(v2, actor="h") == v2
    result = store.apply([v1, v2], actor="h")
    assert result.counts() == {"new": 0, "updated": 0, "duplicate": 2, "conflict": 0, "historical": 0}
    assert not result.changed
    assert snapshot_bytes(home) == before
    assert len(store.audit_entries()) == 2


def test_older_revision_arriving_late_joins_history_without_replacing_current(store: Store, clock: TickClock) -> None:
    v1 = visit(clock, "s1")
    v2 = v1.revise({**v1.data, "notes": "二"}, clock=clock)
    v3 = v2.revise({**v2.data, "notes": "三"}, clock=clock)
    store.apply([v1, v3], actor="h")
    result = store.apply([v2], actor="h")
    assert result.historical_ids == [v1.id]
    assert store.get(v1.id) == v3
    assert store.history(v1.id) == [v1, v2, v3]


def test_same_revision_with_other_content_is_a_conflict_keeping_both(store: Store, clock: TickClock) -> None:
    v1 = visit(clock, "s1")
    first = v1.revise({**v1.data, "notes": "手机甲"}, clock=clock)
    rival = v1.revise({**v1.data, "notes": "手机乙"}, clock=clock)
    store.apply([v1, first], actor="h")
    result = store.apply([rival], actor="h")
    assert result.conflict_ids == [v1.id] and result.counts()["conflict"] == 1
    assert store.get(v1.id) == first  # the first seen stays current
    assert store.history(v1.id) == [v1, first, rival]
    [c] = store.conflicts()
    assert c.record_id == v1.id and c.revision == 2
    assert set(c.hashes) == {first.content_hash(), rival.content_hash()}
    assert [r.data["notes"] for r in c.versions] == ["手机甲", "手机乙"]
    assert c.current_hash == first.content_hash()
    assert store.apply([rival], actor="h").duplicate == 1  # the rival again changes nothing
    assert len(store.conflicts()) == 1


def test_resolving_a_conflict_makes_the_chosen_version_current_and_clears_the_flag(
    make_store: Callable[..., Store], clock: TickClock
) -> None:
    store = make_store()
    v1 = visit(clock, "s1")
    first = v1.revise({**v1.data, "notes": "甲"}, clock=clock)
    rival = v1.revise({**v1.data, "notes": "乙"}, clock=clock)
    store.apply([v1, first, rival], actor="h")
    with pytest.raises(UnknownVersion):
        store.resolve_conflict(v1.id, "0" * 64, actor="officer")
    assert store.resolve_conflict(v1.id, rival.content_hash(), actor="officer") == rival
    assert store.get(v1.id) == rival and store.conflicts() == []
    assert store.audit_entries()[-1]["action"] == "resolve"
    store.close()
    store = make_store(reopen=True)
    assert store.get(v1.id) == rival and store.conflicts() == []
    assert len(store.history(v1.id)) == 3


def test_a_newer_revision_after_a_conflict_becomes_current_but_the_flag_stays(store: Store, clock: TickClock) -> None:
    v1 = visit(clock, "s1")
    a = v1.revise({**v1.data, "notes": "甲"}, clock=clock)
    b = v1.revise({**v1.data, "notes": "乙"}, clock=clock)
    c = a.revise({**a.data, "notes": "丙"}, clock=clock)
    store.apply([v1, a, b, c], actor="h")
    assert store.get(v1.id) == c
    [conflict] = store.conflicts()
    assert conflict.revision == 2
    store.resolve_conflict(v1.id, b.content_hash(), actor="officer")
    assert store.get(v1.id) == c and store.conflicts() == []


def test_apply_reports_counts_and_ids(store: Store, clock: TickClock) -> None:
    s = subject(clock)
    v = visit(clock, s.id)
    store.put(s, actor="office")
    v2 = v.revise({**v.data, "notes": "改"}, clock=clock)
    result = store.apply([s, v, v2], actor="h")
    assert result.new_ids == [v.id] and result.updated_ids == [v.id] and result.duplicate_ids == [s.id]
    assert (result.new, result.updated, result.duplicate, result.conflict) == (1, 1, 1, 0)


def test_a_record_whose_subject_changes_moves_to_the_new_subjects_partition(store: Store, clock: TickClock) -> None:
    a, b = subject(clock, "甲"), subject(clock, "乙")
    v = visit(clock, a.id)
    store.apply([a, b, v], actor="office")
    moved = Record(v.id, v.kind, b.id, v.author, 2, v.created, v.updated, False, v.data)
    store.put(moved, actor="h")
    assert [r.id for r in store.list("visit", b.id)] == [v.id]
    assert store.list("visit", a.id) == []
    assert store.summaries()[a.id]["last_visit"] is None
    assert store.summaries()[b.id]["last_visit"] == "2026-03-02"
    assert store.history(v.id)[-1] == moved


def test_purge_removes_a_record_and_its_history(make_store: Callable[..., Store], clock: TickClock) -> None:
    store = make_store()
    s = subject(clock)
    v = visit(clock, s.id)
    store.apply([s, v, v.revise(v.data, clock=clock, deleted=True)], actor="h")
    assert store.purge([v.id, "unknown"], actor="h") == 1
    assert store.get(v.id) is None and store.history(v.id) == []
    assert store.audit_entries()[-1]["action"] == "purge"
    store.close()
    store = make_store(reopen=True)
    assert store.get(v.id) is None and store.get(s.id) == s


def test_apply_can_remove_records_in_the_same_commit(make_store: Callable[..., Store], clock: TickClock) -> None:
    store = make_store()
    s, t = subject(clock), subject(clock, "李四")
    v = visit(clock, s.id)
    store.apply([s, v], actor="o")
    w = visit(clock, t.id)
    commits = len(store.audit_entries())
    result = store.apply([t, w], actor="o", meta={"k": 1}, purge=[s.id, v.id])
    assert result.counts()["new"] == 2
    assert store.get(s.id) is None and store.get(v.id) is None and store.get(w.id) == w
    actions = [e["action"] for e in store.audit_entries()[commits:]]
    assert actions == ["new", "new", "meta", "purge", "purge"]
    store.close()
    store = make_store(reopen=True)
    assert store.get(v.id) is None and store.get(w.id) == w and store.meta_get("k") == 1


# ---------------------------------------------------------------- index and meta


def test_summaries_track_visits_and_open_reports_per_subject(store: Store, clock: TickClock) -> None:
    s = subject(clock, "赵六", category="缓刑", term_end="2027-01-31")
    report = Record.new("report", {"category": "外出", "urgency": "紧急"}, author="h", subject=s.id, clock=clock)
    store.apply([s, visit(clock, s.id, "2026-03-05"), visit(clock, s.id, "2026-03-09"), report], actor="h")
    summary = store.summaries()[s.id]
    assert summary["name"] == "赵六" and summary["category"] == "缓刑" and summary["term_end"] == "2027-01-31"
    assert summary["last_visit"] == "2026-03-09"
    assert (summary["reports"], summary["open_reports"], summary["open_urgent"]) == (1, 1, 1)
    ack = Record.new("ack", {"report": report.id, "note": "已处理"}, author="office", subject=s.id, clock=clock)
    store.put(ack, actor="office")
    assert store.summaries()[s.id]["open_reports"] == 0


def test_meta_values_persist_and_unchanged_values_write_nothing(make_store: Callable[..., Store], home: Path) -> None:
    store = make_store()
    assert store.meta_get("role") is None and store.meta_get("role", "helper") == "helper"
    store.meta_set("role", "office")
    store.meta_set("seq", {"peer": 3})
    before = snapshot_bytes(home)
    store.meta_set("role", "office")
    assert snapshot_bytes(home) == before
    store.meta_delete("seq")
    store.close()
    store = make_store(reopen=True)
    assert store.meta_get("role") == "office" and store.meta_get("seq") is None
    assert store.meta_keys() == ["role"]


def test_apply_sets_meta_in_the_same_commit_as_the_records(
    store: Store, home: Path, tmp_path: Path, options: StoreOptions, clock: TickClock
) -> None:
    s = subject(clock)
    store.apply([s], actor="sync", meta={"recv_seq:peer": 7})
    copy = crash_copy(home, tmp_path, options, clock)
    try:
        assert copy.get(s.id) == s and copy.meta_get("recv_seq:peer") == 7
    finally:
        copy.close()


def test_a_crash_right_after_a_save_loses_nothing(
    store: Store, home: Path, tmp_path: Path, options: StoreOptions, clock: TickClock
) -> None:
    records = [subject(clock, f"对象{i}") for i in range(5)]
    for r in records:
        store.put(r, actor="office")
        copy = crash_copy(home, tmp_path, options, clock)
        try:
            assert copy.get(r.id) == r
            assert copy.check() == []
        finally:
            copy.close()


def test_audit_log_names_actor_record_and_revisions(store: Store, clock: TickClock) -> None:
    v1 = visit(clock, "s1")
    v2 = v1.revise({**v1.data, "notes": "改"}, clock=clock)
    store.put(v1, actor="helper-王")
    store.put(v2, actor="helper-王")
    first, second = store.audit_entries()
    assert first["actor"] == "helper-王" and first["record"] == v1.id and first["kind"] == "visit"
    assert first["old"] is None and first["new"] == [1, v1.content_hash()]
    assert second["old"] == [1, v1.content_hash()] and second["new"] == [2, v2.content_hash()]
    assert second["prev"] == first["hash"] and second["seq"] == first["seq"] + 1
    assert first["at"] < second["at"]


def test_a_sound_store_checks_clean(make_store: Callable[..., Store], clock: TickClock) -> None:
    store = make_store()
    for i in range(4):
        s = subject(clock, f"对象{i}")
        store.apply([s, visit(clock, s.id)], actor="office")
    store.save_draft("d1", {"notes": "草稿"})
    assert store.check() == []
    store.close()
    store = make_store(reopen=True)
    assert store.check() == []


def test_summaries_are_current_after_a_crash_and_after_a_checkpointed_reopen(
    make_store: Callable[..., Store], home: Path, tmp_path: Path, options: StoreOptions, clock: TickClock
) -> None:
    store = make_store()
    s = subject(clock, "钱七")
    store.apply([s, visit(clock, s.id, "2026-04-01")], actor="h")
    store.put(visit(clock, s.id, "2026-04-20"), actor="h")
    copy = crash_copy(home, tmp_path, options, clock)
    try:
        assert copy.summaries()[s.id]["last_visit"] == "2026-04-20"
    finally:
        copy.close()
    store.close()
    store = make_store(reopen=True)
    assert store.summaries()[s.id]["last_visit"] == "2026-04-20"
    assert store.summaries()[s.id]["name"] == "钱七"


def test_check_reports_a_partition_that_lost_records_the_index_lists(
    make_store: Callable[..., Store], home: Path, clock: TickClock
) -> None:
    store = make_store()
    a, b = subject(clock, "甲"), subject(clock, "乙")
    store.apply([a, visit(clock, a.id), b], actor="office")
    store.checkpoint()
    path_a, path_b = store._parts.path(a.id), store._parts.path(b.id)
    store.close()
    path_a.unlink()  # e.g. removed by a "cleaner" app
    store = make_store(reopen=True)
    problems = store.check()
    assert len(problems) == 1 and str(path_a) in problems[0]
    assert path_b.exists() and store.get(b.id) == b


def test_a_failed_commit_leaves_store_and_disk_unchanged(
    store: Store, home: Path, clock: TickClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = subject(clock)
    store.put(s, actor="office")
    before = snapshot_bytes(home)
    batch = [visit(clock, s.id), subject(clock, "乙"), s.revise({"name": "改名"}, clock=clock)]

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store._journal, "append", disk_full)
    with pytest.raises(StoreError) as err:
        store.apply(batch, actor="sync", meta={"seq": 1})
    assert "保存失败" in str(err.value)
    monkeypatch.undo()
    assert snapshot_bytes(home) == before
    assert store.get(batch[0].id) is None and store.get(batch[1].id) is None
    assert store.get(s.id) == s and store.meta_get("seq") is None
    assert store.apply(batch, actor="sync").counts()["new"] == 2  # and the retry works


def test_a_batch_with_something_that_is_not_a_record_stores_nothing(store: Store, clock: TickClock) -> None:
    good = subject(clock)
    with pytest.raises(StoreError):
        store.apply([good, {"id": "x"}], actor="sync")  # type: ignore[list-item]
    assert store.get(good.id) is None and store.audit_entries() == []


def test_which_partitions_hold_a_kind_follows_every_change_after_it_was_asked(store: Store, clock: TickClock) -> None:
    a, b = subject(clock), subject(clock)
    first = visit(clock, a.id)
    store.apply([a, b, first], actor="officer")
    assert [r.id for r in store.list("visit")] == [first.id]  # asked: each partition's kinds kept
    second = store.put(visit(clock, b.id), actor="officer")  # b's partition gains a kind
    assert [r.id for r in store.list("visit")] == [first.id, second.id]
    assert [r.id for r in store.list(kinds=("visit",))] == [first.id, second.id]
    store.purge([first.id], actor="officer")  # a's partition loses its only visit
    assert store._ledger.index.partitions("visit", None, None) == [b.id]
    assert [r.id for r in store.list("visit")] == [second.id]


def test_list_by_kinds_returns_only_those_kinds_without_reading_other_partitions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from store_helpers import TickClock

    from core.records import Record
    from storage import KdfParams, Store

    clock = TickClock()
    store = Store.create(tmp_path / "s", "pass phrase 1", clock=clock, kdf=KdfParams(n=2**4))
    a = Record.new("visit", {"x": 1}, author="h" * 30, subject="sa", clock=clock)
    b = Record.new("notice", {"x": 2}, author="o" * 30, subject="sb", clock=clock)
    c = Record.new("visit", {"x": 3}, author="h" * 30, subject="sb", clock=clock)
    store.apply([a, b, c], actor="t")
    store.checkpoint()
    store._parts.evict_all()
    assert [r.id for r in store.list(kinds=("notice",))] == [b.id]
    assert not store._parts.is_cached("sa")  # the partition without a notice was not decrypted
    assert [r.id for r in store.list(subject="sb", kinds={"visit"})] == [c.id]
    assert store.list(subject="sa", kinds=("notice",)) == []
    assert {r.id for r in store.list(kinds=("visit", "notice"))} == {a.id, b.id, c.id}


def test_a_large_commit_is_durable_at_once_and_folded_over_the_next_commits(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from store_helpers import TickClock

    from core.records import Record
    from storage import KdfParams, Store
    from storage.store import StoreOptions

    clock = TickClock()
    opts = StoreOptions(checkpoint_bytes=20_000)
    home = tmp_path / "s"
    store = Store.create(home, "pass phrase 1", clock=clock, kdf=KdfParams(n=2**4), options=opts)
    big = [
        Record.new("visit", {"n": i, "t": "走访" * 20}, author="h" * 30, subject="sa", clock=clock) for i in range(200)
    ]
    store.apply(big, actor="t")
    assert store._journal.count == 1  # durable in the journal, not yet folded
    parts_before = sorted(p.name for p in (home / "parts").iterdir())
    one = Record.new("visit", {"n": -1}, author="h" * 30, subject="sb", clock=clock)
    store.put(one, actor="t")
    assert store._journal.count == 0  # the next commit found a large journal and retired it
    assert (home / "journal.old.bin").exists()
    for i in range(opts.fold_every * 2):  # the rolling checkpoint writes it over the next commits
        store.put(Record.new("visit", {"n": -2 - i}, author="h" * 30, subject="sb", clock=clock), actor="t")
    assert sorted(p.name for p in (home / "parts").iterdir()) != parts_before
    assert not (home / "journal.old.bin").exists() and store._ledger.index.gen == 1
    store.close()
    again = Store.open(home, "pass phrase 1", clock=clock, options=opts)
    assert again.count() == 201 + opts.fold_every * 2 and again.get(one.id) == one
