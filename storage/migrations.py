"""Store format upgrades, one function per step, run at unlock when the key file is older.

Format versions:

- **0** (prototype, before partitioning): ``xietong.key`` with ``"version": 0`` and the data key
  sealed under the scrypt key with associated data ``b"xietong/v0/keywrap"``; all data in one
  sealed file ``store.bin`` = nonce || AES-GCM(data key, JSON, ``b"xietong/v0/store"``) where
  the JSON is ``{"records": {id: [version dicts, oldest first]}, "meta": {...}}``.
- **1**: the partitioned layout described in ``storage.store``.

Each step writes the new layout beside the old one and replaces the key file last: a crash
during an upgrade leaves the old version intact and the upgrade simply runs again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.records import Clock, Record
from storage.crypto import DecryptError, Entropy, unseal
from storage.errors import StoreCorrupt, StoreError, StoreTooNew
from storage.fsio import atomic_write, remove_durably
from storage.keyfile import KEY_FILE, KeyHeader, build, parse, unwrap

CURRENT_VERSION = 1

V0_KEYWRAP = b"xietong/v0/keywrap"
V0_STORE = b"xietong/v0/store"
V0_STORE_FILE = "store.bin"
MIGRATION_ACTOR = "migration"

Migration = Callable[[Path, str, KeyHeader, Clock, Entropy], None]


def _v0_to_v1(home: Path, passphrase: str, header: KeyHeader, clock: Clock, entropy: Entropy) -> None:
    from storage.store import (  # the v1 writer; imported late to avoid a cycle
        Store,
        StoreOptions,
    )

    data_key = unwrap(header, passphrase, V0_KEYWRAP)
    path = home / V0_STORE_FILE
    try:
        body = json.loads(unseal(data_key, path.read_bytes(), V0_STORE).decode("utf-8"))
        versions = [Record.from_dict(v) for chain in body["records"].values() for v in chain]
        meta: dict[str, Any] = dict(body.get("meta") or {})
    except (OSError, DecryptError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StoreCorrupt(path) from exc
    store_id = entropy(16).hex()
    store = Store(home, store_id, data_key, clock=clock, entropy=entropy, options=StoreOptions(), lock_fd=None)
    try:
        store._ledger.init_layout()
        store.apply(versions, actor=MIGRATION_ACTOR, meta=meta or None)
        store.checkpoint()
    finally:
        store._journal.close()
    blob = build(
        version=1, store_id=store_id, passphrase=passphrase, data_key=data_key, params=header.params, entropy=entropy
    )
    atomic_write(home / KEY_FILE, blob, entropy(8).hex())  # the commit point of the upgrade
    remove_durably(path)


MIGRATIONS: dict[int, Migration] = {0: _v0_to_v1}


def upgrade(home: Path, passphrase: str, header: KeyHeader, *, clock: Clock, entropy: Entropy) -> None:
    """Run every step from the key file's version up to ``CURRENT_VERSION``."""
    version = header.version
    while version < CURRENT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise StoreError(f"无法升级数据格式(版本 {version}),请联系技术支持。")
        step(home, passphrase, header, clock, entropy)
        header = parse(home / KEY_FILE)
        if header.version <= version:
            raise StoreError(f"数据格式升级未完成(版本 {version}),请重试。")
        version = header.version


def unlock(home: Path, passphrase: str, *, clock: Clock, entropy: Entropy) -> tuple[str, bytes]:
    """The store id and data key, after upgrading an older store to the current format."""
    header = parse(home / KEY_FILE)
    if header.version > CURRENT_VERSION:
        raise StoreTooNew()
    if header.version < CURRENT_VERSION:
        upgrade(home, passphrase, header, clock=clock, entropy=entropy)
        header = parse(home / KEY_FILE)
    return header.store_id, unwrap(header, passphrase)
