"""Office key rotation travels in bundles: helpers follow it, old bundles still arrive, forgeries fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_setup import TickClock, content, setup_pair, visit

from sync.exchange import (
    STATUS_DELIVERED,
    assign,
    confirm_office_rotation,
    export_bundle,
    import_bundle,
    pending_rotation,
    pin_office,
    record_status,
    rotate_office_key,
)
from sync.protocol.bundle import encode_payload, parse, seal
from sync.protocol.errors import FingerprintMismatch
from sync.protocol.identity import Identity, make_office_card, make_rotation

pytestmark = pytest.mark.crypto


def test_helper_follows_the_office_to_its_new_key_without_losing_state(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    old_fp = office.me.fingerprint
    assert (
        import_bundle(
            helper.store,
            helper.me,
            export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock),
            clock=clock,
        ).status
        == "accepted"
    )
    v1 = visit(helper, subject.id, clock)
    helper.store.put(v1, actor=helper.me.fingerprint)
    early = export_bundle(helper.store, helper.me, old_fp, clock=clock)  # made before the rotation reached it

    office.me = rotate_office_key(office.store, office.me, clock)
    assert office.me.fingerprint != old_fp
    assert Identity.from_private_dict(office.store.meta_get("identity")).fingerprint == office.me.fingerprint

    # a bundle addressed to the old key still arrives
    assert import_bundle(office.store, office.me, early, clock=clock).status == "accepted"
    assert office.store.get(v1.id) == v1

    announce = export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock)
    env = parse(announce)
    assert env.header.sender == old_fp  # signed with the key the helper pins
    assert env.header.ack["rotation"][0]["old_fingerprint"] == old_fp
    out = import_bundle(helper.store, helper.me, announce, clock=clock)
    assert out.status == "accepted", out.message
    assert out.rotation_pending == office.me.name and "当面" in out.message
    assert helper.store.meta_get("sync/office")["fingerprint"] == old_fp  # not before the in-person check
    confirm_office_rotation(helper.store, office.me.public().grouped)
    assert helper.store.meta_get("sync/office")["fingerprint"] == office.me.fingerprint
    assert record_status(helper.store, v1.id) == STATUS_DELIVERED  # receipts carried over

    v2 = visit(helper, subject.id, clock, notes="换钥之后")
    helper.store.put(v2, actor=helper.me.fingerprint)
    reply = export_bundle(helper.store, helper.me, office.me.fingerprint, clock=clock)
    assert parse(reply).header.recipient == office.me.fingerprint
    assert import_bundle(office.store, office.me, reply, clock=clock).status == "accepted"
    nxt = export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock)
    assert parse(nxt).header.sender == office.me.fingerprint and "rotation" not in parse(nxt).header.ack
    assert import_bundle(helper.store, helper.me, nxt, clock=clock).status == "accepted"
    assert record_status(helper.store, v2.id) == STATUS_DELIVERED


def test_rotation_statement_not_made_by_the_pinned_key_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    intruder, stranger = Identity.generate("office", "冒充者"), Identity.generate("office", "新密钥")
    # even a bundle truly signed by the office cannot carry a hand-over it did not sign
    forged = [make_rotation(intruder, stranger)]
    forged[0]["old_fingerprint"] = office.me.fingerprint
    blob = seal(
        office.me,
        helper.me.public(),
        {"seq": 1, "created": clock(), "ack": {"seq": 0, "records": [], "rotation": forged}, "counts": {}},
        encode_payload([]),
    )
    before = content(helper.store), helper.store.meta_get("sync/office")
    out = import_bundle(helper.store, helper.me, blob, clock=clock)
    assert out.status == "rejected" and out.code == "schema_invalid" and "密钥更换" in out.message
    assert (content(helper.store), helper.store.meta_get("sync/office")) == before


def test_a_second_rotation_is_followed_in_one_step_by_a_helper_that_missed_the_first(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    office.me = rotate_office_key(office.store, office.me, clock)
    office.me = rotate_office_key(office.store, office.me, clock)
    blob = export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock)
    assert len(parse(blob).header.ack["rotation"]) == 2
    assert import_bundle(helper.store, helper.me, blob, clock=clock).status == "accepted"
    confirm_office_rotation(helper.store, office.me.public().grouped)
    assert helper.store.meta_get("sync/office")["fingerprint"] == office.me.fingerprint
    assert helper.store.get(subject.id) == subject


def _thief_rotation(office_key: Identity, helper_fp: str, office_store, clock: TickClock) -> tuple[bytes, Identity]:
    """What a thief holding the office's (old) private key can make: a genuine-looking bundle,
    signed by that key, announcing a hand-over to a key of the thief's own."""
    thief = Identity.generate("office", office_key.name)
    from sync.exchange.peers import PeerState, enrolled_helper

    helper_pub = enrolled_helper(office_store, helper_fp)
    seq = PeerState(office_store, helper_fp).out_seq + 1
    blob = seal(
        office_key,
        helper_pub,
        {
            "seq": seq,
            "created": clock(),
            "ack": {"seq": 0, "records": [], "rotation": [make_rotation(office_key, thief)]},
            "counts": {},
        },
        encode_payload([]),
    )
    return blob, thief


