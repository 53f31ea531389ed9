"""On the helper's phone, above a subject's timeline: the 矫正小组 the office set up, and the
外出 / 居住地变更 requests with the office's decision. Approved travel offers 按期返回 and
逾期未归; 逾期未归 also files an urgent report (``helper_workflow.record_return``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import flet as ft

from core import routes
from core.errors import XietongError
from sync.app import helper_workflow
from views.work import run

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol

DECISION_COLOURS = {"批准": ft.Colors.GREEN_100, "不批准": ft.Colors.RED_100, "待审批": ft.Colors.AMBER_100}


def case_panels(shell: ShellProtocol, sid: str) -> list[ft.Control]:
    svc = shell.service
    panels = helper_workflow.case_panels(svc, sid)
    team, moves = panels["team"], panels["movements"]
    out: list[ft.Control] = [ft.Text("矫正小组", size=18, weight=ft.FontWeight.BOLD)]
    if team["members"]:
        out += [
            ft.Text(
                f"{m['slot_label']}:{m['name']}"
                + (f" {m['phone']}" if m["phone"] else "")
                + ("(组长)" if m["name"] == team["leader"] else "")
            )
            for m in team["members"]
        ]
    else:
        out.append(ft.Text("司法所尚未发来矫正小组。"))
    if not moves:
        return out
    status = ft.Text("", color=ft.Colors.RED_700)

    def returned(outcome: str) -> Callable[[Any], None]:
        def done(_: Any) -> None:
            shell.toast("已登记返回" if outcome == "按期返回" else "已登记逾期未归,并已生成紧急情况报告")
            shell.go(routes.subject(sid))

        return done

    def failed(exc: XietongError) -> None:
        status.value = exc.message + "".join(f" {m}" for m in getattr(exc, "errors", {}).values())
        shell.page.update()

    def record(request_id: str, outcome: str) -> Callable[[Any], Any]:
        async def on_click(e: Any) -> None:
            shell.touch()
            await run(
                shell,
                lambda: helper_workflow.record_return(svc, request_id, outcome),
                done=returned(outcome),
                failed=failed,
            )

        return on_click

    out.append(ft.Text("外出、居住地变更申请", size=18, weight=ft.FontWeight.BOLD))
    for m in moves:
        when = m["start"] + (f" 至 {m['end']}" if m["end"] else "")
        lines: list[ft.Control] = [
            ft.Row(
                [
                    ft.Text(f"{m['type']} · {m['destination']}", weight=ft.FontWeight.BOLD, expand=True),
                    ft.Container(
                        ft.Text(m["decision"], size=12),
                        bgcolor=DECISION_COLOURS.get(m["decision"]),
                        padding=ft.Padding.symmetric(horizontal=8, vertical=2),
                        border_radius=10,
                    ),
                ]
            ),
            ft.Text(f"{when};申请日期 {m['applied']}", size=13),
        ]
        if m["decided"]:
            lines.append(
                ft.Text(
                    f"司法所审批:{m['decision']}({m['decision_date']})"
                    + (f",意见:{m['decision_note']}" if m["decision_note"] else ""),
                    size=13,
                )
            )
        if m["returned"]:
            lines.append(ft.Text(f"返回情况:{m['returned']}({m['return_date']})", size=13))
        if m["can_return"]:
            lines.append(
                ft.Row(
                    [
                        ft.Button("按期返回", icon=ft.Icons.CHECK, on_click=record(m["id"], "按期返回")),
                        ft.Button(
                            "逾期未归",
                            icon=ft.Icons.WARNING,
                            on_click=record(m["id"], "逾期未归"),
                            bgcolor=ft.Colors.RED_50,
                            color=ft.Colors.RED_900,
                        ),
                    ],
                    wrap=True,
                )
            )
        out.append(
            ft.Container(
                ft.Column(lines, spacing=4), padding=10, border_radius=8, border=ft.Border.all(1, ft.Colors.GREY_300)
            )
        )
    out.append(status)
    return out
