"""Durable file primitives: atomic replace, length-framed append logs, byte snapshots.

Every file the store writes goes through ``atomic_write`` (temp file in the same folder,
fsync, ``os.replace``, fsync of the folder) or ``append_frames`` (length-prefixed frames;
a torn last frame is detected on read and cut off before the next append).
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

TMP_PREFIX = ".tmp-"
_LEN = struct.Struct(">I")
MAX_FRAME = 256 * 1024 * 1024


def fsync_dir(folder: Path) -> None:
    """Make a rename or unlink in ``folder`` durable (POSIX only; Windows has no dir fsync)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes | list[bytes], entropy_hex: str, *, sync_dir: bool = True) -> None:
    """Replace ``path`` with ``data`` (bytes, or parts written one after another) so a crash
    leaves either the old or the new bytes.

    ``sync_dir=False`` lets a caller replacing many files in one folder fsync it once at the end.
    """
    tmp = path.parent / f"{TMP_PREFIX}{path.name}-{entropy_hex}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        try:
            for part in [data] if isinstance(data, bytes) else data:
                view = memoryview(part)
                while view:
                    view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        try:  # nothing half-written stays behind (a crash here is what leftover_temps is for)
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if sync_dir:
        fsync_dir(path.parent)


def remove_durably(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        return
    fsync_dir(path.parent)


def leftover_temps(folder: Path) -> list[Path]:
    """Temp files a crash left behind (ciphertext only; removed at the next write)."""
    if not folder.is_dir():
        return []
    return [p for p in folder.iterdir() if p.name.startswith(TMP_PREFIX)]


def frame(payload: bytes) -> bytes:
    return _LEN.pack(len(payload)) + payload


@dataclass
class FrameScan:
    """What a length-framed log holds: whole frames, where they end, and what follows."""

    frames: list[bytes]
    offsets: list[int]
    valid_end: int
    size: int

    @property
    def torn(self) -> bool:
        return self.size != self.valid_end


def scan_frames(data: bytes, start: int = 0) -> FrameScan:
    """Split ``data[start:]`` into frames; stop at the first incomplete one (a torn tail)."""
    frames: list[bytes] = []
    offsets: list[int] = []
    pos = start
    size = len(data)
    while pos + _LEN.size <= size:
        (length,) = _LEN.unpack_from(data, pos)
        end = pos + _LEN.size + length
        if length > MAX_FRAME or end > size:
            break
        frames.append(data[pos + _LEN.size : end])
        offsets.append(pos)
        pos = end
    return FrameScan(frames, offsets, pos, size)


class AppendFile:
    """An open append-only log; each append is durable when it returns."""

    def __init__(self, path: Path, valid_end: int) -> None:
        self.path = path
        self._fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
        size = os.fstat(self._fd).st_size
        if size != valid_end:
            # Cut a torn tail (or bytes past the last checkpoint) before writing after it.
            os.ftruncate(self._fd, valid_end)
            os.fsync(self._fd)
        self.end = valid_end

    def append(self, payloads: list[bytes]) -> None:
        self._write_durably([b"".join(frame(p) for p in payloads)])

    def append_frame(self, parts: list[bytes]) -> None:
        """One frame whose payload is ``parts`` joined, written part by part (not joined)."""
        self._write_durably([_LEN.pack(sum(len(p) for p in parts)), *parts])

    def _write_durably(self, buffers: list[bytes]) -> None:
        os.lseek(self._fd, self.end, os.SEEK_SET)
        for buffer in buffers:
            view = memoryview(buffer)
            while view:
                view = view[os.write(self._fd, view) :]
        if hasattr(os, "fdatasync"):
            os.fdatasync(self._fd)
        else:
            os.fsync(self._fd)
        self.end += sum(len(b) for b in buffers)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def snapshot_bytes(home: str | os.PathLike[str]) -> dict[str, bytes]:
    """Every file under ``home`` with its bytes, for tests proving an operation changed nothing."""
    root = Path(home)
    out: dict[str, bytes] = {}
    if not root.exists():
        return out
    for path in sorted(root.rglob("*")):
        if path.is_file():
            out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out
