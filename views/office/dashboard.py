"""工作台: what needs the officer today, with the acknowledgement of urgent reports in place."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import flet as ft

from core.routes import Screen
from sync.app import office
from views.office.layout import frame, heading, section, show_in, table
from views.office.workflow_sections import workflow_sections
from views.work import run

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol


def _count_card(label: str, n: int, colour: str) -> ft.Control:
    return ft.Container(
        ft.Column(
            [ft.Text(str(n), size=28, weight=ft.FontWeight.BOLD), ft.Text(label)],
            spacing=2,
            horizontal_alignment=ft.CrossAxisAlignment.CENTER,
        ),
        bgcolor=colour,
        padding=12,
        border_radius=8,
        width=150,
    )


def dashboard_view(shell: ShellProtocol, screen: Screen) -> ft.View:
    svc = shell.service
    d = office.dashboard(svc)
    message = ft.Column()

    def done(said: str) -> Callable[[Any], None]:
        def again(_: Any) -> None:
            shell.toast(said)
            shell.go_screen("office_dashboard")

        return again

    def ack(report_id: str, note: ft.TextField) -> Any:
        async def on_click(e: Any) -> None:
            await run(
                shell,
                lambda: office.acknowledge(svc, report_id, note.value or ""),
                done=done("已确认处理,处理意见将在下次导出时送达协助人员。"),
                failed=show_in(message, "未能确认"),
            )

        return on_click

    def resolve(record_id: str, chosen: str) -> Any:
        async def on_click(e: Any) -> None:
            await run(
                shell,
                lambda: office.resolve_conflict(svc, record_id, chosen),
                done=done("已采用所选版本。"),
                failed=show_in(message, "未能处理冲突"),
            )

        return on_click

    def subject_link(r: dict[str, Any]) -> ft.Control:
        """The subject's name, opening its page (full timeline, 附件2, evaluations)."""
        return ft.TextButton(r["name"], on_click=lambda e, sid=r["subject"]: shell.go_screen("office_subject", id=sid))

    urgent_rows = []
    for r in d["urgent_reports"]:
        note = ft.TextField(label="处理意见", value="已收到,已处理。", width=220, dense=True)
        urgent_rows.append(
            [
                r["occurred"],
                subject_link(r),
                r["committee"],
                r["category"],
                ft.Text(r["description"][:40], width=260),
                note,
                ft.FilledButton("确认处理", on_click=ack(r["id"], note)),
            ]
        )
    conflict_items: list[ft.Control] = []
    for c in d["conflicts"]:
        buttons = [
            ft.OutlinedButton(f"采用版本{i + 1}({v['updated'][:10]})", on_click=resolve(c["record_id"], v["hash"]))
            for i, v in enumerate(c["versions"])
        ]
        whose = f"{c['subject_name']}的" if c["subject_name"] else ""
        conflict_items.append(
            ft.Column(
                [
                    ft.Text(
                        f"{whose}{c['kind_label']}(填写人:{c['author_name']})第{c['revision']}版有 "
                        f"{len(c['versions'])} 个不同内容,不同之处如下:"
                    ),
                    *[
                        ft.Text(
                            f"版本{i + 1}:" + ";".join(f"{d['label']}:{d['value']}" for d in v["differences"]), size=13
                        )
                        for i, v in enumerate(c["versions"])
                    ],
                    ft.Row(buttons, wrap=True),
                ]
            )
        )
    cards = ft.Row(
        [
            _count_card("紧急情况待处理", d["urgent_total"], ft.Colors.RED_100),
            _count_card("走访逾期", len(d["overdue"]), ft.Colors.ORANGE_100),
            _count_card("30天内解矫", len(d["ending_soon"]), ft.Colors.BLUE_100),
            _count_card("待分配协助人员", len(d["unassisted"]), ft.Colors.AMBER_100),
            _count_card("30天内走访有异常", len(d["unusual_visits"]), ft.Colors.DEEP_ORANGE_100),
            _count_card("数据冲突", len(d["conflicts"]), ft.Colors.PURPLE_100),
            _count_card("30天未交数据", len(d["silent_helpers"]), ft.Colors.GREY_200),
        ],
        wrap=True,
    )
    return frame(
        shell,
        "office_dashboard",
        "工作台",
        [
            cards,
            message,
            section(
                heading("紧急的重要情况报告(待处理)"),
                ft.Text(
                    f"共 {d['urgent_total']} 份,下面列出最近有动态的对象的 {len(d['urgent_reports'])} 份。", size=13
                )
                if d["urgent_total"] > len(d["urgent_reports"])
                else ft.Container(),
                table(["发生日期", "对象", "村(居)委会", "类别", "情况", "处理意见", ""], urgent_rows)
                if urgent_rows
                else ft.Text("没有待处理的紧急报告。"),
            ),
            section(
                heading("近30天走访发现的变化和异常"),
                table(
                    ["走访日期", "对象", "村(居)委会", "情况"],
                    [
                        [r["date"], subject_link(r), r["committee"], ft.Text(r["text"], width=420)]
                        for r in d["unusual_visits"][:50]
                    ],
                )
                if d["unusual_visits"]
                else ft.Text("近30天的走访没有发现变化或异常。"),
            ),
            section(
                heading("走访逾期"),
                table(
                    ["对象", "村(居)委会", "最近走访"],
                    [[subject_link(r), r["committee"], r["last_visit"] or "尚无"] for r in d["overdue"][:50]],
                )
                if d["overdue"]
                else ft.Text("没有走访逾期的对象。"),
            ),
            section(
                heading("30天内解矫"),
                table(
                    ["对象", "村(居)委会", "矫正期限止"],
                    [[subject_link(r), r["committee"], r["term_end"]] for r in d["ending_soon"]],
                )
                if d["ending_soon"]
                else ft.Text("30天内没有解矫的对象。"),
            ),
            section(
                heading("没有在册协助人员的对象"),
                table(
                    ["对象", "村(居)委会", "原协助人员(已撤销)"],
                    [
                        [subject_link(r), r["committee"], "、".join(r["revoked"]) or "从未分配"]
                        for r in d["unassisted"][:50]
                    ],
                )
                if d["unassisted"]
                else ft.Text("每名对象都有在册的协助人员。"),
            ),
            section(heading("数据冲突"), *(conflict_items or [ft.Text("没有冲突。")])),
            section(
                heading("30天未交数据的协助人员"),
                table(
                    ["姓名", "村(居)委会", "最近数据包", "天数"],
                    [
                        [h["name"], h["committee"], h["last_bundle"] or "从未", str(h["days"])]
                        for h in d["silent_helpers"]
                    ],
                )
                if d["silent_helpers"]
                else ft.Text("所有协助人员30天内都交过数据。"),
            ),
            *workflow_sections(shell, message),
        ],
    )
