"""Small pieces the helper's pages share: badges, a record's status label, a timeline line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from core import routes

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol

SCROLL_INTERVAL_MS = 300  # scroll events (activity for the idle lock) at most this often
BADGE_COLOURS = {"走访逾期": ft.Colors.ORANGE_100, "紧急情况待处理": ft.Colors.RED_100, "即将解矫": ft.Colors.BLUE_100}


def badge(text: str) -> ft.Control:
    return ft.Container(
        ft.Text(text, size=12),
        bgcolor=BADGE_COLOURS.get(text, ft.Colors.GREY_200),
        padding=ft.Padding.symmetric(horizontal=8, vertical=2),
        border_radius=10,
    )


def read_only_note(text: str) -> ft.Control:
    """Why a page offers no more forms (a closed case, a finished entrustment)."""
    return ft.Container(
        ft.Text(text, color=ft.Colors.BROWN_900), bgcolor=ft.Colors.AMBER_100, padding=10, border_radius=8
    )


STATUS_COLOURS = {  # (background, text) of the status label in the timeline
    "草稿": (ft.Colors.AMBER_100, ft.Colors.BROWN_900),
    "未导出": (ft.Colors.BLUE_100, ft.Colors.BLUE_900),
    "已导出": (ft.Colors.TEAL_100, ft.Colors.TEAL_900),
    "已送达": (ft.Colors.GREEN_100, ft.Colors.GREEN_900),
    "司法所发来": (ft.Colors.PURPLE_50, ft.Colors.PURPLE_900),
}


def status_label(text: str) -> ft.Control:
    """The record's status as a small coloured label, readable at a glance."""
    bg, fg = STATUS_COLOURS.get(text, (ft.Colors.GREY_200, ft.Colors.GREY_900))
    return ft.Container(
        ft.Text(text, size=12, color=fg, weight=ft.FontWeight.BOLD),
        bgcolor=bg,
        padding=ft.Padding.symmetric(horizontal=8, vertical=2),
        border_radius=10,
    )


def timeline_notes(t: dict[str, Any]) -> str:
    """The line under a timeline record: its headline, a correction or unsaved change, the
    office's handling of a report, and 只读 when it can no longer be changed here."""
    parts = [t["title"], t.get("revision_note") or ""]
    if t.get("handling"):
        parts.append(f"司法所{t['handling']}")
    if not t.get("editable"):
        parts.append("只读")
    return "  ".join(p for p in parts if p)


def timeline_tile(shell: ShellProtocol, t: dict[str, Any]) -> ft.Control:
    """One record (or unsaved draft) in the timeline with its status label; urgent reports
    stand out; a tap opens the record, or the draft's form."""
    editable = bool(t.get("editable"))
    urgent = bool(t["urgent"])
    heading = ft.Text(
        f"{t['date']} {t['kind_label']}" + (" · 紧急" if urgent else ""),
        color=ft.Colors.RED_900 if urgent else None,
        weight=ft.FontWeight.BOLD if urgent else None,
    )
    notes = timeline_notes(t)
    route = t.get("route") or routes.edit_record(t["id"])
    tile = ft.ListTile(
        leading=ft.Icon(
            ft.Icons.WARNING_AMBER
            if urgent
            else ft.Icons.EDIT_NOTE
            if t.get("draft")
            else ft.Icons.DESCRIPTION_OUTLINED,
            color=ft.Colors.RED_700 if urgent else None,
        ),
        title=heading,
        subtitle=ft.Row(
            [status_label(t["status"]), *([ft.Text(notes)] if notes else [])],
            wrap=True,
            spacing=8,
            vertical_alignment=ft.CrossAxisAlignment.CENTER,
        ),
        trailing=ft.Icon(
            ft.Icons.EDIT_OUTLINED if editable else ft.Icons.LOCK_OUTLINE,
            size=18,
            tooltip="可修改" if editable else "只读",
        ),
        on_click=lambda e, r=route: shell.go(r),
    )
    if urgent:
        return ft.Container(tile, bgcolor=ft.Colors.RED_50, border=ft.Border.all(1, ft.Colors.RED_300), border_radius=8)
    return tile
