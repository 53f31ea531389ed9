"""矫正对象: the register with filters, add/edit with field errors, roster import, assignment."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import flet as ft

from core.errors import XietongError
from core.kinds import CATEGORIES, KINDS
from core.routes import Screen
from sync.app import office
from views.office.entrustments import entrustments_section
from views.office.layout import (
    box,
    frame,
    heading,
    path_picker,
    section,
    show_in,
    table,
)
from views.subjects import badge
from views.work import run

if TYPE_CHECKING:
    from sync.app.roster_plan import RosterPlan
    from views.shell_protocol import ShellProtocol

FORM_FIELDS = [f for f in KINDS["subject"].fields if f.name != "helpers"]


def _dropdown(label: str, value: str, options: list[tuple[str, str]], width: int = 200) -> ft.Dropdown:
    return ft.Dropdown(
        label=label, value=value, width=width, options=[ft.DropdownOption(key=k, text=t) for k, t in options]
    )


def register_view(shell: ShellProtocol, screen: Screen) -> ft.View:
    svc = shell.service
    params = dict(screen.params)
    helpers = [h for h in office.helper_rows(svc) if h["status"] == "active"]
    committee = _dropdown(
        "村(居)委会", params.get("committee", ""), [("", "全部")] + [(c, c) for c in office.committees(svc)], 240
    )
    category = _dropdown("矫正类别", params.get("category", ""), [("", "全部")] + [(c, c) for c in CATEGORIES], 160)
    helper = _dropdown(
        "协助人员",
        params.get("helper", ""),
        [("", "全部"), ("none", "未分配")] + [(h["fingerprint"], h["name"]) for h in helpers],
        180,
    )
    ending = ft.Checkbox(label="30天内解矫", value=params.get("ending") == "30")
    status = _dropdown(
        "状态", params.get("status", ""), [("", "全部"), ("active", "在矫"), ("archived", "已解矫")], 140
    )
    query = ft.TextField(label="搜索姓名", value=params.get("q", ""), width=180)

    def apply_filters(e: Any = None) -> None:
        chosen = {
            "committee": committee.value or "",
            "category": category.value or "",
            "helper": helper.value or "",
            "ending": "30" if ending.value else "",
            "q": (query.value or "").strip(),
            "status": status.value or "",
        }
        shell.go_screen("office_subjects", **{k: v for k, v in chosen.items() if v})

    for c in (committee, category, helper, status):
        c.on_select = apply_filters
    ending.on_change = apply_filters
    query.on_submit = apply_filters
    rows = office.subject_rows(
        svc,
        committee=params.get("committee", ""),
        category=params.get("category", ""),
        helper=params.get("helper", ""),
        ending_within=30 if params.get("ending") == "30" else None,
        query=params.get("q", ""),
        status=params.get("status", ""),
    )

    def open_subject(sid: str) -> Any:
        return lambda e: shell.go_screen("office_subject", id=sid)

    register = (
        table(
            ["姓名", "村(居)委会", "类别", "矫正期限", "协助人员", "最近走访", "提示"],
            [
                [
                    ft.TextButton(r["name"], on_click=open_subject(r["id"])),
                    r["committee"],
                    r["category"],
                    f"{r['term_start']} 至 {r['term_end']}",
                    "、".join(r["helper_names"]) or "未分配",
                    r["last_visit"] or "尚无",
                    ft.Row([badge(b) for b in r["badges"]], spacing=4),
                ]
                for r in rows[:300]
            ],
        )
        if rows
        else ft.Text("没有符合条件的社区矫正对象。")
    )

    # ---- add / edit
    editing = params.get("id")
    current: dict[str, Any] = {}
    if editing:  # a subject not found: the shell says so and leads back to the register
        current = dict(svc.record(editing).data)
    inputs: dict[str, ft.Control] = {}
    for f in FORM_FIELDS:
        value = str(current.get(f.name, "") or "")
        if f.choices:
            inputs[f.name] = _dropdown(
                f.label + ("" if f.required else "(选填)"), value, [(c, c) for c in f.choices], 180
            )
        else:
            hint = {"date": "YYYY-MM-DD", "yearmonth": "YYYY-MM"}.get(f.type)
            inputs[f.name] = ft.TextField(
                label=f.label + ("" if f.required else "(选填)"),
                value=value,
                width=260,
                hint_text=hint,
                multiline=f.multiline,
            )
    form_msg = ft.Column()

    def saved(rec: Any) -> None:
        shell.toast(f"已保存:{rec.data['name']}")
        shell.go_screen("office_subjects", **{**params, "id": rec.id})

    def refused(exc: XietongError) -> None:
        errors = getattr(exc, "errors", {})
        for k, msg in errors.items():
            c = inputs.get(k)
            if isinstance(c, ft.TextField):
                c.error = msg
            elif isinstance(c, ft.Dropdown):
                c.error_text = msg
        show_in(form_msg, f"有 {len(errors)} 处需要修改" if errors else "未能保存")(exc)

    async def save(e: Any) -> None:
        data = {k: (c.value or "") for k, c in inputs.items()}  # type: ignore[attr-defined]
        for c in inputs.values():
            if isinstance(c, ft.TextField):
                c.error = None
            elif isinstance(c, ft.Dropdown):
                c.error_text = None
        await run(shell, lambda: office.save_subject(svc, data, editing), done=saved, failed=refused)

    # ---- assignment
    assign_msg = ft.Column()
    assign_to = _dropdown("协助人员", "", [(h["fingerprint"], f"{h['name']}({h['committee']})") for h in helpers], 260)
    assigned = list(current.get("helpers") or [])
    names = {h["fingerprint"]: h["name"] for h in office.helper_rows(svc)}

    def again(said: str) -> Callable[[Any], None]:
        def show(_: Any) -> None:
            shell.toast(said)
            shell.go_screen("office_subjects", **params)

        return show

    def do_assign(replace: str | None) -> Any:
        async def on_click(e: Any) -> None:
            shell.touch()
            chosen = assign_to.value
            if not chosen:
                assign_msg.controls = [box("请先选择协助人员", [], ok=False)]
                shell.page.update()
                return
            await run(
                shell,
                lambda: office.assign(svc, editing or "", chosen, replace=replace),
                done=again(
                    "已改派;下次导出时送达新的协助人员(附移交材料),并从原协助人员手机撤回。"
                    if replace
                    else "已分配;下次导出时送达协助人员。"
                ),
                failed=show_in(assign_msg, "未能分配"),
            )

        return on_click

    def do_unassign(fp: str) -> Any:
        async def on_click(e: Any) -> None:
            await run(
                shell,
                lambda: office.unassign(svc, editing or "", fp),
                done=again(f"已取消分配{names.get(fp, fp[:5])};下次导出时通知协助人员。"),
                failed=show_in(assign_msg, "未能取消分配"),
            )

        return on_click

    edit_controls: list[ft.Control] = [
        heading(f"修改:{current.get('name', '')}" if editing else "新增社区矫正对象"),
        ft.Row(list(inputs.values()), wrap=True),
        form_msg,
        ft.Row(
            [
                ft.FilledButton("保存", icon=ft.Icons.SAVE, on_click=save),
                ft.OutlinedButton(
                    "新增另一名",
                    on_click=lambda e: shell.go_screen(
                        "office_subjects", **{k: v for k, v in params.items() if k != "id"}
                    ),
                ),
            ]
        ),
    ]
    if editing:
        edit_controls += [
            heading("协助人员分配"),
            ft.Row(
                [
                    ft.Chip(
                        label=ft.Text(names.get(fp, fp[:5])),
                        on_delete=do_unassign(fp),
                        delete_icon_tooltip=f"取消分配{names.get(fp, fp[:5])}",
                    )
                    for fp in assigned
                ]
                or [ft.Text("尚未分配。")],
                wrap=True,
            ),
            ft.Row(
                [assign_to, ft.FilledButton("分配", on_click=do_assign(None))]
                + [ft.OutlinedButton(f"改派(替换{names.get(fp, fp[:5])})", on_click=do_assign(fp)) for fp in assigned],
                wrap=True,
            ),
            assign_msg,
            ft.OutlinedButton(
                "为此对象填发通知单",
                icon=ft.Icons.DESCRIPTION,
                on_click=lambda e: shell.go_screen("office_notices", subject=editing or ""),
            ),
        ]

    # ---- roster import: a preview first, then the import of exactly what was previewed
    roster_path, roster_picker = path_picker(shell, "名册文件路径(XLSX 或 CSV)", suffixes=(".xlsx", ".csv"))
    roster_msg = ft.Column()
    confirm = ft.FilledButton("确认导入", icon=ft.Icons.UPLOAD_FILE, disabled=True)

    def previewed(plan: RosterPlan) -> None:
        roster_msg.controls = [box("导入预览(尚未写入)", plan.lines(limit=30), ok=not plan.refuse)]
        confirm.disabled = not plan.can_apply

    def unreadable(exc: XietongError) -> None:
        roster_msg.controls = [box("未能读取名册", [exc.message], ok=False)]

    async def do_preview(e: Any) -> None:
        confirm.disabled = True
        path = roster_path.value or ""
        await run(shell, lambda: office.roster_preview(svc, path), done=previewed, failed=unreadable)

    def imported(counts: dict[str, int]) -> None:
        shell.toast(f"已导入:新增 {counts['added']} 名,更新 {counts['updated']} 名,跳过 {counts['skipped']} 名。")
        shell.go_screen("office_subjects")

    def refused_roster(exc: XietongError) -> None:
        errors = getattr(exc, "errors", None)
        roster_msg.controls = [
            box(exc.message, list(errors.values())[:20], ok=False)
            if errors
            else box("未能导入", [exc.message], ok=False)
        ]

    async def do_import(e: Any) -> None:
        path = roster_path.value or ""
        await run(shell, lambda: office.import_roster(svc, path), done=imported, failed=refused_roster)

    confirm.on_click = do_import

    return frame(
        shell,
        "office_subjects",
        "矫正对象",
        [
            ft.Row(
                [
                    committee,
                    category,
                    helper,
                    ending,
                    status,
                    query,
                    ft.OutlinedButton("筛选", icon=ft.Icons.FILTER_ALT, on_click=apply_filters),
                ],
                wrap=True,
            ),
            ft.Text(f"共 {len(rows)} 名" + ("(只显示前300名)" if len(rows) > 300 else "")),
            section(register),
            section(*edit_controls),
            entrustments_section(shell),  # issue 15: 委托调查评估 before the register
            section(
                heading("从名册导入"),
                ft.Text(
                    "名册需有一行列名(姓名、性别、出生年月……),上方可有标题行。先预览将新增、更新、跳过哪些人;"
                    "有任何一行不合格则整份不导入。已在登记册中的人(姓名、出生年月、判决日期相同)只更新,不会重复。"
                ),
                roster_picker,
                ft.Row([ft.OutlinedButton("预览", icon=ft.Icons.PREVIEW, on_click=do_preview), confirm]),
                roster_msg,
            ),
        ],
    )
