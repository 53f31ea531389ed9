"""The helper's sync screen (import the office's bundle, export ours) and the enrolment panels.

Files are chosen with the system's file dialogs (Flet's ``FilePicker``): a picked file arrives
as bytes (in the browser there is no path), a saved one is a browser download or, natively, a
save dialog. Where there may be no dialog (some phones), a path field with a default folder and
a list of the bundle files found there stays as the fallback. Slow work (scrypt, sealing,
applying) runs off the event loop inside ``shell.busy()`` so the page keeps answering and the
idle lock waits for it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import flet as ft

from core.errors import XietongError
from core.routes import Screen
from sync.app import folders
from sync.app import helper_sync as hs

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol


def _heading(text: str) -> ft.Text:
    return ft.Text(text, size=18, weight=ft.FontWeight.BOLD)


NO_DIALOG = "无法打开文件选择窗口:请在下面填写文件路径。"
# The path fields of the sync screen; each starts in the folder last used in it.
IMPORT_FOLDER = "数据包所在文件夹"
EXPORT_TO = "导出到(文件夹或文件)"


def _bytes_first(shell: ShellProtocol) -> bool:
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
            dialog_title="选择文件", file_type=ft.FilePickerFileType.CUSTOM, allowed_extensions=extensions,
            with_data=True)
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
            dialog_title="保存文件", file_name=name, file_type=ft.FilePickerFileType.CUSTOM,
            allowed_extensions=[extension], src_bytes=data)
    except Exception as exc:
        raise hs.HelperSyncError("无法打开保存窗口:请在下面填写保存位置。") from exc
    shell.touch()
    if shell.page.web and data is not None:
        return where or f"{name}(浏览器的下载文件夹)"  # a download: no dialog to cancel, no path
    return where or None


def _result_box(title: str, lines: list[str], *, ok: bool) -> ft.Container:
    colour = ft.Colors.GREEN_50 if ok else ft.Colors.RED_50
    return ft.Container(
        bgcolor=colour, padding=12, border_radius=8,
        content=ft.Column([ft.Text(title, size=16, weight=ft.FontWeight.BOLD)] + [ft.Text(line) for line in lines]),
    )


# ---------------------------------------------------------------------- enrolment panels


def office_pin_panel(shell: ShellProtocol, on_done: Callable[[], None] | None = None) -> ft.Control:
    """Import the office card: pick the file (or type its path), show its fingerprint, type the
    digits read aloud, pin."""
    svc = shell.service
    folder = folders.default_folder()
    loaded: dict[str, bytes] = {}  # the card's bytes once picked or read; pinning uses exactly these
    path = ft.TextField(label="司法所身份卡文件路径", value=folder + "/")
    shown = ft.Text("")
    typed = ft.TextField(label="司法所念出的指纹数字", keyboard_type=ft.KeyboardType.NUMBER,
                         helper="30位数字,空格可有可无")
    message = ft.Text("")

    def show_card(data: bytes, label: str) -> None:
        try:
            card = hs.office_card_preview_bytes(data)
        except XietongError as exc:
            loaded.clear()
            shown.value, message.value, message.color = "", exc.message, ft.Colors.RED_700
        else:
            loaded["data"] = data
            shown.value = f"{label}\n{card['name']}\n文件中的指纹:{card['fingerprint']}"
            message.value, message.color = "请司法所工作人员念出其指纹,在下面逐组输入并核对。", None

    def preview(e: ft.Event[ft.Button]) -> None:
        shell.touch()
        try:
            data = hs.read_file(path.value)
        except XietongError as exc:
            loaded.clear()
            shown.value, message.value, message.color = "", exc.message, ft.Colors.RED_700
        else:
            show_card(data, f"文件:{path.value}")
        shell.page.update()

    async def pick(e: ft.Event[ft.Button]) -> None:
        shell.touch()
        try:
            picked = await pick_one(shell, hs.CARD_EXTENSIONS)
        except XietongError as exc:
            message.value, message.color = exc.message, ft.Colors.RED_700
            shell.page.update()
            return
        if picked is None:  # cancelled: nothing changes
            return
        show_card(picked[1], f"已选择:{picked[0]}")
        shell.page.update()

    def typed_path(e: ft.Event[ft.TextField]) -> None:
        loaded.clear()  # a new path: read it again before pinning

    path.on_change = typed_path

    def pin(e: ft.Event[ft.Button]) -> None:
        shell.touch()
        try:
            if "data" in loaded:
                office = hs.pin_office_from_bytes(svc, loaded["data"], typed.value or "")
            else:
                office = hs.pin_office_from_file(svc, path.value, typed.value or "")
        except XietongError as exc:
            message.value = exc.message
            message.color = ft.Colors.RED_700
            shell.page.update()
            return
        message.value = f"已信任司法所:{office['name']}"
        message.color = ft.Colors.GREEN_800
        shell.page.update()
        if on_done:
            on_done()

    return ft.Column([
        _heading("导入司法所身份卡"),
        ft.Button("选择身份卡文件…", icon=ft.Icons.FOLDER_OPEN, on_click=pick),
        ft.Text("选择不了文件时,把司法所给的身份卡文件放到本机,填写其路径:", size=13),
        path,
        ft.OutlinedButton("读取身份卡", on_click=preview),
        shown, typed,
        ft.Button("核对并信任司法所", on_click=pin),
        message,
    ])


def enrolment_panel(shell: ShellProtocol) -> ft.Control:
    """Write this helper's enrolment request to a file for the office."""
    svc = shell.service
    contact = hs.saved_contact(svc)
    committee = ft.TextField(label="所在村(居)委会", value=contact["committee"])
    phone = ft.TextField(label="联系电话", value=contact["phone"], keyboard_type=ft.KeyboardType.PHONE)
    out = ft.TextField(label="登记申请保存位置", value=folders.default_folder())
    message = ft.Text("")

    def failed(exc: XietongError) -> None:
        errors = getattr(exc, "errors", None)
        message.value = ";".join(errors.values()) if errors else exc.message
        message.color = ft.Colors.RED_700
        shell.page.update()

    def saved(where: str) -> None:
        message.value = f"登记申请已保存:{where}。请交给司法所,并当面核对指纹。"
        message.color = ft.Colors.GREEN_800
        shell.page.update()

    def write(e: ft.Event[ft.Button]) -> None:
        shell.touch()
        try:
            written = hs.write_enrolment_request(svc, out.value.strip(), committee=committee.value or "",
                                                 phone=phone.value or "")
        except XietongError as exc:
            failed(exc)
        else:
            saved(written)

    async def save(e: ft.Event[ft.Button]) -> None:
        shell.touch()
        who = {"committee": committee.value or "", "phone": phone.value or ""}
        try:
            name, blob = hs.enrolment_request_bytes(svc, **who)  # checks the contact before any dialog
            if _bytes_first(shell):
                where = await save_dialog(shell, name, hs.REQUEST_SUFFIX[1:], blob)
                if where is None:
                    return  # cancelled: nothing saved, nothing said
                hs.remember_contact(svc, **who)
            else:
                where = await save_dialog(shell, name, hs.REQUEST_SUFFIX[1:])
                if where is None:
                    return
                where = hs.write_enrolment_request(svc, where, **who)
        except XietongError as exc:
            failed(exc)
            return
        saved(where)

    return ft.Column([
        _heading("导出登记申请"),
        committee, phone,
        ft.Button("保存登记申请文件…", icon=ft.Icons.SAVE_ALT, on_click=save),
        ft.Text("或者写入本机文件夹:", size=13),
        out,
        ft.Button("导出登记申请", on_click=write),
        message,
    ])


