"""The key file: format version, scrypt parameters and the wrapped data key.

It holds no personal data and no plaintext key: a JSON header (format name, version, store id,
KDF parameters and salt) and the data key sealed with the passphrase-derived key. Changing the
passphrase rewrites only this file, so a copy of the old file still opens the store with the old
passphrase; ``storage.rekey`` replaces the data key itself when that matters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from storage.crypto import (
    KEY_LEN,
    DecryptError,
    Entropy,
    KdfParams,
    derive_kek,
    seal,
    unseal,
    wrap_aad,
)
from storage.errors import StoreCorrupt, WrongPassphrase
from storage.fsio import atomic_write

FORMAT = "xietong-store"
KEY_FILE = "xietong.key"


@dataclass(frozen=True)
class KeyHeader:
    version: int
    store_id: str
    params: KdfParams
    salt: bytes
    wrapped: bytes


def parse(path: Path) -> KeyHeader:
    """Strictly parse the key file; anything unexpected is a damaged file, not a wrong passphrase."""
    try:
        raw = json.loads(path.read_bytes().decode("utf-8"))
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise ValueError("not a key file")
        kdf = raw["kdf"]
        if kdf.get("name") != "scrypt":
            raise ValueError("unknown kdf")
        return KeyHeader(
            version=int(raw["version"]),
            store_id=str(raw.get("store_id", "")),
            params=KdfParams.from_dict(kdf),
            salt=bytes.fromhex(kdf["salt"]),
            wrapped=bytes.fromhex(raw["wrapped"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StoreCorrupt(path) from exc


def unwrap(header: KeyHeader, passphrase: str, aad: bytes | None = None) -> bytes:
    kek = derive_kek(passphrase, header.salt, header.params)
    try:
        key = unseal(kek, header.wrapped, aad if aad is not None else wrap_aad(header.store_id, header.params))
    except DecryptError as exc:
        raise WrongPassphrase() from exc
    if len(key) != KEY_LEN:
        raise WrongPassphrase()
    return key


def build(
    *, version: int, store_id: str, passphrase: str, data_key: bytes, params: KdfParams, entropy: Entropy
) -> bytes:
    salt = entropy(16)
    kek = derive_kek(passphrase, salt, params)
    wrapped = seal(kek, data_key, wrap_aad(store_id, params), entropy)
    body = {
        "format": FORMAT,
        "version": version,
        "store_id": store_id,
        "kdf": {"name": "scrypt", "salt": salt.hex(), **params.to_dict()},
        "wrapped": wrapped.hex(),
    }
    return json.dumps(body, sort_keys=True, indent=1).encode("utf-8")


def write(
    path: Path, *, version: int, store_id: str, passphrase: str, data_key: bytes, params: KdfParams, entropy: Entropy
) -> None:
    """Wrap ``data_key`` under ``passphrase`` and replace the key file atomically."""
    blob = build(
        version=version, store_id=store_id, passphrase=passphrase, data_key=data_key, params=params, entropy=entropy
    )
    atomic_write(path, blob, entropy(8).hex())


def rewrap(path: Path, old: str, new: str, entropy: Entropy, params: KdfParams | None = None) -> None:
    """Re-wrap the same data key under a new passphrase: only the key file changes.

    ``params`` replaces the scrypt cost (a store made before the floor is raised to it);
    by default the key file keeps its own."""
    header = parse(path)
    data_key = unwrap(header, old)
    write(
        path,
        version=header.version,
        store_id=header.store_id,
        passphrase=new,
        data_key=data_key,
        params=params or header.params,
        entropy=entropy,
    )
