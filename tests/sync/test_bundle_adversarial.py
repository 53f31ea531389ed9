"""A small real bundle against an attacker with the USB stick (and one with a helper key).

Every cut, every flipped bit, appended data, altered header fields, re-signing, re-addressing
and key substitution must raise the precise ``BundleRejected`` reason, and nothing may be
decrypted on the way.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fakes import bare_store, enrol

import sync.protocol.bundle as bundle_mod
from storage import Store
from sync.exchange.importing import open_bundle
from sync.protocol import canonical
from sync.protocol.bundle import parse, seal
from sync.protocol.crypto import LABEL_BUNDLE_SIG, Rng
from sync.protocol.errors import (
    BadSignature,
    BundleRejected,
    DecryptFailed,
    Malformed,
    Truncated,
    UnknownSender,
    WrongRecipient,
)
from sync.protocol.format import (
    CHUNK_SIZE,
    DEFAULT_MAX_SIZE,
    MAGIC,
    MAX_HEADER,
    TAG_LEN,
    Header,
    chunk_count,
    encode_payload,
    serialise,
    signed_prefix,
)
from sync.protocol.identity import Identity

pytestmark = pytest.mark.crypto

CREATED = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


def det_rng(seed: bytes) -> Rng:
    counter = itertools.count()

    def rng(n: int) -> bytes:
        out = b""
        while len(out) < n:
            out += hashlib.sha256(seed + next(counter).to_bytes(8, "big")).digest()
        return out[:n]

    return rng


OFFICE = Identity.generate("office", "花山区湖东路街道司法所", rng=det_rng(b"office"))
OTHER_OFFICE = Identity.generate("office", "雨山区司法所", rng=det_rng(b"other-office"))
HELPER = Identity.generate("helper", "王芳", rng=det_rng(b"helper"))
OTHER_HELPER = Identity.generate("helper", "李强", rng=det_rng(b"other-helper"))
STRANGER = Identity.generate("helper", "陌生人", rng=det_rng(b"stranger"))

RECORDS = [
    {
        "id": hashlib.sha256(b"%d" % i).hexdigest()[:32],
        "kind": "visit",
        "subject": "s1",
        "data": {"notes": f"第{i}次走访,情况正常"},
    }
    for i in range(80)
]
PAYLOAD = encode_payload(RECORDS)
BLOB = seal(
    HELPER,
    OFFICE.public(),
    {"seq": 12, "created": CREATED, "ack": {"seq": 3, "records": [["n1", 2]]}, "counts": {"visit": 80}},
    PAYLOAD,
    rng=det_rng(b"blob"),
)
ENV = parse(BLOB)
H = len(ENV.header_bytes)
HEADER_AT = len(MAGIC) + 1 + 4
EPH_AT = HEADER_AT + H
PLEN_AT = EPH_AT + 32
SIG_AT = PLEN_AT + 8
PAYLOAD_AT = SIG_AT + 64


@pytest.fixture
def no_decrypt(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Records every decryption attempt; the tests below assert it stays empty."""
    calls: list[int] = []
    real = bundle_mod.stream_decrypt

    def spy(*args: Any) -> bytes:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(bundle_mod, "stream_decrypt", spy)
    yield calls


STORES: dict[str, Store] = {}


@pytest.fixture(scope="module", autouse=True)
def office_stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each office's real store with HELPER and OTHER_HELPER enrolled: bundles are opened by the
    stages the app's import runs, which read who is enrolled from the store."""
    for me in (OFFICE, OTHER_OFFICE):
        store = bare_store(tmp_path_factory.mktemp("office"), me)
        enrol(store, me, HELPER)
        enrol(store, me, OTHER_HELPER)
        STORES[me.fingerprint] = store
    yield
    STORES.clear()


def open_as_office(blob: bytes, me: Identity = OFFICE) -> bytes:
    return open_bundle(STORES[me.fingerprint], me, blob).plaintext


def rebuild(header: dict[str, Any] | bytes, *, blob: bytes = BLOB) -> bytes:
    """The same bundle with a different header (length fixed up, signature left as it was)."""
    env = parse(blob)
    header_bytes = header if isinstance(header, bytes) else canonical.dumps(header)
    return serialise(header_bytes, env.eph_pub, env.signature, bytes(env.payload))


def resign(signer: Identity, header: dict[str, Any], eph_pub: bytes, payload: bytes) -> bytes:
    """What an attacker holding ``signer``'s key can produce."""
    header_bytes = canonical.dumps(header)
    prefix = signed_prefix(header_bytes, eph_pub, len(payload))
    signature = signer.sign(LABEL_BUNDLE_SIG, prefix, hashlib.sha256(payload).digest())
    return serialise(header_bytes, eph_pub, signature, payload)


