"""The office console frame: a navigation rail on the left, one scrolling work area.

Also the small pieces every office screen uses: headings, result boxes, tables, and the
path field with a listing of matching files (a browser's file picker cannot hand the server
a path, so files are named by path and picked from the listing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import flet as ft

from core import routes
from core.errors import XietongError
from sync.app import folders, office
from views.work import on_loop

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol

RAIL: tuple[tuple[str, str, ft.IconData], ...] = (
    ("office_dashboard", "工作台", ft.Icons.DASHBOARD_OUTLINED),
    ("office_helpers", "协助人员", ft.Icons.BADGE_OUTLINED),
    ("office_subjects", "矫正对象", ft.Icons.PEOPLE_OUTLINE),
    ("office_notices", "通知单", ft.Icons.DESCRIPTION_OUTLINED),
    ("office_sync", "同步", ft.Icons.SYNC),
    ("office_reports", "报表", ft.Icons.TABLE_CHART_OUTLINED),
)


def frame(shell: ShellProtocol, name: str, title: str, controls: list[ft.Control]) -> ft.View:
    """A full office screen: rail + title + controls (scrolls vertically)."""
    index = next((i for i, (n, _l, _i) in enumerate(RAIL) if n == name), 0)

    def change(e: ft.Event[ft.NavigationRail]) -> None:
        shell.go_screen(RAIL[e.control.selected_index or 0][0])

    def lock(e: Any) -> None:
        shell.service.lock()
        shell.go(routes.LOCK)

    rail = ft.NavigationRail(
        selected_index=index,
        label_type=ft.NavigationRailLabelType.ALL,
        min_width=96,
        leading=ft.Text("协通·司法所", weight=ft.FontWeight.BOLD),
        trailing=ft.Column(
            [
                ft.IconButton(
                    ft.Icons.SETTINGS_OUTLINED,
                    tooltip="设置(自动锁定、口令)",
                    on_click=lambda e: shell.go_screen("settings"),
                ),
                ft.IconButton(ft.Icons.LOCK_OUTLINE, tooltip="立即锁定", on_click=lock),
            ],
            tight=True,
        ),
        destinations=[ft.NavigationRailDestination(icon=icon, label=label) for _n, label, icon in RAIL],
        on_change=change,
    )
    body = ft.Column(
        [ft.Text(title, size=24, weight=ft.FontWeight.BOLD), *controls],
        scroll=ft.ScrollMode.AUTO,
        expand=True,
        spacing=12,
    )
    return ft.View(
        padding=0,
        controls=[
            ft.Row(
                [rail, ft.VerticalDivider(width=1), ft.Container(body, expand=True, padding=20)],
                expand=True,
                vertical_alignment=ft.CrossAxisAlignment.START,
            ),
        ],
    )


def heading(text: str) -> ft.Text:
    return ft.Text(text, size=18, weight=ft.FontWeight.BOLD)


def box(title: str, lines: Iterable[str], *, ok: bool) -> ft.Container:
    """A green (done) or red (failed) box: a title and lines under it."""
    return ft.Container(
        bgcolor=ft.Colors.GREEN_50 if ok else ft.Colors.RED_50,
        padding=12,
        border_radius=8,
        content=ft.Column([ft.Text(title, size=16, weight=ft.FontWeight.BOLD), *[ft.Text(x) for x in lines]]),
    )


def section(*controls: ft.Control) -> ft.Container:
    return ft.Container(
        ft.Column(list(controls), spacing=10), padding=16, border_radius=8, border=ft.Border.all(1, ft.Colors.GREY_300)
    )


def table(columns: list[str], rows: list[list[ft.Control | str]]) -> ft.Control:
    """A DataTable that scrolls sideways when the window is narrow."""
    dt = ft.DataTable(
        columns=[ft.DataColumn(ft.Text(c, weight=ft.FontWeight.BOLD)) for c in columns],
        rows=[
            ft.DataRow(cells=[ft.DataCell(c if isinstance(c, ft.Control) else ft.Text(str(c))) for c in r])
            for r in rows
        ],
        column_spacing=20,
    )
    return ft.Row([dt], scroll=ft.ScrollMode.AUTO)


def path_picker(
    shell: ShellProtocol,
    label: str,
    *,
    value: str | None = None,
    suffixes: tuple[str, ...] = (),
    folder_only: bool = False,
) -> tuple[ft.TextField, ft.Control]:
    """A path field and, under it, the matching files of its folder; clicking a name fills the field.
    The field starts in the folder last used in it (``label`` names it in the store)."""
    field = ft.TextField(label=label, value=value or folders.last_folder(shell.service, label), expand=True)
    listing = ft.Row(wrap=True, spacing=4)

    def folder_of() -> str:
        return folders.folder_of(field.value or "") or ""

    def pick(name: str) -> Callable[[Any], None]:
        def on_click(e: Any) -> None:
            shell.touch()
            field.value = str(Path(folder_of()) / name)
            field.update()

        return on_click

    def refresh(e: Any = None) -> None:
        shell.touch()
        names = office.list_files(folder_of(), suffixes)
        if e is not None:  # a folder typed, or listed again
            folders.remember_folder(shell.service, label, field.value or "")
        if folder_only:
            listing.controls = [
                ft.Text(f"此文件夹中有 {len(names)} 个文件。" if names else "此文件夹中没有匹配的文件。", size=13)
            ]
        else:
            listing.controls = [
                ft.TextButton(n, icon=ft.Icons.INSERT_DRIVE_FILE_OUTLINED, on_click=pick(n)) for n in names[:30]
            ] or [ft.Text("此文件夹中没有匹配的文件。", size=13)]
        if e is not None:
            shell.page.update()

    field.on_submit = refresh
    field.on_blur = refresh  # the listing follows the folder typed
    refresh()
    row = ft.Column(
        [ft.Row([field, ft.OutlinedButton("列出文件", icon=ft.Icons.FOLDER_OPEN, on_click=refresh)]), listing],
        spacing=4,
        data=refresh,
    )
    return field, row


def relist(picker: ft.Control) -> None:
    """List the folder of a ``path_picker`` again: a file was just written into it (the caller's
    ``page.update()`` then shows it)."""
    picker.data()


def show_in(place: ft.Column, title: str) -> Callable[[XietongError], None]:
    """A ``failed`` for ``views.work.run``: the error's sentence in a red box in ``place``; a
    validation error lists every field's problem."""

    def failed(exc: XietongError) -> None:
        place.controls = [box(title, problems(exc), ok=False)]

    return failed


def problems(exc: XietongError, most: int = 8) -> list[str]:
    """The sentences to show for ``exc``: each field's problem, or its message."""
    errors = getattr(exc, "errors", None)
    return list(errors.values())[:most] if errors else [exc.message]


def progress_of(shell: ShellProtocol, bar: ft.ProgressBar, text: ft.Text) -> Callable[[int, int, str], None]:
    """A progress callback for ``sync.app.office`` that moves the bar from a worker thread."""

    def show(done: int, total: int, name: str) -> None:
        bar.value = done / total if total else 1.0
        text.value = f"{done}/{total}:{name}"

    return on_loop(shell, show)
