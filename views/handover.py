"""The 移交材料 on a subject's page: what the office handed over from the previous helper,
read-only, each copied record with its kind, date and author and its fields as lines."""

from __future__ import annotations

from typing import Any

import flet as ft

from core.kinds import KINDS
from core.timeline import shown


def item_lines(kind: str, data: dict[str, Any]) -> list[str]:
    """A copied record's fields as "label:value" lines, in the form's order (rows of a table
    joined on one line each)."""
    schema = KINDS.get(kind)
    if schema is None:
        return []
    lines = []
    for f in schema.fields:
        value = data.get(f.name)
        if value in (None, "", []):
            continue
        if f.row and isinstance(value, list):
            text = ";".join(
                "、".join(shown(row.get(c.name)) for c in f.row if row.get(c.name) not in (None, ""))
                for row in value
                if isinstance(row, dict)
            )
        else:
            text = shown(value)
        lines.append(f"{f.label}:{text}")
    return lines


def handover_section(rows: list[dict[str, Any]]) -> list[ft.Control]:
    """Nothing when there is no handover; else a heading and one expandable tile per copy."""
    if not rows:
        return []
    out: list[ft.Control] = [ft.Text("移交材料(只读)", size=18, weight=ft.FontWeight.BOLD)]
    for h in rows:
        out.append(
            ft.Text(
                f"{h['date']} 由司法所移交" + (f",原协助人员:{h['from_name']}" if h["from_name"] else ""),
                color=ft.Colors.GREY_700,
            )
        )
        for i in h["items"]:
            out.append(
                ft.ExpansionTile(
                    title=ft.Text(f"{i['date']} {i['kind_label']}"),
                    subtitle=ft.Text("  ".join(p for p in (i["title"], f"填写人:{i['author_name']}") if p)),
                    controls=[ft.Text(line, selectable=True) for line in item_lines(i["kind"], i["data"])],
                )
            )
    return out
