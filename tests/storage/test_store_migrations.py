"""Format upgrades: a version-0 store opens as the current format with nothing lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from store_helpers import PASS, TickClock, subject, visit
from v0_fixture import write_v0_store

from storage import Store, StoreTooNew, WrongPassphrase, snapshot_bytes
from storage.migrations import CURRENT_VERSION, MIGRATIONS


def test_every_version_below_current_has_a_migration() -> None:
    assert sorted(MIGRATIONS) == list(range(CURRENT_VERSION))


def test_v0_store_is_migrated_with_history_and_meta(tmp_path: Path, clock: TickClock) -> None:
    home = tmp_path / "home"
    s = subject(clock, "旧版对象")
    v1 = visit(clock, s.id)
    v2 = v1.revise({**v1.data, "notes": "第二版"}, clock=clock)
    write_v0_store(home, PASS, [s, v1, v2], {"role": "helper"})
    store = Store.open(home, PASS, clock=clock)
    try:
        assert json.loads((home / "xietong.key").read_text())["version"] == CURRENT_VERSION
        assert not (home / "store.bin").exists()
        assert store.get(s.id) == s and store.get(v1.id) == v2
        assert store.history(v1.id) == [v1, v2]
        assert store.meta_get("role") == "helper"
        assert store.summaries()[s.id]["name"] == "旧版对象"
        assert {e["actor"] for e in store.audit_entries()} == {"migration"}
        assert store.check() == []
    finally:
        store.close()
    reopened = Store.open(home, PASS)
    assert reopened.get(v1.id) == v2
    reopened.close()


def test_v0_store_with_wrong_passphrase_is_left_untouched(tmp_path: Path, clock: TickClock) -> None:
    home = tmp_path / "home"
    write_v0_store(home, PASS, [subject(clock)], {})
    before = snapshot_bytes(home)
    with pytest.raises(WrongPassphrase):
        Store.open(home, "wrong")
    after = snapshot_bytes(home)
    after.pop("lock", None)
    assert after == before


def test_interrupted_migration_runs_again(tmp_path: Path, clock: TickClock, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    s = subject(clock)
    write_v0_store(home, PASS, [s], {})
    import storage.migrations as m

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("power cut before the key file was replaced")

    monkeypatch.setattr(m, "atomic_write", crash)
    with pytest.raises(OSError):
        Store.open(home, PASS)
    monkeypatch.undo()
    assert json.loads((home / "xietong.key").read_text())["version"] == 0
    store = Store.open(home, PASS)
    assert store.get(s.id) == s and store.check() == []
    store.close()


def test_a_store_from_a_newer_app_is_refused(tmp_path: Path, clock: TickClock) -> None:
    home = tmp_path / "home"
    from store_helpers import CHEAP_KDF

    Store.create(home, PASS, kdf=CHEAP_KDF).close()
    key = json.loads((home / "xietong.key").read_text())
    key["version"] = CURRENT_VERSION + 1
    (home / "xietong.key").write_text(json.dumps(key))
    with pytest.raises(StoreTooNew):
        Store.open(home, PASS)
