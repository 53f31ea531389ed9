"""The helper's sync screen (import the office's bundle, export ours) and the enrolment panels.

In the browser view a file picker cannot hand back a path on this machine, so files are chosen
by a path field with a default folder and a list of the bundle files found there. Slow work
(scrypt, sealing, applying) runs off the event loop so the page keeps answering.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import flet as ft

from core.errors import XietongError
from core.routes import Screen
from sync import helper_sync as hs

if TYPE_CHECKING:
    from views.app import Shell


def _folder_of(value: str) -> str:
    p = Path(value.strip() or ".").expanduser()
    return str(p if p.is_dir() else p.parent)


def _heading(text: str) -> ft.Text:
    return ft.Text(text, size=18, weight=ft.FontWeight.BOLD)


def _result_box(title: str, lines: list[str], *, ok: bool) -> ft.Container:
    colour = ft.Colors.GREEN_50 if ok else ft.Colors.RED_50
    return ft.Container(
        bgcolor=colour, padding=12, border_radius=8,
        content=ft.Column([ft.Text(title, size=16, weight=ft.FontWeight.BOLD)] + [ft.Text(line) for line in lines]),
    )


# ---------------------------------------------------------------------- enrolment panels


def office_pin_panel(shell: "Shell", on_done: Callable[[], None] | None = None) -> ft.Control:
    """Import the office card: path, show its fingerprint, type the digits read aloud, pin."""
    svc = shell.service
    folder = hs.default_folder()
    path = ft.TextField(label="司法所身份卡文件路径", value=folder + "/")
    shown = ft.Text("")
    typed = ft.TextField(label="司法所念出的指纹数字", keyboard_type=ft.KeyboardType.NUMBER,
                         helper="30位数字,空格可有可无")
    message = ft.Text("")

    def preview(e: ft.Event[ft.Button]) -> None:
        shell.touch()
        try:
            card = hs.office_card_preview(path.value)
        except XietongError as exc:
            shown.value, message.value = "", exc.message
        else:
            shown.value = f"{card['name']}\n文件中的指纹:{card['fingerprint']}"
            message.value = "请司法所工作人员念出其指纹,在下面逐组输入并核对。"
        shell.page.update()

    def pin(e: ft.Event[ft.Button]) -> None:
        shell.touch()
        try:
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
        ft.Text("把司法所给的身份卡文件放到本机,填写其路径。"),
        path,
        ft.OutlinedButton("读取身份卡", on_click=preview),
        shown, typed,
        ft.Button("核对并信任司法所", on_click=pin),
        message,
    ])


def enrolment_panel(shell: "Shell") -> ft.Control:
    """Write this helper's enrolment request to a file for the office."""
    svc = shell.service
    contact = hs.saved_contact(svc)
    committee = ft.TextField(label="所在村(居)委会", value=contact["committee"])
    phone = ft.TextField(label="联系电话", value=contact["phone"], keyboard_type=ft.KeyboardType.PHONE)
    out = ft.TextField(label="登记申请保存位置", value=hs.default_folder())
    message = ft.Text("")

    def write(e: ft.Event[ft.Button]) -> None:
        shell.touch()
        try:
            written = hs.write_enrolment_request(svc, out.value.strip(), committee=committee.value or "",
                                                 phone=phone.value or "")
        except XietongError as exc:
            errors = getattr(exc, "errors", None)
            message.value = ";".join(errors.values()) if errors else exc.message
            message.color = ft.Colors.RED_700
        else:
            message.value = f"登记申请已保存:{written}。请交给司法所,并当面核对指纹。"
            message.color = ft.Colors.GREEN_800
        shell.page.update()

    return ft.Column([
        _heading("导出登记申请"),
        committee, phone, out,
        ft.Button("导出登记申请", on_click=write),
        message,
    ])


# ---------------------------------------------------------------------- sync screen


def sync_view(shell: "Shell", screen: Screen) -> ft.View:
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
    folder = ft.TextField(label="数据包所在文件夹", value=hs.default_folder())
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
        files.controls = [ft.TextButton(Path(p).name, icon=ft.Icons.DESCRIPTION_OUTLINED, on_click=choose(p))
                          for p in found[:20]]
        if not found:
            files.controls = [ft.Text("此文件夹中没有数据包(.xtb)。")]
        if e is not None:
            page.update()

    folder.on_submit = list_files
    list_files()

    busy = {"on": False}  # one import or export at a time

    async def do_import(e: Any) -> None:
        shell.touch()
        if busy["on"]:
            return
        target = (path.value or "").strip()
        if not target:
            result.controls = [_result_box("请先选择数据包", ["点选上面列出的文件,或填写文件路径。"], ok=False)]
            page.update()
            return
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
            summary = await asyncio.to_thread(hs.import_bundle_file, svc, target, progress=progress)
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

    # ---- export
    preview_box = ft.Column()
    out = ft.TextField(label="导出到(文件夹或文件)", value=hs.default_folder())
    export_result = ft.Column()

    def show_preview() -> None:
        try:
            pv = hs.export_preview(svc)
        except XietongError as exc:
            preview_box.controls = [ft.Text(exc.message)]
            return
        lines = [f"{label}:{n} 条" for label, n in sorted(pv["counts"].items())] or ["没有新的记录。"]
        if pv["urgent"]:
            lines.append(f"其中紧急的重要情况报告:{pv['urgent']} 份")
        if pv["resend"]:
            lines.append(f"其中 {pv['resend']} 条已导出过、司法所尚未确认收到,将再次附上。")
        lines.append(f"共 {pv['total']} 条;另附给司法所的接收回执 {pv['receipts']} 条。")
        preview_box.controls = [ft.Text("下次导出将包含:", weight=ft.FontWeight.BOLD)] + [ft.Text(x) for x in lines]

    show_preview()

    async def do_export(e: Any) -> None:
        shell.touch()
        if busy["on"]:
            return
        busy["on"] = True
        export_result.controls = [ft.Text("正在加密并写入……")]
        page.update()
        try:
            done = await asyncio.to_thread(hs.export_to, svc, (out.value or "").strip() or hs.default_folder())
        except XietongError as exc:
            export_result.controls = [_result_box("导出失败", [exc.message], ok=False)]
            page.update()
            return
        finally:
            busy["on"] = False
        lines = [f"{label}:{n} 条" for label, n in sorted(done["counts"].items())]
        lines.append(f"文件:{done['path']}")
        lines.append("文件已加密,只有司法所能打开。请把它交给司法所导入。")
        export_result.controls = [_result_box(f"已导出 {done['total']} 条记录", lines, ok=True)]
        show_preview()
        page.update()

    base.controls = [
        ft.Text(f"司法所:{fps['office_name']}", size=16),
        ft.Divider(),
        _heading("导入司法所数据包"),
        folder,
        ft.OutlinedButton("刷新文件列表", icon=ft.Icons.REFRESH, on_click=list_files),
        files, path,
        ft.Button("导入数据包", icon=ft.Icons.DOWNLOAD, on_click=do_import),
        bar, stage, result,
        ft.Divider(),
        _heading("导出数据包给司法所"),
        preview_box, out,
        ft.Button("导出数据包", icon=ft.Icons.UPLOAD, on_click=do_export),
        export_result,
    ]
    return base
