"""The subject list (search, badges) and one subject's page (particulars, tasks, timeline)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from core.errors import XietongError
from core.routes import Screen

if TYPE_CHECKING:
    from views.app import Shell

BADGE_COLOURS = {"走访逾期": ft.Colors.ORANGE_100, "紧急情况待处理": ft.Colors.RED_100, "即将解矫": ft.Colors.BLUE_100}


def badge(text: str) -> ft.Control:
    return ft.Container(ft.Text(text, size=12), bgcolor=BADGE_COLOURS.get(text, ft.Colors.GREY_200),
                        padding=ft.Padding.symmetric(horizontal=8, vertical=2), border_radius=10)


def list_view(shell: "Shell", screen: Screen) -> ft.View:
    svc = shell.service
    results = ft.Column(spacing=0)

    def fill(query: str) -> None:
        rows = svc.subject_rows(query)
        results.controls = [
            ft.ListTile(
                title=ft.Text(r["name"], size=18),
                subtitle=ft.Column([
                    ft.Text(f"{r['committee']} · {r['category']} · 矫正期至{r['term_end'] or '—'}", size=13),
                    ft.Text(f"最近走访:{r['last_visit'] or '尚无'}", size=13),
                    ft.Row([badge(b) for b in r["badges"]], wrap=True),
                ], spacing=2, tight=True),
                on_click=lambda e, sid=r["id"]: shell.go(f"/subjects/{sid}"),
            )
            for r in rows
        ] or [ft.Text("没有符合条件的社区矫正对象。" if query else "还没有分配给您的社区矫正对象。导入司法所的同步文件后会显示在这里。")]

    def on_search(e: ft.Event[ft.TextField]) -> None:
        shell.touch()
        fill(search.value)
        results.update()

    search = ft.TextField(label="搜索姓名、村(居)委会或类别", prefix_icon=ft.Icons.SEARCH, on_change=on_search)
    fill("")
    return ft.View(
        scroll=ft.ScrollMode.AUTO,
        appbar=ft.AppBar(title=ft.Text("社区矫正对象")),
        navigation_bar=shell.nav_bar(0),
        controls=[search, results],
    )


def detail_view(shell: "Shell", screen: Screen) -> ft.View:
    svc = shell.service
    sid = screen.get("id") or ""
    back = ft.IconButton(ft.Icons.ARROW_BACK, tooltip="返回", on_click=lambda e: shell.go("/subjects"))
    try:
        d = svc.subject_detail(sid)
    except XietongError as exc:
        return ft.View(appbar=ft.AppBar(leading=back, title=ft.Text("社区矫正对象")), controls=[ft.Text(exc.message)])
    particulars = [ft.Row([ft.Text(p["label"], width=110, color=ft.Colors.GREY_700), ft.Text(p["value"], expand=True)])
                   for p in d["particulars"]]
    timeline = [
        ft.ListTile(
            leading=ft.Icon(ft.Icons.WARNING_AMBER if t["urgent"] else ft.Icons.DESCRIPTION_OUTLINED,
                            color=ft.Colors.RED_700 if t["urgent"] else None),
            title=ft.Text(f"{t['date']} {t['kind_label']}"),
            subtitle=ft.Text(f"{t['title']}  [{t['status']}]" if t["title"] else f"[{t['status']}]"),
            on_click=(lambda e, rid=t["id"]: shell.go(f"/records/{rid}/edit"))
            if t["kind"] in ("visit", "report") else None,
        )
        for t in d["timeline"]
    ]
    return ft.View(
        scroll=ft.ScrollMode.AUTO,
        appbar=ft.AppBar(leading=back, title=ft.Text(d["name"])),
        navigation_bar=shell.nav_bar(0),
        controls=[
            ft.Row([badge(b) for b in d["badges"]], wrap=True),
            ft.Row([
                ft.Button("新增走访记录", icon=ft.Icons.ADD, on_click=lambda e: shell.go(f"/subjects/{sid}/new/visit")),
                ft.OutlinedButton("报告重要情况", icon=ft.Icons.REPORT,
                                  on_click=lambda e: shell.go(f"/subjects/{sid}/new/report")),
            ], wrap=True),
            ft.Text("基本情况", size=18, weight=ft.FontWeight.BOLD),
            *particulars,
            ft.Text("协助事项", size=18, weight=ft.FontWeight.BOLD),
            *([ft.Text(f"· {t}") for t in d["tasks"]] or [ft.Text("暂无通知单。")]),
            ft.Text("工作记录", size=18, weight=ft.FontWeight.BOLD),
            *(timeline or [ft.Text("暂无记录。")]),
        ],
    )
