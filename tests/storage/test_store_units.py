"""Pieces of the store on their own: version merging, framing, key wrapping, calibration."""

from __future__ import annotations

import os
import struct

import pytest
from store_helpers import TickClock, visit

from storage import history
from storage.crypto import KdfParams, SubKeys, calibrate_scrypt
from storage.fsio import frame, scan_frames


def test_merge_classifies_every_arrival() -> None:
    clock = TickClock()
    v1 = visit(clock, "s")
    v2 = v1.revise({"notes": "二"}, clock=clock)
    rival = v1.revise({"notes": "二'"}, clock=clock)
    first = history.merge(None, v1)
    assert first.status == history.NEW and first.old is None
    up = history.merge(first.doc, v2)
    assert up.status == history.UPDATED and history.current_record(up.doc) == v2
    assert history.merge(up.doc, v2).status == history.DUPLICATE
    assert history.merge(up.doc, v1).status == history.DUPLICATE
    con = history.merge(up.doc, rival)
    assert con.status == history.CONFLICT and con.doc["conflicts"] == {"2": [v2.content_hash(), rival.content_hash()]}
    assert history.current_record(con.doc) == v2
    late = history.merge(history.new_doc(v2), v1)
    assert late.status == history.HISTORICAL and history.history(late.doc) == [v1, v2]
    assert up.doc["versions"] is not first.doc["versions"]  # merge never mutates its input


def test_an_older_revision_with_content_equal_to_a_newer_one_is_a_no_op() -> None:
    clock = TickClock()
    v1 = visit(clock, "s")
    v2 = v1.revise(v1.data, clock=clock)  # same content, next revision
    doc = history.new_doc(v2)
    assert history.merge(doc, v1).status == history.DUPLICATE


def test_three_way_conflict_lists_all_rivals_once() -> None:
    clock = TickClock()
    v1 = visit(clock, "s")
    a, b, c = (v1.revise({"notes": n}, clock=clock) for n in "甲乙丙")
    doc = history.new_doc(v1)
    for rec in (a, b, c):
        doc = history.merge(doc, rec).doc
    assert doc["conflicts"]["2"] == [a.content_hash(), b.content_hash(), c.content_hash()]
    resolved, rev = history.resolve(doc, c.content_hash())
    assert rev == 2 and resolved["conflicts"] == {} and history.current_record(resolved) == c


def test_frames_stop_at_a_torn_tail() -> None:
    blob = frame(b"one") + frame(b"two")
    whole = scan_frames(blob)
    assert whole.frames == [b"one", b"two"] and not whole.torn
    for cut in range(1, len(frame(b"two"))):
        scan = scan_frames(blob + frame(b"three")[:cut])
        assert scan.frames == [b"one", b"two"] and scan.valid_end == len(blob) and scan.torn
    huge = struct.pack(">I", 2**31)
    assert scan_frames(blob + huge).frames == [b"one", b"two"]


def test_sub_keys_differ_per_purpose_and_per_store() -> None:
    key = os.urandom(32)
    a, b = SubKeys.derive(key, "store-a"), SubKeys.derive(key, "store-b")
    values = [a.partition, a.index, a.journal, a.audit, a.draft, a.names]
    assert len(set(values)) == 6 and a.partition != b.partition
    assert a.file_name("partition", "x") != a.file_name("draft", "x")


def test_kdf_params_reject_nonsense() -> None:
    for bad in ({"n": 1000, "r": 8, "p": 1}, {"n": 2**10, "r": 0, "p": 1}, {"n": 2**30, "r": 8, "p": 1}):
        with pytest.raises(ValueError):
            KdfParams.from_dict(bad)


def _fake_device(monkeypatch: pytest.MonkeyPatch, seconds_per_n: float) -> tuple[list[float], list[int]]:
    """A device where one derivation "takes" n * seconds_per_n seconds."""
    import storage.crypto as crypto

    now = [0.0]
    tried: list[int] = []

    def fake_derive(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
        tried.append(params.n)
        now[0] += params.n * seconds_per_n
        return b"k" * 32

    monkeypatch.setattr(crypto, "derive_kek", fake_derive)
    return now, tried


def test_calibration_starts_at_the_floor_and_doubles_until_half_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    # 2**15 -> 0.25 s (too fast), 2**16 -> 0.5 s: enough.
    now, tried = _fake_device(monkeypatch, 1 / 2**17)
    assert calibrate_scrypt(timer=lambda: now[0]) == KdfParams(n=2**16)
    assert tried == [2**15, 2**16]


@pytest.mark.parametrize("ms_at_floor", [20, 45, 60, 99, 130, 251, 499])
def test_calibration_lands_between_half_a_second_and_one_second(
    monkeypatch: pytest.MonkeyPatch, ms_at_floor: int
) -> None:
    import storage.crypto as crypto

    now, _ = _fake_device(monkeypatch, ms_at_floor / 1000 / 2**15)
    n = calibrate_scrypt(timer=lambda: now[0]).n
    took = n * ms_at_floor / 1000 / 2**15
    # A device so fast that the memory ceiling is reached first stops there (256 MiB on a phone).
    assert n >= 2**15 and (0.5 <= took <= 1.0 or n == crypto.MAX_SCRYPT_N and took < 0.5), (n, took)


def test_a_slow_device_still_gets_the_floor_never_less(monkeypatch: pytest.MonkeyPatch) -> None:
    now, tried = _fake_device(monkeypatch, 2.0 / 2**15)  # 2 s at the floor
    assert calibrate_scrypt(timer=lambda: now[0]) == KdfParams(n=2**15)
    assert tried == [2**15]


def test_calibration_stops_at_the_phone_memory_ceiling(monkeypatch: pytest.MonkeyPatch) -> None:
    import storage.crypto as crypto

    monkeypatch.setattr(crypto, "derive_kek", lambda *a: b"k" * 32)
    assert calibrate_scrypt(timer=lambda: 0.0).n == crypto.MAX_SCRYPT_N


def _entries(n: int) -> list[dict]:
    from storage.audit import chained

    out: list[dict] = []
    for i in range(n):
        out.append(chained(out[-1] if out else None, {"action": "new", "record": f"r{i}"}))
    return out


def test_audit_log_reads_old_single_entry_frames_and_new_batched_frames(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from storage.audit import AuditLog, _aad, verify
    from storage.crypto import seal
    from storage.fsio import AppendFile

    key, entropy = os.urandom(32), os.urandom
    entries = _entries(7)
    path = tmp_path / "audit.bin"
    path.touch()
    log = AppendFile(path, 0)  # the format before batching: one sealed frame per entry
    log.append([seal(key, json.dumps(e).encode(), _aad(e["seq"]), entropy) for e in entries[:3]])
    end = log.end
    log.close()
    audit = AuditLog(path, key, entropy)
    end = audit.append(entries[3:5], end)
    end = audit.append(entries[5:], end)
    read, problems = audit.read(end)
    assert problems == [] and read == entries and verify(read) == []


def test_audit_batch_frame_moved_to_another_position_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from storage.audit import AuditLog

    key = os.urandom(32)
    entries = _entries(4)
    a = AuditLog(tmp_path / "a.bin", key, os.urandom)
    end = a.append(entries[:2], 0)
    end = a.append(entries[2:], end)
    data = (tmp_path / "a.bin").read_bytes()
    frames = scan_frames(data).frames
    swapped = frame(frames[1]) + frame(frames[0])
    (tmp_path / "a.bin").write_bytes(swapped)
    read, problems = a.read(len(swapped))
    assert read == [] and problems and "第 0 条" in problems[0]
