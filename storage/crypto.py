"""At-rest encryption: passphrase -> scrypt -> key-encryption key -> wrapped data key -> sub-keys.

Only primitives present in cryptography 43.0.1 are used (scrypt, HKDF-SHA256, AES-GCM).
Every derivation and every ciphertext names its purpose, and each file's role/path is bound
into the associated data so one encrypted file cannot be swapped for another.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

Entropy = Callable[[int], bytes]

KEYWRAP = b"xietong/v1/keywrap"
PARTITION = b"xietong/v1/partition"
INDEX = b"xietong/v1/index"
JOURNAL = b"xietong/v1/journal"
AUDIT = b"xietong/v1/audit"
DRAFT = b"xietong/v1/draft"
NAMES = b"xietong/v1/names"
PURPOSES = (PARTITION, INDEX, JOURNAL, AUDIT, DRAFT, NAMES)

NONCE_LEN = 12
KEY_LEN = 32
MIN_SCRYPT_N = 2**15  # 32 MiB at r=8: the floor for any key file written (storage.policy)
MAX_SCRYPT_N = 2**18  # 256 MiB at r=8: the ceiling a phone can afford
CALIBRATION_TARGET = (0.5, 1.0)  # seconds per derivation on the device


class DecryptError(Exception):
    """Authentication failed: wrong key, wrong associated data, or damaged bytes (internal)."""


@dataclass(frozen=True)
class KdfParams:
    """scrypt cost parameters, stored next to the wrapped key."""

    n: int = 2**15
    r: int = 8
    p: int = 1

    def to_dict(self) -> dict[str, int]:
        return {"n": self.n, "r": self.r, "p": self.p}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> KdfParams:
        """From parsed JSON; anything not int-like raises ``ValueError`` or ``TypeError``."""
        n, r, p = int(d["n"]), int(d["r"]), int(d["p"])
        if n < 2 or n & (n - 1) or not (1 <= r <= 64) or not (1 <= p <= 16) or n > 2**22:
            raise ValueError("bad scrypt parameters")
        return cls(n, r, p)


def derive_kek(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    """The key-encryption key; the slow step an attacker must repeat per guess."""
    kdf = Scrypt(salt=salt, length=KEY_LEN, n=params.n, r=params.r, p=params.p)
    return kdf.derive(passphrase.encode("utf-8"))


def calibrate_scrypt(
    *,
    low: float = CALIBRATION_TARGET[0],
    high: float = CALIBRATION_TARGET[1],
    timer: Callable[[], float] = time.perf_counter,
) -> KdfParams:
    """Pick scrypt n so one derivation takes between ``low`` and ``high`` seconds here.

    Doubles n from the floor (``MIN_SCRYPT_N``) until the derivation is slow enough, or until
    doubling again would pass ``high``; capped by memory on phones. A device so slow that the
    floor already takes longer than ``high`` still gets the floor: never less.
    """
    n = MIN_SCRYPT_N
    salt = b"\x00" * 16
    while True:
        start = timer()
        derive_kek("calibration", salt, KdfParams(n=n))
        took = timer() - start
        if took >= low or n >= MAX_SCRYPT_N or took * 2 > high:
            return KdfParams(n=n)
        n *= 2


def seal(key: bytes, plaintext: bytes, aad: bytes, entropy: Entropy = os.urandom) -> bytes:
    """nonce || AES-GCM(plaintext, aad)."""
    nonce, ciphertext = seal_parts(key, plaintext, aad, entropy)
    return nonce + ciphertext


def seal_parts(key: bytes, plaintext: bytes, aad: bytes, entropy: Entropy = os.urandom) -> tuple[bytes, bytes]:
    """``seal`` as (nonce, ciphertext), for a large frame written without joining them (a copy
    of ten megabytes costs more than the encryption)."""
    nonce = entropy(NONCE_LEN)
    return nonce, AESGCM(key).encrypt(nonce, plaintext, aad)


def seal_chunks(key: bytes, chunks: Iterable[bytes], aad: bytes, entropy: Entropy = os.urandom) -> list[bytes]:
    """``seal`` of the chunks joined, as parts (nonce, the ciphertext a chunk at a time, tag)
    whose concatenation is exactly what ``seal`` gives: AES-GCM's stream interface, so a frame of
    many megabytes is never held as one plaintext or one ciphertext."""
    nonce = entropy(NONCE_LEN)
    encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    parts = [nonce, *(encryptor.update(chunk) for chunk in chunks), encryptor.finalize()]
    parts.append(encryptor.tag)
    return parts


def unseal(key: bytes, blob: bytes, aad: bytes) -> bytes:
    if len(blob) < NONCE_LEN + 16:
        raise DecryptError("too short")
    try:
        return AESGCM(key).decrypt(blob[:NONCE_LEN], blob[NONCE_LEN:], aad)
    except InvalidTag as exc:
        raise DecryptError("authentication failed") from exc


def wrap_aad(store_id: str, params: KdfParams) -> bytes:
    """The key wrap is bound to the store and its KDF parameters (no silent downgrade)."""
    return KEYWRAP + b"|" + store_id.encode() + b"|" + f"{params.n},{params.r},{params.p}".encode()


@dataclass(frozen=True)
class SubKeys:
    """One key per purpose, derived from the data key with HKDF."""

    partition: bytes
    index: bytes
    journal: bytes
    audit: bytes
    draft: bytes
    names: bytes

    @classmethod
    def derive(cls, data_key: bytes, store_id: str) -> SubKeys:
        salt = store_id.encode()
        keys = [
            HKDF(algorithm=hashes.SHA256(), length=KEY_LEN, salt=salt, info=label).derive(data_key)
            for label in PURPOSES
        ]
        return cls(*keys)

    def file_name(self, role: str, value: str) -> str:
        """A stable file name for ``value`` (a subject or draft id) that reveals nothing about it."""
        mac = hmac.new(self.names, role.encode() + b"\x00" + value.encode("utf-8"), hashlib.sha256)
        return mac.hexdigest()[:32]
