"""Encrypted drafts: unsaved form input that survives a lock or a crash.

One sealed file per draft id, named by a keyed hash of the id; written atomically (two fsyncs:
the file and its folder).

A form saves its draft on every keystroke, which on a cheap phone's flash meant two fsyncs per
character. ``buffer`` writes a draft at most once per ``interval`` (1 s): the first change after
a quiet second is written at once, later ones wait in memory (never on disk in clear) and a
timer writes the latest when the second is up, so a kill loses at most the last second of
typing. ``flush`` writes whatever waits (the user leaves the form, the app is paused); closing
the store flushes before the keys are dropped (the app locks). ``save`` still writes at once.
"""

from __future__ import annotations

import builtins
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from storage import sealed
from storage.crypto import DRAFT, Entropy, SubKeys
from storage.errors import StoreCorrupt, StoreError, StoreLocked
from storage.fsio import remove_durably
from storage.history import json_copy

DRAFTS_DIR = "drafts"
DRAFT_INTERVAL_S = 1.0


class Drafts:
    def __init__(
        self,
        home: Path,
        keys: SubKeys,
        now_iso: Callable[[], str],
        entropy: Entropy,
        *,
        interval: float = DRAFT_INTERVAL_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.folder = home / DRAFTS_DIR
        self._keys: SubKeys | None = keys
        self._now_iso = now_iso
        self._entropy = entropy
        self.interval = interval
        self.monotonic = monotonic
        self._lock = threading.RLock()  # the timer thread writes too
        self._pending: dict[str, tuple[dict[str, Any], str]] = {}  # draft id -> (data, typed at)
        self._written: dict[str, float] = {}  # draft id -> monotonic time of its last write
        self._timers: dict[str, threading.Timer] = {}
        self.writes = 0  # files written (what the benchmark counts)

    def forget(self) -> None:
        """Drop the keys and anything not yet written (the store is locking; it flushed first)."""
        with self._lock:
            for timer in self._timers.values():
                timer.cancel()
            self._timers.clear()
            self._pending.clear()
            self._keys = None

    def _require(self) -> SubKeys:
        if self._keys is None:
            raise StoreLocked()
        return self._keys

    def _path(self, draft_id: str) -> tuple[Path, str]:
        name = self._require().file_name("draft", draft_id) + ".bin"
        return self.folder / name, f"{DRAFTS_DIR}/{name}"

    def save(self, draft_id: str, data: dict[str, Any]) -> None:
        """Write the draft now (durable when this returns)."""
        with self._lock:
            self._drop_pending(draft_id)
            self._write(draft_id, _checked(data), self._now_iso())

    def buffer(self, draft_id: str, data: dict[str, Any]) -> None:
        """Keep the draft; write it now if its last write is a second old, else within the second."""
        with self._lock:
            self._require()
            body = _checked(data)
            now = self.monotonic()
            last = self._written.get(draft_id)
            if last is None or now - last >= self.interval:
                self._drop_pending(draft_id)
                self._write(draft_id, body, self._now_iso())
                return
            self._pending[draft_id] = (body, self._now_iso())
            if draft_id not in self._timers:
                timer = threading.Timer(max(0.0, last + self.interval - now), self._due, (draft_id,))
                timer.daemon = True
                self._timers[draft_id] = timer
                timer.start()

    def _due(self, draft_id: str) -> None:
        """Timer thread: the second is up, write what waits."""
        with self._lock:
            self._timers.pop(draft_id, None)
            waiting = self._pending.get(draft_id)
            if waiting is None or self._keys is None:
                return
            try:
                self._write(draft_id, *waiting)
            except (OSError, StoreError):
                return  # kept: written at the next keystroke, flush or close
            self._pending.pop(draft_id, None)

    def flush(self) -> None:
        """Write every draft still waiting (leaving a form, the app paused or locking)."""
        with self._lock:
            for draft_id in list(self._pending):
                data, typed_at = self._pending[draft_id]
                self._write(draft_id, data, typed_at)
                self._drop_pending(draft_id)

    def _drop_pending(self, draft_id: str) -> None:
        self._pending.pop(draft_id, None)
        timer = self._timers.pop(draft_id, None)
        if timer is not None:
            timer.cancel()

    def _write(self, draft_id: str, data: dict[str, Any], saved_at: str) -> None:
        path, role = self._path(draft_id)
        body = {"id": draft_id, "saved_at": saved_at, "data": data}
        self.folder.mkdir(exist_ok=True)
        sealed.write(path, body, self._require().draft, DRAFT, role, self._entropy)
        self._written[draft_id] = self.monotonic()
        self.writes += 1

    def load(self, draft_id: str) -> dict[str, Any] | None:
        with self._lock:
            waiting = self._pending.get(draft_id)
            if waiting is not None:
                return json_copy(waiting[0])
            path, role = self._path(draft_id)
            if not path.exists():
                return None
            body = sealed.read(path, self._require().draft, DRAFT, role)
            if not isinstance(body, dict) or body.get("id") != draft_id:
                raise StoreCorrupt(path)
            return body["data"]

    def delete(self, draft_id: str) -> None:
        with self._lock:
            self._drop_pending(draft_id)
            self._written.pop(draft_id, None)
            path, _ = self._path(draft_id)
            remove_durably(path)

    def list(self) -> builtins.list[tuple[str, str]]:
        """(draft id, saved at) oldest first; a damaged draft file raises StoreCorrupt naming it."""
        with self._lock:
            self.flush()
            out: builtins.list[tuple[str, str]] = []
            for path in self._files():
                body = sealed.read(path, self._require().draft, DRAFT, f"{DRAFTS_DIR}/{path.name}")
                out.append((str(body["id"]), str(body["saved_at"])))
            return sorted(out, key=lambda item: (item[1], item[0]))

    def problems(self) -> builtins.list[str]:
        found: builtins.list[str] = []
        for path in self._files():
            try:
                sealed.read(path, self._require().draft, DRAFT, f"{DRAFTS_DIR}/{path.name}")
            except StoreCorrupt:
                found.append(f"草稿文件已损坏:{path}。")
        return found

    def _files(self) -> builtins.list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir() if p.suffix == ".bin" and not p.name.startswith("."))


def _checked(data: dict[str, Any]) -> dict[str, Any]:
    """A copy the caller cannot change afterwards; refused now if it cannot be saved at all."""
    try:
        sealed.dumps(data)
    except (TypeError, ValueError) as exc:
        raise StoreError("草稿内容无法保存,请检查填写的内容。") from exc
    return json_copy(data)
