"""Re-keying: after it an old copy of the key file is useless, and a kill at any point leaves a
store that one of the two passphrases opens, whole."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from store_helpers import CHEAP_KDF, PASS, TickClock, subject, visit

from storage import Store, StoreError, StoreOptions, WrongPassphrase, rekey
from storage.errors import WeakPassphrase
from storage.keyfile import KEY_FILE

NEW = "a new passphrase 马"
MARKER = "再加密标记喆QRS"


class Killed(BaseException):
    """What the test plays instead of a kill -9 (caught by nothing in the store)."""


def _filled(home: Path, clock: TickClock, *, options: StoreOptions | None = None) -> tuple[Store, dict[str, object]]:
    store = Store.create(home, PASS, clock=clock, kdf=CHEAP_KDF, options=options or StoreOptions(checkpoint_every=4))
    a, b = subject(clock, f"甲{MARKER}"), subject(clock, "乙")
    va = visit(clock, a.id, notes=f"{MARKER} 家访")
    store.apply([a, va, b, visit(clock, b.id)], actor="office")
    store.put(va.revise({**va.data, "notes": "第二版"}, clock=clock), actor="helper")  # history
    store.meta_set("identity", {"name": MARKER, "sign_priv": "cd" * 32})
    store.save_draft(f"new-visit-{a.id}", {"notes": f"{MARKER} 草稿"})
    store.put(subject(clock, "丙"), actor="office")  # left in the journal, not checkpointed
    return store, _state(store)


def _state(store: Store) -> dict[str, object]:
    return {
        "records": sorted(
            (r.id, r.revision, json.dumps(r.data, ensure_ascii=False)) for r in store.list(include_deleted=True)
        ),
        "history": {r.id: len(store.history(r.id)) for r in store.list()},
        "meta": {k: store.meta_get(k) for k in store.meta_keys()},
        "drafts": [(d, store.load_draft(d)) for d, _ in store.list_drafts()],
        "draft_times": store.list_drafts(),
        "audit": [e["hash"] for e in store.audit_entries()],
        "summaries": store.summaries(),
    }


def _no_plaintext(home: Path) -> None:
    for path in home.rglob("*"):
        if path.is_file():
            blob = path.read_bytes()
            assert MARKER.encode() not in blob and json.dumps(MARKER).strip('"').encode() not in blob, path


def test_after_a_rekey_an_old_copy_of_the_key_file_with_the_old_passphrase_opens_nothing(
    tmp_path: Path, clock: TickClock
) -> None:
    home = tmp_path / "home"
    store, before = _filled(home, clock)
    old_copy = (home / KEY_FILE).read_bytes()
    store = store.rekey(PASS, NEW)
    assert _state(store) == before
    assert store.check() == []
    store.close()
    with pytest.raises(WrongPassphrase):
        Store.open(home, PASS, clock=clock)
    (home / KEY_FILE).write_bytes(old_copy)  # the thief's copy of the old key file, put back
    with pytest.raises(StoreError):  # the old data key decrypts none of the files any more
        Store.open(home, PASS, clock=clock)
    assert not (home / rekey.REKEY_DIR).exists()
    _no_plaintext(home)


def test_without_rekey_an_old_copy_of_the_key_file_still_opens_the_store(tmp_path: Path, clock: TickClock) -> None:
    """Why ``passwd`` says so: a passphrase change rewrites only the key file."""
    home = tmp_path / "home"
    store, before = _filled(home, clock)
    old_copy = (home / KEY_FILE).read_bytes()
    store.change_passphrase(PASS, NEW)
    store.close()
    (home / KEY_FILE).write_bytes(old_copy)
    with Store.open(home, PASS, clock=clock) as reopened:
        assert _state(reopened) == before


def test_the_rekeyed_store_opens_with_the_new_passphrase_and_keeps_working(tmp_path: Path, clock: TickClock) -> None:
    home = tmp_path / "home"
    store, before = _filled(home, clock, options=StoreOptions(checkpoint_every=1, cache_partitions=1))
    store = store.rekey(PASS, NEW)
    extra = subject(clock, "丁")
    store.put(extra, actor="office")
    store.close()
    with Store.open(home, NEW, clock=clock) as reopened:
        assert reopened.get(extra.id) is not None
        assert reopened.check() == []
        assert [e["hash"] for e in reopened.audit_entries()][: len(before["audit"])] == before["audit"]  # type: ignore[arg-type]


def test_rekey_refuses_a_wrong_old_passphrase_and_a_weak_new_one_and_changes_nothing(
    tmp_path: Path, clock: TickClock
) -> None:
    home = tmp_path / "home"
    store, before = _filled(home, clock)
    store.checkpoint()
    files = {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}
    with pytest.raises(WrongPassphrase):
        store.rekey("not the passphrase", NEW)
    with pytest.raises(WeakPassphrase):
        store.rekey(PASS, "12345678")
    assert {p: p.read_bytes() for p in home.rglob("*") if p.is_file()} == files
    assert _state(store) == before
    store.close()


STEPS = [rekey.STAGED, rekey.COMMITTED, rekey.MOVED, rekey.KEY_MOVED]


@pytest.mark.parametrize("at", STEPS)
def test_a_kill_during_rekey_leaves_a_store_one_passphrase_opens_whole(
    tmp_path: Path, clock: TickClock, at: str
) -> None:
    home = tmp_path / "home"
    store, before = _filled(home, clock)

    def kill(step: str) -> None:
        if step == at:
            raise Killed(step)

    with pytest.raises(Killed):
        store.rekey(PASS, NEW, _step=kill)
    _no_plaintext(home)  # the staging folder holds ciphertext only
    if not store.closed:  # killed before the commit point: the process would just go away
        from storage.filelock import release

        store._journal.close()
        release(store._lock_fd)
    opened = []
    for passphrase in (PASS, NEW):
        try:
            s = Store.open(home, passphrase, clock=clock)
        except WrongPassphrase:
            continue
        opened.append(passphrase)
        assert _state(s) == before
        assert s.check() == []
        s.close()
    assert opened == ([PASS] if at == rekey.STAGED else [NEW])
    assert not (home / rekey.REKEY_DIR).exists()  # finished or thrown away by the open
    _no_plaintext(home)


def test_a_kill_during_a_store_open_that_finishes_a_rekey_is_finished_by_the_next(
    tmp_path: Path, clock: TickClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    store, before = _filled(home, clock)

    def kill_at_moved(step: str) -> None:
        if step == rekey.MOVED:
            raise Killed(step)

    with pytest.raises(Killed):
        store.rekey(PASS, NEW, _step=kill_at_moved)
    real_finish = rekey.finish
    monkeypatch.setattr(rekey, "finish", lambda home, step=None: real_finish(home, kill_at_moved))
    with pytest.raises(Killed):
        Store.open(home, NEW, clock=clock)
    monkeypatch.setattr(rekey, "finish", real_finish)
    with Store.open(home, NEW, clock=clock) as reopened:
        assert _state(reopened) == before


def test_a_manifest_naming_a_file_outside_the_store_is_refused(tmp_path: Path, clock: TickClock) -> None:
    home = tmp_path / "home"
    store, _ = _filled(home, clock)
    with pytest.raises(Killed):
        store.rekey(PASS, NEW, _step=lambda s: (_ for _ in ()).throw(Killed()) if s == rekey.COMMITTED else None)
    manifest = home / rekey.REKEY_DIR / rekey.MANIFEST
    manifest.write_text(json.dumps(["../outside.bin"]))
    with pytest.raises(StoreError):
        Store.open(home, NEW, clock=clock)
    assert not (tmp_path / "outside.bin").exists()


def test_a_leftover_uncommitted_staging_folder_is_thrown_away_at_open(tmp_path: Path, clock: TickClock) -> None:
    home = tmp_path / "home"
    store, before = _filled(home, clock)
    store.close()
    staging = home / rekey.REKEY_DIR
    shutil.copytree(home / "parts", staging / "parts")
    with Store.open(home, PASS, clock=clock) as reopened:
        assert _state(reopened) == before
    assert not staging.exists()


CHILD = """
import os, sys
from storage import Store
store = Store.open(sys.argv[1], sys.argv[2])
def kill(step):
    if step == sys.argv[4]:
        os._exit(9)
store.rekey(sys.argv[2], sys.argv[3], _step=kill)
os._exit(0)
"""


@pytest.mark.parametrize("at", [rekey.STAGED, rekey.MOVED])
def test_a_real_process_killed_during_rekey_leaves_a_store_that_opens(
    tmp_path: Path, clock: TickClock, at: str
) -> None:
    import subprocess
    import sys

    home = tmp_path / "home"
    store, before = _filled(home, clock)
    store.close()
    repo = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(home), PASS, NEW, at],
        cwd=repo,
        env={**__import__("os").environ, "PYTHONPATH": str(repo)},
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 9, proc.stderr
    with Store.open(home, PASS if at == rekey.STAGED else NEW, clock=clock) as reopened:
        assert _state(reopened) == before
        assert reopened.check() == []
    _no_plaintext(home)
