"""Encrypted, crash-safe, partitioned storage: the only way to reach data on disk.

See ``storage.store`` for the layout and ``docs/architecture.md`` for the contract.
"""

from storage.crypto import KdfParams, calibrate_scrypt
from storage.errors import (
    StoreBusy,
    StoreCorrupt,
    StoreError,
    StoreExists,
    StoreLocked,
    StoreMissing,
    StoreTooNew,
    UnknownVersion,
    WrongPassphrase,
)
from storage.fsio import snapshot_bytes
from storage.store import ApplyResult, Conflict, Store, StoreOptions

__all__ = [
    "ApplyResult",
    "Conflict",
    "KdfParams",
    "Store",
    "StoreBusy",
    "StoreCorrupt",
    "StoreError",
    "StoreExists",
    "StoreLocked",
    "StoreMissing",
    "StoreOptions",
    "StoreTooNew",
    "UnknownVersion",
    "WrongPassphrase",
    "calibrate_scrypt",
    "snapshot_bytes",
]
