"""Where a path field starts: the folder last used there, else Downloads, else the home folder.

A helper takes bundles to and from the same USB stick or SD card every time, and an officer
saves forms into the same folder; typing the folder again each visit is the chore this saves.
The folder is kept in the encrypted store (a folder's name can say whose it is), one per field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_KEY = "folder:"


def default_folder(home: Path | None = None) -> str:
    """~/Downloads when it exists, else the home folder."""
    base = Path(home) if home else Path.home()
    downloads = base / "Downloads"
    return str(downloads if downloads.is_dir() else base)


def folder_of(path: str) -> str | None:
    """The folder a typed path names: the path itself when it is a folder, else the folder it is
    in; None when there is no such folder (a stick taken out, a typing mistake)."""
    text = (path or "").strip()
    if not text:
        return None
    p = Path(text).expanduser()
    for candidate in (p, p.parent):
        if candidate.is_dir():
            return str(candidate.resolve())
    return None


def last_folder(svc: Any, field: str, home: Path | None = None) -> str:
    """The folder last used in ``field`` while it is still there, else ``default_folder``."""
    if not svc.locked:
        kept = svc.store.meta_get(_KEY + field)
        if isinstance(kept, str) and Path(kept).is_dir():
            return kept
    return default_folder(home)


def remember_folder(svc: Any, field: str, path: str) -> None:
    """Keep the folder ``path`` names as where ``field`` starts next time. Nothing is kept for a
    folder that does not exist, or once the store is locked (a field left as the app locks)."""
    folder = folder_of(path)
    if folder is None or svc.locked:
        return
    svc.store.meta_set(_KEY + field, folder, actor=svc.me.fingerprint)
