"""同步 (office): export one bundle per helper to a folder, batch-import a folder of helpers' bundles.

Both run through ``views.work.run``: off the event loop inside ``shell.busy()`` (the idle lock
must not close the store under them) with a moving progress bar; the import ends with one row
per file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from core.routes import Screen
from core.sync_wording import IMPORT_LABELS
from sync.app import office
from views.office.layout import (
    box,
    frame,
    heading,
    path_picker,
    progress_of,
    relist,
    section,
    show_in,
    table,
)
from views.work import run

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol

STATUS_COLOURS = {"accepted": ft.Colors.GREEN_700, "already": ft.Colors.GREY_700, "rejected": ft.Colors.RED_700}


def _counts(c: dict[str, int]) -> str:
    return f"新增 {c.get('new', 0)} 更新 {c.get('updated', 0)} 重复 {c.get('duplicate', 0)} 冲突 {c.get('conflict', 0)}"


def export_summary(rows: list[dict[str, Any]]) -> ft.Control:
    """One line per helper: the file written, or why not."""
    done = [r for r in rows if not r["error"]]
    title = f"已导出 {len(done)} 个数据包" + (f",{len(rows) - len(done)} 个未能导出" if len(done) < len(rows) else "")
    lines = [f"{r['helper']}:{r['file'] or r['error']}" for r in rows] or ["没有在册的协助人员。"]
    return box(title, lines, ok=len(done) == len(rows))


def import_table(results: list[dict[str, Any]]) -> ft.Control:
    """One row per file: who sent it (as claimed, when refused), the outcome, the records, why."""
    rows = [
        [
            r["file"],
            (r["sender_name"] or "—") + ("(自称,未验证)" if r["status"] == "rejected" and r["sender_name"] else ""),
            ft.Text(IMPORT_LABELS[r["status"]], color=STATUS_COLOURS[r["status"]], weight=ft.FontWeight.BOLD),
            _counts(r["counts"]) if r["status"] == "accepted" else "",
            ft.Column(
                [
                    ft.Text(
                        (r["message"] or "") + (f"(已移至隔离区 {r['quarantined']})" if r["quarantined"] else ""),
                        width=420,
                        size=13,
                    )
                ]
                + [
                    ft.Text(f"警告:{w}", width=420, size=13, color=ft.Colors.ORANGE_900, weight=ft.FontWeight.BOLD)
                    for w in r.get("warnings") or []
                ]
            ),
        ]
        for r in results
    ]
    return table(["文件", "协助人员", "结果", "记录", "说明"], rows) if rows else ft.Text("没有找到数据包文件(.xtb)。")


def flagged_section(shell: ShellProtocol) -> ft.Control:
    """Changes and deletions of records the office had already acknowledged: applied, the
    acknowledged version kept in the record's history, listed until the officer has looked."""
    svc = shell.service
    holder = ft.Column()

    def fill(rows: list[dict[str, Any]]) -> None:
        if not rows:
            holder.controls = [ft.Text("没有待核查的修改。")]
            return
        lines = []
        for r in rows:
            what = "删除了" if r["deleted"] else f"修改为第{r['revision']}版"
            lines.append(
                [
                    r["helper_name"],
                    r["subject_name"] or "—",
                    r["kind_label"] or r["kind"],
                    f"司法所已确认第{r['acked_revision']}版,对方{what}",
                    ft.OutlinedButton("已核查", on_click=dismiss(r)),
                ]
            )
        holder.controls = [table(["协助人员", "矫正对象", "记录", "变化", ""], lines)]

    def dismiss(row: dict[str, Any]) -> Any:
        def looked_at() -> list[dict[str, Any]]:
            office.dismiss_flagged(svc, row["helper"], row["record"], row["revision"])
            return office.flagged_rows(svc)

        async def click(e: Any) -> None:
            await run(shell, looked_at, done=fill)

        return click

    fill(office.flagged_rows(svc))
    return section(
        heading("已确认记录的后续修改(待核查)"),
        ft.Text(
            "协助人员修改或删除了司法所已确认收到的记录。修改已生效,原版本保留在记录历史中;"
            "请到对象页面核对后点“已核查”。"
        ),
        holder,
    )


def sync_view(shell: ShellProtocol, screen: Screen) -> ft.View:
    svc = shell.service
    page = shell.page

    # ---- export
    out_dir, out_picker = path_picker(shell, "导出到文件夹(如U盘)", suffixes=(office.BUNDLE_SUFFIX,))
    out_bar = ft.ProgressBar(value=0, visible=False, width=520)
    out_text = ft.Text("")
    out_result = ft.Column()

    async def do_export(e: Any) -> None:
        out_bar.visible, out_bar.value, out_text.value = True, 0.0, "正在加密并写入……"
        out_result.controls = []
        page.update()
        progress = progress_of(shell, out_bar, out_text)
        folder = (out_dir.value or "").strip()

        def exported(rows: list[dict[str, Any]]) -> None:
            out_bar.value, out_text.value = 1.0, f"完成:共 {sum(not r['error'] for r in rows)} 个数据包"
            out_result.controls = [export_summary(rows)]
            relist(out_picker)

        def failed(exc: Any) -> None:
            out_bar.visible, out_text.value = False, ""
            show_in(out_result, "导出失败")(exc)

        await run(shell, lambda: office.export_all(svc, folder, progress=progress), done=exported, failed=failed)

    flagged = ft.Column([flagged_section(shell)])

    # ---- batch import
    in_dir, in_picker = path_picker(shell, "数据包所在文件夹", suffixes=(office.BUNDLE_SUFFIX,))
    in_bar = ft.ProgressBar(value=0, visible=False, width=520)
    in_text = ft.Text("")
    in_result = ft.Column()

    async def do_import(e: Any) -> None:
        in_bar.visible, in_bar.value, in_text.value = True, 0.0, "正在导入……"
        in_result.controls = []
        page.update()
        progress = progress_of(shell, in_bar, in_text)
        folder = (in_dir.value or "").strip()

        def imported(results: list[dict[str, Any]]) -> None:
            ok = sum(r["status"] == "accepted" for r in results)
            bad = sum(r["status"] == "rejected" for r in results)
            in_bar.value = 1.0
            in_text.value = f"完成:共 {len(results)} 个文件,已导入 {ok},已拒绝 {bad},重复 {len(results) - ok - bad}"
            in_result.controls = [import_table(results)]
            flagged.controls = [flagged_section(shell)]

        def failed(exc: Any) -> None:
            in_bar.visible, in_text.value = False, ""
            show_in(in_result, "导入失败")(exc)

        await run(shell, lambda: office.batch_import(svc, folder, progress=progress), done=imported, failed=failed)

    return frame(
        shell,
        "office_sync",
        "同步",
        [
            section(
                heading("导出给协助人员"),
                ft.Text("为每名在册的协助人员生成一个加密数据包(对象、通知单、处理意见、回执)。"),
                out_picker,
                ft.FilledButton("全部导出", icon=ft.Icons.UPLOAD, on_click=do_export),
                out_bar,
                out_text,
                out_result,
            ),
            section(
                heading("批量导入协助人员的数据包"),
                ft.Text("导入文件夹中全部 .xtb 文件;被拒收的文件移至隔离区,不会删除。"),
                in_picker,
                ft.FilledButton("批量导入", icon=ft.Icons.DOWNLOAD, on_click=do_import),
                in_bar,
                in_text,
                in_result,
            ),
            flagged,
        ],
    )
