"""At-rest protection: nothing readable on disk, damage and tampering detected and contained."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from store_helpers import CHEAP_KDF, PASS, TickClock, abandon, subject, visit

from core.records import Record
from storage import Store, StoreCorrupt, StoreOptions, WrongPassphrase, snapshot_bytes

MARKER = "测试标记喆XYZ"


def _needles(text: str) -> list[bytes]:
    return [
        text.encode("utf-8"),
        json.dumps(text).strip('"').encode("ascii"),  # \\u escapes
        json.dumps(text).strip('"').lower().encode("ascii"),
        text.encode("utf-16-le"),
        text.encode("gb18030"),
    ]


def _flip(path: Path, offset: int = -20) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def _two_subject_store(home: Path, clock: TickClock) -> tuple[Store, Record, Record]:
    store = Store.create(home, PASS, clock=clock, kdf=CHEAP_KDF)
    a, b = subject(clock, "甲"), subject(clock, "乙")
    store.apply([a, visit(clock, a.id), b, visit(clock, b.id)], actor="office")
    store.checkpoint()
    return store, a, b


def _part_file(store: Store, subject_id: str) -> Path:
    return store._parts.path(subject_id)  # the test needs to know which file holds which subject


@pytest.mark.parametrize("checkpoint", [False, True], ids=["in-journal", "checkpointed"])
def test_no_plaintext_marker_in_any_file_under_the_home(tmp_path: Path, clock: TickClock, checkpoint: bool) -> None:
    home = tmp_path / "home"
    store = Store.create(home, PASS, clock=clock, kdf=CHEAP_KDF, options=StoreOptions(checkpoint_every=1_000))
    s = subject(clock, MARKER, residence=f"{MARKER}路1号")
    v = visit(clock, s.id, notes=f"{MARKER} 家访")
    store.apply([s, v], actor=f"helper {MARKER}", meta={f"key {MARKER}": MARKER})
    store.put(v.revise({**v.data, "notes": MARKER * 3}, clock=clock), actor=MARKER)
    store.save_draft(f"draft {MARKER}", {"name": MARKER})
    store.meta_set("identity", {"name": MARKER, "sign_priv": "ab" * 32})
    if checkpoint:
        store.checkpoint()
    owned = set(store.files())
    on_disk = {p for p in home.rglob("*") if p.is_file()}
    assert on_disk == owned
    assert any(p.parent.name == "parts" for p in owned) == checkpoint
    for path in on_disk:
        blob = path.read_bytes()
        for needle in _needles(MARKER) + _needles("家访") + _needles("路1号"):
            assert needle not in blob, f"plaintext in {path}"
    store.close()
    for path in home.rglob("*"):
        if path.is_file():
            for needle in _needles(MARKER):
                assert needle not in path.read_bytes()


def test_opening_and_reading_a_store_changes_no_byte(tmp_path: Path, clock: TickClock) -> None:
    home = tmp_path / "home"
    store, a, _ = _two_subject_store(home, clock)
    store.put(visit(clock, a.id), actor="h")  # leaves a journal entry to replay at open
    abandon(store)
    before = snapshot_bytes(home)
    reopened = Store.open(home, PASS, clock=clock)
    reopened.list()
    reopened.summaries()
    reopened.get(a.id)
    reopened.history(a.id)
    reopened.audit_entries()
    reopened.list_drafts()
    assert reopened.check() == []
    assert snapshot_bytes(home) == before
    reopened.close()


def test_a_flipped_byte_in_one_partition_is_named_and_others_stay_readable(tmp_path: Path, clock: TickClock) -> None:
    home = tmp_path / "home"
    store, a, b = _two_subject_store(home, clock)
    store.close()
    damaged = None
    reopened = Store.open(home, PASS, clock=clock)
    damaged = _part_file(reopened, a.id)
    _flip(damaged)
    with pytest.raises(StoreCorrupt) as err:
        reopened.list(subject=a.id)
    assert err.value.path == damaged and str(damaged) in str(err.value)
    assert "已损坏" in str(err.value)
    assert reopened.get(b.id) == b
    assert [r.kind for r in reopened.list(subject=b.id)] == ["subject", "visit"]
    problems = reopened.check()
    assert len(problems) == 1 and str(damaged) in problems[0]
    assert reopened.summaries()[a.id]["name"] == "甲"  # the index still serves the dashboard
    with pytest.raises(StoreCorrupt):
        reopened.list("subject")
    assert [r.id for r in reopened.list("subject", skip_damaged=True)] == [b.id]
    assert reopened.check() == problems
    reopened.close()


def test_a_partition_file_swapped_for_another_is_detected(tmp_path: Path, clock: TickClock) -> None:
    home = tmp_path / "home"
    store, a, b = _two_subject_store(home, clock)
    pa, pb = _part_file(store, a.id), _part_file(store, b.id)
    store.close()
    shutil.copyfile(pb, pa)
    reopened = Store.open(home, PASS, clock=clock)
    with pytest.raises(StoreCorrupt):
        reopened.get(a.id)
    assert reopened.get(b.id) == b
    reopened.close()


def test_a_damaged_index_is_reported_naming_the_file(tmp_path: Path, clock: TickClock) -> None:
    home = tmp_path / "home"
    store, _, _ = _two_subject_store(home, clock)
    store.close()
    _flip(home / "index.bin")
    with pytest.raises(StoreCorrupt) as err:
        Store.open(home, PASS)
    assert err.value.path == home / "index.bin"


def test_a_tampered_key_file_is_not_mistaken_for_success(tmp_path: Path, clock: TickClock) -> None:
    home = tmp_path / "home"
    store, _, _ = _two_subject_store(home, clock)
    store.close()
    key = json.loads((home / "xietong.key").read_text())
    key["n"] = 2  # downgrade attempt: the wrap is bound to the KDF parameters
    key["kdf"]["n"] = 2**11
    (home / "xietong.key").write_text(json.dumps(key))
    with pytest.raises(WrongPassphrase):
        Store.open(home, PASS)
    (home / "xietong.key").write_text("{not json")
    with pytest.raises(StoreCorrupt):
        Store.open(home, PASS)


def test_audit_tampering_is_detected_by_check(tmp_path: Path, clock: TickClock) -> None:
    home = tmp_path / "home"
    store, a, _ = _two_subject_store(home, clock)
    for i in range(3):
        store.put(visit(clock, a.id, notes=f"第{i}次"), actor="h")
    store.checkpoint()
    assert store.check() == []
    original = (home / "audit.bin").read_bytes()
    _flip(home / "audit.bin", offset=40)
    assert any("审计日志" in p for p in store.check())
    with pytest.raises(StoreCorrupt):
        store.audit_entries()
    # Dropping the last whole entry is caught by the head kept in the index.
    from storage.fsio import scan_frames

    scan = scan_frames(original)
    (home / "audit.bin").write_bytes(original[: scan.offsets[-1]])
    assert any("审计日志" in p for p in store.check())
    (home / "audit.bin").write_bytes(original)
    assert store.check() == []
    store.close()


def test_audit_chain_verification_catches_edits_and_gaps() -> None:
    from storage.audit import chained, verify

    entries = []
    for i in range(4):
        entries.append(chained(entries[-1] if entries else None, {"actor": "h", "record": f"r{i}"}))
    assert verify(entries) == []
    edited = [dict(e) for e in entries]
    edited[1]["actor"] = "someone else"
    assert verify(edited) != []
    assert verify(entries[:1] + entries[2:]) != []
    assert verify(list(reversed(entries))) != []


def test_a_damaged_draft_is_named_and_other_drafts_survive(tmp_path: Path, clock: TickClock) -> None:
    home = tmp_path / "home"
    store = Store.create(home, PASS, clock=clock, kdf=CHEAP_KDF)
    store.save_draft("a", {"x": 1})
    store.save_draft("b", {"x": 2})
    path = store._drafts._path("a")[0]
    _flip(path)
    with pytest.raises(StoreCorrupt) as err:
        store.load_draft("a")
    assert err.value.path == path
    assert store.load_draft("b") == {"x": 2}
    assert any(str(path) in p for p in store.check())
    store.close()


def test_store_refuses_a_second_process_while_open(tmp_path: Path, clock: TickClock) -> None:
    from storage import StoreBusy

    home = tmp_path / "home"
    store = Store.create(home, PASS, clock=clock, kdf=CHEAP_KDF)
    with pytest.raises(StoreBusy):
        Store.open(home, PASS)
    store.close()
    Store.open(home, PASS).close()
