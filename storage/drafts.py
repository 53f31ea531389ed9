"""Encrypted drafts: unsaved form input that survives a lock or a crash.

One sealed file per draft id, named by a keyed hash of the id; written atomically.
"""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any, Callable

from storage import sealed
from storage.crypto import DRAFT, Entropy, SubKeys
from storage.errors import StoreCorrupt, StoreError, StoreLocked
from storage.fsio import remove_durably

DRAFTS_DIR = "drafts"


class Drafts:
    def __init__(self, home: Path, keys: SubKeys, now_iso: Callable[[], str], entropy: Entropy) -> None:
        self.folder = home / DRAFTS_DIR
        self._keys: SubKeys | None = keys
        self._now_iso = now_iso
        self._entropy = entropy

    def forget(self) -> None:
        """Drop the keys (the store is locking)."""
        self._keys = None

    def _require(self) -> SubKeys:
        if self._keys is None:
            raise StoreLocked()
        return self._keys

    def _path(self, draft_id: str) -> tuple[Path, str]:
        name = self._require().file_name("draft", draft_id) + ".bin"
        return self.folder / name, f"{DRAFTS_DIR}/{name}"

    def save(self, draft_id: str, data: dict[str, Any]) -> None:
        path, role = self._path(draft_id)
        body = {"id": draft_id, "saved_at": self._now_iso(), "data": data}
        try:
            sealed.dumps(body)
        except (TypeError, ValueError) as exc:
            raise StoreError("草稿内容无法保存,请检查填写的内容。") from exc
        self.folder.mkdir(exist_ok=True)
        sealed.write(path, body, self._require().draft, DRAFT, role, self._entropy)

    def load(self, draft_id: str) -> dict[str, Any] | None:
        path, role = self._path(draft_id)
        if not path.exists():
            return None
        body = sealed.read(path, self._require().draft, DRAFT, role)
        if not isinstance(body, dict) or body.get("id") != draft_id:
            raise StoreCorrupt(path)
        return body["data"]

    def delete(self, draft_id: str) -> None:
        path, _ = self._path(draft_id)
        remove_durably(path)

    def list(self) -> list[tuple[str, str]]:
        """(draft id, saved at) oldest first; a damaged draft file raises StoreCorrupt naming it."""
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
