"""In-person pairing at the pipeline level: pinning the office, enrolling, assigning."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_setup import SUBJECT, TickClock, make_side, setup_pair

from core.errors import ValidationError
from core.records import Record
from sync.exchange import NotEnrolled, assign, enroll_helper, export_bundle, pin_office
from sync.protocol.errors import FingerprintMismatch
from sync.protocol.identity import make_enrolment_request, make_office_card

pytestmark = pytest.mark.crypto


def test_pinning_with_wrong_digits_is_refused_and_nothing_pinned(tmp_path: Path) -> None:
    clock = TickClock()
    office = make_side(tmp_path / "o", "office", "青山镇司法所", clock)
    helper = make_side(tmp_path / "h", "helper", "王五", clock)
    wrong = ("1" if office.me.fingerprint[0] != "1" else "2") + office.me.fingerprint[1:]
    with pytest.raises(FingerprintMismatch):
        pin_office(helper.store, make_office_card(office.me), wrong)
    assert helper.store.meta_get("sync/office") is None
    pinned = pin_office(helper.store, make_office_card(office.me), office.me.public().grouped)
    assert helper.store.meta_get("sync/office") == pinned.to_dict()


def test_helper_cannot_be_repinned_to_another_office(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, _ = setup_pair(tmp_path, clock)
    rogue = make_side(tmp_path / "rogue", "office", "冒名司法所", clock)
    with pytest.raises(FingerprintMismatch):
        pin_office(helper.store, make_office_card(rogue.me), rogue.me.public().grouped)
    assert helper.store.meta_get("sync/office")["fingerprint"] == office.me.fingerprint


def test_enrolment_records_review_and_public_keys(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, _ = setup_pair(tmp_path, clock)
    [rec] = office.store.list("helper")
    pub = helper.me.public()
    assert rec.author == office.me.fingerprint and rec.subject is None
    assert rec.data["fingerprint"] == pub.fingerprint
    assert rec.data["sign_pub"] == pub.sign_pub.hex() and rec.data["enc_pub"] == pub.enc_pub.hex()
    assert rec.data["status"] == "active" and rec.data["conditions"] == [1, 2, 3, 4]
    assert rec.data["enrolled_date"] == "2026-03-01" and rec.data["phone"] == "13800138000"


def test_enrolment_with_wrong_digits_or_missing_condition_stores_nothing(tmp_path: Path) -> None:
    clock = TickClock()
    office = make_side(tmp_path / "o", "office", "青山镇司法所", clock)
    helper = make_side(tmp_path / "h", "helper", "王五", clock)
    request = make_enrolment_request(helper.me, "青山村民委员会", "13800138000")
    fp = helper.me.fingerprint
    wrong = ("1" if fp[0] != "1" else "2") + fp[1:]
    kw = dict(committee="青山村民委员会", reviewer="赵六", review_date="2026-02-20", clock=clock)
    with pytest.raises(FingerprintMismatch):
        enroll_helper(office.store, office.me, request, wrong, conditions=[1, 2, 3, 4], **kw)
    with pytest.raises(ValidationError):
        enroll_helper(office.store, office.me, request, fp, conditions=[1, 2, 3], **kw)
    assert office.store.list("helper") == []


def test_export_to_unenrolled_helper_is_refused_and_assign_needs_enrolment(tmp_path: Path) -> None:
    clock = TickClock()
    office = make_side(tmp_path / "o", "office", "青山镇司法所", clock)
    helper = make_side(tmp_path / "h", "helper", "王五", clock)
    subject = Record.new("subject", dict(SUBJECT), author=office.me.fingerprint, clock=clock)
    office.store.put(subject, actor=office.me.fingerprint)
    with pytest.raises(NotEnrolled):
        assign(office.store, office.me, subject.id, helper.me.fingerprint, clock)
    with pytest.raises(NotEnrolled):
        export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock)
    assert office.store.meta_get(f"peers/{helper.me.fingerprint}/out_seq") is None


def test_assign_adds_the_helper_as_a_new_revision_once(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    assert subject.revision == 2 and subject.data["helpers"] == [helper.me.fingerprint]
    again = assign(office.store, office.me, subject.id, helper.me.fingerprint, clock)
    assert again.revision == 2
    assert [r.revision for r in office.store.history(subject.id)] == [1, 2]
