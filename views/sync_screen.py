"""The helper's sync screen: import the office's bundle, export ours.

Files are chosen with the system's file dialogs (``views.dialogs``). Where there may be no
dialog (some phones), a path field with a default folder and a list of the bundle files found
there stays as the fallback. Slow work (scrypt, sealing,
applying) runs off the event loop inside ``shell.busy()`` so the page keeps answering and the
idle lock waits for it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import flet as ft

from core.errors import XietongError
from core.routes import Screen
from core.sync_wording import IMPORT_TITLES, import_lines
from sync.app import folders
from sync.app import helper_sync as hs
from views.dialogs import bytes_first, pick_one, save_dialog
from views.enrolment import heading, office_pin_panel, result_box, rotation_panel
from views.work import Failed, on_loop, run

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol


# The path fields of the sync screen; each starts in the folder last used in it.
IMPORT_FOLDER = "数据包所在文件夹"
EXPORT_TO = "导出到(文件夹或文件)"


# ---------------------------------------------------------------------- sync screen


def count_lines(pv: dict[str, Any]) -> list[str]:
    """One line per kind: "走访记录:1 条(含2次更正)"; then the urgent reports, as the screen
    shows them both before and after an export."""
    fixes = pv.get("corrections") or {}
    lines = [
        f"{label}:{n} 条" + (f"(含{fixes[label]}次更正)" if fixes.get(label) else "")
        for label, n in sorted(pv["counts"].items())
    ]
    if pv.get("urgent"):
        lines.append(f"其中紧急的重要情况报告:{pv['urgent']} 份")
    return lines


def preview_lines(pv: dict[str, Any]) -> list[str]:
    """What the next export will carry, listed under "下次导出将包含"."""
    lines = count_lines(pv) or ["没有新的记录。"]
    if pv.get("resend"):
        lines.append(f"其中 {pv['resend']} 条已导出过、司法所尚未确认收到,将再次附上。")
    lines.append(f"共 {pv['total']} 条;另附给司法所的接收回执 {pv['receipts']} 条。")
    return lines


def exported_lines(done: dict[str, Any], where: str) -> tuple[str, list[str]]:
    """(title, lines) of the box shown after an export: what went, where, and what to do next."""
    lines = count_lines(done)
    if done.get("receipts"):
        lines.append(f"给司法所的接收回执:{done['receipts']} 条")
    lines.append(f"文件:{where}")
    lines.append("文件已加密,只有司法所能打开。请把它交给司法所导入。")
    title = f"已导出 {done['total']} 条记录" if done["total"] else "已导出数据包(没有新的记录,只有接收回执)"
    return title, lines


def sync_view(shell: ShellProtocol, screen: Screen) -> ft.View:
    svc = shell.service
    page = shell.page
    base = ft.View(
        appbar=ft.AppBar(title=ft.Text("同步")), navigation_bar=shell.nav_bar(1), scroll=ft.ScrollMode.AUTO, padding=16
    )
    if svc.identity()["role"] != "helper":
        base.controls = [ft.Text("司法所的数据包导入、导出请使用命令行:xietong export --all / xietong import。")]
        return base
    fps = hs.fingerprints(svc)
    if fps["office"] is None:
        base.controls = [
            heading("与司法所交换数据"),
            ft.Text("尚未信任司法所。请先导入司法所身份卡并核对指纹。"),
            office_pin_panel(shell, on_done=lambda: shell.go_screen("sync")),
        ]
        return base

    # ---- a key change the office announced, waiting for the in-person check
    rotation_slot = ft.Column()

    def show_rotation() -> None:
        pending = hs.pending_office_rotation(svc)
        rotation_slot.controls = (
            [rotation_panel(shell, pending["name"], on_done=lambda: shell.go_screen("sync"))] if pending else []
        )

    show_rotation()

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
        files.controls = [
            ft.TextButton(Path(p).name, icon=ft.Icons.DESCRIPTION_OUTLINED, on_click=choose(p)) for p in found[:20]
        ]
        if not found:
            files.controls = [ft.Text("此文件夹中没有数据包(.xtb)。")]
        if e is not None:
            page.update()

    folder.on_submit = list_files
    list_files()

    busy = {"on": False}  # one import or export at a time

    def import_failed(exc: XietongError) -> None:
        bar.visible, stage.value = False, ""
        result.controls = [result_box("导入失败", [exc.message], ok=False)]

    def imported(summary: hs.ImportSummary) -> None:
        bar.value, stage.value = 1.0, "完成"
        lines = import_lines(asdict(summary))
        title = IMPORT_TITLES[summary.status]
        result.controls = [result_box(title, lines, ok=summary.status != "rejected")]
        path.value = ""
        list_files()
        show_preview()  # the receipts for what just came in go out with the next export
        show_rotation()

    async def run_import(work: Callable[[hs.Progress], hs.ImportSummary]) -> None:
        """Run one import off the event loop with progress, then show its summary."""

        def show(fraction: float, text: str) -> None:
            bar.value, stage.value = fraction, text

        progress = on_loop(shell, show)
        bar.visible, bar.value, stage.value = True, 0.0, "正在导入……"
        result.controls = []
        page.update()
        busy["on"] = True
        try:
            await run(shell, lambda: work(progress), done=imported, failed=import_failed)
        finally:
            busy["on"] = False

    async def do_import(e: Any) -> None:
        shell.touch()
        if busy["on"]:
            return
        target = (path.value or "").strip()
        if not target:
            result.controls = [result_box("请先选择数据包", ["点选上面列出的文件,或填写文件路径。"], ok=False)]
            page.update()
            return
        folders.remember_folder(svc, IMPORT_FOLDER, target)
        await run_import(lambda progress: hs.import_bundle_file(svc, target, progress=progress))

    async def pick_import(e: Any) -> None:
        shell.touch()
        if busy["on"]:
            return
        picked = await run(shell, pick_one(shell, [hs.BUNDLE_SUFFIX[1:]]), failed=import_failed)
        if picked is None or isinstance(picked, Failed) or busy["on"]:  # cancelled: nothing changes, nothing said
            return
        name, data = picked
        await run_import(lambda progress: hs.import_bundle_bytes(svc, name, data, progress=progress))

    # ---- export
    preview_box = ft.Column()
    out = ft.TextField(label=EXPORT_TO, value=folders.last_folder(svc, EXPORT_TO))
    export_result = ft.Column()

    def show_preview() -> None:
        lines = preview_lines(hs.export_preview(svc))
        preview_box.controls = [ft.Text("下次导出将包含:", weight=ft.FontWeight.BOLD)] + [ft.Text(x) for x in lines]

    show_preview()

    def exported(done: dict[str, Any]) -> None:
        title, lines = exported_lines(done, done["path"])
        export_result.controls = [result_box(title, lines, ok=True)]
        show_preview()

    def export_failed(exc: XietongError) -> None:
        export_result.controls = [result_box("导出失败", [exc.message], ok=False)]

    async def exporting(flow: Callable[[], Awaitable[None]]) -> None:
        """One import or export at a time: a second tap meanwhile does nothing."""
        if busy["on"]:
            return
        busy["on"] = True
        try:
            await flow()
        finally:
            busy["on"] = False

    async def do_export(e: Any) -> None:
        async def flow() -> None:
            export_result.controls = [ft.Text("正在加密并写入……")]
            page.update()
            target = (out.value or "").strip() or folders.default_folder()
            done = await run(shell, lambda: hs.export_to(svc, target), done=exported, failed=export_failed)
            if not isinstance(done, Failed):
                folders.remember_folder(svc, EXPORT_TO, done["path"])

        await exporting(flow)

    async def save_export(e: Any) -> None:
        """Seal and hand the bundle to a save dialog (a download in the browser). On a desktop
        the place is asked first, so a cancelled dialog seals nothing."""

        async def sealed_first() -> None:
            export_result.controls = [ft.Text("正在加密……")]
            page.update()
            made = await run(shell, lambda: (hs.export_preview(svc), *hs.seal_export(svc)), failed=export_failed)
            if isinstance(made, Failed):
                return
            preview, name, sealed = made
            where = await run(shell, save_dialog(shell, name, hs.BUNDLE_SUFFIX[1:], sealed.blob), failed=export_failed)
            if where is None:  # cancelled on a phone: nothing counts as exported
                export_result.controls = []
                show_preview()
                page.update()
            elif not isinstance(where, Failed):
                await run(
                    shell,
                    sealed.commit,
                    failed=export_failed,
                    done=lambda _: exported({**preview, "path": where, "size": len(sealed.blob)}),
                )

        async def place_first() -> None:
            target = await run(
                shell, save_dialog(shell, hs.default_bundle_name(svc), hs.BUNDLE_SUFFIX[1:]), failed=export_failed
            )
            if target is None or isinstance(target, Failed):
                return
            export_result.controls = [ft.Text("正在加密并写入……")]
            page.update()
            await run(shell, lambda: hs.export_to(svc, target), done=exported, failed=export_failed)

        await exporting(sealed_first if bytes_first(shell) else place_first)

    base.controls = [
        ft.Text(f"司法所:{fps['office_name']}", size=16),
        ft.Divider(),
        rotation_slot,
        heading("导入司法所数据包"),
        ft.Button("选择数据包文件…", icon=ft.Icons.FOLDER_OPEN, on_click=pick_import),
        ft.Text("或者从本机文件夹中选择:", size=13),
        folder,
        ft.OutlinedButton("刷新文件列表", icon=ft.Icons.REFRESH, on_click=list_files),
        files,
        path,
        ft.Button("导入数据包", icon=ft.Icons.DOWNLOAD, on_click=do_import),
        bar,
        stage,
        result,
        ft.Divider(),
        heading("导出数据包给司法所"),
        preview_box,
        ft.Button("导出并保存数据包…", icon=ft.Icons.SAVE_ALT, on_click=save_export),
        ft.Text("或者写入本机文件夹:", size=13),
        out,
        ft.Button("导出数据包", icon=ft.Icons.UPLOAD, on_click=do_export),
        export_result,
    ]
    return base
