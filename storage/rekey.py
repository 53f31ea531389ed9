"""Re-keying: a new data key and every file re-encrypted under it.

Changing the passphrase rewrites only the key file, so a copy of the old key file (a backup, a
stolen USB copy of the folder) still opens the store with the old passphrase. Re-keying draws
a new data key and writes the whole store again under it, first into a staging folder inside
the home::

    rekey.new/            a complete store under the new key (index, journal, audit, parts,
                          drafts), every file ciphertext, written with the store's own writers
    rekey.new/manifest    the files of that store, by relative path (keyed-hash names only)
    rekey.new/xietong.key the new key file, written last: its existence is the commit point

Before the commit point the live files are untouched; a crash leaves a staging folder without
a key file, which the next open (or re-key) throws away, and the old passphrase opens the store.
After it, ``finish`` moves each new file over the live one, unlinks the old partition and
draft files the manifest does not name, and moves the key file last. Every step can be repeated,
and ``Store.open`` runs ``finish`` before it reads the key file, so a crash during the move is
completed by the next open and the new passphrase opens the store.

Nothing but ciphertext is ever written. The old files are unlinked, not overwritten: flash
storage may keep their blocks, readable by someone who images the chip and also holds an old
key file and its passphrase (see ``docs/threat-model.md``).
"""

from __future__ import annotations

import copy
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from storage import keyfile
from storage.cache import PARTS_DIR
from storage.crypto import Entropy, KdfParams, SubKeys
from storage.drafts import DRAFTS_DIR, Drafts
from storage.errors import StoreCorrupt, StoreError
from storage.filelock import LOCK_FILE
from storage.fsio import atomic_write, fsync_dir
from storage.index import Index
from storage.ledger import Ledger, StoreOptions

REKEY_DIR = "rekey.new"
MANIFEST = "manifest"
DATA_DIRS = (PARTS_DIR, DRAFTS_DIR)

# Named points a test can stop at to play a crash ("kill here"); production passes none.
Step = Callable[[str], None]
STAGED, COMMITTED, MOVED, KEY_MOVED = "staged", "committed", "moved", "key-moved"


def _nothing(step: str) -> None:
    return None


def stage(
    home: Path,
    *,
    store_id: str,
    version: int,
    old: Ledger,
    old_drafts: Drafts,
    new_key: bytes,
    passphrase: str,
    params: KdfParams,
    entropy: Entropy,
    options: StoreOptions,
    step: Step = _nothing,
) -> None:
    """Write the re-keyed store into the staging folder, its key file last (the commit point)."""
    staging = home / REKEY_DIR
    discard(home)
    staging.mkdir(mode=0o700)
    keys = SubKeys.derive(new_key, store_id)
    new = Ledger(staging, keys, entropy, options, version)
    try:
        new.init_layout()
        entries, problems = old.audit.read(old.index.audit_bytes)
        if problems:
            raise StoreCorrupt(old.audit.path)
        # The same index (records, summaries, conflicts, meta, generation) and the same audit
        # chain; the checkpoint below writes them, and every partition, under the new keys.
        new.index = _copy_index(old)
        new.audit_pending = [dict(e) for e in entries] + [dict(e) for e in old.audit_pending]
        new.rewrite_from(old.parts.docs, sorted(old.index.members), options.cache_partitions)
        _copy_drafts(old_drafts, staging, keys, entropy)
    finally:
        new.journal.close()
        new.forget()
    step(STAGED)
    files = sorted(
        p.relative_to(staging).as_posix()
        for p in staging.rglob("*")
        if p.is_file() and p.name not in (MANIFEST, keyfile.KEY_FILE)
    )
    if not all(_safe(f) for f in files):  # caught before the commit point, never after
        raise StoreError("更换数据密钥时生成了意外的文件,已放弃,数据未改动。")
    atomic_write(staging / MANIFEST, json.dumps(files).encode("ascii"), entropy(8).hex())
    keyfile.write(
        staging / keyfile.KEY_FILE,
        version=version,
        store_id=store_id,
        passphrase=passphrase,
        data_key=new_key,
        params=params,
        entropy=entropy,
    )
    step(COMMITTED)


def _copy_index(old: Ledger) -> Index:
    index = copy.deepcopy(old.index)
    index.audit_bytes = 0
    index.audit_last = None
    index.dirty = set()
    index.appended = {}
    return index


def _copy_drafts(old: Drafts, staging: Path, keys: SubKeys, entropy: Entropy) -> None:
    """Each draft under the new key and its new name, with the time it was really saved."""
    saved_at = [""]
    new = Drafts(staging, keys, lambda: saved_at[0], entropy)
    for draft_id, when in old.list():
        data = old.load(draft_id)
        if data is None:
            continue
        saved_at[0] = when
        new.save(draft_id, data)


def finish(home: Path, step: Step = _nothing) -> bool:
    """Complete or discard a re-key found in ``home``; True when one was completed.

    Runs with the store's file lock held, before the key file is read."""
    staging = home / REKEY_DIR
    if not staging.is_dir():
        return False
    new_key_file = staging / keyfile.KEY_FILE
    if not new_key_file.is_file():
        discard(home)  # never committed: the live store is as it was
        return False
    manifest_path = staging / MANIFEST
    try:
        files = json.loads(manifest_path.read_bytes())
        if not isinstance(files, list) or not all(isinstance(f, str) and _safe(f) for f in files):
            raise ValueError("bad manifest")
    except (OSError, ValueError) as exc:
        raise StoreCorrupt(manifest_path) from exc
    for rel in files:
        src, dst = staging / rel, home / rel
        if src.is_file():
            dst.parent.mkdir(exist_ok=True)
            os.replace(src, dst)
    keep = set(files)
    for folder in DATA_DIRS:
        for path in sorted((home / folder).glob("*")) if (home / folder).is_dir() else []:
            if path.is_file() and f"{folder}/{path.name}" not in keep:
                os.unlink(path)  # ciphertext under the old key
    for changed in (home, *(home / d for d in DATA_DIRS)):
        if changed.is_dir():
            fsync_dir(changed)
    step(MOVED)
    os.replace(new_key_file, home / keyfile.KEY_FILE)
    fsync_dir(home)
    step(KEY_MOVED)
    discard(home)
    return True


def discard(home: Path) -> None:
    """Remove the staging folder (ciphertext only) if there is one."""
    staging = home / REKEY_DIR
    if staging.exists():
        # The key file first: a staging folder without it is never taken for a committed one.
        (staging / keyfile.KEY_FILE).unlink(missing_ok=True)
        fsync_dir(staging)
        shutil.rmtree(staging)
        fsync_dir(home)


def _safe(rel: str) -> bool:
    """A manifest entry names a file of the store layout, never anything outside the home."""
    parts = rel.split("/")
    if any(p in ("", ".", "..") or "\\" in p for p in parts):
        return False
    if len(parts) == 1:
        return parts[0] not in (keyfile.KEY_FILE, LOCK_FILE, MANIFEST, REKEY_DIR)
    return len(parts) == 2 and parts[0] in DATA_DIRS
