"""Installation fingerprints: 30 digits two people can read aloud and compare.

The digits are a hash of both public keys (signing and encryption) under a purpose label,
so a fingerprint vouches for the whole identity and cannot collide with other hashes we make.
"""

from __future__ import annotations

import hashlib
import re

from core.errors import BadFingerprint

PURPOSE = b"xietong/v1/fingerprint"
DIGITS = 30
_DIGITS_RE = re.compile(r"[0-9]{30}")
# Spaces (ASCII, full-width, no-break) and dashes of every width people type between groups.
_SEPARATORS = str.maketrans("", "", " \t\r\n\u3000\u00a0-\u2010\u2011\u2012\u2013\u2014\u2212\uff0d_.")
_WIDE_DIGITS = str.maketrans("0123456789", "0123456789")


def _prefixed(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def fingerprint(sign_pub: bytes, enc_pub: bytes) -> str:
    """30 decimal digits from SHA-256(label || len||sign_pub || len||enc_pub).

    The first 16 hash bytes (128 bits) are reduced mod 10**30; the bias is about 3e-6,
    far below anything an attacker could use against a spoken comparison.
    """
    if not isinstance(sign_pub, (bytes, bytearray)) or not isinstance(enc_pub, (bytes, bytearray)):
        raise BadFingerprint("公钥格式不正确,无法计算身份指纹")
    if not sign_pub or not enc_pub:
        raise BadFingerprint("公钥为空,无法计算身份指纹")
    digest = hashlib.sha256(PURPOSE + _prefixed(bytes(sign_pub)) + _prefixed(bytes(enc_pub))).digest()
    return str(int.from_bytes(digest[:16], "big") % 10**DIGITS).zfill(DIGITS)


def group_fingerprint(fp: str, size: int = 5) -> str:
    """``"12345 67890 ..."``: groups of five for reading aloud."""
    digits = normalise_fingerprint(fp)
    return " ".join(digits[i : i + size] for i in range(0, len(digits), size))


def normalise_fingerprint(text: str) -> str:
    """The bare 30 digits from what a person typed (spaces, dashes, full-width digits allowed)."""
    if not isinstance(text, str):
        raise BadFingerprint()
    cleaned = text.translate(_SEPARATORS).translate(_WIDE_DIGITS)
    if not _DIGITS_RE.fullmatch(cleaned):
        raise BadFingerprint()
    return cleaned