def test_the_unaltered_small_bundle_opens() -> None:
    assert 2000 < len(BLOB) < 6000
    assert open_as_office(BLOB) == PAYLOAD


# --- truncation ---------------------------------------------------------------------------


def test_truncation_at_every_offset_is_reported_as_truncated(no_decrypt: list[int]) -> None:
    for cut in range(len(BLOB)):
        with pytest.raises(Truncated) as err:
            open_as_office(BLOB[:cut])
        assert err.value.code == "truncated", cut
    assert no_decrypt == []


def test_truncated_message_tells_the_person_to_copy_again() -> None:
    with pytest.raises(Truncated) as err:
        parse(BLOB[:-1])
    assert "截断" in str(err.value) and "重新复制" in str(err.value)


# --- one flipped bit in every byte --------------------------------------------------------


def expected_for_flip(offset: int, mutated: bytes) -> type[BundleRejected]:
    """The reason the layout says a flip at ``offset`` must produce."""
    if offset < HEADER_AT - 4:
        return Malformed  # magic or version
    if offset < HEADER_AT:
        new_h = int.from_bytes(mutated[HEADER_AT - 4 : HEADER_AT], "big")
        if not 2 <= new_h <= MAX_HEADER:
            return Malformed
        return Truncated if HEADER_AT + new_h > len(mutated) else Malformed
    if offset < EPH_AT:
        try:
            header = Header.from_bytes(mutated[HEADER_AT:EPH_AT])
        except Malformed:
            return Malformed
        if header.recipient != ENV.header.recipient:
            return WrongRecipient
        if header.sender != ENV.header.sender:
            return UnknownSender
        return BadSignature
    if PLEN_AT <= offset < SIG_AT:
        new_p = int.from_bytes(mutated[PLEN_AT:SIG_AT], "big")
        if new_p > DEFAULT_MAX_SIZE or chunk_count(new_p) is None:
            return Malformed
        return Truncated if PAYLOAD_AT + new_p > len(mutated) else Malformed
    return BadSignature  # ephemeral key, signature, ciphertext


def test_a_bit_flipped_in_every_byte_gives_the_reason_for_that_region(no_decrypt: list[int]) -> None:
    seen: dict[str, int] = {}
    for offset in range(len(BLOB)):
        for bit in {offset % 8, 0}:
            mutated = bytearray(BLOB)
            mutated[offset] ^= 1 << bit
            expected = expected_for_flip(offset, bytes(mutated))
            with pytest.raises(BundleRejected) as err:
                open_as_office(bytes(mutated))
            assert type(err.value) is expected, (offset, bit, err.value)
            seen[err.value.code] = seen.get(err.value.code, 0) + 1
    assert no_decrypt == []
    # The walk really exercised every kind of refusal the layout allows.
    assert set(seen) == {"malformed", "truncated", "wrong_recipient", "unknown_sender", "bad_signature"}
    assert seen["bad_signature"] > len(PAYLOAD)


# --- appended data ------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [b"\x00", b"\n", b"x" * TAG_LEN, bytes(CHUNK_SIZE + TAG_LEN)])
def test_appended_bytes_are_refused_as_malformed(extra: bytes, no_decrypt: list[int]) -> None:
    with pytest.raises(Malformed) as err:
        open_as_office(BLOB + extra)
    assert "多余数据" in str(err.value)
    assert no_decrypt == []


def test_two_bundles_concatenated_are_refused(no_decrypt: list[int]) -> None:
    second = seal(HELPER, OFFICE.public(), {"seq": 13, "created": CREATED}, b"next")
    for joined in (BLOB + second, second + BLOB, BLOB + BLOB):
        with pytest.raises(Malformed):
            open_as_office(joined)
    assert no_decrypt == []


# --- every header field altered ----------------------------------------------------------

ALTERATIONS: list[tuple[str, Any, type[BundleRejected]]] = [
    ("format", 2, Malformed),
    ("bundle_id", "0" * 32, BadSignature),
    ("sender", STRANGER.fingerprint, UnknownSender),
    ("sender", OTHER_HELPER.fingerprint, BadSignature),
    ("recipient", OTHER_OFFICE.fingerprint, WrongRecipient),
    ("seq", 13, BadSignature),
    ("seq", 11, BadSignature),
    ("created", "2026-03-02T08:30:00.000000+00:00", BadSignature),
    ("ack", {}, BadSignature),
    ("ack", {"seq": 4, "records": [["n1", 2]]}, BadSignature),
    ("counts", {"visit": 81}, BadSignature),
    ("counts", {}, BadSignature),
]


