"""The inputs of one open record form: drawn from the kind's schema (only the ones relevant
now), each change kept in ``core.formstate`` shape and saved as an encrypted draft, errors
shown beside the field or table cell they belong to."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import flet as ft

from core import formstate as fs
from core import visits
from core.kinds import (
    BOOL,
    CHOICE,
    DATE,
    INT,
    INTS,
    KINDS,
    PHONE,
    ROWS,
    STRS,
    YEARMONTH,
    Field,
    section_of,
)
from core.vocabularies import ABNORMAL
from sync.app.errors import StoreLocked
from views.record_page import row_title

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol

DRAFT_SAVED = "草稿已自动保存(加密)"
ADD_ROW = "添加一行"
REMOVE_ROW = "删除"
OPTIONAL = "(选填)"
FORM_BODY = "form-body"  # ``data`` of the column holding the inputs
SAME_AS_LAST = "与上次相同"
SAME_AS_LAST_DONE = "已带入上次走访的选项,只需修改有变化的项目。"
ADD_NOTE = "加说明"
REPORT_FROM_VISIT = "报告重要情况"
FROM_VISIT_NOTE = "已根据走访带入情况类别和说明,请选择紧急程度后保存。"
HINTS = {DATE: "例如 2026-01-31", YEARMONTH: "例如 1986-07", PHONE: "手机或座机号码"}


def field_label(f: Field, needed: bool | None = None) -> str:
    """The label, marked 选填 when the field may stay empty (``needed``: what the other answers
    decide, for a field whose need depends on them)."""
    required = f.required or bool(f.min_items) if needed is None else needed
    return f.label + ("" if required else OPTIONAL)


class FormInputs:
    """The controls of one open form and the values they show."""

    def __init__(self, shell: ShellProtocol, kind: str, did: str, values: fs.Values, status: ft.Text) -> None:
        self.shell, self.kind, self.did, self.values, self.status = shell, kind, did, values, status
        self.svc = shell.service
        self.inputs: dict[str, ft.Control] = {}  # error path -> control showing it
        self.tables: dict[str, ft.Column] = {}
        self.body = ft.Column(spacing=10, data=FORM_BODY)  # the inputs, drawn again when what is relevant changes
        self.opened: set[str] = set()  # notes opened by 加说明 on a normal answer
        self.report: Callable[[str], Any] | None = None  # 报告重要情况 from an 异常 answer

    def fields(self) -> tuple[Field, ...]:
        """The inputs drawn now, in form order (``fs.form_fields`` plus the notes opened)."""
        shown = {f.name for f in fs.form_fields(self.kind, self.values)} | self.opened
        return tuple(f for f in KINDS[self.kind].fields_for(self.values) if f.name in shown)

    def redraw(self) -> None:
        """Draw the inputs again (a choice changed which are relevant)."""
        self.inputs.clear()
        self.tables.clear()
        self.body.controls = self.build_all()

    # ------------------------------------------------------------------ focus

    def order(self) -> list[str]:
        """Every input's path in the order the form shows them (table cells row by row)."""
        out: list[str] = []
        for f in self.fields():
            if f.type != ROWS:
                out.append(f.name)
                continue
            rows = self.values.get(f.name)
            for i in range(len(rows) if isinstance(rows, list) else 0):
                out.extend(f"{f.name}.{i}.{c.name}" for c in f.row)
        return [p for p in out if p in self.inputs]

    def text_order(self) -> list[str]:
        return [p for p in self.order() if isinstance(self.inputs[p], ft.TextField)]

    def autofocus_first_empty(self) -> str | None:
        """Focus the first required input still empty, if it is one a person types into.

        A choice (radio buttons) is left unfocused: the keyboard would only cover it.
        """
        path = fs.first_empty_required(self.kind, self.values, self.order())
        control = self.inputs.get(path or "")
        if isinstance(control, ft.TextField):
            control.autofocus = True
            return path
        return None

    async def focus_after(self, path: str) -> None:
        """Enter in a one-line input: on to the next input to type into."""
        nxt = fs.next_path(self.text_order(), path)
        control = self.inputs.get(nxt or "")
        if isinstance(control, ft.TextField):
            await control.focus()

    # ------------------------------------------------------------------ state

    def store_draft(self) -> bool:
        """Save the encrypted draft; False (and the lock screen) when another session locked
        the store meanwhile: without the key there is nothing to save with."""
        try:
            self.svc.save_draft(self.did, fs.to_draft(self.kind, self.values))
        except StoreLocked:
            to_lock_screen(self.shell)
            return False
        return True

    async def chose(self, path: str, value: Any) -> None:
        """A choice or a chip: saved like any change; when it changes which inputs are relevant
        the form is drawn again, and a note that has just appeared takes the focus."""
        before = {f.name for f in self.fields()}
        self.changed(path, value, redraw=True)
        appeared = [f.name for f in self.fields() if f.name not in before]
        control = self.inputs.get(appeared[0]) if appeared else None
        if isinstance(control, ft.TextField):
            await focus(control)

    async def open_note(self, note: str) -> None:
        """加说明: a note on a normal answer, which the form does not ask for."""
        self.shell.touch()
        self.opened.add(note)
        self.redraw()
        self.shell.page.update()
        control = self.inputs.get(note)
        if isinstance(control, ft.TextField):
            await focus(control)

    def changed(self, path: str, value: Any, *, redraw: bool = False) -> None:
        self.shell.touch()
        try:
            self.values = fs.set_value(self.values, path, value)
        except KeyError:
            return  # a row removed meanwhile
        if not self.store_draft():
            return
        if redraw:
            errors = {p: m for p, c in self.inputs.items() if has_error(c) for m in [error_of(c)] if m}
            self.redraw()
            if errors:  # errors shown stay shown, checked again against the new values
                now = fs.error_paths(self.svc.validate(self.kind, fs.to_data(self.kind, self.values)), self.kind)
                self.show_errors({p: now[p] for p in now if p in errors or p == path})
            self.status.value = DRAFT_SAVED
            self.shell.page.update()
            return
        control = self.inputs.get(path)
        dirty = False
        if control is not None and has_error(control):
            errs = fs.error_paths(self.svc.validate(self.kind, fs.to_data(self.kind, self.values)), self.kind)
            set_error(control, errs.get(path))
            dirty = not errs.get(path)
        if self.status.value != DRAFT_SAVED:
            self.status.value, dirty = DRAFT_SAVED, True
        if dirty:  # only when something shows differently: fewer round trips while typing
            self.shell.page.update()

    def add_row(self, f: Field) -> None:
        self.shell.touch()
        self.values = fs.add_row(self.kind, self.values, f.name)
        if self.store_draft():
            self._redraw_table(f)

    def remove_row(self, f: Field, index: int) -> None:
        self.shell.touch()
        self.values = fs.remove_row(self.kind, self.values, f.name, index)
        if self.store_draft():
            self._redraw_table(f)

    # ------------------------------------------------------------------ drawing

    def build(self, f: Field) -> ft.Control:
        if f.type == ROWS:
            return self._table(f)
        needed = visits.required_now(self.values, f.name) if self.kind == "visit" else None
        return self._scalar(f, f.name, self.values.get(f.name), field_label(f, needed))

    def build_all(self) -> list[ft.Control]:
        """Every field in schema order; a section's fields (个体特征) framed under its heading,
        drawn like a row of the family table."""
        out: list[ft.Control] = []
        done: set[str] = set()
        fields = self.fields()
        for f in fields:
            if f.name in done:
                continue
            section = section_of(self.kind, f.name)
            if section is None:
                out.append(self.build(f))
                out.extend(self._after(f))
                continue
            heading, names = section
            members = [g for g in fields if g.name in names]
            done.update(g.name for g in members)
            out.append(
                ft.Container(
                    ft.Column(
                        [ft.Text(heading, weight=ft.FontWeight.BOLD), *(self.build(g) for g in members)], spacing=6
                    ),
                    border=ft.Border.all(1, ft.Colors.GREY_300),
                    border_radius=8,
                    padding=10,
                )
            )
        return out

    def _scalar(self, f: Field, path: str, value: Any, label: str) -> ft.Control:
        on: Callable[[Any], None] = lambda v, p=path: self.changed(p, v)  # noqa: E731
        if f.type == CHOICE and self.kind == "visit":  # a visit's answers: one row of chips, one tap each

            def answer(choice: str, lab: str, p: str = path) -> ft.Chip:
                async def select(e: ft.Event[ft.Chip]) -> None:
                    await self.chose(p, choice)

                return ft.Chip(label=ft.Text(lab), selected=value == choice, on_select=select, show_checkmark=False)

            control: ft.Control = boxed(
                label,
                ft.Row(
                    [answer(c, lab) for c, lab in zip(f.choices, f.shown_choices, strict=True)], wrap=True, spacing=8
                ),
            )
        elif f.type in (CHOICE, BOOL):
            choices = f.choices if f.type == CHOICE else (fs.YES, fs.NO)
            shown = f.shown_choices if f.type == CHOICE else (fs.YES, fs.NO)
            group = ft.RadioGroup(
                value=value or None,
                content=ft.Row(
                    [ft.Radio(value=c, label=lab) for c, lab in zip(choices, shown, strict=False)], wrap=True
                ),
            )

            async def pick(e: ft.Event[ft.RadioGroup], p: str = path) -> None:
                await self.chose(p, e.control.value)

            group.on_change = pick
            control = boxed(label, group)
        elif f.type == STRS and f.choices:  # quick chips (在场人员)
            ticked = list(value or [])

            def chip(choice: str, lab: str, p: str = path) -> ft.Chip:
                async def toggle(e: ft.Event[ft.Chip]) -> None:
                    now = [c for c in f.choices if (c in ticked) != (c == choice)]
                    ticked[:] = now
                    await self.chose(p, now)

                return ft.Chip(label=ft.Text(lab), selected=choice in ticked, on_select=toggle)

            control = boxed(
                label,
                ft.Row(
                    [chip(c, lab) for c, lab in zip(f.choices, f.shown_choices, strict=True)],
                    wrap=True,
                    spacing=8,
                    run_spacing=4,
                ),
            )
        elif f.type in (STRS, INTS) and f.choices:
            ticked = list(value or [])

            def tick(choice: str, on_: bool) -> None:
                if on_ and choice not in ticked:
                    ticked.append(choice)
                elif not on_ and choice in ticked:
                    ticked.remove(choice)
                on([c for c in f.choices if c in ticked])

            boxes = [
                ft.Checkbox(label=lab, value=c in ticked, on_change=lambda e, c=c: tick(c, bool(e.control.value)))
                for c, lab in zip(f.choices, f.shown_choices, strict=False)
            ]
            control = boxed(label, ft.Column(boxes, spacing=0))
        elif f.type in (STRS, INTS):
            tf = ft.TextField(
                label=label, value="\n".join(value or []), multiline=True, min_lines=2, hint_text="每行一项"
            )
            tf.on_change = lambda e: on([x.strip() for x in (e.control.value or "").splitlines() if x.strip()])
            control = tf
        else:
            keyboard = {
                INT: ft.KeyboardType.NUMBER,
                PHONE: ft.KeyboardType.PHONE,
                DATE: ft.KeyboardType.DATETIME,
                YEARMONTH: ft.KeyboardType.DATETIME,
            }.get(f.type)
            tf = ft.TextField(
                label=label,
                value=str(value or ""),
                multiline=f.multiline,
                min_lines=3 if f.multiline else 1,
                hint_text=HINTS.get(f.type),
                keyboard_type=keyboard or ft.KeyboardType.TEXT,
            )
            tf.on_change = lambda e: on(e.control.value or "")
            if not f.multiline:

                async def submit(e: ft.Event[ft.TextField], p: str = path) -> None:
                    await self.focus_after(p)

                tf.on_submit = submit
            control = tf
        self.inputs[path] = control
        return control

    def _after(self, f: Field) -> list[ft.Control]:
        """What follows a visit's answer: 加说明 while its note is not drawn, and 报告重要情况
        under an 异常 answer (after its note)."""
        if self.kind != "visit" or KINDS["visit"].is_legacy(self.values) or not f.name.endswith(("_state", "_note")):
            return []
        base = f.name.rsplit("_", 1)[0]
        state, note = f"{base}_state", f"{base}_note"
        drawn = {g.name for g in self.fields()}
        out: list[ft.Control] = []
        if f.name == state and note not in drawn:
            out.append(
                ft.TextButton(
                    f"{f.label}{ADD_NOTE}", icon=ft.Icons.EDIT_NOTE, on_click=lambda e, n=note: self.open_note(n)
                )
            )
        last = f.name == note or note not in drawn
        if last and self.values.get(state) == ABNORMAL and self.report is not None:
            report = self.report

            async def on_click(e: ft.Event[ft.Button], s: str = state) -> None:
                await report(s)

            out.append(
                ft.Row(
                    [
                        ft.Button(
                            REPORT_FROM_VISIT,
                            icon=ft.Icons.REPORT,
                            on_click=on_click,
                            bgcolor=ft.Colors.RED_50,
                            color=ft.Colors.RED_900,
                        ),
                        ft.Text("先保存本次走访,再填报告(类别和说明已带入)", size=12, color=ft.Colors.GREY_700),
                    ],
                    wrap=True,
                )
            )
        return out

    def _table(self, f: Field) -> ft.Control:
        body = ft.Column(spacing=8)
        self.tables[f.name] = body
        self._fill_table(f)
        box = boxed(field_label(f), body)
        self.inputs[f.name] = box
        return box

    def _fill_table(self, f: Field) -> None:
        for key in [k for k in self.inputs if k.startswith(f.name + ".")]:
            del self.inputs[key]
        rows = self.values.get(f.name) or []
        cards: list[ft.Control] = []
        for i, row in enumerate(rows):
            cells = [self._scalar(c, f"{f.name}.{i}.{c.name}", row.get(c.name, ""), field_label(c)) for c in f.row]
            cards.append(
                ft.Container(
                    ft.Column(
                        [
                            ft.Row(
                                [
                                    ft.Text(f"{f.label} {row_title(f, i)}", weight=ft.FontWeight.BOLD, expand=True),
                                    ft.TextButton(
                                        REMOVE_ROW,
                                        icon=ft.Icons.DELETE_OUTLINE,
                                        on_click=lambda e, i=i: self.remove_row(f, i),
                                    ),
                                ]
                            ),
                            *cells,
                        ],
                        spacing=6,
                    ),
                    border=ft.Border.all(1, ft.Colors.GREY_300),
                    border_radius=8,
                    padding=10,
                )
            )
        if not rows:
            cards.append(ft.Text(f"尚未填写,点“{ADD_ROW}”逐行填写。", color=ft.Colors.GREY_700))
        full = not fs.can_add_row(self.kind, self.values, f.name)
        cards.append(ft.OutlinedButton(ADD_ROW, icon=ft.Icons.ADD, disabled=full, on_click=lambda e: self.add_row(f)))
        if f.max_items:
            count = f"{f.min_items}至{f.max_items}" if f.min_items else f"最多{f.max_items}"
            cards.append(ft.Text(f"{count}{f.unit}", size=12, color=ft.Colors.GREY_700))
        self.tables[f.name].controls = cards

    def _redraw_table(self, f: Field) -> None:
        self._fill_table(f)
        box = self.inputs.get(f.name)
        if box is not None and has_error(box):  # e.g. 评议人应为3至5人 goes once a row is added
            errs = fs.error_paths(self.svc.validate(self.kind, fs.to_data(self.kind, self.values)), self.kind)
            set_error(box, errs.get(f.name))
        self.shell.page.update()

    def show_errors(self, errors: dict[str, str]) -> list[str]:
        """Put each error by its control; the messages no control shows are returned."""
        for path, control in self.inputs.items():
            set_error(control, errors.get(path))
        return [m for k, m in errors.items() if k not in self.inputs]


