"""The helper's 调查评估任务: entrustments (委托调查评估) the office named this helper on.

Listed above the subjects; one entrustment's page shows who it is about and what the court
asked, a button for the investigation form, and the investigations recorded so far.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from core import routes
from core.routes import Screen
from sync.app import helper_entrustments as tasks
from views.tiles import SCROLL_INTERVAL_MS, badge, read_only_note, timeline_tile

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol

SECTION_TITLE = "调查评估任务"
ADD_LABEL = "填写调查评估"


def task_tile(shell: ShellProtocol, r: dict[str, Any]) -> ft.Control:
    return ft.ListTile(
        leading=ft.Icon(ft.Icons.ASSIGNMENT_OUTLINED),
        title=ft.Text(f"{r['name']}({r['status']})", size=17),
        subtitle=ft.Column(
            [
                ft.Text(f"委托机关:{r['court']} · 完成期限:{r['due_date']}", size=13),
                *([ft.Text(r["finished"], size=13, color=ft.Colors.GREEN_900)] if r["finished"] else []),
                *([ft.Row([badge(b) for b in r["badges"]], wrap=True)] if r["badges"] else []),
            ],
            spacing=2,
            tight=True,
        ),
        on_click=lambda e, tid=r["id"]: shell.go(routes.entrustment_task(tid)),
    )


def task_section(shell: ShellProtocol) -> list[ft.Control]:
    """Above the subject list: the entrustments this helper helps with (nothing when none)."""
    rows = tasks.entrustment_tasks(shell.service)
    if not rows:
        return []
    return [
        ft.Text(f"{SECTION_TITLE}({len(rows)})", size=16, weight=ft.FontWeight.BOLD),
        *[task_tile(shell, r) for r in rows],
        ft.Divider(),
    ]


def task_view(shell: ShellProtocol, screen: Screen) -> ft.View:
    svc = shell.service
    tid = screen.get("id") or ""
    d = tasks.entrustment_task(svc, tid)  # not on this phone: the shell says so and leads back
    back = ft.IconButton(ft.Icons.ARROW_BACK, tooltip="返回", on_click=lambda e: shell.go(routes.SUBJECTS))
    particulars = [
        ft.Row([ft.Text(p["label"], width=110, color=ft.Colors.GREY_700), ft.Text(p["value"], expand=True)])
        for p in d["particulars"]
    ]
    if d["open"]:
        action: ft.Control = ft.Button(
            ADD_LABEL,
            icon=ft.Icons.ADD,
            on_click=lambda e: shell.go(routes.new_record(tid, "investigation")),
        )
    else:
        action = read_only_note(
            f"{d['finished']}:不能再新增或修改调查记录。已填写的记录导出并送达司法所后,该任务将从本机移除。"
        )
    timeline = [timeline_tile(shell, t) for t in d["timeline"]]
    return ft.View(
        scroll=ft.ScrollMode.AUTO,
        on_scroll=lambda e: shell.touch(),
        scroll_interval=SCROLL_INTERVAL_MS,
        appbar=ft.AppBar(leading=back, title=ft.Text(f"委托调查评估:{d['name']}")),
        navigation_bar=shell.nav_bar(0),
        controls=[
            ft.Row([badge(b) for b in d["badges"]], wrap=True),
            action,
            ft.Text("委托情况", size=18, weight=ft.FontWeight.BOLD),
            *particulars,
            ft.Text("调查记录", size=18, weight=ft.FontWeight.BOLD),
            *(timeline or [ft.Text("尚未填写调查记录。")]),
        ],
    )
