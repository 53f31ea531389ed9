"""Office key rotation travels in bundles: helpers follow it, old bundles still arrive, forgeries fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_pipeline_helpers import TickClock, content, setup_pair, visit

from sync.protocol.bundle import encode_payload, parse, seal
from sync.protocol.identity import Identity, make_rotation
from sync.exchange import (
    STATUS_DELIVERED,
    export_bundle,
    import_bundle,
    record_status,
    rotate_office_key,
)

pytestmark = pytest.mark.crypto


def test_helper_follows_the_office_to_its_new_key_without_losing_state(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    old_fp = office.me.fingerprint
    assert import_bundle(helper.store, helper.me, export_bundle(office.store, office.me, helper.me.fingerprint,
                                                                clock=clock), clock=clock).status == "accepted"
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
    blob = seal(office.me, helper.me.public(),
                {"seq": 1, "created": clock(), "ack": {"seq": 0, "records": [], "rotation": forged}, "counts": {}},
                encode_payload([]))
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
    assert helper.store.meta_get("sync/office")["fingerprint"] == office.me.fingerprint
    assert helper.store.get(subject.id) == subject
