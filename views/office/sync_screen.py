"""同步: export one bundle per helper to a folder, batch-import a folder of helpers' bundles.

Both run off the event loop with a moving progress bar; the import ends with one row per file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from core.errors import XietongError
from core.routes import Screen
from sync.app import office
from views.office.layout import box, frame, heading, path_picker, relist, section, table, threadsafe_progress

if TYPE_CHECKING:
    from views.app import Shell

STATUS_COLOURS = {"accepted": ft.Colors.GREEN_700, "already": ft.Colors.GREY_700, "rejected": ft.Colors.RED_700}


def _counts(c: dict[str, int]) -> str:
    return f"新增 {c.get('new', 0)} 更新 {c.get('updated', 0)} 重复 {c.get('duplicate', 0)} 冲突 {c.get('conflict', 0)}"


def sync_view(shell: "Shell", screen: Screen) -> ft.View:
    svc = shell.service
    page = shell.page

    # ---- export
    out_dir, out_picker = path_picker(shell, "导出到文件夹(如U盘)", suffixes=(office.BUNDLE_SUFFIX,))
    out_bar = ft.ProgressBar(value=0, visible=False, width=520)
    out_text = ft.Text("")
    out_result = ft.Column()

    async def do_export(e: Any) -> None:
        shell.touch()
        out_bar.visible, out_bar.value, out_text.value = True, 0.0, "正在加密并写入……"
        out_result.controls = []
        page.update()
        try:
            rows = await _to_thread(office.export_all, svc, (out_dir.value or "").strip(),
                                    progress=threadsafe_progress(shell, out_bar, out_text))
        except XietongError as exc:
            out_bar.visible, out_text.value = False, ""
            out_result.controls = [box("导出失败", [exc.message], ok=False)]
            page.update()
            return
        out_bar.value, out_text.value = 1.0, f"完成:共 {sum(not r['error'] for r in rows)} 个数据包"
        done = [r for r in rows if not r["error"]]
        title = f"已导出 {len(done)} 个数据包" + (f",{len(rows) - len(done)} 个未能导出" if len(done) < len(rows) else "")
        lines = [f"{r['helper']}:{r['file'] or r['error']}" for r in rows] or ["没有在册的协助人员。"]
        out_result.controls = [box(title, lines, ok=len(done) == len(rows))]
        relist(out_picker)
        page.update()

    # ---- batch import
    in_dir, in_picker = path_picker(shell, "数据包所在文件夹", suffixes=(office.BUNDLE_SUFFIX,))
    in_bar = ft.ProgressBar(value=0, visible=False, width=520)
    in_text = ft.Text("")
    in_result = ft.Column()

    async def do_import(e: Any) -> None:
        shell.touch()
        in_bar.visible, in_bar.value, in_text.value = True, 0.0, "正在导入……"
        in_result.controls = []
        page.update()
        try:
            results = await _to_thread(office.batch_import, svc, (in_dir.value or "").strip(),
                                       progress=threadsafe_progress(shell, in_bar, in_text))
        except XietongError as exc:
            in_bar.visible, in_text.value = False, ""
            in_result.controls = [box("导入失败", [exc.message], ok=False)]
            page.update()
            return
        in_bar.value = 1.0
        ok = sum(r["status"] == "accepted" for r in results)
        bad = sum(r["status"] == "rejected" for r in results)
        same = len(results) - ok - bad
        in_text.value = f"完成:共 {len(results)} 个文件,已导入 {ok},已拒绝 {bad},重复 {same}"
        rows = [[r["file"], (r["sender_name"] or "—") + ("(自称,未验证)" if r["status"] == "rejected" and r["sender_name"] else ""),
                 ft.Text(r["label"], color=STATUS_COLOURS[r["status"]], weight=ft.FontWeight.BOLD),
                 _counts(r["counts"]) if r["status"] == "accepted" else "",
                 ft.Text((r["message"] or "") + (f"(已移至隔离区 {r['quarantined']})" if r["quarantined"] else ""),
                         width=420, size=13)]
                for r in results]
        in_result.controls = [table(["文件", "协助人员", "结果", "记录", "说明"], rows)] if rows else [
            ft.Text("没有找到数据包文件(.xtb)。")]
        page.update()

    return frame(shell, "office_sync", "同步", [
        section(heading("导出给协助人员"), ft.Text("为每名在册的协助人员生成一个加密数据包(对象、通知单、处理意见、回执)。"),
                out_picker, ft.FilledButton("全部导出", icon=ft.Icons.UPLOAD, on_click=do_export), out_bar, out_text,
                out_result),
        section(heading("批量导入协助人员的数据包"),
                ft.Text("导入文件夹中全部 .xtb 文件;被拒收的文件移至隔离区,不会删除。"),
                in_picker, ft.FilledButton("批量导入", icon=ft.Icons.DOWNLOAD, on_click=do_import), in_bar, in_text,
                in_result),
    ])


async def _to_thread(fn: Any, *args: Any, **kwargs: Any) -> Any:
    import asyncio

    return await asyncio.to_thread(fn, *args, **kwargs)
