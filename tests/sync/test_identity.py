"""Identities, office cards, enrolment requests and office key rotation."""

from __future__ import annotations

import hashlib
import itertools
import json
from typing import Any

import pytest

from core.errors import ValidationError
from core.fingerprint import fingerprint as core_fingerprint
from sync.protocol import canonical
from sync.protocol.crypto import LABEL_ENROLMENT, LABEL_OFFICE_CARD, Rng
from sync.protocol.errors import (
    BadCard,
    BadEnrolmentRequest,
    BadRotation,
    FingerprintMismatch,
    IdentityCorrupt,
    IdentityError,
)
from sync.protocol.identity import (
    EnrolmentRequest,
    Identity,
    PublicIdentity,
    confirm_fingerprint,
    make_enrolment_request,
    make_office_card,
    make_rotation,
    parse_enrolment_request,
    parse_office_card,
    verify_rotation,
)

pytestmark = pytest.mark.crypto


def det_rng(seed: bytes) -> Rng:
    counter = itertools.count()

    def rng(n: int) -> bytes:
        out = b""
        while len(out) < n:
            out += hashlib.sha256(seed + next(counter).to_bytes(8, "big")).digest()
        return out[:n]

    return rng


OFFICE = Identity.generate("office", "花山区湖东路街道司法所", rng=det_rng(b"office"))
NEW_OFFICE = Identity.generate("office", "花山区湖东路街道司法所", rng=det_rng(b"office-2027"))
HELPER = Identity.generate("helper", "王芳", rng=det_rng(b"helper"))
MALLORY = Identity.generate("office", "花山区湖东路街道司法所", rng=det_rng(b"mallory"))


def resigned(doc: dict[str, Any], signer: Identity, purpose: bytes) -> bytes:
    body = {k: v for k, v in doc.items() if k != "sig"}
    return canonical.dumps({**body, "sig": signer.sign(purpose, canonical.dumps(body)).hex()})


# --- identities ---------------------------------------------------------------------------


def test_generate_uses_the_injected_randomness() -> None:
    again = Identity.generate("office", "花山区湖东路街道司法所", rng=det_rng(b"office"))
    assert again.public() == OFFICE.public()
    assert Identity.generate("office", "x").fingerprint != Identity.generate("office", "x").fingerprint


def test_fingerprint_covers_both_public_keys_and_reads_in_groups_of_five() -> None:
    public = HELPER.public()
    assert public.fingerprint == core_fingerprint(public.sign_pub, public.enc_pub)
    assert len(public.fingerprint) == 30 and public.fingerprint.isdigit()
    assert public.grouped.replace(" ", "") == public.fingerprint
    assert [len(g) for g in public.grouped.split()] == [5] * 6
    assert public.fingerprint != core_fingerprint(public.sign_pub, OFFICE.public().enc_pub)
    assert public.fingerprint != core_fingerprint(OFFICE.public().sign_pub, public.enc_pub)


def test_private_dict_round_trips_and_keeps_signing_the_same_way() -> None:
    stored = json.loads(json.dumps(HELPER.to_private_dict()))
    back = Identity.from_private_dict(stored)
    assert back.public() == HELPER.public()
    assert back.sign(b"p", b"m") == HELPER.sign(b"p", b"m")  # Ed25519 is deterministic


def test_private_keys_never_appear_in_repr() -> None:
    d = HELPER.to_private_dict()
    text = repr(HELPER)
    assert d["sign_key"] not in text and d["enc_key"] not in text
    assert "王芳" in text


@pytest.mark.parametrize(
    "change",
    [
        {"sign_key": "00"},
        {"enc_key": "ZZ" * 32},
        {"role": "admin"},
        {"name": ""},
        {"v": 2},
        {"extra": 1},
    ],
)
def test_corrupt_private_dict_is_refused(change: dict[str, Any]) -> None:
    with pytest.raises(IdentityCorrupt):
        Identity.from_private_dict({**HELPER.to_private_dict(), **change})
    with pytest.raises(IdentityCorrupt):
        Identity.from_private_dict(["not", "a", "dict"])


def test_public_dict_round_trips_and_refuses_a_fingerprint_that_does_not_match_the_keys() -> None:
    d = HELPER.public().to_dict()
    assert PublicIdentity.from_dict(json.loads(json.dumps(d))) == HELPER.public()
    with pytest.raises(IdentityCorrupt):
        PublicIdentity.from_dict({**d, "fingerprint": OFFICE.fingerprint})
    with pytest.raises(IdentityCorrupt):
        PublicIdentity.from_dict({**d, "enc_pub": "00" * 32})  # low-order X25519 point


