"""The one set of file helpers every screen and command uses: read a file the user named, write
one atomically where the user chose, list a folder for a path field, name the quarantine.

Files written here are what the user asked for (bundles are encrypted; print-outs and
spreadsheets are plaintext by nature and go only where the user chose, never into the home).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from storage.exports import write_atomically
from sync.app.errors import FileMissing, FileUnreadable, FileUnwritable
from sync.exchange import QUARANTINE_DIR

BUNDLE_SUFFIX = ".xtb"
CARD_SUFFIX = ".xtcard"
REQUEST_SUFFIX = ".xtreq"
REQUEST_SUFFIXES = (REQUEST_SUFFIX, ".req", ".json")
CARD_EXTENSIONS = ["xtcard", "card"]  # the office console writes .xtcard; the CLI takes any name

PathLike = str | os.PathLike[str]

__all__ = [
    "BUNDLE_SUFFIX",
    "CARD_EXTENSIONS",
    "CARD_SUFFIX",
    "QUARANTINE_DIR",
    "REQUEST_SUFFIX",
    "REQUEST_SUFFIXES",
    "bundle_paths",
    "file_in",
    "list_files",
    "quarantine_dir",
    "read_file",
    "safe_name",
    "typed_path",
    "with_suffix",
    "write_file",
]


def typed_path(path: PathLike) -> Path:
    """A path as typed in a field or on a command line (spaces trimmed, ``~`` expanded)."""
    return Path(str(path).strip()).expanduser()


def with_suffix(path: Path, suffix: str) -> Path:
    """``path`` ending in ``suffix`` (added, never replacing what the user typed)."""
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
)


def safe_name(text: str, *, fallback: str = "文件") -> str:
    """A file name made from what someone typed (a helper's or a subject's name): no path
    separators, no ``..``, no control or Windows-forbidden characters, no reserved device name
    (CON, NUL, COM1...), not empty, at most 120 characters."""
    cleaned = "".join("_" if (ch in '/\\:*?"<>|' or ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0) else ch for ch in text)
    cleaned = cleaned.strip().strip(".").strip()
    while ".." in cleaned:
        cleaned = cleaned.replace("..", "_")
    if not cleaned or cleaned.split(".")[0].upper() in _RESERVED:
        cleaned = f"_{cleaned}" if cleaned else fallback
    return cleaned[:120]


def file_in(folder: Path, name: str) -> Path:
    """``folder / safe_name(name)``, refused unless it stays inside ``folder``."""
    target = folder / safe_name(name)
    if target.resolve().parent != folder.resolve():
        raise FileUnwritable(f"文件名“{name}”不能用作文件名,请联系维护人员。")
    return target


def read_file(path: PathLike) -> bytes:
    p = typed_path(path)
    try:
        return p.read_bytes()
    except OSError as exc:
        raise FileUnreadable(f"无法读取文件:{p}。请检查路径是否正确。") from exc


def write_file(path: PathLike, data: bytes) -> Path:
    """Write ``data`` whole or not at all (temp file, fsync, rename), making the folder if needed."""
    p = typed_path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileUnwritable(f"无法创建文件夹:{p.parent}。请检查U盘或存储卡,或换一个文件夹。") from exc
    return write_atomically(p, data)


def list_files(folder: PathLike, suffixes: Iterable[str] = (), *, newest_first: bool = False) -> list[str]:
    """File names in ``folder`` (only those ending in ``suffixes`` when given), for path fields.

    In a browser the file picker cannot hand the server a path, so screens show this listing
    under their path fields. A missing folder lists nothing."""
    text = str(folder).strip()
    if not text:
        return []
    p = Path(text).expanduser()
    wanted = tuple(s.lower() for s in suffixes)
    try:
        found = [q for q in p.iterdir() if q.is_file() and (not wanted or q.name.lower().endswith(wanted))]
        if newest_first:
            found.sort(key=lambda q: q.stat().st_mtime, reverse=True)
        else:
            found.sort(key=lambda q: q.name)
    except OSError:
        return []
    return [q.name for q in found]


def bundle_paths(items: Iterable[PathLike]) -> list[Path]:
    """The bundle files named: a folder gives its ``.xtb`` files, sorted by name."""
    paths: list[Path] = []
    for item in items:
        p = typed_path(item)
        if p.is_dir():
            paths.extend(p / name for name in list_files(p, (BUNDLE_SUFFIX,)))
        elif p.is_file():
            paths.append(p)
        else:
            raise FileMissing(f"找不到文件或文件夹:{item}。请检查路径。")
    return paths


def quarantine_dir(home: Path) -> Path:
    """Where refused bundle files go (moved, never deleted), beside the store."""
    return home / QUARANTINE_DIR