@pytest.mark.parametrize(("field", "value", "expected"), ALTERATIONS)
def test_every_header_field_altered_is_refused(
    field: str, value: Any, expected: type[BundleRejected], no_decrypt: list[int]
) -> None:
    header = {**ENV.header.to_dict(), field: value}
    assert header != ENV.header.to_dict()
    with pytest.raises(expected):
        open_as_office(rebuild(header))
    assert no_decrypt == []


def test_re_addressed_bundle_is_refused_by_its_new_recipient(no_decrypt: list[int]) -> None:
    header = {**ENV.header.to_dict(), "recipient": OTHER_OFFICE.fingerprint}
    with pytest.raises(BadSignature):
        open_as_office(rebuild(header), me=OTHER_OFFICE)
    assert no_decrypt == []


NON_CANONICAL = [
    ("spaces", lambda h: canonical.dumps(h).replace(b",", b", ")),
    ("newline", lambda h: canonical.dumps(h) + b"\n"),
    (
        "unsorted",
        lambda h: (
            b"{"
            + b",".join(canonical.dumps(k) + b":" + canonical.dumps(v) for k, v in reversed(sorted(h.items())))
            + b"}"
        ),
    ),
    ("duplicate seq", lambda h: canonical.dumps(h)[:-1] + b',"seq":12}'),
    ("extra field", lambda h: canonical.dumps({**h, "zz": 1})),
    ("missing counts", lambda h: canonical.dumps({k: v for k, v in h.items() if k != "counts"})),
    ("seq as bool", lambda h: canonical.dumps({**h, "seq": True})),
    ("seq as float", lambda h: canonical.dumps(h).replace(b'"seq":12', b'"seq":12.0')),
    ("seq zero", lambda h: canonical.dumps({**h, "seq": 0})),
    ("seq leading zero", lambda h: canonical.dumps(h).replace(b'"seq":12', b'"seq":012')),
    ("NaN", lambda h: canonical.dumps(h).replace(b'"seq":12', b'"seq":NaN')),
    ("escaped ascii", lambda h: canonical.dumps(h).replace(b'"seq"', b'"\\u0073eq"')),
    ("uppercase bundle id", lambda h: canonical.dumps({**h, "bundle_id": h["bundle_id"].upper()})),
    ("created with Z", lambda h: canonical.dumps({**h, "created": "2026-03-01T08:30:00Z"})),
    ("created naive", lambda h: canonical.dumps({**h, "created": "2026-03-01T08:30:00.000000"})),
    ("created not UTC", lambda h: canonical.dumps({**h, "created": "2026-03-01T16:30:00.000000+08:00"})),
    ("ack not object", lambda h: canonical.dumps({**h, "ack": [1]})),
    ("counts negative", lambda h: canonical.dumps({**h, "counts": {"visit": -1}})),
    ("sender equals recipient", lambda h: canonical.dumps({**h, "sender": h["recipient"]})),
    ("array", lambda h: canonical.dumps([h])),
    ("latin-1", lambda h: canonical.dumps({**h, "ack": {"n": "é"}}).replace("é".encode(), b"\xe9")),
    ("lone surrogate", lambda h: canonical.dumps(h)[:-1] + b',"zz":"\\ud800"}'),
    ("BOM", lambda h: b"\xef\xbb\xbf" + canonical.dumps(h)),
]


@pytest.mark.parametrize(("name", "spell"), NON_CANONICAL, ids=[n for n, _ in NON_CANONICAL])
def test_header_in_any_other_spelling_is_refused_as_malformed(name: str, spell: Any, no_decrypt: list[int]) -> None:
    header_bytes = spell(ENV.header.to_dict())
    assert header_bytes != ENV.header_bytes
    with pytest.raises(Malformed):
        open_as_office(rebuild(header_bytes))
    assert no_decrypt == []


# --- re-signing and key substitution -----------------------------------------------------


def test_bundle_re_signed_by_another_enrolled_helper_cannot_be_decrypted() -> None:
    """OTHER_HELPER takes HELPER's bundle and presents it as its own: the header changed,
    so the payload key and every chunk's associated data no longer match."""
    header = {**ENV.header.to_dict(), "sender": OTHER_HELPER.fingerprint}
    forged = resign(OTHER_HELPER, header, ENV.eph_pub, bytes(ENV.payload))
    env = parse(forged)
    assert bundle_mod.verify_signature(env, OTHER_HELPER.public())  # the signature itself is good
    with pytest.raises(DecryptFailed) as err:
        open_as_office(forged)
    assert err.value.code == "decrypt_failed"