def test_thief_with_the_office_key_cannot_move_a_helper_to_its_own_key(tmp_path: Path) -> None:
    """Before the in-person check, a stolen office key alone re-pinned every helper that imported
    the thief's bundle; now the phone waits for the digits an officer reads out, and the
    thief's key never matches them."""
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    blob, thief = _thief_rotation(office.me, helper.me.fingerprint, office.store, clock)
    out = import_bundle(helper.store, helper.me, blob, clock=clock)
    assert out.status == "accepted"
    assert helper.store.meta_get("sync/office")["fingerprint"] == office.me.fingerprint
    # the helper takes the announcement to the office; the officer reads the office's real digits
    with pytest.raises(FingerprintMismatch) as err:
        confirm_office_rotation(helper.store, office.me.public().grouped)
    assert "报告司法所" in str(err.value)
    assert helper.store.meta_get("sync/office")["fingerprint"] == office.me.fingerprint
    # a bundle from the thief's new key is refused: the phone never pinned it
    fake = seal(thief, helper.me.public(), {"seq": 99, "created": clock(), "ack": {}, "counts": {}}, encode_payload([]))
    assert import_bundle(helper.store, helper.me, fake, clock=clock).code == "unknown_sender"


def test_in_person_pin_overrides_a_pin_that_came_from_a_rotation(tmp_path: Path) -> None:
    """Say the officer was tricked into reading the thief's digits: the office's card, pinned in
    person again, moves the phone back, and the exchange state goes with it."""
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    assert (
        import_bundle(
            helper.store,
            helper.me,
            export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock),
            clock=clock,
        ).status
        == "accepted"
    )
    blob, thief = _thief_rotation(office.me, helper.me.fingerprint, office.store, clock)
    assert import_bundle(helper.store, helper.me, blob, clock=clock).status == "accepted"
    confirm_office_rotation(helper.store, thief.public().grouped)
    assert helper.store.meta_get("sync/office")["fingerprint"] == thief.fingerprint
    pinned = pin_office(helper.store, make_office_card(office.me), office.me.public().grouped)
    assert pinned.fingerprint == office.me.fingerprint
    assert helper.store.meta_get("sync/office_via") == "card" and pending_rotation(helper.store) is None
    # the office's bundles import again; the thief used up seq 2 under the stolen key, so the
    # office's own seq 2 is a replay for the phone and the next one goes through
    stale = export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock)
    assert import_bundle(helper.store, helper.me, stale, clock=clock).code == "replayed"
    nxt = export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock)
    assert import_bundle(helper.store, helper.me, nxt, clock=clock).status == "accepted"


def test_a_phone_pinned_in_person_still_refuses_another_office_card(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    other = Identity.generate("office", "别的司法所")
    with pytest.raises(FingerprintMismatch):
        pin_office(helper.store, make_office_card(other), other.public().grouped)
    assert helper.store.meta_get("sync/office")["fingerprint"] == office.me.fingerprint


def test_records_authored_under_the_old_key_stay_the_offices_after_rotation(tmp_path: Path) -> None:
    """A subject written under the old key and assigned again after the rotation (a new revision,
    same author), and a subject written under the new key, both reach the phone."""
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    assert (
        import_bundle(
            helper.store,
            helper.me,
            export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock),
            clock=clock,
        ).status
        == "accepted"
    )
    office.me = rotate_office_key(office.store, office.me, clock)
    from pipeline_setup import SUBJECT

    from core.records import Record

    second = Record.new("subject", {**SUBJECT, "name": "李四"}, author=office.me.fingerprint, clock=clock)
    office.store.put(second, actor=office.me.fingerprint)
    assign(office.store, office.me, second.id, helper.me.fingerprint, clock)
    out = import_bundle(
        helper.store, helper.me, export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock), clock=clock
    )
    assert out.status == "accepted", out.message
    assert helper.store.get(second.id) is not None
    confirm_office_rotation(helper.store, office.me.public().grouped)
    reply = export_bundle(helper.store, helper.me, office.me.fingerprint, clock=clock)
    assert import_bundle(office.store, office.me, reply, clock=clock).status == "accepted"
    from core.records import Record as R

    old_subject = office.store.get(subject.id)
    office.store.put(
        R.revise(old_subject, {**old_subject.data, "residence": "新住址"}, clock=clock), actor=office.me.fingerprint
    )
    out = import_bundle(
        helper.store, helper.me, export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock), clock=clock
    )
    assert out.status == "accepted", out.message
    assert helper.store.get(subject.id).data["residence"] == "新住址"
    assert helper.store.get(subject.id).author != office.me.fingerprint