@pytest.mark.parametrize("name", ["", "   ", " 王芳", "王\n芳", "王" * 101])
def test_a_name_nobody_could_read_aloud_is_refused_at_generation(name: str) -> None:
    with pytest.raises(ValidationError) as err:
        Identity.generate("helper", name)
    assert "name" in err.value.errors


def test_confirm_fingerprint_accepts_grouped_digits_and_refuses_any_other() -> None:
    public = OFFICE.public()
    confirm_fingerprint(public, public.grouped)
    confirm_fingerprint(public, public.fingerprint)
    wrong = public.fingerprint[:-1] + str((int(public.fingerprint[-1]) + 1) % 10)
    with pytest.raises(FingerprintMismatch) as err:
        confirm_fingerprint(public, wrong)
    assert "指纹不一致" in str(err.value) and "当面核对" in str(err.value)
    with pytest.raises(ValidationError):  # not 30 digits at all: retype, not a mismatch
        confirm_fingerprint(public, public.fingerprint[:-1])


# --- office card --------------------------------------------------------------------------


def test_office_card_round_trips_with_the_in_person_check() -> None:
    card = make_office_card(OFFICE)
    assert parse_office_card(card) == OFFICE.public()
    assert parse_office_card(card, expected_fingerprint=OFFICE.public().grouped) == OFFICE.public()
    assert "花山区湖东路街道司法所".encode() in card  # readable, canonical UTF-8


def test_substituted_office_card_is_caught_by_the_fingerprint_comparison() -> None:
    """Mallory swaps the card on the USB stick for one with her own keys and the same name."""
    forged = make_office_card(MALLORY)
    assert parse_office_card(forged).name == OFFICE.name  # self-consistent, so only people can tell
    with pytest.raises(FingerprintMismatch):
        parse_office_card(forged, expected_fingerprint=OFFICE.public().grouped)


def test_office_card_with_any_changed_field_is_refused() -> None:
    doc = canonical.loads(make_office_card(OFFICE))
    for key, value in [
        ("name", "雨山区司法所"),
        ("sign_pub", MALLORY.public().sign_pub.hex()),
        ("enc_pub", MALLORY.public().enc_pub.hex()),
        ("fingerprint", MALLORY.fingerprint),
        ("role", "helper"),
        ("v", 2),
        ("type", "xietong/enrolment-request"),
    ]:
        with pytest.raises(BadCard):
            parse_office_card(canonical.dumps({**doc, key: value}))


def test_office_card_with_a_bit_flipped_anywhere_is_refused() -> None:
    card = make_office_card(OFFICE)
    for i in range(len(card)):
        bad = bytearray(card)
        bad[i] ^= 1 << (i % 8)
        with pytest.raises(BadCard):
            parse_office_card(bytes(bad))


@pytest.mark.parametrize(
    "spell",
    [
        lambda c: c + b"\n",
        lambda c: c.replace(b",", b", ", 1),
        lambda c: json.dumps(json.loads(c), ensure_ascii=True, sort_keys=True, separators=(",", ":")).encode(),
        lambda c: c[:-1] + b',"sig":"00"}',
        lambda c: b"",
        lambda c: b"\xff" + c,
        lambda c: c * 40,
    ],
)
def test_office_card_in_another_spelling_is_refused(spell: Any) -> None:
    with pytest.raises(BadCard):
        parse_office_card(spell(make_office_card(OFFICE)))


def test_office_card_signed_for_another_purpose_is_refused() -> None:
    doc = canonical.loads(make_office_card(OFFICE))
    assert parse_office_card(resigned(doc, OFFICE, LABEL_OFFICE_CARD)) == OFFICE.public()
    with pytest.raises(BadCard):
        parse_office_card(resigned(doc, OFFICE, LABEL_ENROLMENT))


def test_only_an_office_identity_makes_an_office_card() -> None:
    with pytest.raises(ValueError):
        make_office_card(HELPER)


# --- enrolment request --------------------------------------------------------------------


