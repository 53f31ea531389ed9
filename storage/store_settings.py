"""Settings through the store: encrypted JSON values kept in the index, set in transactions.

``SettingsMixin`` is part of ``storage.store.Store``; ``storage.transaction.Plan`` checks and
spells each value, and the ledger commits it like any other change, audited.
"""

from __future__ import annotations

import builtins
import threading
from typing import TYPE_CHECKING, Any

from storage.history import json_copy
from storage.ledger import Ledger

if TYPE_CHECKING:
    from core.records import Record
    from storage.history import Doc
    from storage.transaction import ApplyResult, Plan


class SettingsMixin:
    """Read, set, delete and list settings while the store is open."""

    # Provided by Store (storage.store).
    _mutex: threading.RLock
    _ledger: Ledger

    if TYPE_CHECKING:

        def _ensure_open(self) -> None: ...

        def _plan(self) -> Plan: ...

        def _apply(
            self,
            records: builtins.list[Record],
            actor: str,
            meta: dict[str, Any] | None,
            purge: builtins.list[str] | None = None,
        ) -> tuple[ApplyResult, dict[str, Doc]]: ...

    def meta_get(self, key: str, default: Any = None) -> Any:
        with self._mutex:
            self._ensure_open()
            return json_copy(self._ledger.index.meta[key]) if key in self._ledger.index.meta else default

    def meta_set(self, key: str, value: Any, *, actor: str = "system") -> None:
        """Set an encrypted setting (JSON value). Unchanged values write nothing."""
        with self._mutex:
            self._apply([], actor, {key: value})

    def meta_delete(self, key: str, *, actor: str = "system") -> None:
        with self._mutex:
            self._ensure_open()
            if key not in self._ledger.index.meta:
                return
            plan = self._plan()
            plan.delete_meta(key, actor)
            self._ledger.commit(plan.tx)

    def meta_keys(self) -> builtins.list[str]:
        with self._mutex:
            self._ensure_open()
            return sorted(self._ledger.index.meta)
