"""协助人员: the roster, enrolment from a request file after the in-person check, revocation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import flet as ft

from core.errors import XietongError
from core.kinds import HELPER_CONDITIONS, HELPER_STATUSES
from core.routes import Screen
from core.vocabularies import REVOKE_REASONS
from sync.app import office
from views.office.assessment import assessment_section
from views.office.handover_setting import handover_section
from views.office.layout import (
    box,
    frame,
    heading,
    path_picker,
    relist,
    section,
    show_in,
    table,
)
from views.work import run

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol


def helpers_view(shell: ShellProtocol, screen: Screen) -> ft.View:
    svc = shell.service
    today = svc.today().isoformat()
    me = svc.identity()
    message = ft.Column()

    def revoke(fp: str, name: str, subjects: int = 0) -> Any:
        """Ask, revoke, and only once the dialog has gone show the roster again: a dialog still
        closing while the screen is rebuilt stayed open over the new roster."""
        done: list[bool] = []

        async def confirm(e: Any) -> None:
            why = reason.value or "设备丢失"
            await run(shell, lambda: office.revoke(svc, fp, why), done=done.append, failed=show_in(message, "未能撤销"))
            shell.page.pop_dialog()
            shell.page.update()

        reassign = (
            f"{name}仍负责 {subjects} 名社区矫正对象。撤销后,其中没有其他在册协助人员的对象列在“工作台”,"
            "请为他们重新指定协助人员。"
            if subjects
            else ""
        )

        def closed(e: Any) -> None:
            if done:
                shell.toast(f"已撤销 {name}({REVOKE_REASONS.get(reason.value or '', reason.value or '')})" + reassign)
                shell.go_screen("office_helpers")

        reason = ft.Dropdown(
            label="撤销原因",
            value="设备丢失",
            width=320,
            options=[ft.DropdownOption(key=k, text=f"{k}:{v.split(':')[0]}") for k, v in REVOKE_REASONS.items()],
        )

        def on_click(e: Any) -> None:
            shell.touch()
            shell.page.show_dialog(
                ft.AlertDialog(
                    title=ft.Text(f"撤销协助人员 {name}?"),
                    content=ft.Column(
                        [
                            ft.Text("撤销后,该设备之后导出的数据包将被拒收并隔离。"),
                            *([ft.Text(reassign, color=ft.Colors.ORANGE_900)] if reassign else []),
                            reason,
                        ],
                        tight=True,
                    ),
                    actions=[
                        ft.TextButton("取消", on_click=lambda e: shell.page.pop_dialog()),
                        ft.FilledButton("确认撤销", on_click=confirm),
                    ],
                    on_dismiss=closed,
                )
            )

        return on_click

    rows = office.helper_rows(svc)
    assessed = office.latest_assessments(svc)
    roster = (
        table(
            [
                "姓名",
                "村(居)委会",
                "联系电话",
                "状态",
                "登记日期",
                "备案日期",
                "最近数据包",
                "对象数",
                "最近考核",
                "身份指纹",
                "",
            ],
            [
                [
                    r["name"],
                    r["committee"],
                    r["phone"],
                    HELPER_STATUSES.get(r["status"], r["status"]),
                    r["enrolled_date"],
                    r["filed_date"] or "—",
                    r["last_bundle"] or "尚无",
                    str(r["subjects"]),
                    (lambda a: f"{a['period']} {a['result']}" if a else "—")(assessed.get(r["fingerprint"])),
                    ft.Text(r["fingerprint_grouped"], size=12),
                    ft.TextButton("撤销", on_click=revoke(r["fingerprint"], r["name"], r["subjects"]))
                    if r["status"] == "active"
                    else "",
                ]
                for r in rows
            ],
        )
        if rows
        else ft.Text("还没有登记的协助人员。")
    )

    # ---- enrolment
    req_path, req_picker = path_picker(shell, "登记申请文件路径", suffixes=office.REQUEST_SUFFIXES)
    preview = ft.Column()
    typed = ft.TextField(label="协助人员念出的指纹数字", helper="30位数字,空格可有可无")
    committee = ft.TextField(label="所在村(居)委会")
    boxes = [ft.Checkbox(label=f"{k}. {text}", value=False, data=k) for k, text in HELPER_CONDITIONS.items()]
    reviewer = ft.TextField(label="审查人", value=me["name"])
    review_date = ft.TextField(label="审查日期", value=today)
    filed = ft.TextField(label="备案日期(可不填)", value="")
    enrol_msg = ft.Column()

    def previewed(p: dict[str, Any]) -> None:
        committee.value = committee.value or p["committee"]
        preview.controls = [
            box(
                f"申请人:{p['name']}",
                [
                    f"村(居)委会:{p['committee']}  电话:{p['phone']}",
                    "指纹:" + " ".join(p["fingerprint_groups"]),
                    "请让申请人念出手机上显示的指纹,逐组核对后填在下面。",
                ],
                ok=True,
            )
        ]

    async def do_preview(e: Any) -> None:
        path = req_path.value or ""
        await run(
            shell,
            lambda: office.enrolment_preview(svc, path),
            done=previewed,
            failed=show_in(preview, "无法读取登记申请"),
        )

    def enrolled(row: dict[str, Any]) -> None:
        shell.toast(f"已登记协助人员:{row['name']}")
        shell.go_screen("office_helpers")

    def refused(exc: XietongError) -> None:
        fields = {"committee": committee, "reviewer": reviewer, "review_date": review_date, "filed_date": filed}
        for k, msg in getattr(exc, "errors", {}).items():
            if k in fields:
                fields[k].error = msg
        show_in(enrol_msg, "未能登记")(exc)

    async def do_enrol(e: Any) -> None:
        for f in (typed, committee, reviewer, review_date, filed):
            f.error = None
        path, digits = req_path.value or "", typed.value or ""
        review = {
            "committee": committee.value or "",
            "conditions": [b.data for b in boxes if b.value],
            "reviewer": reviewer.value or "",
            "review_date": (review_date.value or "").strip(),
            "filed_date": (filed.value or "").strip() or None,
        }
        await run(shell, lambda: office.enrol_from_request(svc, path, digits, **review), done=enrolled, failed=refused)

    # ---- office card
    card_path, card_picker = path_picker(shell, "身份卡保存位置(文件夹或文件)", folder_only=True)
    card_msg = ft.Column()

    def card_written(title: str) -> Callable[[Any], None]:
        def show(out: Any) -> None:
            card_msg.controls = [box(title, [str(out), "指纹:" + " ".join(me["fingerprint_groups"])], ok=True)]
            relist(card_picker)

        return show

    async def do_card(e: Any) -> None:
        where = card_path.value or ""
        await run(
            shell,
            lambda: office.write_office_card(svc, where),
            done=card_written("已导出司法所身份卡"),
            failed=show_in(card_msg, "未能导出"),
        )

    async def do_card_docx(e: Any) -> None:
        target = Path((card_path.value or "").strip())
        if target.is_dir():
            target = target / f"司法所身份卡-{me['name']}.docx"
        await run(
            shell,
            lambda: office.write_card_docx(svc, target),
            done=card_written("已保存可打印的身份卡"),
            failed=show_in(card_msg, "未能保存"),
        )

    return frame(
        shell,
        "office_helpers",
        "协助人员",
        [
            message,
            section(heading("协助人员名册"), roster),
            assessment_section(shell, rows, lambda: shell.go_screen("office_helpers")),
            handover_section(shell),
            section(
                heading("登记新的协助人员"),
                ft.Text("1. 选择协助人员手机导出的登记申请文件;2. 核对指纹;3. 记录资格审查(三(一)四项条件)。"),
                req_picker,
                ft.OutlinedButton("读取申请", icon=ft.Icons.VISIBILITY, on_click=do_preview),
                preview,
                typed,
                committee,
                ft.Text("资格条件(须全部符合)", weight=ft.FontWeight.BOLD),
                *boxes,
                ft.Row([reviewer, review_date, filed], wrap=True),
                ft.FilledButton("核对无误,登记", icon=ft.Icons.HOW_TO_REG, on_click=do_enrol),
                enrol_msg,
            ),
            section(
                heading("司法所身份卡"),
                ft.Text("协助人员首次使用时导入此卡,并与您当面核对指纹。"),
                card_picker,
                ft.Row(
                    [
                        ft.OutlinedButton("导出身份卡", on_click=do_card),
                        ft.OutlinedButton("打印身份卡(DOCX)", icon=ft.Icons.PRINT, on_click=do_card_docx),
                    ],
                    wrap=True,
                ),
                card_msg,
            ),
        ],
    )
