"""协助人员 → how much history a new helper receives when a subject changes hands (移交材料)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from core.errors import XietongError
from sync.app import office
from views.office.layout import heading, section
from views.work import run

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol

SAVE_KEEP = "保存移交条数"


def handover_section(shell: ShellProtocol) -> ft.Control:
    svc = shell.service
    keep = ft.TextField(
        label="移交最近的走访记录和社区评议各几条",
        value=str(office.handover_keep(svc)),
        width=300,
        keyboard_type=ft.KeyboardType.NUMBER,
    )

    def saved(number: int) -> None:
        keep.error = None
        keep.value = str(number)
        shell.toast(f"已保存:更换协助人员时移交最近 {number} 条走访记录和社区评议。")

    def refused(exc: XietongError) -> None:
        errors = getattr(exc, "errors", {})
        keep.error = errors.get("keep", exc.message)

    async def save(e: Any) -> None:
        typed = keep.value or ""
        await run(shell, lambda: office.set_handover_keep(svc, typed), done=saved, failed=refused)

    return section(
        heading("更换协助人员时的移交材料"),
        ft.Text(
            "对象改由另一名协助人员负责时,新协助人员的手机收到:最新的登记表(附件2)、最近几条走访记录和社区评议、"
            "尚未处理的重要情况报告和矫正小组。其余记录留在司法所(四.5)。"
        ),
        ft.Row([keep, ft.FilledButton(SAVE_KEEP, icon=ft.Icons.SAVE, on_click=save)], wrap=True),
    )
