"""Record forms drawn from the kind schemas (visit, report, ...): inline errors, drafts on change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from core.errors import ValidationError, XietongError
from core.kinds import CHOICE, DATE, KINDS, TEXT
from core.routes import Screen

if TYPE_CHECKING:
    from views.app import Shell

EDITABLE_KINDS = ("visit", "report", "assistance")
SIMPLE_TYPES = (TEXT, DATE, CHOICE)
DRAFT_SAVED = "草稿已自动保存(加密)"


def draft_id(kind: str, subject: str, record_id: str | None) -> str:
    """One draft per new record of a kind for a subject, or per record being edited."""
    return f"edit-{record_id}" if record_id else f"new-{kind}-{subject}"


def collect(values: dict[str, str], kind: str) -> dict[str, Any]:
    """Form values to record data: trimmed, empty optional fields left out."""
    out: dict[str, Any] = {}
    for f in KINDS[kind].fields:
        value = (values.get(f.name) or "").strip()
        if value or f.required:
            out[f.name] = value
    return out


def record_view(shell: "Shell", screen: Screen) -> ft.View:
    svc = shell.service
    record_id = screen.get("id") if screen.name == "edit_record" else None
    try:
        if record_id:
            rec = svc.record(record_id)
            kind, subject, initial = rec.kind, rec.subject or "", dict(rec.data)
        else:
            kind, subject, initial = screen.get("kind") or "", screen.get("id") or "", {}
            svc.subject_detail(subject)
    except XietongError as exc:
        return ft.View(controls=[ft.Text(exc.message), ft.Button("返回", on_click=lambda e: shell.go("/subjects"))])
    if kind not in EDITABLE_KINDS:
        return ft.View(controls=[ft.Text("协助人员不能在本机填写这类记录。"),
                                 ft.Button("返回", on_click=lambda e: shell.go(f"/subjects/{subject}"))])
    schema = KINDS[kind]
    did = draft_id(kind, subject, record_id)
    draft = svc.load_draft(did) or {}
    values: dict[str, str] = {k: str(v) for k, v in {**initial, **draft}.items() if isinstance(v, (str, int))}
    inputs: dict[str, ft.Control] = {}
    status = ft.Text("", size=12, color=ft.Colors.GREY_700)

    def changed(name: str, value: str) -> None:
        shell.touch()
        values[name] = value or ""
        svc.save_draft(did, values)
        control = inputs[name]
        dirty = False
        if _has_error(control):
            errs = svc.validate(kind, collect(values, kind))
            _set_error(control, errs.get(name))
            dirty = not errs.get(name)
        if status.value != DRAFT_SAVED:
            status.value, dirty = DRAFT_SAVED, True
        if dirty:  # only when something shows differently: fewer round trips while typing
            shell.page.update()

    for f in schema.fields:
        if f.type == CHOICE:
            group = ft.RadioGroup(value=values.get(f.name), content=ft.Row(
                [ft.Radio(value=c, label=lab) for c, lab in zip(f.choices, f.shown_choices)], wrap=True))
            group.on_change = lambda e, n=f.name: changed(n, e.control.value)
            err = ft.Text("", color=ft.Colors.RED_700, size=12, visible=False)
            box = ft.Column([ft.Text(f.label + ("" if f.required else "(选填)")), group, err], spacing=2)
            box.data = err
            inputs[f.name] = box
        else:
            long = f.type == TEXT and f.max_len > 200
            tf = ft.TextField(label=f.label + ("" if f.required else "(选填)"), value=values.get(f.name, ""),
                              multiline=long, min_lines=3 if long else 1,
                              hint_text="例如 2026-01-31" if f.type == DATE else None)
            tf.on_change = lambda e, n=f.name: changed(n, e.control.value)
            inputs[f.name] = tf

    def save(e: ft.Event[ft.Button]) -> None:
        shell.touch()
        data = collect(values, kind)
        errors = svc.validate(kind, data)
        for name, control in inputs.items():
            _set_error(control, errors.get(name))
        if errors:
            status.value = f"有{len(errors)}处需要修改,请查看标红的项目。"
            shell.page.update()
            return
        try:
            svc.save_record(kind, data, subject=subject or None, record_id=record_id)
        except ValidationError as exc:
            status.value = exc.message
            shell.page.update()
            return
        svc.discard_draft(did)
        shell.toast(f"{schema.label}已保存")
        shell.go(f"/subjects/{subject}")

    def discard(e: ft.Event[ft.Button]) -> None:
        svc.discard_draft(did)
        shell.go(f"/subjects/{subject}")

    title = ("修改" if record_id else "新增") + schema.label
    if draft:
        status.value = "已恢复上次未保存的草稿"
    return ft.View(
        scroll=ft.ScrollMode.AUTO,
        appbar=ft.AppBar(leading=ft.IconButton(ft.Icons.ARROW_BACK, tooltip="返回",
                                               on_click=lambda e: shell.go(f"/subjects/{subject}")),
                         title=ft.Text(title)),
        controls=[status, *inputs.values(), ft.Row(wrap=True, controls=[
            ft.Button("保存", icon=ft.Icons.SAVE, on_click=save),
            ft.OutlinedButton("稍后再填", on_click=lambda e: shell.go(f"/subjects/{subject}")),
            ft.TextButton("放弃草稿", on_click=discard),
        ])],
    )


def _set_error(control: ft.Control, message: str | None) -> None:
    if isinstance(control, ft.TextField):
        control.error = message
    elif isinstance(control.data, ft.Text):
        control.data.value = message or ""
        control.data.visible = bool(message)


def _has_error(control: ft.Control) -> bool:
    if isinstance(control, ft.TextField):
        return bool(control.error)
    return isinstance(control.data, ft.Text) and bool(control.data.visible)
