"""Drafts through the store: unsaved form input, encrypted, one file per draft.

``DraftsMixin`` is part of ``storage.store.Store``; ``storage.drafts`` does the work (the
once-a-second buffer and the sealed files), under the store's lock.
"""

from __future__ import annotations

import builtins
import threading
from typing import TYPE_CHECKING, Any

from storage.drafts import Drafts


class DraftsMixin:
    """Save, buffer, flush, load, delete and list drafts while the store is open."""

    # Provided by Store (storage.store).
    _mutex: threading.RLock
    _drafts: Drafts

    if TYPE_CHECKING:

        def _ensure_open(self) -> None: ...

    def save_draft(self, draft_id: str, data: dict[str, Any]) -> None:
        """Write the draft now (durable when this returns)."""
        with self._mutex:
            self._ensure_open()
            self._drafts.save(draft_id, data)

    def buffer_draft(self, draft_id: str, data: dict[str, Any]) -> None:
        """Keep the draft and write it at most once a second (``storage.drafts``): for keystrokes.
        A kill loses at most the last second; ``flush_drafts`` and ``close`` write what waits."""
        with self._mutex:
            self._ensure_open()
            self._drafts.buffer(draft_id, data)

    def flush_drafts(self) -> None:
        """Write every buffered draft now (leaving a form, the app paused)."""
        with self._mutex:
            self._ensure_open()
            self._drafts.flush()

    def load_draft(self, draft_id: str) -> dict[str, Any] | None:
        with self._mutex:
            self._ensure_open()
            return self._drafts.load(draft_id)

    def delete_draft(self, draft_id: str) -> None:
        with self._mutex:
            self._ensure_open()
            self._drafts.delete(draft_id)

    def list_drafts(self) -> builtins.list[tuple[str, str]]:
        with self._mutex:
            self._ensure_open()
            return self._drafts.list()