def test_bundle_re_signed_by_another_helper_but_still_naming_the_sender_is_refused(no_decrypt: list[int]) -> None:
    forged = resign(OTHER_HELPER, ENV.header.to_dict(), ENV.eph_pub, bytes(ENV.payload))
    with pytest.raises(BadSignature):
        open_as_office(forged)
    assert no_decrypt == []


def test_bundle_re_signed_by_a_stranger_is_refused_as_unknown_sender(no_decrypt: list[int]) -> None:
    header = {**ENV.header.to_dict(), "sender": STRANGER.fingerprint}
    with pytest.raises(UnknownSender):
        open_as_office(resign(STRANGER, header, ENV.eph_pub, bytes(ENV.payload)))
    assert no_decrypt == []


def test_substituted_ephemeral_key_is_refused(no_decrypt: list[int]) -> None:
    attacker_eph = Identity.generate("helper", "x", rng=det_rng(b"eph")).public().enc_pub
    forged = serialise(ENV.header_bytes, attacker_eph, ENV.signature, bytes(ENV.payload))
    with pytest.raises(BadSignature):
        open_as_office(forged)
    assert no_decrypt == []


def test_re_encrypted_payload_under_the_senders_name_is_refused() -> None:
    """Someone who knows the office's public key can encrypt anything, but cannot sign it."""
    fake = seal(STRANGER, OFFICE.public(), {"seq": 99, "created": CREATED}, b"fake")
    header = {**parse(fake).header.to_dict(), "sender": HELPER.fingerprint}
    env = parse(fake)
    with pytest.raises(BadSignature):
        open_as_office(serialise(canonical.dumps(header), env.eph_pub, env.signature, bytes(env.payload)))


# --- a dishonest sender: the STREAM checks still hold after a valid signature ---------------


def big_bundle() -> tuple[bytes, Any]:
    payload = det_rng(b"big")(2 * CHUNK_SIZE + 100)
    blob = seal(HELPER, OFFICE.public(), {"seq": 1, "created": CREATED}, payload, rng=det_rng(b"big-seal"))
    return blob, parse(blob)


FULL = CHUNK_SIZE + TAG_LEN


@pytest.mark.parametrize(
    "tamper",
    [
        lambda ct: ct[FULL : 2 * FULL] + ct[:FULL] + ct[2 * FULL :],  # reordered
        lambda ct: ct[: 2 * FULL],  # final chunk missing
        lambda ct: ct + ct[:FULL],  # chunk appended
        lambda ct: ct[:FULL] + ct[2 * FULL :],  # middle chunk dropped
        lambda ct: ct[:-1] + bytes([ct[-1] ^ 1]),  # changed tag
        lambda ct: bytes([ct[0] ^ 1]) + ct[1:],  # changed ciphertext
    ],
    ids=["reordered", "final-missing", "appended", "dropped", "tag", "ciphertext"],
)
def test_signed_but_tampered_ciphertext_fails_to_decrypt(tamper: Any) -> None:
    _, env = big_bundle()
    forged = resign(HELPER, env.header.to_dict(), env.eph_pub, tamper(bytes(env.payload)))
    with pytest.raises(DecryptFailed):
        open_as_office(forged)


def test_big_bundle_opens_untampered() -> None:
    blob, env = big_bundle()
    assert chunk_count(len(env.payload)) == 3
    assert open_as_office(blob) == det_rng(b"big")(2 * CHUNK_SIZE + 100)


def test_wrong_recipient_is_refused_and_never_decrypted(no_decrypt: list[int]) -> None:
    with pytest.raises(WrongRecipient) as err:
        open_as_office(BLOB, me=OTHER_OFFICE)
    assert err.value.code == "wrong_recipient"
    assert no_decrypt == []


def test_not_a_bundle_at_all_is_refused() -> None:
    for junk in (b"PK\x03\x04" + bytes(100), b"XIETONG-BUNDLX\n" + bytes(200), MAGIC + b"\x02" + bytes(200)):
        with pytest.raises(Malformed):
            parse(junk)
    for prefix in (b"", b"X", MAGIC[:-1], MAGIC):
        with pytest.raises(Truncated):
            parse(prefix)
