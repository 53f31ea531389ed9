"""Conflicts through the store: the same revision of a record arrived with two contents.

``ConflictsMixin`` is part of ``storage.store.Store``: it lists the open conflicts (the index
knows where each is) and records the officer's choice (``storage.history`` merges it).
"""

from __future__ import annotations

import builtins
import threading
from typing import TYPE_CHECKING

from core.records import Record
from storage import history
from storage.cache import PartitionCache
from storage.history import Conflict, fresh
from storage.ledger import Ledger
from storage.transaction import check_actor

if TYPE_CHECKING:
    from storage.transaction import Plan


class ConflictsMixin:
    """List open conflicts and resolve one while the store is open."""

    # Provided by Store (storage.store).
    _mutex: threading.RLock
    _ledger: Ledger
    _parts: PartitionCache

    if TYPE_CHECKING:

        def _ensure_open(self) -> None: ...

        def _plan(self) -> Plan: ...

    def conflicts(self) -> builtins.list[Conflict]:
        with self._mutex:
            self._ensure_open()
            out: builtins.list[Conflict] = []
            for rid, pkey in sorted(self._ledger.index.conflicts.items()):
                doc = self._parts.docs(pkey).get(rid)
                if doc:
                    out.extend(history.conflicts(rid, doc))
            return out

    def resolve_conflict(self, record_id: str, chosen_content_hash: str, *, actor: str) -> Record:
        """The officer picks one rival; it becomes current if the conflict is at the current revision."""
        with self._mutex:
            self._ensure_open()
            check_actor(actor)
            plan = self._plan()
            new_doc = plan.resolve(record_id, chosen_content_hash, actor)
            self._ledger.commit(plan.tx)
            return fresh(history.current_record(new_doc))
