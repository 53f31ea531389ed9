"""A saved record shown read-only: every field as a person reads it, and why it cannot be
changed here (it has left the device, or helpers do not author its kind)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from core import formstate as fs
from core.kinds import BOOL, CHOICE, KINDS, ROWS, Field, section_of

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol


def row_title(f: Field, index: int) -> str:
    """ "第2人" for people tables, "第2行" otherwise."""
    return f"第{index + 1}{'人' if f.unit == '人' else '行'}"


def shown_value(f: Field, value: Any) -> str:
    """A saved value as a person reads it (choices by their label, yes/no in words)."""
    if value is None or value == "" or value == []:
        return "—"
    if f.type == BOOL:
        return fs.YES if value is True else fs.NO if value is False else str(value)
    if f.type == CHOICE and f.choice_labels and value in f.choices:
        return f.choice_labels[f.choices.index(value)]
    if isinstance(value, list):
        if f.choice_labels:
            names = dict(zip(f.choices, f.choice_labels, strict=False))
            return "、".join(names.get(str(x), str(x)) for x in value)
        return "、".join(str(x) for x in value)
    return str(value)


def read_only_view(shell: ShellProtocol, rec: Any, reason: str, back_to: str) -> ft.View:
    """A record that can no longer be corrected here: every field as text, and why."""
    schema = KINDS.get(rec.kind)
    lines: list[ft.Control] = [ft.Container(ft.Text(reason), bgcolor=ft.Colors.AMBER_50, padding=10, border_radius=8)]
    for f in schema.fields_for(rec.data) if schema else ():  # an old visit: its own paragraphs
        value = rec.data.get(f.name)
        section = section_of(rec.kind, f.name)
        if section is not None and section[1][0] == f.name:  # 个体特征 over its fields, as in the form
            lines.append(ft.Text(section[0], weight=ft.FontWeight.BOLD))
        if f.type == ROWS:
            lines.append(ft.Text(f.label, weight=ft.FontWeight.BOLD))
            for i, row in enumerate(value if isinstance(value, list) else []):
                cells = ",".join(
                    f"{c.label}:{shown_value(c, row.get(c.name))}"
                    for c in f.row
                    if isinstance(row, dict) and row.get(c.name) not in (None, "")
                )
                lines.append(ft.Text(f"{row_title(f, i)} {cells}"))
            if not value:
                lines.append(ft.Text("—"))
            continue
        lines.append(
            ft.Row(
                [
                    ft.Text(f.label, width=130, color=ft.Colors.GREY_700),
                    ft.Text(shown_value(f, value), expand=True, selectable=True),
                ],
                vertical_alignment=ft.CrossAxisAlignment.START,
            )
        )
    title = schema.label if schema else rec.kind
    return ft.View(
        scroll=ft.ScrollMode.AUTO,
        appbar=ft.AppBar(
            leading=ft.IconButton(ft.Icons.ARROW_BACK, tooltip="返回", on_click=lambda e: shell.go(back_to)),
            title=ft.Text(f"查看{title}"),
        ),
        controls=lines,
    )
