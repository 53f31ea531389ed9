"""Writes a format-0 store exactly as described in ``storage.migrations`` (independently of it)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from core.records import Record


def write_v0_store(home: Path, passphrase: str, versions: list[Record], meta: dict[str, Any], n: int = 2**10) -> None:
    home.mkdir(parents=True)
    salt, data_key = os.urandom(16), os.urandom(32)
    kek = Scrypt(salt=salt, length=32, n=n, r=8, p=1).derive(passphrase.encode())
    nonce = os.urandom(12)
    wrapped = nonce + AESGCM(kek).encrypt(nonce, data_key, b"xietong/v0/keywrap")
    key = {
        "format": "xietong-store",
        "version": 0,
        "kdf": {"name": "scrypt", "salt": salt.hex(), "n": n, "r": 8, "p": 1},
        "wrapped": wrapped.hex(),
    }
    (home / "xietong.key").write_text(json.dumps(key))
    chains: dict[str, list[dict[str, Any]]] = {}
    for v in versions:
        chains.setdefault(v.id, []).append(v.to_dict())
    body = json.dumps({"records": chains, "meta": meta}, ensure_ascii=False).encode()
    nonce = os.urandom(12)
    (home / "store.bin").write_bytes(nonce + AESGCM(data_key).encrypt(nonce, body, b"xietong/v0/store"))
