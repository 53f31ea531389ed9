"""解矫 on a subject's page: the declaration once given, or the form that gives it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import flet as ft

from core.errors import XietongError
from core.vocabularies import CLOSE_REASONS
from sync.app import office
from views.office.layout import heading, section, show_in
from views.work import run

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol

CLOSE_BUTTON = "办理解矫"


def closeout_section(
    shell: ShellProtocol, sid: str, closure: dict[str, Any] | None, again: Callable[[], None]
) -> ft.Control:
    """The 解矫 part of ``office_subject``: what was declared, or reason, date and 办理解矫."""
    if closure:
        lines = [f"解矫原因:{closure['reason']}", f"解矫日期:{closure['date']}", f"经办人:{closure['by']}"]
        if closure.get("transfer_to"):
            lines.append(f"迁往单位:{closure['transfer_to']}")
        if closure.get("note"):
            lines.append(f"备注:{closure['note']}")
        return section(
            heading("解矫宣告(已归档)"),
            *[ft.Text(t) for t in lines],
            ft.Text(
                "协助人员手机上的记录送达司法所后,该对象即从其手机上移除;司法所保留全部记录。",
                size=13,
                color=ft.Colors.GREY_700,
            ),
        )
    svc = shell.service
    reason = ft.Dropdown(
        label="解矫原因",
        width=160,
        value=CLOSE_REASONS[0],
        options=[ft.DropdownOption(key=r, text=r) for r in CLOSE_REASONS],
    )
    day = ft.TextField(label="解矫日期", value=svc.today().isoformat(), width=180, hint_text="YYYY-MM-DD")
    transfer = ft.TextField(label="迁往单位(迁出时填写)", width=260)
    note = ft.TextField(label="备注(选填)", width=260)
    message = ft.Column()

    def closed(_: Any) -> None:
        shell.toast("已办理解矫,下次导出时通知协助人员。")
        again()

    def refused(exc: XietongError) -> None:
        errors = getattr(exc, "errors", {})
        transfer.error = errors.get("transfer_to")
        day.error = errors.get("date")
        show_in(message, "未能办理解矫")(exc)

    async def close(e: Any) -> None:
        chosen, on, to, said = reason.value or "", day.value or "", transfer.value or "", note.value or ""
        await run(
            shell,
            lambda: office.close_case(svc, sid, chosen, on, transfer_to=to, note=said),
            done=closed,
            failed=refused,
        )

    return section(
        heading("解矫(期满、收监执行、死亡或迁出)"),
        ft.Row([reason, day, transfer, note], wrap=True),
        ft.FilledButton(CLOSE_BUTTON, icon=ft.Icons.ARCHIVE, on_click=close),
        message,
    )
