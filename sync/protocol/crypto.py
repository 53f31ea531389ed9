"""The cryptographic primitives of sync, each use named by its purpose.

Only what ``cryptography`` 43.0.1 (Flet's Android build) offers: Ed25519, X25519,
HKDF-SHA256 and ChaCha20-Poly1305. Every signature and derivation takes a purpose label
(``b"xietong/v1/..."``) that is framed together with the data, so a signature made for one
purpose can never be accepted for another. Third-party exceptions stop here: callers get
``False``/``None`` or our own errors, never ``InvalidSignature``/``InvalidTag``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sync.protocol.errors import DecryptFailed
from sync.protocol.format import CHUNK_SIZE, KEY_LEN, SIG_LEN, TAG_LEN, chunk_count

Rng = Callable[[int], bytes]

# Purpose labels. Changing one is a format change (bump the version in the label).
LABEL_BUNDLE_SIG = b"xietong/v1/bundle-header-sig"
LABEL_BUNDLE_PAYLOAD = b"xietong/v1/bundle-payload"
LABEL_BUNDLE_HEADER_HASH = b"xietong/v1/bundle-header-hash"
LABEL_OFFICE_CARD = b"xietong/v1/office-card-sig"
LABEL_ENROLMENT = b"xietong/v1/enrolment-request-sig"
LABEL_ROTATION_OLD = b"xietong/v1/key-rotation-sig-old"
LABEL_ROTATION_NEW = b"xietong/v1/key-rotation-sig-new"

NONCE_PREFIX_LEN = 7


def frame(*parts: bytes) -> bytes:
    """Unambiguous concatenation: each part preceded by its 8-byte big-endian length."""
    return b"".join(len(p).to_bytes(8, "big") + bytes(p) for p in parts)


def sha256(data: bytes | memoryview) -> bytes:
    return hashlib.sha256(data).digest()


# --- signatures ---------------------------------------------------------------------------

# Ed25519 public keys of small order: the 8 points of the torsion subgroup and their
# non-canonical encodings (y + p, and the sign bit set on x = 0), i.e. every encoding libsodium's
# ``ge25519_has_small_order`` refuses. Under such a key a signature "R = identity, S = 0" (and
# others) verifies for any message, so anyone could sign as its holder from public values alone.
# OpenSSL (cryptography 43 and later) accepts them; we refuse them before any verification.
SMALL_ORDER_ED25519 = frozenset(
    bytes.fromhex(h)
    for h in (
        # canonical encodings of the 8 small-order points
        "0100000000000000000000000000000000000000000000000000000000000000",  # identity (order 1)
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # (0, -1), order 2
        "0000000000000000000000000000000000000000000000000000000000000000",  # order 4
        "0000000000000000000000000000000000000000000000000000000000000080",  # order 4
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  # order 8
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",  # order 8
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  # order 8
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",  # order 8
        # non-canonical encodings of them
        "0100000000000000000000000000000000000000000000000000000000000080",  # identity, sign bit set
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  # (0, -1), sign bit set
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # y = p (= 0)
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  # y = p, sign bit set
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # y = p + 1 (= 1)
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  # y = p + 1, sign bit set
    )
)


def usable_ed25519_public(sign_pub: bytes) -> bool:
    """False for keys of the wrong length or of small order (libsodium's refused set)."""
    return len(sign_pub) == KEY_LEN and bytes(sign_pub) not in SMALL_ORDER_ED25519


def sign(key: Ed25519PrivateKey, purpose: bytes, *parts: bytes) -> bytes:
    return key.sign(frame(purpose, *parts))


def verify(sign_pub: bytes, signature: bytes, purpose: bytes, *parts: bytes) -> bool:
    """True only for a valid Ed25519 signature over ``frame(purpose, *parts)`` by a key that is
    not of small order."""
    if not usable_ed25519_public(sign_pub) or len(signature) != SIG_LEN:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(bytes(sign_pub)).verify(bytes(signature), frame(purpose, *parts))
    except (InvalidSignature, ValueError):
        return False
    return True


def usable_x25519_public(enc_pub: bytes) -> bool:
    """False for keys of the wrong length or of low order (they give an all-zero secret)."""
    if len(enc_pub) != KEY_LEN:
        return False
    try:
        X25519PrivateKey.from_private_bytes(b"\x01" * KEY_LEN).exchange(
            X25519PublicKey.from_public_bytes(bytes(enc_pub))
        )
    except ValueError:
        return False
    return True


# --- payload key ----------------------------------------------------------------------------


def header_hash(header_bytes: bytes) -> bytes:
    return sha256(frame(LABEL_BUNDLE_HEADER_HASH, header_bytes))


def payload_key(shared: bytes, eph_pub: bytes, recipient_enc_pub: bytes, header_digest: bytes) -> tuple[bytes, bytes]:
    """(AEAD key, nonce prefix) for one bundle, bound to both X25519 shares and the header."""
    okm = HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_LEN + NONCE_PREFIX_LEN,
        salt=bytes(eph_pub) + bytes(recipient_enc_pub),
        info=frame(LABEL_BUNDLE_PAYLOAD, header_digest),
    ).derive(shared)
    return okm[:KEY_LEN], okm[KEY_LEN:]


def ephemeral_share(recipient_enc_pub: bytes, rng: Rng) -> tuple[bytes, bytes]:
    """(ephemeral public key, shared secret) for sealing to ``recipient_enc_pub``."""
    eph = X25519PrivateKey.from_private_bytes(rng(KEY_LEN))
    shared = eph.exchange(X25519PublicKey.from_public_bytes(bytes(recipient_enc_pub)))
    return eph.public_key().public_bytes_raw(), shared


def recipient_share(my_enc_key: X25519PrivateKey, eph_pub: bytes) -> bytes:
    try:
        return my_enc_key.exchange(X25519PublicKey.from_public_bytes(bytes(eph_pub)))
    except ValueError as exc:
        raise DecryptFailed(detail="临时公钥无效") from exc


# --- STREAM: chunked AEAD ---------------------------------------------------------------------


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def stream_encrypt(key: bytes, prefix: bytes, aad: bytes, plaintext: bytes, chunk_size: int = CHUNK_SIZE) -> bytes:
    aead = ChaCha20Poly1305(key)
    view = memoryview(plaintext)
    n = max(1, -(-len(view) // chunk_size))
    if n >= 2**32:
        raise ValueError("payload too large for one bundle")
    out = []
    for i in range(n):
        chunk = bytes(view[i * chunk_size : (i + 1) * chunk_size])
        out.append(aead.encrypt(_nonce(prefix, i, i == n - 1), chunk, aad))
    return b"".join(out)


def stream_decrypt(
    key: bytes, prefix: bytes, aad: bytes, ciphertext: bytes | memoryview, chunk_size: int = CHUNK_SIZE
) -> bytes:
    """Decrypt every chunk; any cut, reordered, missing, appended or changed chunk fails."""
    view = memoryview(ciphertext)
    n = chunk_count(len(view), chunk_size)
    if n is None:
        raise DecryptFailed(detail="密文长度不符")
    aead = ChaCha20Poly1305(key)
    full = chunk_size + TAG_LEN
    out = []
    for i in range(n):
        chunk = bytes(view[i * full : (i + 1) * full])
        try:
            out.append(aead.decrypt(_nonce(prefix, i, i == n - 1), chunk, aad))
        except InvalidTag as exc:
            raise DecryptFailed(detail=f"第{i + 1}块校验失败") from exc
    return b"".join(out)
