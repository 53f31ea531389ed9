"""Writing a file the user chose (a bundle, a print-out, a spreadsheet): whole or not at all.

The store's ``fsio.atomic_write`` (temp file beside the destination, fsync, ``os.replace``), so
a failed export never leaves a half file and never clobbers the previous one. A destination that
cannot be written raises ``ExportFailed`` whose message tells the person to pick another place.
Kept apart from ``storage.documents`` so that writing a bundle on a phone loads neither
python-docx nor openpyxl.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from core.errors import XietongError
from storage.fsio import TMP_PREFIX, atomic_write, fsync_dir

TEMP_PREFIX = TMP_PREFIX


class ExportFailed(XietongError):
    """The export file could not be written; ``path`` is the destination asked for."""

    code = "export_failed"

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"无法写入文件“{self.path}”:{reason}。请选择其他位置。")


def _reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "所在文件夹不存在"
    if isinstance(exc, IsADirectoryError):
        return "该位置是一个文件夹"
    if isinstance(exc, NotADirectoryError):
        return "路径中有一项不是文件夹"
    if isinstance(exc, PermissionError):
        return "没有写入权限"
    if exc.errno == errno.ENOSPC:
        return "磁盘空间不足"
    if exc.errno == errno.EROFS:
        return "该位置只读"
    if exc.errno == errno.ENAMETOOLONG:
        return "文件名太长"
    return "系统拒绝写入"


def write_atomically(out_path: str | os.PathLike[str], data: bytes) -> Path:
    """Replace ``out_path`` with ``data`` whole, or leave it as it was and raise ExportFailed."""
    dest = Path(out_path)
    if dest.name in ("", ".", ".."):
        raise ExportFailed(dest, "没有给出文件名")
    try:
        atomic_write(dest, data, os.urandom(8).hex(), sync_dir=False)
    except OSError as exc:
        raise ExportFailed(dest, _reason(exc)) from exc
    try:
        fsync_dir(dest.parent)
    except OSError:
        pass  # the file is complete; some removable media cannot sync a folder
    return dest