def boxed(label: str, inner: ft.Control) -> ft.Column:
    """A label, the control and an error line (kept in ``data``) for non-text inputs."""
    err = ft.Text("", color=ft.Colors.RED_700, size=12, visible=False)
    box = ft.Column([ft.Text(label), inner, err], spacing=2)
    box.data = err
    return box


def set_error(control: ft.Control, message: str | None) -> None:
    if isinstance(control, ft.TextField):
        control.error = message
    elif isinstance(control.data, ft.Text):
        control.data.value = message or ""
        control.data.visible = bool(message)


async def focus(control: ft.TextField) -> None:
    """Put the keyboard on an input just drawn; one not on a page (yet) has nothing to focus."""
    try:
        await control.focus()
    except RuntimeError:
        return


def error_of(control: ft.Control) -> str | None:
    if isinstance(control, ft.TextField):
        return str(control.error) if control.error else None
    return control.data.value if isinstance(control.data, ft.Text) and control.data.visible else None


def has_error(control: ft.Control) -> bool:
    if isinstance(control, ft.TextField):
        return bool(control.error)
    return isinstance(control.data, ft.Text) and bool(control.data.visible)


def to_lock_screen(shell: ShellProtocol) -> None:
    """Another session locked the store (idle lock): show the lock screen here too. What was
    typed since the last draft save cannot be kept without the key."""
    shell.show_lock()
