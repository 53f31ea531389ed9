"""Record forms drawn from the kind schemas, for every helper-authored kind.

Values live in ``core.formstate`` shape (rows included); this module only draws them, saves an
encrypted draft on every change, and shows validation errors next to the field (or the table
cell) they belong to. A record that has left the device is shown read-only.

Only the inputs relevant now are drawn (``fs.form_fields``): a visit's note appears when its
answer is not the normal one (and takes the focus), 其他在场人员 when 其他 is ticked; the form is
drawn again when a choice changes what is relevant. A visit saved as paragraphs before the
choices is corrected with its own paragraphs.

Few taps for the everyday visit (issue 17: at most 4, no typing, from the subject list). A new
visit starts at today, 家中, and the normal answer of each choice; the shortest path, counted:

  1. tap the subject's 新增走访记录 icon in the subject list;
  2. tap who was present (本人), or 与上次相同 (the answers and who was present of the last visit);
  3. tap 保存.

An answer that is not normal adds its note (focused, so the keyboard is up at once) and asks
for a line of 走访记录; an 异常 answer offers 报告重要情况, which saves the visit and opens the
report with the category guessed and the note carried over (``sync.app.visits``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from core import formstate as fs
from core import routes
from core.errors import XietongError
from core.kinds import (
    KINDS,
)
from core.routes import Screen
from sync.app import helper_entrustments as entrustment_tasks
from sync.app import visits as visit_actions
from views import record_page
from views.work import run

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol

from views.form_inputs import (  # noqa: F401 (the screen tests read DRAFT_SAVED and FORM_BODY here)
    DRAFT_SAVED,
    FORM_BODY,
    FROM_VISIT_NOTE,
    SAME_AS_LAST,
    SAME_AS_LAST_DONE,
    FormInputs,
    to_lock_screen,
)

# Helper-authored kinds in the order a helper meets them (the add menu follows it).
EDITABLE_KINDS = (
    "visit",
    "report",
    "registration",
    "evaluation",
    "assistance",
    "meeting",
    "declaration",
    "investigation",
)
EDITABLE_KINDS += ("social_support",)  # 三(二)6 引导社会力量参与 (issue 15)
EDITABLE_KINDS += ("first_meeting", "movement")  # issue 14; a travel return is recorded on the subject page


def record_view(shell: ShellProtocol, screen: Screen) -> ft.View:
    svc = shell.service
    record_id = screen.get("id") if screen.name == "edit_record" else None
    # A record or subject not found: the shell says so and leads back.
    if record_id:
        rec = svc.record(record_id)
        kind, subject, initial = (
            rec.kind,
            rec.subject or "",
            fs.from_data(rec.kind, rec.data) if rec.kind in KINDS else {},
        )
        locked = svc.record_lock_reason(record_id)
    else:
        kind, subject, initial, locked = screen.get("kind") or "", screen.get("id") or "", None, None
        initial = entrustment_tasks.new_values(svc, kind, subject) if kind in EDITABLE_KINDS else None
    # a subject's page, or an entrustment's (its investigations, issue 15)
    back_to = routes.owner(entrustment_tasks.owner_kind(svc, subject), subject) if subject else routes.SUBJECTS
    if record_id and (locked or kind not in EDITABLE_KINDS):
        return record_page.read_only_view(shell, rec, locked or "这类记录只能查看,不能在本机修改。", back_to)
    if kind not in EDITABLE_KINDS:
        return ft.View(
            controls=[
                ft.Text("协助人员不能在本机填写这类记录。"),
                ft.Button("返回", on_click=lambda e: shell.go(back_to)),
            ]
        )
    schema = KINDS[kind]
    did = fs.draft_id(kind, subject, record_id)
    draft = svc.load_draft(did)
    if draft:
        values = fs.from_draft(kind, draft)
    else:  # a saved record's values, or a new record's: what its subject and this helper answer
        values = initial or {}
    status = ft.Text("", size=12, color=ft.Colors.GREY_700)
    form = FormInputs(shell, kind, did, values, status)

    def refused(exc: XietongError) -> None:
        form.show_errors(fs.error_paths(getattr(exc, "errors", {}), kind))
        status.value = exc.message

    def saved(_: Any) -> None:
        shell.toast(f"{schema.label}已保存")
        shell.go(back_to)

    async def save(e: ft.Event[ft.Button]) -> None:
        shell.touch()
        data = fs.to_data(kind, form.values)
        errors = fs.error_paths(svc.validate(kind, data), kind)
        unshown = form.show_errors(errors)
        if errors:
            status.value = f"有{len(errors)}处需要修改,请查看标红的项目。" + "".join(f"\n{m}" for m in unshown)
            shell.page.update()
            return

        def keep() -> None:
            svc.save_record(kind, data, subject=subject or None, record_id=record_id)
            svc.discard_draft(did)  # locked in between: the record is saved, its draft is offered again

        await run(shell, keep, done=saved, failed=refused)

    async def report(state: str) -> None:
        """报告重要情况 from an 异常 answer: the visit is saved as by 保存, then the report opens."""
        shell.touch()
        data = fs.to_data(kind, form.values)
        errors = fs.error_paths(svc.validate(kind, data), kind)
        unshown = form.show_errors(errors)
        if errors:
            status.value = f"有{len(errors)}处需要修改,请查看标红的项目。" + "".join(f"\n{m}" for m in unshown)
            shell.page.update()
            return

        def opened(_: Any) -> None:
            shell.toast(f"{schema.label}已保存")
            shell.go(routes.route("new_record", id=subject, kind="report", source="visit"))

        await run(
            shell,
            lambda: visit_actions.save_and_report(svc, subject, data, state, record_id=record_id),
            done=opened,
            failed=refused,
        )

    async def copy_last(e: ft.Event[ft.Button]) -> None:
        shell.touch()
        try:
            form.values = visit_actions.same_as_last(svc, subject, form.values)
        except XietongError as exc:
            status.value = exc.message
            shell.page.update()
            return
        form.opened.clear()
        if form.store_draft():
            form.redraw()
            status.value = SAME_AS_LAST_DONE
            shell.page.update()

    async def discard(e: ft.Event[ft.Button]) -> None:
        await run(shell, lambda: svc.discard_draft(did), done=lambda _: shell.go(back_to))

    if kind == "visit" and subject:
        form.report = report
    form.redraw()
    form.autofocus_first_empty()
    title, full_title = fs.form_titles(kind, editing=bool(record_id))
    head: list[ft.Control] = [ft.Text(full_title, size=20, weight=ft.FontWeight.BOLD)] if full_title else []
    if kind == "visit" and not record_id and not KINDS[kind].is_legacy(form.values):
        head.append(
            ft.OutlinedButton(
                SAME_AS_LAST,
                icon=ft.Icons.CONTENT_COPY,
                on_click=copy_last,
                tooltip="带入该对象上次走访的选项和在场人员,日期仍为今天",
            )
        )
    if draft:
        status.value = FROM_VISIT_NOTE if screen.get("source") == "visit" else "已恢复上次未保存的草稿"
    return ft.View(
        scroll=ft.ScrollMode.AUTO,
        on_scroll=lambda e: shell.touch(),
        scroll_interval=300,  # reading is activity
        appbar=ft.AppBar(
            leading=ft.IconButton(ft.Icons.ARROW_BACK, tooltip="返回", on_click=lambda e: shell.go(back_to)),
            title=ft.Text(title),
        ),
        controls=[
            *head,
            status,
            form.body,
            ft.Row(
                wrap=True,
                controls=[
                    ft.Button("保存", icon=ft.Icons.SAVE, on_click=save),
                    ft.OutlinedButton("稍后再填", on_click=lambda e: shell.go(back_to)),
                    ft.TextButton("放弃草稿", on_click=discard),
                ],
            ),
        ],
    )