# ---------------------------------------------------------------------- sync screen


def sync_view(shell: ShellProtocol, screen: Screen) -> ft.View:
    svc = shell.service
    page = shell.page
    base = ft.View(appbar=ft.AppBar(title=ft.Text("同步")), navigation_bar=shell.nav_bar(1),
                   scroll=ft.ScrollMode.AUTO, padding=16)
    if svc.identity()["role"] != "helper":
        base.controls = [ft.Text("司法所的数据包导入、导出请使用命令行:xietong export --all / xietong import。")]
        return base
    fps = hs.fingerprints(svc)
    if fps["office"] is None:
        base.controls = [
            _heading("与司法所交换数据"),
            ft.Text("尚未信任司法所。请先导入司法所身份卡并核对指纹。"),
            office_pin_panel(shell, on_done=lambda: shell.go("/sync")),
        ]
        return base

    # ---- import
    folder = ft.TextField(label=IMPORT_FOLDER, value=folders.last_folder(svc, IMPORT_FOLDER))
    path = ft.TextField(label="要导入的数据包文件")
    files = ft.Column()
    bar = ft.ProgressBar(value=0, visible=False)
    stage = ft.Text("")
    result = ft.Column()

    def choose(p: str) -> Callable[[Any], None]:
        def pick(e: Any) -> None:
            shell.touch()
            path.value = p
            page.update()
        return pick

    def list_files(e: Any = None) -> None:
        shell.touch()
        found = hs.bundle_files(folder.value or "")
        if e is not None:  # a folder typed, or listed again
            folders.remember_folder(svc, IMPORT_FOLDER, folder.value or "")
        files.controls = [ft.TextButton(Path(p).name, icon=ft.Icons.DESCRIPTION_OUTLINED, on_click=choose(p))
                          for p in found[:20]]
        if not found:
            files.controls = [ft.Text("此文件夹中没有数据包(.xtb)。")]
        if e is not None:
            page.update()

    folder.on_submit = list_files
    list_files()

    busy = {"on": False}  # one import or export at a time

    async def run_import(work: Callable[[hs.Progress], hs.ImportSummary]) -> None:
        """Run one import off the event loop with progress, then show its summary."""
        loop = asyncio.get_running_loop()

        def progress(fraction: float, text: str) -> None:
            def show() -> None:
                bar.value, stage.value = fraction, text
                page.update()
            loop.call_soon_threadsafe(show)

        bar.visible, bar.value, stage.value = True, 0.0, "正在导入……"
        result.controls = []
        page.update()
        busy["on"] = True
        try:
            with shell.busy():
                summary = await asyncio.to_thread(work, progress)
        except XietongError as exc:
            bar.visible, stage.value = False, ""
            result.controls = [_result_box("导入失败", [exc.message], ok=False)]
            page.update()
            return
        finally:
            busy["on"] = False
        bar.value, stage.value = 1.0, "完成"
        lines = list(summary.lines) + ([summary.gap] if summary.gap else [])
        title = {"accepted": "导入完成", "already": "已导入过", "rejected": "已拒绝该数据包"}[summary.status]
        result.controls = [_result_box(title, lines, ok=summary.status != "rejected")]
        path.value = ""
        list_files()
        show_preview()  # the receipts for what just came in go out with the next export
        page.update()

    async def do_import(e: Any) -> None:
        shell.touch()
        if busy["on"]:
            return
        target = (path.value or "").strip()
        if not target:
            result.controls = [_result_box("请先选择数据包", ["点选上面列出的文件,或填写文件路径。"], ok=False)]
            page.update()
            return
        folders.remember_folder(svc, IMPORT_FOLDER, target)
        await run_import(lambda progress: hs.import_bundle_file(svc, target, progress=progress))

    async def pick_import(e: Any) -> None:
        shell.touch()
        if busy["on"]:
            return
        try:
            picked = await pick_one(shell, [hs.BUNDLE_SUFFIX[1:]])
        except XietongError as exc:
            result.controls = [_result_box("导入失败", [exc.message], ok=False)]
            page.update()
            return
        if picked is None or busy["on"]:  # cancelled: nothing changes, nothing said
            return
        name, data = picked
        await run_import(lambda progress: hs.import_bundle_bytes(svc, name, data, progress=progress))

    # ---- export
    preview_box = ft.Column()
    out = ft.TextField(label=EXPORT_TO, value=folders.last_folder(svc, EXPORT_TO))
    export_result = ft.Column()

    def show_preview() -> None:
        try:
            pv = hs.export_preview(svc)
        except XietongError as exc:
            preview_box.controls = [ft.Text(exc.message)]
            return
        lines = hs.preview_lines(pv)
        preview_box.controls = [ft.Text("下次导出将包含:", weight=ft.FontWeight.BOLD)] + [ft.Text(x) for x in lines]

    show_preview()

    def exported(done: dict[str, Any], where: str) -> None:
        title, lines = hs.exported_lines(done, where)
        export_result.controls = [_result_box(title, lines, ok=True)]
        show_preview()
        page.update()

    def export_failed(exc: XietongError) -> None:
        export_result.controls = [_result_box("导出失败", [exc.message], ok=False)]
        page.update()

    async def do_export(e: Any) -> None:
        shell.touch()
        if busy["on"]:
            return
        busy["on"] = True
        export_result.controls = [ft.Text("正在加密并写入……")]
        page.update()
        try:
            with shell.busy():
                done = await asyncio.to_thread(hs.export_to, svc, (out.value or "").strip() or folders.default_folder())
        except XietongError as exc:
            export_failed(exc)
            return
        finally:
            busy["on"] = False
        folders.remember_folder(svc, EXPORT_TO, done["path"])
        exported(done, done["path"])

    async def save_export(e: Any) -> None:
        """Seal and hand the bundle to a save dialog (a download in the browser). On a desktop
        the place is asked first, so a cancelled dialog seals nothing."""
        shell.touch()
        if busy["on"]:
            return
        busy["on"] = True
        try:
            if _bytes_first(shell):
                preview = hs.export_preview(svc)
                export_result.controls = [ft.Text("正在加密……")]
                page.update()
                with shell.busy():
                    name, sealed = await asyncio.to_thread(hs.seal_export, svc)
                where = await save_dialog(shell, name, hs.BUNDLE_SUFFIX[1:], sealed.blob)
                if where is None:  # cancelled on a phone: nothing counts as exported
                    export_result.controls = []
                    show_preview()
                    page.update()
                    return
                await asyncio.to_thread(sealed.commit)
                done = {**preview, "path": where, "size": len(sealed.blob)}
            else:
                target = await save_dialog(shell, hs.default_bundle_name(svc), hs.BUNDLE_SUFFIX[1:])
                if target is None:
                    return
                export_result.controls = [ft.Text("正在加密并写入……")]
                page.update()
                with shell.busy():
                    done = await asyncio.to_thread(hs.export_to, svc, target)
        except XietongError as exc:
            export_failed(exc)
            return
        finally:
            busy["on"] = False
        exported(done, done["path"])

    base.controls = [
        ft.Text(f"司法所:{fps['office_name']}", size=16),
        ft.Divider(),
        _heading("导入司法所数据包"),
        ft.Button("选择数据包文件…", icon=ft.Icons.FOLDER_OPEN, on_click=pick_import),
        ft.Text("或者从本机文件夹中选择:", size=13),
        folder,
        ft.OutlinedButton("刷新文件列表", icon=ft.Icons.REFRESH, on_click=list_files),
        files, path,
        ft.Button("导入数据包", icon=ft.Icons.DOWNLOAD, on_click=do_import),
        bar, stage, result,
        ft.Divider(),
        _heading("导出数据包给司法所"),
        preview_box,
        ft.Button("导出并保存数据包…", icon=ft.Icons.SAVE_ALT, on_click=save_export),
        ft.Text("或者写入本机文件夹:", size=13),
        out,
        ft.Button("导出数据包", icon=ft.Icons.UPLOAD, on_click=do_export),
        export_result,
    ]
    return base
