"""One encrypted JSON file: magic, nonce, AES-GCM ciphertext bound to the file's purpose and role."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from storage import jsontext
from storage.crypto import DecryptError, Entropy, seal_parts, unseal
from storage.errors import StoreCorrupt
from storage.fsio import atomic_write

MAGIC = b"XTS1"


def aad_for(purpose: bytes, role: str) -> bytes:
    return purpose + b"|" + role.encode("utf-8")


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encode(obj: Any, key: bytes, purpose: bytes, role: str, entropy: Entropy) -> bytes:
    return encode_text(jsontext.text(obj), key, purpose, role, entropy)


def encode_text(text: str, key: bytes, purpose: bytes, role: str, entropy: Entropy) -> bytes:
    """``encode`` for a value spelled already (``storage.jsontext``)."""
    return b"".join(encode_parts(text, key, purpose, role, entropy))


def encode_parts(text: str | bytes, key: bytes, purpose: bytes, role: str, entropy: Entropy) -> list[bytes]:
    """``encode_text`` as the parts of the file, in order, not joined (the index and a large
    partition are megabytes: a file is written and hashed part by part instead). ``text`` may
    be spelled in UTF-8 already."""
    plain = text if isinstance(text, bytes) else text.encode("utf-8")
    nonce, ciphertext = seal_parts(key, plain, aad_for(purpose, role), entropy)
    return [MAGIC, nonce, ciphertext]


def decode(blob: bytes, key: bytes, purpose: bytes, role: str, path: Path) -> Any:
    """Decrypt and parse; any failure names the damaged file."""
    try:
        return json.loads(decode_text(blob, key, purpose, role, path))
    except ValueError as exc:
        raise StoreCorrupt(path) from exc


def decode_text(blob: bytes, key: bytes, purpose: bytes, role: str, path: Path) -> str:
    """Decrypt, not parsed (the caller parses); any failure names the damaged file."""
    if not blob.startswith(MAGIC):
        raise StoreCorrupt(path)
    try:
        return unseal(key, blob[len(MAGIC) :], aad_for(purpose, role)).decode("utf-8")
    except (DecryptError, ValueError) as exc:
        raise StoreCorrupt(path) from exc


def read(path: Path, key: bytes, purpose: bytes, role: str) -> Any:
    try:
        return json.loads(read_text(path, key, purpose, role))
    except ValueError as exc:
        raise StoreCorrupt(path) from exc


def read_text(path: Path, key: bytes, purpose: bytes, role: str) -> str:
    """``read``, not parsed."""
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise StoreCorrupt(path) from exc
    return decode_text(blob, key, purpose, role, path)


def write(
    path: Path, obj: Any, key: bytes, purpose: bytes, role: str, entropy: Entropy, *, sync_dir: bool = True
) -> None:
    write_text(path, jsontext.text(obj), key, purpose, role, entropy, sync_dir=sync_dir)


def write_text(
    path: Path, text: str, key: bytes, purpose: bytes, role: str, entropy: Entropy, *, sync_dir: bool = True
) -> None:
    """``write`` for a value spelled already."""
    atomic_write(path, encode_parts(text, key, purpose, role, entropy), entropy(8).hex(), sync_dir=sync_dir)