def test_enrolment_request_round_trips() -> None:
    data = make_enrolment_request(HELPER, "湖东路社区居民委员会", "13912345678")
    request = parse_enrolment_request(data, expected_fingerprint=HELPER.public().grouped)
    assert isinstance(request, EnrolmentRequest)
    assert request.public == HELPER.public()
    assert (request.name, request.committee, request.phone) == ("王芳", "湖东路社区居民委员会", "13912345678")
    assert (
        parse_enrolment_request(make_enrolment_request(HELPER, "湖东路社区居民委员会", "0555-2345678")).phone
        == "0555-2345678"
    )


@pytest.mark.parametrize(
    ("committee", "phone", "field"), [("", "13912345678", "committee"), ("湖东路社区", "12345", "phone")]
)
def test_enrolment_request_with_bad_particulars_is_not_made(committee: str, phone: str, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        make_enrolment_request(HELPER, committee, phone)
    assert field in err.value.errors


def test_enrolment_request_changed_after_signing_is_refused() -> None:
    doc = canonical.loads(make_enrolment_request(HELPER, "湖东路社区居民委员会", "13912345678"))
    for key, value in [("phone", "13987654321"), ("committee", "别的社区"), ("name", "李强")]:
        with pytest.raises(BadEnrolmentRequest):
            parse_enrolment_request(canonical.dumps({**doc, key: value}))
    signed_bad_phone = resigned({**doc, "phone": "110"}, HELPER, LABEL_ENROLMENT)
    with pytest.raises(BadEnrolmentRequest):
        parse_enrolment_request(signed_bad_phone)


def test_request_and_card_cannot_stand_in_for_each_other() -> None:
    with pytest.raises(BadEnrolmentRequest):
        parse_enrolment_request(make_office_card(OFFICE))
    with pytest.raises(BadCard):
        parse_office_card(make_enrolment_request(HELPER, "湖东路社区", "13912345678"))
    with pytest.raises(ValueError):
        make_enrolment_request(OFFICE, "湖东路社区", "13912345678")


def test_enrolment_request_with_wrong_fingerprint_read_aloud_is_refused() -> None:
    data = make_enrolment_request(HELPER, "湖东路社区", "13912345678")
    with pytest.raises(FingerprintMismatch):
        parse_enrolment_request(data, expected_fingerprint=OFFICE.fingerprint)


# --- office key rotation ------------------------------------------------------------------


def test_rotation_hands_over_to_the_new_key() -> None:
    statement = json.loads(json.dumps(make_rotation(OFFICE, NEW_OFFICE)))
    assert verify_rotation(OFFICE.public(), statement) == NEW_OFFICE.public()


def test_rotation_not_signed_by_the_pinned_key_is_refused() -> None:
    forged = make_rotation(MALLORY, NEW_OFFICE)
    with pytest.raises(BadRotation):
        verify_rotation(OFFICE.public(), forged)
    # Mallory edits the old fingerprint to point at the real office: the old signature fails.
    with pytest.raises(BadRotation):
        verify_rotation(OFFICE.public(), {**forged, "old_fingerprint": OFFICE.fingerprint})


def test_rotation_to_a_substituted_key_is_refused() -> None:
    statement = make_rotation(OFFICE, NEW_OFFICE)
    with pytest.raises(BadRotation):
        verify_rotation(OFFICE.public(), {**statement, "new": MALLORY.public().to_dict()})


@pytest.mark.parametrize(
    "change",
    [
        lambda s: {k: v for k, v in s.items() if k != "sig_new"},
        lambda s: {**s, "sig_new": s["sig_old"]},
        lambda s: {**s, "sig_old": "00" * 64},
        lambda s: {**s, "v": True},
        lambda s: {**s, "type": "xietong/office-card"},
        lambda s: {**s, "new": {**s["new"], "role": "helper"}},
        lambda s: {**s, "new": {**s["new"], "name": "别的司法所"}},
        lambda s: {**s, "extra": 1},
        lambda s: [s],
    ],
)
def test_malformed_or_altered_rotation_is_refused(change: Any) -> None:
    with pytest.raises(BadRotation):
        verify_rotation(OFFICE.public(), change(make_rotation(OFFICE, NEW_OFFICE)))


def test_every_identity_error_speaks_chinese_and_names_the_remedy() -> None:
    for cls in (BadCard, BadEnrolmentRequest, BadRotation, FingerprintMismatch, IdentityCorrupt):
        err = cls()
        assert isinstance(err, IdentityError)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(err))
        assert "请" in str(err)
