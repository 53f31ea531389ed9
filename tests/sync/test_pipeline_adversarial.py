"""Hostile or mistaken bundle files at the pipeline level.

Every refusal must name the right reason, leave the office store byte-for-byte unchanged,
move the file to quarantine, and not stop the genuine bundle importing afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pipeline_setup import SUBJECT, TEAM, VISIT, Side, TickClock, make_side, setup_pair, visit

from core.records import Record
from storage import snapshot_bytes
from sync.exchange import export_bundle, import_bundle, import_file, pin_office
from sync.protocol.bundle import DEFAULT_MAX_SIZE, encode_payload, seal
from sync.protocol.errors import REJECTION_CODES
from sync.protocol.identity import make_office_card

pytestmark = pytest.mark.crypto


def _sealed(sender: Side, recipient: Side, records: list[dict[str, Any]], clock: TickClock, seq: int = 1) -> bytes:
    """A correctly signed and encrypted bundle whose content the pipeline must judge."""
    return seal(sender.me, recipient.me.public(), {"seq": seq, "created": clock()}, encode_payload(records))


def _stranger(tmp: Path, office: Side, clock: TickClock) -> Side:
    stranger = make_side(tmp / "stranger", "helper", "陌生人", clock)
    pin_office(stranger.store, make_office_card(office.me), office.me.public().grouped)
    return stranger


def _wrong_recipient(tmp: Path, office: Side, helper: Side, subject: Record, clock: TickClock) -> bytes:
    other_office = make_side(tmp / "other-office", "office", "别的司法所", clock)
    return _sealed(helper, other_office, [visit(helper, subject.id, clock).to_dict()], clock)


def _unknown_sender(tmp: Path, office: Side, helper: Side, subject: Record, clock: TickClock) -> bytes:
    stranger = _stranger(tmp, office, clock)
    stranger.store.put(visit(stranger, subject.id, clock), actor=stranger.me.fingerprint)
    return export_bundle(stranger.store, stranger.me, office.me.fingerprint, clock=clock)


def _unassigned_subject(tmp: Path, office: Side, helper: Side, subject: Record, clock: TickClock) -> bytes:
    other = Record.new("subject", {**SUBJECT, "name": "李四"}, author=office.me.fingerprint, clock=clock)
    office.store.put(other, actor=office.me.fingerprint)
    return _sealed(helper, office, [visit(helper, other.id, clock).to_dict()], clock)


def _office_kind(tmp: Path, office: Side, helper: Side, subject: Record, clock: TickClock) -> bytes:
    team = Record.new("team", TEAM, author=helper.me.fingerprint, subject=subject.id, clock=clock)
    return _sealed(helper, office, [visit(helper, subject.id, clock).to_dict(), team.to_dict()], clock)


def _other_author(tmp: Path, office: Side, helper: Side, subject: Record, clock: TickClock) -> bytes:
    forged = Record.new("visit", VISIT, author=office.me.fingerprint, subject=subject.id, clock=clock)
    return _sealed(helper, office, [forged.to_dict()], clock)


def _overwrite_subject(tmp: Path, office: Side, helper: Side, subject: Record, clock: TickClock) -> bytes:
    hijack = subject.revise({**subject.data, "notes": "改写"}, clock=clock)
    return _sealed(helper, office, [hijack.to_dict()], clock)


def _schema_invalid(tmp: Path, office: Side, helper: Side, subject: Record, clock: TickClock) -> bytes:
    bad = visit(helper, subject.id, clock).to_dict()
    del bad["data"]["place"]
    return _sealed(helper, office, [bad], clock)


def _revision_not_int(tmp: Path, office: Side, helper: Side, subject: Record, clock: TickClock) -> bytes:
    bad = visit(helper, subject.id, clock).to_dict()
    bad["revision"] = "1"
    return _sealed(helper, office, [bad], clock)


def _extra_record_field(tmp: Path, office: Side, helper: Side, subject: Record, clock: TickClock) -> bytes:
    bad = visit(helper, subject.id, clock).to_dict()
    bad["owner"] = "x"
    return _sealed(helper, office, [bad], clock)


Maker = Callable[[Path, Side, Side, Record, TickClock], bytes]
CASES: dict[str, tuple[Maker, str]] = {
    "wrong_recipient": (_wrong_recipient, "wrong_recipient"),
    "unknown_sender": (_unknown_sender, "unknown_sender"),
    "subject_not_assigned": (_unassigned_subject, "out_of_scope"),
    "office_kind_from_helper": (_office_kind, "out_of_scope"),
    "record_of_another_author": (_other_author, "out_of_scope"),
    "helper_rewrites_subject": (_overwrite_subject, "out_of_scope"),
    "schema_invalid_record": (_schema_invalid, "schema_invalid"),
    "revision_not_an_integer": (_revision_not_int, "schema_invalid"),
    "unknown_record_field": (_extra_record_field, "schema_invalid"),
}


def _genuine(office: Side, helper: Side, subject: Record, clock: TickClock) -> tuple[bytes, Record]:
    v = visit(helper, subject.id, clock)
    helper.store.put(v, actor=helper.me.fingerprint)
    return export_bundle(helper.store, helper.me, office.me.fingerprint, clock=clock), v


def _refused_then_genuine_imports(
    tmp: Path, office: Side, helper: Side, subject: Record, bad: bytes, code: str, clock: TickClock
) -> None:
    genuine, v = _genuine(office, helper, subject, clock)
    incoming = tmp / "incoming"
    incoming.mkdir(exist_ok=True)
    path = incoming / "bundle.xtb"
    path.write_bytes(bad)
    quarantine = tmp / "quarantine"
    before = snapshot_bytes(office.home)
    out = import_file(office.store, office.me, path, quarantine, clock=clock)
    assert out.status == "rejected" and out.code == code
    assert out.message and any("\u4e00" <= ch <= "\u9fff" for ch in out.message)
    assert snapshot_bytes(office.home) == before
    assert not path.exists()
    assert out.quarantined is not None and Path(out.quarantined).read_bytes()[:64] == bad[:64]
    path.write_bytes(genuine)
    ok = import_file(office.store, office.me, path, quarantine, clock=clock)
    assert ok.status == "accepted" and ok.counts["new"] == 1
    assert office.store.get(v.id) == v


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_bundle_is_refused_quarantined_and_store_unchanged(tmp_path: Path, case: str) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    maker, code = CASES[case]
    bad = maker(tmp_path, office, helper, subject, clock)
    _refused_then_genuine_imports(tmp_path, office, helper, subject, bad, code, clock)


@pytest.mark.parametrize("where", [40, 200, -30, -1])
def test_tampered_byte_is_refused_and_store_unchanged(tmp_path: Path, where: int) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    genuine, v = _genuine(office, helper, subject, clock)
    bad = bytearray(genuine)
    bad[where] ^= 0x01
    path = tmp_path / "in.xtb"
    path.write_bytes(bytes(bad))
    before = snapshot_bytes(office.home)
    out = import_file(office.store, office.me, path, tmp_path / "q", clock=clock)
    # a flipped header digit may name another recipient or sender; any refusal reason will do
    assert out.status == "rejected" and out.code in REJECTION_CODES and out.code != "too_large"
    assert snapshot_bytes(office.home) == before
    assert Path(out.quarantined).read_bytes() == bytes(bad)
    path.write_bytes(genuine)
    assert import_file(office.store, office.me, path, tmp_path / "q", clock=clock).status == "accepted"
    assert office.store.get(v.id) == v


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    path = tmp_path / "huge.xtb"
    with open(path, "wb") as f:  # sparse: the size is what matters, it must never be read
        f.truncate(DEFAULT_MAX_SIZE + 1)
    before = snapshot_bytes(office.home)
    out = import_file(office.store, office.me, path, tmp_path / "q", clock=clock)
    assert out.status == "rejected" and out.code == "too_large"
    assert snapshot_bytes(office.home) == before
    assert os.path.getsize(out.quarantined) == DEFAULT_MAX_SIZE + 1
    genuine, _ = _genuine(office, helper, subject, clock)
    assert import_bundle(office.store, office.me, genuine, clock=clock).status == "accepted"


def test_exact_replay_is_already_imported_and_store_unchanged_even_after_reopen(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    genuine, v = _genuine(office, helper, subject, clock)
    assert import_bundle(office.store, office.me, genuine, clock=clock).status == "accepted"
    before = snapshot_bytes(office.home)
    again = import_bundle(office.store, office.me, genuine, clock=clock)
    assert again.status == "already" and again.code is None
    assert snapshot_bytes(office.home) == before
    office.reopen(clock)
    before = snapshot_bytes(office.home)
    path = tmp_path / "again.xtb"
    path.write_bytes(genuine)
    again = import_file(office.store, office.me, path, tmp_path / "q", clock=clock)
    assert again.status == "already" and again.quarantined is None and path.exists()
    assert snapshot_bytes(office.home) == before
    assert office.store.get(v.id) == v
    office.store.close()


def test_older_bundle_after_newer_is_replayed_and_gap_is_reported(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    older, v1 = _genuine(office, helper, subject, clock)
    newer, v2 = _genuine(office, helper, subject, clock)
    out = import_bundle(office.store, office.me, newer, clock=clock)
    assert out.status == "accepted" and out.seq == 2 and out.gap == (1, 1) and "第1至1号" in out.message
    assert office.store.get(v1.id) == v1  # bundles carry everything unacknowledged
    path = tmp_path / "old.xtb"
    path.write_bytes(older)
    before = snapshot_bytes(office.home)
    out = import_file(office.store, office.me, path, tmp_path / "q", clock=clock)
    assert out.status == "rejected" and out.code == "replayed"
    assert snapshot_bytes(office.home) == before
    assert Path(out.quarantined).exists() and not path.exists()


def test_quarantine_never_overwrites_an_earlier_file(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    bad = _schema_invalid(tmp_path, office, helper, subject, clock)
    names = set()
    for _ in range(3):
        path = tmp_path / "same.xtb"
        path.write_bytes(bad)
        out = import_file(office.store, office.me, path, tmp_path / "q", clock=clock)
        names.add(out.quarantined)
    assert len(names) == 3 and all(Path(n).read_bytes() == bad for n in names)


def test_helper_refuses_bundle_from_an_office_it_did_not_pin(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    rogue = make_side(tmp_path / "rogue", "office", "冒名司法所", clock)
    forged = Record.new("subject", SUBJECT, author=rogue.me.fingerprint, clock=clock)
    bad = _sealed(rogue, helper, [forged.to_dict()], clock)
    before = snapshot_bytes(helper.home)
    out = import_bundle(helper.store, helper.me, bad, clock=clock)
    assert out.status == "rejected" and out.code == "unknown_sender"
    assert snapshot_bytes(helper.home) == before


def test_helper_refuses_helper_kind_from_the_office(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    forged = Record.new("visit", VISIT, author=office.me.fingerprint, subject=subject.id, clock=clock)
    out = import_bundle(helper.store, helper.me, _sealed(office, helper, [forged.to_dict()], clock), clock=clock)
    assert out.status == "rejected" and out.code == "out_of_scope"


def test_helper_refuses_office_record_reusing_the_id_of_its_own_record(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    mine = visit(helper, subject.id, clock)
    helper.store.put(mine, actor=helper.me.fingerprint)
    hijack = Record.new("team", TEAM, author=office.me.fingerprint, subject=subject.id, clock=clock, record_id=mine.id)
    before = snapshot_bytes(helper.home)
    out = import_bundle(helper.store, helper.me, _sealed(office, helper, [hijack.to_dict()], clock), clock=clock)
    assert out.status == "rejected" and out.code == "out_of_scope"
    assert snapshot_bytes(helper.home) == before
