"""报表: the office spreadsheets (XLSX) and the office card (DOCX), written where asked."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import flet as ft

from core.routes import Screen
from sync.app import folders, office
from views.office.layout import (
    box,
    frame,
    heading,
    path_picker,
    relist,
    section,
    show_in,
)
from views.office.subsidies import subsidy_section
from views.work import run

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol

REPORTS = (
    ("visits", "走访统计(补贴核算)"),
    ("evaluations", "社区评议"),
    ("subjects", "社区矫正对象名册"),
    ("helpers", "协助人员名册"),
)


def reports_view(shell: ShellProtocol, screen: Screen) -> ft.View:
    svc = shell.service
    folder, picker = path_picker(shell, "保存到文件夹", suffixes=(".xlsx", ".docx"))
    date_from = ft.TextField(label="开始日期(可不填)", hint_text="YYYY-MM-DD", width=200)
    date_to = ft.TextField(label="结束日期(可不填)", hint_text="YYYY-MM-DD", width=200)
    result = ft.Column()

    def target(name: str) -> Path:
        """The file to write: the path typed when it names an .xlsx/.docx file, else ``name`` in
        that folder (made if missing: a new folder typed here once took all four reports as one
        file, each overwriting the last)."""
        p = Path((folder.value or "").strip() or folders.default_folder()).expanduser()
        if p.suffix.lower() in (".xlsx", ".docx"):
            return p
        try:
            p.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # write_report names the folder it cannot write to
        return p / name

    def written(out: Any) -> None:
        result.controls = [box("已生成", [str(out)], ok=True)]
        relist(picker)

    def make(kind: str, label: str) -> Any:
        async def on_click(e: Any) -> None:
            start, end = (date_from.value or "").strip(), (date_to.value or "").strip()
            await run(
                shell,
                lambda: office.write_report(
                    svc, kind, target(f"{label.split('(')[0]}.xlsx"), date_from=start, date_to=end
                ),
                done=written,
                failed=show_in(result, "未能生成"),
            )

        return on_click

    async def card(e: Any) -> None:
        await run(
            shell,
            lambda: office.write_card_docx(svc, target("司法所身份卡.docx")),
            done=written,
            failed=show_in(result, "未能生成"),
        )

    return frame(
        shell,
        "office_reports",
        "报表",
        [
            section(
                heading("导出报表(XLSX)"),
                picker,
                ft.Row([date_from, date_to], wrap=True),
                ft.Row(
                    [
                        ft.OutlinedButton(label, icon=ft.Icons.TABLE_CHART, on_click=make(kind, label))
                        for kind, label in REPORTS
                    ],
                    wrap=True,
                ),
                ft.OutlinedButton("打印司法所身份卡(DOCX)", icon=ft.Icons.PRINT, on_click=card),
                result,
            ),
            subsidy_section(shell, lambda: shell.go_screen("office_reports")),
        ],
    )
