"""One subject's 矫正小组 (4+X): edit the members by role, name the leader, and read the team's
meetings (矫情分析会 among them) as the helpers recorded them. Saving replaces the team; it
reaches the helpers' phones in the next bundle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from core.routes import Screen
from sync.app import office
from views.office.layout import frame, heading, section, show_in, table
from views.work import run

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol

BLANK_ROWS = 2  # empty member lines offered under the team (more with 添加成员)


def team_page_view(shell: ShellProtocol, screen: Screen) -> ft.View:
    svc = shell.service
    sid = screen.get("id") or ""
    page = office.team_page(svc, sid)  # a subject not found: the shell says so and leads back
    message = ft.Column()
    lines: list[dict[str, Any]] = []
    rows = ft.Column(spacing=6)

    def member_line(m: dict[str, Any]) -> None:
        slot = ft.Dropdown(
            label="成员类别",
            width=220,
            value=m.get("slot") or None,
            options=[ft.DropdownOption(key=code, text=label) for code, label in page["slots"]],
        )
        name = ft.TextField(label="姓名", value=m.get("name", ""), width=140)
        phone = ft.TextField(label="联系电话", value=m.get("phone", ""), width=160)
        unit = ft.TextField(label="工作单位", value=m.get("unit", ""), width=220)
        lines.append({"slot": slot, "name": name, "phone": phone, "unit": unit})
        rows.controls.append(ft.Row([slot, name, phone, unit], wrap=True))

    for m in page["members"]:
        member_line(m)
    for _ in range(BLANK_ROWS):
        member_line({})
    leader = ft.TextField(label="组长(须为小组成员之一)", value=page["leader"], width=220)

    def add(e: Any) -> None:
        member_line({})
        shell.page.update()

    def members() -> list[dict[str, Any]]:
        out = []
        for line in lines:
            values = {k: (c.value or "").strip() for k, c in line.items()}
            if any(values.values()):
                out.append(values)
        return out

    def saved(_: Any) -> None:
        shell.toast("矫正小组已保存,将在下次导出时送达协助人员。")
        shell.go_screen("office_team", id=sid)

    async def save(e: Any) -> None:
        chosen = members()
        await run(
            shell,
            lambda: office.save_team(svc, sid, chosen, leader=leader.value or ""),
            done=saved,
            failed=show_in(message, "未能保存矫正小组"),
        )

    meetings = section(
        heading("矫正小组会议(含矫情分析会)"),
        table(
            ["日期", "会议类型", "参会人员", "议题", "会议结论"],
            [[m["date"], m["type"], m["attendees"], m["topics"], m["decisions"]] for m in page["meetings"]],
        )
        if page["meetings"]
        else ft.Text("协助人员尚未记录小组会议。"),
    )
    return frame(
        shell,
        "office_subjects",
        f"矫正小组:{page['name']}",
        [
            message,
            section(
                heading("小组成员(4+X)"),
                ft.Text(
                    "司法所专职人员、社区民警、专职社工、志愿者,加上村(居)委会人员、家庭成员、所在单位/学校人员等(X)。"
                    "留空的行不保存。",
                    size=13,
                ),
                rows,
                ft.Row([ft.OutlinedButton("添加成员", icon=ft.Icons.PERSON_ADD, on_click=add)]),
                leader,
                ft.Row(
                    [
                        ft.FilledButton("保存矫正小组", icon=ft.Icons.SAVE, on_click=save),
                        ft.OutlinedButton(
                            "返回对象页",
                            icon=ft.Icons.ARROW_BACK,
                            on_click=lambda e: shell.go_screen("office_subject", id=sid),
                        ),
                    ],
                    wrap=True,
                ),
            ),
            meetings,
        ],
    )
