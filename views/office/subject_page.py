"""One subject on a wide page: particulars, helpers, every record, 附件2, evaluations, notices.

Reached from the register by clicking a name. Everything comes from ``office.subject_page``
(that subject's partition only); urgent reports are acknowledged in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from core.kinds import KINDS
from core.routes import Screen
from core.timeline import shown
from sync.app import office
from views.office.closeout import closeout_section
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

_REG_LABELS = {f.name: f.label for f in KINDS["registration"].fields}


def _pairs(items: list[tuple[str, str]]) -> ft.Control:
    """Label: value pairs in a wrapping grid (the page is wide)."""
    return ft.Row(
        [
            ft.Container(
                ft.Text(
                    spans=[ft.TextSpan(f"{label}:", ft.TextStyle(weight=ft.FontWeight.BOLD)), ft.TextSpan(value)],
                    selectable=True,
                ),
                width=320,
            )
            for label, value in items
        ],
        wrap=True,
        spacing=12,
        run_spacing=6,
    )


def subject_page_view(shell: ShellProtocol, screen: Screen) -> ft.View:
    svc = shell.service
    sid = screen.get("id") or ""
    page = office.subject_page(svc, sid)  # a subject not found: the shell says so and leads back
    message = ft.Column()

    def again() -> None:
        shell.go_screen("office_subject", id=sid)

    # ---- 基本情况
    basics = section(
        heading("基本情况"),
        _pairs([(p["label"], p["value"]) for p in page["particulars"]]),
        ft.Row(
            [
                ft.OutlinedButton(
                    "修改基本情况、分配协助人员",
                    icon=ft.Icons.EDIT,
                    on_click=lambda e: shell.go_screen("office_subjects", id=sid),
                ),
                ft.OutlinedButton(
                    "矫正小组", icon=ft.Icons.GROUPS, on_click=lambda e: shell.go_screen("office_team", id=sid)
                ),
                ft.OutlinedButton(
                    "返回矫正对象", icon=ft.Icons.ARROW_BACK, on_click=lambda e: shell.go_screen("office_subjects")
                ),
            ],
            wrap=True,
        ),
    )

    # ---- 协助人员
    helpers = section(
        heading("协助人员"),
        ft.Row(
            [
                ft.Container(
                    ft.Row([ft.Icon(ft.Icons.PERSON_OUTLINE, size=18), ft.Text(h["name"])], tight=True, spacing=4),
                    padding=ft.Padding.symmetric(horizontal=10, vertical=4),
                    border_radius=16,
                    border=ft.Border.all(1, ft.Colors.GREY_400),
                )
                for h in page["helpers"]
            ]
            or [ft.Text("尚未分配协助人员。")],
            wrap=True,
        ),
    )

    # ---- 工作记录
    def acknowledge(report_id: str) -> Any:
        def acknowledged(_: Any) -> None:
            shell.toast("已确认处理,处理意见将在下次导出时送达协助人员。")
            again()

        async def on_click(e: Any) -> None:
            await run(
                shell,
                lambda: office.acknowledge(svc, report_id),
                done=acknowledged,
                failed=show_in(message, "未能确认"),
            )

        return on_click

    def timeline_row(r: dict[str, Any]) -> ft.Control:
        open_urgent = r["urgent"] and r["acknowledged"] is False
        colour = ft.Colors.RED_700 if r["urgent"] else None
        line = ft.Row(
            [
                ft.Text(r["date"], width=100),
                ft.Text(r["kind_label"], width=170, weight=ft.FontWeight.BOLD, color=colour),
                ft.Text(("【紧急】" if r["urgent"] else "") + r["title"], expand=True, color=colour),
                ft.Text(r["author_name"], width=120),
                ft.Text(r["status"], width=110, color=colour if open_urgent else None),
            ],
            vertical_alignment=ft.CrossAxisAlignment.START,
        )
        parts: list[ft.Control] = [line]
        detail = r.get("detail") or {}
        if detail.get("description") or detail.get("action"):
            parts.append(
                ft.Text(
                    "情况描述:"
                    + shown(detail.get("description"))
                    + (";已采取措施:" + shown(detail["action"]) if detail.get("action") else ""),
                    size=13,
                    color=colour,
                    selectable=True,
                )
            )
        for item in r.get("lines") or []:  # a visit's answers (or an old visit's paragraphs) as saved
            unusual = ft.Colors.ORANGE_900 if item["unusual"] else None
            parts.append(
                ft.Text(
                    spans=[
                        ft.TextSpan(f"{item['label']}:", ft.TextStyle(weight=ft.FontWeight.BOLD)),
                        ft.TextSpan(item["text"], ft.TextStyle(color=unusual)),
                    ],
                    size=13,
                    selectable=True,
                )
            )
        if open_urgent:
            parts.append(
                ft.FilledButton(
                    "确认处理",
                    icon=ft.Icons.CHECK,
                    on_click=acknowledge(r["id"]),
                    style=ft.ButtonStyle(bgcolor=ft.Colors.RED_700, color=ft.Colors.WHITE),
                )
            )
        return ft.Container(
            ft.Column(parts, spacing=4),
            padding=8,
            border_radius=6,
            bgcolor=ft.Colors.RED_50 if r["urgent"] else None,
            border=ft.Border.all(1, ft.Colors.RED_300 if r["urgent"] else ft.Colors.GREY_200),
        )

    records = section(
        heading(f"工作记录(共 {len(page['timeline'])} 条,最新在前)"),
        ft.Container(
            ft.Row(
                [
                    ft.Text(t, width=w, expand=w is None, weight=ft.FontWeight.BOLD)
                    for t, w in (("日期", 100), ("类别", 170), ("内容", None), ("填写人", 120), ("状态", 110))
                ]
            ),
            padding=ft.Padding.symmetric(horizontal=9),
        ),
        *([timeline_row(r) for r in page["timeline"]] or [ft.Text("尚无工作记录。")]),
    )

    # ---- 登记表 (附件2)
    reg = page["registration"]
    reg_path, reg_picker = path_picker(shell, "登记表保存位置(文件夹或文件)", suffixes=(".docx",))
    reg_msg = ft.Column()

    def printed(out: Any) -> None:
        reg_msg.controls = [box("已保存登记表", [str(out)], ok=True)]
        relist(reg_picker)

    async def print_registration(e: Any) -> None:
        target = reg_path.value or ""
        await run(
            shell,
            lambda: office.save_registration_docx(svc, sid, target),
            done=printed,
            failed=show_in(reg_msg, "未能保存"),
        )

    reg_controls: list[ft.Control] = [heading("社区矫正对象基本情况登记表(附件2)")]
    if reg:
        data = reg["data"]
        reg_controls.append(
            _pairs(
                [
                    (label, shown(data[k]))
                    for k, label in _REG_LABELS.items()
                    if k != "family" and data.get(k) not in (None, "", [])
                ]
            )
        )
        family = [m for m in data.get("family") or [] if isinstance(m, dict)]
        if family:
            reg_controls += [
                ft.Text("家庭主要成员", weight=ft.FontWeight.BOLD),
                table(
                    [label for _k, label in reg["family_columns"]],
                    [[shown(m.get(k)) for k, _label in reg["family_columns"]] for m in family],
                ),
            ]
    else:
        reg_controls.append(ft.Text("协助人员尚未填报登记表;打印时按名册信息预填,其余空白。"))
    reg_controls += [
        reg_picker,
        ft.FilledButton("打印登记表(DOCX)", icon=ft.Icons.PRINT, on_click=print_registration),
        reg_msg,
    ]

    # ---- 社区评议
    evaluations = section(
        heading("社区评议"),
        table(
            ["评议日期", "评议期间", "总体评价", "遵纪守法", "参加社区服务", "日常表现", "评议人数", "填写人"],
            [
                [
                    e["date"],
                    e["period"],
                    e["grade"],
                    e["law_abiding"],
                    e["community_service"],
                    e["daily_conduct"],
                    str(e["evaluators"]),
                    e["author_name"],
                ]
                for e in page["evaluations"]
            ],
        )
        if page["evaluations"]
        else ft.Text("尚无社区评议记录。"),
    )

    # ---- 通知单
    notices = section(
        heading("协助社区矫正工作通知单"),
        table(
            ["编号", "填发日期", "协助事项"],
            [[n["number"], n["issue_date"], "、".join(n["tasks"])] for n in page["notices"]],
        )
        if page["notices"]
        else ft.Text("尚未填发通知单。"),
        *(
            []
            if page.get("closure")  # a closed case (解矫) gets no further notice
            else [
                ft.OutlinedButton(
                    "为此对象填发通知单",
                    icon=ft.Icons.DESCRIPTION,
                    on_click=lambda e: shell.go_screen("office_notices", subject=sid),
                )
            ]
        ),
    )

    return frame(
        shell,
        "office_subjects",
        f"矫正对象:{page['name']}",
        [
            message,
            basics,
            helpers,
            records,
            section(*reg_controls),
            evaluations,
            notices,
            closeout_section(shell, sid, page.get("closure"), again),
        ],
    )
