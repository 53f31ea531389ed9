"""通知单: issue an assistance notice (附件1) with automatic numbering, save it as DOCX."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import flet as ft

from core.errors import XietongError
from core.kinds import DUTIES
from core.routes import Screen
from sync.app import folders, office
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


def notices_view(shell: ShellProtocol, screen: Screen) -> ft.View:
    svc = shell.service
    me = svc.identity()
    chosen = screen.get("subject") or ""
    subjects = office.subject_rows(svc)
    by_id = {r["id"]: r for r in subjects}
    message = ft.Column()

    # ---- choose the subject by typing part of a name
    search = ft.TextField(label="查找社区矫正对象(姓名)", width=260)
    matches = ft.Row(wrap=True, spacing=4)

    def fill_matches(e: Any = None) -> None:
        q = (search.value or "").strip()
        found = [r for r in subjects if q and q in r["name"]][:20]
        matches.controls = [
            ft.TextButton(
                f"{r['name']}({r['committee']})",
                on_click=lambda e, sid=r["id"]: shell.go_screen("office_notices", subject=sid),
            )
            for r in found
        ] or ([ft.Text("没有找到。", size=13)] if q else [])
        if e is not None:
            matches.update()

    search.on_change = fill_matches
    search.on_submit = fill_matches
    fill_matches()
    who = by_id.get(chosen)
    subject_line = ft.Text(
        f"对象:{who['name']}({who['committee']},{who['category']})" if who else "尚未选择对象。",
        size=16,
        weight=ft.FontWeight.BOLD,
    )

    duties = [ft.Checkbox(label=d, value=d == "报告重要情况", data=d) for d in DUTIES]
    extra = ft.TextField(label="其他协助事项(每行一项)", multiline=True, min_lines=2, width=520)
    contact = ft.TextField(label="联系人", width=200)
    contact_phone = ft.TextField(label="电话", width=200)
    issuer = ft.TextField(label="填发人", value=me["name"] if len(me["name"]) <= 10 else "", width=200)
    approver = ft.TextField(label="批准人", width=200)
    fields = {
        "contact": contact,
        "contact_phone": contact_phone,
        "issuer": issuer,
        "approver": approver,
        "tasks": extra,
    }

    def issued(rec: Any) -> None:
        shell.toast(f"已填发 {rec.data['number']}")
        shell.go_screen("office_notices", subject=chosen)

    def refused(exc: XietongError) -> None:
        for k, msg in getattr(exc, "errors", {}).items():
            if k in fields:
                fields[k].error = msg
        show_in(message, "通知单未填发")(exc)

    async def issue(e: Any) -> None:
        shell.touch()
        for f in fields.values():
            f.error = None
        if not who:
            message.controls = [box("请先选择社区矫正对象", ["在上方输入姓名并点选。"], ok=False)]
            shell.page.update()
            return
        tasks = office.notice_tasks([c.data for c in duties if c.value], extra.value or "")
        typed = {
            "contact": contact.value or "",
            "contact_phone": contact_phone.value or "",
            "issuer": issuer.value or "",
            "approver": approver.value or "",
        }
        await run(shell, lambda: office.issue_notice(svc, chosen, tasks=tasks, **typed), done=issued, failed=refused)

    # ---- existing notices, each can be saved as DOCX
    out_dir, out_picker = path_picker(shell, "DOCX 保存文件夹", folder_only=True)
    saved = ft.Column()

    def written(out: Any) -> None:
        saved.controls = [box("已保存通知单(含存根)", [str(out)], ok=True)]
        relist(out_picker)

    def save_docx(nid: str, number: str) -> Any:
        async def on_click(e: Any) -> None:
            folder = Path((out_dir.value or "").strip() or folders.default_folder())
            name = number.replace("(", "").replace(")", "-") + ".docx"
            await run(
                shell,
                lambda: office.save_notice_docx(svc, nid, folder / name if folder.is_dir() else folder),
                done=written,
                failed=show_in(saved, "未能保存"),
            )

        return on_click

    rows = office.notice_rows(svc)
    listing = (
        table(
            ["编号", "对象", "村(居)委会", "填发日期", "协助事项", ""],
            [
                [
                    r["number"],
                    r["name"],
                    r["committee"],
                    r["issue_date"],
                    ft.Text("、".join(r["tasks"])[:40]),
                    ft.OutlinedButton("保存DOCX", on_click=save_docx(r["id"], r["number"])),
                ]
                for r in rows[:200]
            ],
        )
        if rows
        else ft.Text("还没有填发通知单。")
    )
    return frame(
        shell,
        "office_notices",
        "协助社区矫正工作通知单",
        [
            section(
                heading("填发通知单"),
                ft.Row([search]),
                matches,
                subject_line,
                ft.Text("协助事项(最多10项)", weight=ft.FontWeight.BOLD),
                ft.Row(duties, wrap=True),
                extra,
                ft.Row([contact, contact_phone, issuer, approver], wrap=True),
                ft.Text("编号自动生成:(年份)协通字第N号,每年连续,不重复使用。", size=13),
                ft.FilledButton("填发", icon=ft.Icons.SEND, on_click=issue),
                message,
            ),
            section(heading("已填发的通知单"), out_picker, listing, saved),
        ],
    )
