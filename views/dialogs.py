"""The system's file dialogs (Flet's ``FilePicker``), for the helper's phone and the browser.

A picked file arrives as bytes (in the browser there is no path); a saved one is a browser
download or, natively, a save dialog. Where there is no dialog (some phones), the screens keep
a path field as the fallback: a dialog that cannot open raises a ``XietongError`` saying so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from sync.app import helper_sync as hs

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol

NO_DIALOG = "无法打开文件选择窗口:请在下面填写文件路径。"


def bytes_first(shell: ShellProtocol) -> bool:
    """Whether a save dialog needs the file's bytes before it opens (browser and phones): then
    the bundle is sealed first; on a desktop the place is asked first and nothing is sealed on
    cancel."""
    page = shell.page
    return bool(page.web) or page.platform is None or page.platform.is_mobile()


async def pick_one(shell: ShellProtocol, extensions: list[str]) -> tuple[str, bytes] | None:
    """Let the person pick one file; its name and bytes, or None when the dialog was cancelled.
    Raises ``XietongError`` when there is no dialog here or the file cannot be read."""
    try:
        files = await shell.file_picker().pick_files(
            dialog_title="选择文件",
            file_type=ft.FilePickerFileType.CUSTOM,
            allowed_extensions=extensions,
            with_data=True,
        )
    except Exception as exc:  # no dialog on this platform, or the client did not answer
        raise hs.HelperSyncError(NO_DIALOG) from exc
    shell.touch()
    if not files:
        return None
    picked = files[0]
    if picked.bytes is not None:
        return picked.name, picked.bytes
    if picked.path:
        return picked.name, hs.read_file(picked.path)
    raise hs.FileUnreadable(f"无法读取所选文件:{picked.name}。请换一种方式选择文件。")


async def save_dialog(shell: ShellProtocol, name: str, extension: str, data: bytes | None = None) -> str | None:
    """Offer ``name`` to save. With ``data`` the dialog (or browser download) writes it and the
    result is the place or the name; without, it only asks where (desktop) and returns the path.
    None when cancelled."""
    try:
        where = await shell.file_picker().save_file(
            dialog_title="保存文件",
            file_name=name,
            file_type=ft.FilePickerFileType.CUSTOM,
            allowed_extensions=[extension],
            src_bytes=data,
        )
    except Exception as exc:
        raise hs.HelperSyncError("无法打开保存窗口:请在下面填写保存位置。") from exc
    shell.touch()
    if shell.page.web and data is not None:
        return where or f"{name}(浏览器的下载文件夹)"  # a download: no dialog to cancel, no path
    return where or None
