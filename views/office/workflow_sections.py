"""The dashboard's sections for the seed's workflow (issue 14): subjects without a 矫正小组,
notices with no 见面 after the set days and 附件2 not yet back (per committee), requests
waiting for a decision (批准 / 不批准 with a note, in place), and approved moves waiting for
the helpers to be reassigned and a new notice."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import flet as ft

from sync.app import office
from views.office.layout import box, heading, section, show_in, table
from views.work import run

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol


def _per_committee(rows: list[dict[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["committee"]] = counts.get(r["committee"], 0) + 1
    return ";".join(f"{c or '未填村(居)委会'} {n} 人" for c, n in counts.items())


def workflow_sections(shell: ShellProtocol, message: ft.Column) -> list[ft.Control]:
    svc = shell.service
    no_team = office.subjects_without_team(svc)
    late = office.awaiting_meeting(svc)
    unregistered = office.awaiting_registration(svc)
    pending = office.pending_requests(svc)
    moves = office.relocations(svc)

    def link(r: dict[str, Any], screen: str = "office_subject") -> ft.Control:
        return ft.TextButton(r["name"], on_click=lambda e, sid=r["subject"]: shell.go_screen(screen, id=sid))

    def decided(outcome: dict[str, Any]) -> None:
        said = f"已{outcome['decision'].data['outcome']},审批决定将在下次导出时送达协助人员。"
        move = outcome["relocation"]
        if move is None:
            shell.toast(said)
            shell.go_screen("office_dashboard")
            return
        sid = move["subject"]
        message.controls = [
            box(
                said,
                [
                    f"{move['name']}将从{move['from']}迁往{move['to']}:"
                    "请修改其村(居)委会、重新分配协助人员,并向新的村(居)委会填发通知单。"
                ],
                ok=True,
            ),
            ft.Row(
                [
                    ft.FilledButton(
                        "修改基本情况、分配协助人员", on_click=lambda e: shell.go_screen("office_subjects", id=sid)
                    ),
                    ft.OutlinedButton(
                        "填发新通知单", on_click=lambda e: shell.go_screen("office_notices", subject=sid)
                    ),
                ],
                wrap=True,
            ),
        ]
        shell.page.update()

    def decide(request_id: str, approve: bool, note: ft.TextField) -> Callable[[Any], Any]:
        async def on_click(e: Any) -> None:
            await run(
                shell,
                lambda: office.decide(svc, request_id, approve, note.value or ""),
                done=decided,
                failed=show_in(message, "未能审批"),
            )

        return on_click

    request_rows = []
    for r in pending:
        note = ft.TextField(label="审批意见", width=200, dense=True)
        when = r["start"] + (f" 至 {r['end']}" if r["end"] else "")
        request_rows.append(
            [
                r["applied"],
                link(r),
                r["committee"],
                r["type"],
                r["channel"],
                when,
                r["destination"] + (f"({r['new_committee']})" if r["new_committee"] else ""),
                ft.Text(r["reason"][:40], width=200),
                note,
                ft.FilledButton("批准", on_click=decide(r["id"], True, note)),
                ft.OutlinedButton("不批准", on_click=decide(r["id"], False, note)),
            ]
        )
    return [
        section(
            heading("待审批的外出、居住地变更申请"),
            table(
                ["申请日期", "对象", "村(居)委会", "类型", "提出方式", "日期", "目的地", "事由", "审批意见", "", ""],
                request_rows,
            )
            if request_rows
            else ft.Text("没有待审批的申请。"),
        ),
        section(
            heading("居住地变更已批准,待重新分配"),
            table(
                ["对象", "现村(居)委会", "迁入村(居)委会", "批准日期", "待办"],
                [
                    [
                        link(r, "office_subjects"),
                        r["committee"],
                        r["to"],
                        r["decided"],
                        "、".join(
                            x
                            for x, done in (
                                ("修改村(居)委会并重新分配协助人员", r["moved"]),
                                ("向新村(居)委会填发通知单", r["noticed"]),
                            )
                            if not done
                        ),
                    ]
                    for r in moves
                ],
            )
            if moves
            else ft.Text("没有待处理的居住地变更。"),
        ),
        section(
            heading(f"通知单发出{office.FIRST_MEETING_DAYS}天仍未见面"),
            ft.Text(_per_committee(late), size=13) if late else ft.Container(),
            table(
                ["村(居)委会", "对象", "通知单", "填发日期", "天数"],
                [[r["committee"], link(r), r["notice"], r["issue_date"], str(r["days"])] for r in late[:50]],
            )
            if late
            else ft.Text("每份通知单都已按时见面。"),
        ),
        section(
            heading("登记表(附件2)尚未反馈"),
            ft.Text(_per_committee(unregistered), size=13) if unregistered else ft.Container(),
            table(
                ["村(居)委会", "对象", "是否已见面"],
                [[r["committee"], link(r), "已见面" if r["met"] else "未见面"] for r in unregistered[:50]],
            )
            if unregistered
            else ft.Text("已发通知单的对象都已反馈登记表。"),
        ),
        section(
            heading("尚未建立矫正小组的对象"),
            table(["对象", "村(居)委会"], [[link(r, "office_team"), r["committee"]] for r in no_team[:50]])
            if no_team
            else ft.Text("每名对象都有矫正小组。"),
        ),
    ]
