"""The subject list (search, badges) and one subject's page (particulars, tasks, timeline)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import flet as ft

from core import routes
from core.kinds import KIND_LABELS
from core.routes import Screen
from sync.app.handover import handover_rows
from views.case_panels import case_panels
from views.entrustment_task import task_section
from views.forms import EDITABLE_KINDS
from views.handover import handover_section
from views.tiles import (  # noqa: F401 (screens and tests read these here too)
    BADGE_COLOURS,
    SCROLL_INTERVAL_MS,
    STATUS_COLOURS,
    badge,
    read_only_note,
    status_label,
    timeline_notes,
    timeline_tile,
)

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol

LIST_BATCH = 30  # subject tiles made per step while the list scrolls
# Add-button wording where the seed names the action rather than the record.
ADD_LABELS = {"visit": "新增走访记录", "report": "报告重要情况"}


def subject_tile(shell: ShellProtocol, r: dict[str, Any]) -> ft.Control:
    """The subject's line, and beside it an icon that opens a new visit at once (one tap).

    The icon sits next to the tile, not inside it, so the tile stays one readable item.
    """
    tile = ft.ListTile(
        title=ft.Text(r["name"], size=18),
        subtitle=ft.Column(
            [
                ft.Text(f"{r['committee']} · {r['category']} · 矫正期至{r['term_end'] or '—'}", size=13),
                ft.Text(f"最近走访:{r['last_visit'] or '尚无'}", size=13),
                ft.Row([badge(b) for b in r["badges"]], wrap=True),
            ],
            spacing=2,
            tight=True,
        ),
        on_click=lambda e, sid=r["id"]: shell.go(routes.subject(sid)),
    )
    quick = ft.IconButton(
        ft.Icons.NOTE_ADD_OUTLINED,
        tooltip=add_button_label("visit"),
        on_click=lambda e, sid=r["id"]: shell.go(routes.new_record(sid, "visit")),
    )
    # Separate semantics nodes: merged, the tile's words would become one label with the icon's.
    return ft.Row(
        [
            ft.Container(ft.Semantics(content=tile, container=True), expand=True),
            ft.Semantics(content=quick, container=True),
        ],
        spacing=0,
        vertical_alignment=ft.CrossAxisAlignment.CENTER,
    )


def list_view(shell: ShellProtocol, screen: Screen) -> ft.View:
    """Tiles are made a batch at a time as the list scrolls, so a long caseload opens at once."""
    svc = shell.service
    state: dict[str, Any] = {"rows": [], "shown": 0}
    results = ft.ListView(expand=True, spacing=0, scroll_interval=100)
    more = ft.TextButton("显示更多", on_click=lambda e: grow(update=True))

    def grow(update: bool = False) -> None:
        rows, shown = state["rows"], state["shown"]
        if shown >= len(rows):
            return
        batch = [subject_tile(shell, r) for r in rows[shown : shown + LIST_BATCH]]
        state["shown"] = shown + len(batch)
        if more in results.controls:
            results.controls.remove(more)
        results.controls.extend(batch)
        if state["shown"] < len(rows):
            more.content = f"显示更多(还有{len(rows) - state['shown']}人)"
            results.controls.append(more)
        if update:
            results.update()

    def fill(query: str) -> None:
        state["rows"], state["shown"] = svc.subject_rows(query), 0
        results.controls = []
        if not state["rows"]:
            results.controls = [
                ft.Text(
                    "没有符合条件的社区矫正对象。"
                    if query
                    else "还没有分配给您的社区矫正对象。导入司法所的同步文件后会显示在这里。"
                )
            ]
            return
        grow()

    def on_scroll(e: ft.OnScrollEvent) -> None:
        shell.touch()  # reading a long list is activity: the idle lock must not fire meanwhile
        if e.pixels >= e.max_scroll_extent - 400 and state["shown"] < len(state["rows"]):
            grow(update=True)

    def on_search(e: ft.Event[ft.TextField]) -> None:
        shell.touch()
        fill(search.value)
        results.update()

    results.on_scroll = on_scroll
    search = ft.TextField(label="搜索姓名、村(居)委会或类别", prefix_icon=ft.Icons.SEARCH, on_change=on_search)
    fill("")
    return ft.View(
        appbar=ft.AppBar(title=ft.Text("社区矫正对象")),
        navigation_bar=shell.nav_bar(0),
        controls=[*task_section(shell), search, results],
    )


def detail_view(shell: ShellProtocol, screen: Screen) -> ft.View:
    svc = shell.service
    sid = screen.get("id") or ""
    back = ft.IconButton(ft.Icons.ARROW_BACK, tooltip="返回", on_click=lambda e: shell.go(routes.SUBJECTS))
    d = svc.subject_detail(sid)  # a subject not found: the shell says so and leads back
    particulars = [
        ft.Row([ft.Text(p["label"], width=110, color=ft.Colors.GREY_700), ft.Text(p["value"], expand=True)])
        for p in d["particulars"]
    ]
    urgent_open = [t for t in d["timeline"] if t["urgent"] and t.get("handling") == "待处理"]
    for t in d["timeline"]:
        if t["kind"] == "handover":  # read-only history, shown below in full (issue 15)
            t["route"] = routes.subject(sid)
    timeline = [timeline_tile(shell, t) for t in d["timeline"]]
    alert: list[ft.Control] = []
    if urgent_open:
        alert.append(
            ft.Container(
                ft.Row(
                    [
                        ft.Icon(ft.Icons.WARNING, color=ft.Colors.WHITE),
                        ft.Text(
                            f"有{len(urgent_open)}条紧急情况报告待司法所处理",
                            color=ft.Colors.WHITE,
                            weight=ft.FontWeight.BOLD,
                            expand=True,
                        ),
                    ]
                ),
                bgcolor=ft.Colors.RED_700,
                padding=10,
                border_radius=8,
            )
        )
    return ft.View(
        scroll=ft.ScrollMode.AUTO,
        on_scroll=lambda e: shell.touch(),  # reading a long page is activity (idle lock)
        scroll_interval=SCROLL_INTERVAL_MS,
        appbar=ft.AppBar(leading=back, title=ft.Text(d["name"])),
        navigation_bar=shell.nav_bar(0),
        controls=[
            *alert,
            ft.Row([badge(b) for b in d["badges"]], wrap=True),
            closed_note(d["closed"]) if d.get("closed") else add_buttons(shell, sid),
            ft.Text("基本情况", size=18, weight=ft.FontWeight.BOLD),
            *particulars,
            ft.Text("协助事项", size=18, weight=ft.FontWeight.BOLD),
            *([ft.Text(f"· {t}") for t in d["tasks"]] or [ft.Text("暂无通知单。")]),
            *case_panels(shell, sid),
            ft.Text("工作记录", size=18, weight=ft.FontWeight.BOLD),
            *(timeline or [ft.Text("暂无记录。")]),
            *handover_section(handover_rows(svc, sid)),
        ],
    )


def closed_note(text: str) -> ft.Control:
    """In place of the add buttons once the office closed the case (解矫)."""
    return read_only_note(f"{text}:不能再新增或修改记录。已填写的记录导出并送达司法所后,该对象将从本机移除。")


def add_button_label(kind: str) -> str:
    """The button that opens a new record of ``kind`` (the seed's name of the record)."""
    return ADD_LABELS.get(kind) or "新增" + KIND_LABELS[kind]


def add_buttons(shell: ShellProtocol, sid: str) -> ft.Control:
    """One button per helper-authored kind; the two everyday ones first and filled."""

    def opener(kind: str) -> Callable[[Any], None]:
        return lambda e: shell.go(routes.new_record(sid, kind))

    buttons: list[ft.Control] = [
        ft.Button(add_button_label("visit"), icon=ft.Icons.ADD, on_click=opener("visit")),
        ft.Button(
            add_button_label("report"),
            icon=ft.Icons.REPORT,
            on_click=opener("report"),
            bgcolor=ft.Colors.RED_50,
            color=ft.Colors.RED_900,
        ),
    ]
    buttons += [
        ft.OutlinedButton(add_button_label(k), on_click=opener(k))
        for k in EDITABLE_KINDS
        if k not in ("visit", "report")
    ]
    return ft.Row(buttons, wrap=True, spacing=8, run_spacing=8)
