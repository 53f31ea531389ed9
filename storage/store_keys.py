"""The store's passphrase and data key: checking and changing the passphrase, and re-keying.

``KeysMixin`` is part of ``storage.store.Store``; ``storage.rekey`` does the crash-safe file
work of a re-key, ``storage.keyfile`` the key file.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from storage import filelock, keyfile, policy, rekey
from storage.crypto import KEY_LEN, Entropy, SubKeys
from storage.drafts import Drafts
from storage.errors import RekeyFailed, StoreError
from storage.journal import Journal
from storage.ledger import Ledger, StoreOptions

if TYPE_CHECKING:
    from storage.store import Store


class KeysMixin:
    """Passphrase and data-key operations on an open store."""

    # Provided by Store (storage.store).
    home: Path
    _store_id: str
    _keys: SubKeys | None
    _entropy: Entropy
    _options: StoreOptions
    _lock_fd: int | None
    _mutex: threading.RLock
    _ledger: Ledger
    _journal: Journal
    _drafts: Drafts

    if TYPE_CHECKING:

        def _ensure_open(self) -> None: ...

        def _successor(self, data_key: bytes, lock_fd: int | None) -> Store: ...

    def check_passphrase(self, passphrase: str) -> None:
        """Raise ``WrongPassphrase`` unless ``passphrase`` opens this store's key file: a second
        session asking to unlock a store that another session holds open must still know it."""
        with self._mutex:
            self._ensure_open()
            keyfile.unwrap(keyfile.parse(self.home / keyfile.KEY_FILE), passphrase)

    def change_passphrase(self, old: str, new: str) -> None:
        """Re-wrap the same data key under a new passphrase: only the key file changes.

        A copy of the old key file therefore still opens the store with the old passphrase;
        ``rekey`` is what makes such a copy useless. A store whose scrypt cost is below the
        floor is raised to a calibrated cost on the way."""
        with self._mutex:
            self._ensure_open()
            policy.check_passphrase(new)
            path = self.home / keyfile.KEY_FILE
            params = policy.kdf_for_new_key(None, keyfile.parse(path).params)
            keyfile.rewrap(path, old, new, self._entropy, params)

    def rekey(self, old: str, new: str, *, _step: rekey.Step | None = None) -> Store:
        """A new data key with every file re-encrypted under it, wrapped under ``new``.

        Returns the store open under the new key; this object is closed. After it, neither a
        copy of the old key file nor the old passphrase opens the store. Crash-safe (see
        ``storage.rekey``): a kill before the commit point leaves the old store, after it the
        next open completes the new one. ``_step`` lets tests play a kill at a named point."""
        with self._mutex:
            self._ensure_open()
            policy.check_passphrase(new)
            path = self.home / keyfile.KEY_FILE
            header = keyfile.parse(path)
            keyfile.unwrap(header, old)  # WrongPassphrase before any work
            params = policy.kdf_for_new_key(None, header.params)
            new_key = self._entropy(KEY_LEN)
            step = _step or (lambda name: None)
            try:
                rekey.stage(
                    self.home,
                    store_id=self._store_id,
                    version=header.version,
                    old=self._ledger,
                    old_drafts=self._drafts,
                    new_key=new_key,
                    passphrase=new,
                    params=params,
                    entropy=self._entropy,
                    options=self._options,
                    step=step,
                )
            except Exception as exc:
                try:
                    rekey.discard(self.home)
                except OSError:
                    pass  # the next open discards it
                if isinstance(exc, StoreError):
                    raise
                raise RekeyFailed() from exc
            except BaseException:
                if (self.home / rekey.REKEY_DIR / keyfile.KEY_FILE).is_file():
                    self._abandon()  # committed: only the new key may write from now on
                raise
            self._journal.close()  # no handle on a file about to be replaced (Windows refuses)
            try:
                rekey.finish(self.home, step)
            except BaseException as exc:
                self._abandon()  # the next open completes the move
                if isinstance(exc, Exception):
                    raise StoreError("更换数据密钥已提交,但文件尚未全部替换;请重新用新口令解锁以完成。") from exc
                raise
            lock_fd, self._lock_fd = self._lock_fd, None
            self._forget_keys()
            return self._successor(new_key, lock_fd)

    def _forget_keys(self) -> None:
        self._ledger.forget()
        self._drafts.forget()
        self._keys = None

    def _abandon(self) -> None:
        """Lock without writing anything (the files on disk belong to a re-key in progress)."""
        self._forget_keys()
        filelock.release(self._lock_fd)
        self._lock_fd = None


def finish_interrupted_rekey(home: Path) -> None:
    """Complete (or discard) a re-key a crash interrupted, before the key file is read."""
    try:
        rekey.finish(home)
    except OSError as exc:
        raise StoreError("上次更换数据密钥未完成,且现在无法完成(存储是否只读?)。请检查后重试。") from exc
