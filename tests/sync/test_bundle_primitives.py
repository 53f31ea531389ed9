"""Known-answer tests: the library's primitives give the published results.

If these fail, the installed ``cryptography`` (or its OpenSSL) does not behave as the
bundle format assumes; CI runs them on 43.0.1 (Flet's Android build) and the newest.
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sync.protocol import crypto
from sync.protocol.errors import DecryptFailed

pytestmark = pytest.mark.crypto

h = bytes.fromhex


def test_ed25519_matches_rfc8032_test_1() -> None:
    key = Ed25519PrivateKey.from_private_bytes(h("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
    assert key.public_key().public_bytes_raw() == h("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    assert key.sign(b"") == h(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )


def test_x25519_matches_rfc7748_section_5_2() -> None:
    scalar = X25519PrivateKey.from_private_bytes(h("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"))
    u = X25519PublicKey.from_public_bytes(h("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"))
    assert scalar.exchange(u) == h("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552")


def test_x25519_diffie_hellman_matches_rfc7748_section_6_1() -> None:
    alice = X25519PrivateKey.from_private_bytes(h("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"))
    bob = X25519PrivateKey.from_private_bytes(h("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"))
    assert alice.public_key().public_bytes_raw() == h(
        "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
    )
    shared = h("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
    assert alice.exchange(bob.public_key()) == shared
    assert bob.exchange(alice.public_key()) == shared


def test_hkdf_sha256_matches_rfc5869_case_1() -> None:
    okm = HKDF(
        algorithm=hashes.SHA256(), length=42, salt=h("000102030405060708090a0b0c"), info=h("f0f1f2f3f4f5f6f7f8f9")
    ).derive(b"\x0b" * 22)
    assert okm == h("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")


def test_chacha20poly1305_matches_rfc8439_section_2_8_2() -> None:
    plaintext = (
        b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
        b"sunscreen would be it."
    )
    key = bytes(range(0x80, 0xA0))
    out = ChaCha20Poly1305(key).encrypt(h("070000004041424344454647"), plaintext, h("50515253c0c1c2c3c4c5c6c7"))
    assert out == h(
        "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b"
        "1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
        "3ff4def08e4b7a9de576d26586cec64b6116"
        "1ae10b594f09e26a7e902ecbd0600691"
    )


def test_low_order_x25519_key_is_not_usable() -> None:
    assert not crypto.usable_x25519_public(bytes(32))
    assert not crypto.usable_x25519_public(b"\x01" + bytes(31))
    assert not crypto.usable_x25519_public(bytes(31))
    assert crypto.usable_x25519_public(X25519PrivateKey.generate().public_key().public_bytes_raw())


def test_signature_for_one_purpose_is_refused_for_another() -> None:
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    pub = key.public_key().public_bytes_raw()
    sig = crypto.sign(key, crypto.LABEL_OFFICE_CARD, b"body")
    assert crypto.verify(pub, sig, crypto.LABEL_OFFICE_CARD, b"body")
    assert not crypto.verify(pub, sig, crypto.LABEL_ENROLMENT, b"body")
    assert not crypto.verify(pub, sig, crypto.LABEL_OFFICE_CARD, b"bod", b"y")


def test_frame_is_unambiguous_where_plain_concatenation_is_not() -> None:
    assert crypto.frame(b"ab", b"c") != crypto.frame(b"a", b"bc")
    assert crypto.frame(b"abc") != crypto.frame(b"ab", b"c")


# --- STREAM, directly: the properties the bundle relies on --------------------------------

KEY = bytes(range(32))
PREFIX = b"\x07" * crypto.NONCE_PREFIX_LEN
AAD = b"header-hash"
SMALL = 8  # chunk size small enough to make many chunks from a few bytes
FULL = SMALL + 16


def _ct(plaintext: bytes) -> bytes:
    return crypto.stream_encrypt(KEY, PREFIX, AAD, plaintext, chunk_size=SMALL)


@pytest.mark.parametrize("size", [0, 1, SMALL - 1, SMALL, SMALL + 1, 3 * SMALL, 3 * SMALL + 5])
def test_stream_round_trips_at_chunk_edges(size: int) -> None:
    plaintext = bytes(range(size))
    ct = _ct(plaintext)
    assert crypto.stream_decrypt(KEY, PREFIX, AAD, ct, chunk_size=SMALL) == plaintext
    assert len(ct) == size + 16 * max(1, -(-size // SMALL))


def test_stream_detects_a_missing_final_chunk() -> None:
    ct = _ct(bytes(3 * SMALL))  # three full chunks, the third marked last
    with pytest.raises(DecryptFailed):
        crypto.stream_decrypt(KEY, PREFIX, AAD, ct[: 2 * FULL], chunk_size=SMALL)


def test_stream_detects_truncation_at_every_offset() -> None:
    ct = _ct(bytes(range(2 * SMALL + 3)))
    for cut in range(len(ct)):
        with pytest.raises(DecryptFailed):
            crypto.stream_decrypt(KEY, PREFIX, AAD, ct[:cut], chunk_size=SMALL)


def test_stream_detects_reordered_chunks() -> None:
    ct = _ct(bytes(range(3 * SMALL)))
    swapped = ct[FULL : 2 * FULL] + ct[:FULL] + ct[2 * FULL :]
    with pytest.raises(DecryptFailed):
        crypto.stream_decrypt(KEY, PREFIX, AAD, swapped, chunk_size=SMALL)


def test_stream_detects_appended_chunk_and_appended_bytes() -> None:
    ct = _ct(bytes(range(2 * SMALL)))
    extra_chunk = crypto.stream_encrypt(KEY, PREFIX, AAD, bytes(SMALL), chunk_size=SMALL)
    for tampered in (ct + extra_chunk, ct + b"\x00", ct + ct):
        with pytest.raises(DecryptFailed):
            crypto.stream_decrypt(KEY, PREFIX, AAD, tampered, chunk_size=SMALL)


def test_stream_detects_changed_aad_and_every_flipped_byte() -> None:
    ct = _ct(bytes(range(SMALL + 3)))
    with pytest.raises(DecryptFailed):
        crypto.stream_decrypt(KEY, PREFIX, b"other-header", ct, chunk_size=SMALL)
    for i in range(len(ct)):
        bad = bytearray(ct)
        bad[i] ^= 0x01
        with pytest.raises(DecryptFailed):
            crypto.stream_decrypt(KEY, PREFIX, AAD, bytes(bad), chunk_size=SMALL)
