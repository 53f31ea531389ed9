"""矫正对象 → 委托调查评估 (issue 15 item 5): the entrustments not yet on the register; record
one with what is known, record the assessment's result, and convert one into a register entry
once the person is sentenced to community correction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from core.errors import XietongError
from core.kinds import KINDS
from core.schemas_office import ENTRUSTMENT_RESULTS, ENTRUSTMENT_STATUSES
from core.vocabularies import CATEGORIES, GENDERS
from sync.app import office
from sync.app.office.entrustments import INVESTIGATION_FIELDS
from views.office.layout import box, heading, section, show_in, table
from views.work import run

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol

RECORD = "登记委托"
RESULT = "记录评估意见"
CONVERT = "转入名册"
ASSIGN = "指定协助人员"
SENT_TO_HELPER = "指定的协助人员下次同步时收到该任务。"

_ENTRY: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("name", "被调查人姓名", ()),
    ("gender", "被调查人性别", GENDERS),
    ("birth", "被调查人出生年月(选填,YYYY-MM)", ()),
    ("residence", "被调查人居住地", ()),
    ("status", "被调查人身份", ENTRUSTMENT_STATUSES),
    ("court", "委托机关", ()),
    ("entrusted_date", "委托日期 YYYY-MM-DD", ()),
    ("due_date", "完成期限 YYYY-MM-DD", ()),
    ("request", "委托事项", ()),
)
INVESTIGATION_LABELS = tuple((f.name, f.label) for f in KINDS["investigation"].fields if f.name in INVESTIGATION_FIELDS)
_SENTENCE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("judgment_date", "判决日期 YYYY-MM-DD", ()),
    ("crime", "罪名", ()),
    ("court", "判决法院", ()),
    ("sentence", "判处", ()),
    ("category", "矫正类别", CATEGORIES),
    ("term_start", "矫正期限起 YYYY-MM-DD", ()),
    ("term_end", "矫正期限止 YYYY-MM-DD", ()),
    ("household", "户籍地", ()),
    ("committee", "村(居)民委员会", ()),
    ("town", "乡镇(街道)", ()),
    ("birth", "出生年月 YYYY-MM(委托时未知则填)", ()),
)


def _inputs(
    spec: tuple[tuple[str, str, tuple[str, ...]], ...], prefix: str = ""
) -> dict[str, ft.TextField | ft.Dropdown]:
    """The inputs of a form on the register screen; labels never repeat the subject form's own
    (``prefix``), so a person (and a screen reader) can tell the two forms' fields apart."""
    out: dict[str, ft.TextField | ft.Dropdown] = {}
    for name, bare, choices in spec:
        label = prefix + bare
        if choices:
            out[name] = ft.Dropdown(label=label, width=180, options=[ft.DropdownOption(key=c, text=c) for c in choices])
        else:
            out[name] = ft.TextField(label=label, width=240)
    return out


def _clear(inputs: dict[str, ft.TextField | ft.Dropdown]) -> None:
    for c in inputs.values():
        if isinstance(c, ft.TextField):
            c.error = None
        else:
            c.error_text = None


def _mark(inputs: dict[str, ft.TextField | ft.Dropdown], exc: XietongError) -> None:
    for k, msg in getattr(exc, "errors", {}).items():
        c = inputs.get(k)
        if isinstance(c, ft.TextField):
            c.error = msg
        elif isinstance(c, ft.Dropdown):
            c.error_text = msg


def investigation_box(i: dict[str, str]) -> ft.Control:
    """One investigation a helper sent in, as the officer reads it beside the result form."""
    lines = [f"{label}:{i[k]}" for k, label in INVESTIGATION_LABELS if i.get(k)]
    return ft.Container(
        ft.Column(
            [ft.Text(f"{i['date']} {i['helper_name']}", weight=ft.FontWeight.BOLD), *[ft.Text(t) for t in lines]],
            spacing=2,
        ),
        border=ft.Border.all(1, ft.Colors.GREY_400),
        border_radius=6,
        padding=8,
        width=700,
    )


def entrustments_section(shell: ShellProtocol) -> ft.Control:
    svc = shell.service
    rows = office.open_entrustments(svc)
    helpers = [h for h in office.helper_rows(svc) if h["status"] == "active"]
    msg = ft.Column()

    listing = (
        table(
            ["编号", "姓名", "身份", "委托机关", "委托日期", "完成期限", "协助人员", "调查记录", "评估意见"],
            [
                [
                    r["id"][:8],
                    r["name"],
                    r["status"],
                    r["court"],
                    r["entrusted_date"],
                    r["due_date"],
                    r["helper_name"] or "未指定",
                    f"{r['investigations']}份" if r["investigations"] else "—",
                    r["result"] or "尚未评估",
                ]
                for r in rows
            ],
        )
        if rows
        else ft.Text("没有未办结的委托调查评估。")
    )

    # ---- record a new one
    entry = _inputs(_ENTRY)
    entry["entrusted_date"].value = svc.today().isoformat()
    helper = ft.Dropdown(
        label="协助调查的协助人员(选填)",
        width=240,
        options=[ft.DropdownOption(key="", text="不指定")]
        + [ft.DropdownOption(key=h["fingerprint"], text=h["name"]) for h in helpers],
    )

    def recorded(rec: Any) -> None:
        shell.toast(f"已登记委托调查评估:{rec.data['name']}。" + (SENT_TO_HELPER if rec.data.get("helper") else ""))
        shell.go_screen("office_subjects")

    def refused(inputs: dict[str, ft.TextField | ft.Dropdown], title: str) -> Any:
        def show(exc: XietongError) -> None:
            _mark(inputs, exc)
            show_in(msg, title)(exc)

        return show

    async def do_record(e: Any) -> None:
        _clear(entry)
        data = {k: (c.value or "") for k, c in entry.items()}
        data["helper"] = helper.value or ""
        await run(shell, lambda: office.record_entrustment(svc, data), done=recorded, failed=refused(entry, "未能登记"))

    # ---- result and conversion of a chosen open one
    chosen = ft.Dropdown(
        label="委托调查评估",
        width=300,
        options=[ft.DropdownOption(key=r["id"], text=f"{r['name']}({r['court']},{r['due_date']})") for r in rows],
    )
    outcome = ft.Dropdown(
        label="评估意见", width=200, options=[ft.DropdownOption(key=c, text=c) for c in ENTRUSTMENT_RESULTS]
    )
    summary = ft.TextField(label="评估情况(含协助人员协助调查的情况)", width=500, multiline=True)
    received = ft.Column()
    assignee = ft.Dropdown(
        label="改为指定的协助人员",
        width=240,
        options=[ft.DropdownOption(key="", text="不指定")]
        + [ft.DropdownOption(key=h["fingerprint"], text=h["name"]) for h in helpers],
    )

    def show_chosen(e: Any = None) -> None:
        """The chosen entrustment's helper, and the investigations its helper sent in."""
        row = next((r for r in rows if r["id"] == chosen.value), None)
        assignee.value = row["helper"] if row else None
        found = office.investigations(svc, row["id"]) if row else []
        received.controls = [investigation_box(i) for i in found] or (
            [ft.Text("尚未收到协助人员的调查记录。", color=ft.Colors.GREY_700)] if row else []
        )
        if e is not None:
            shell.page.update()

    chosen.on_select = show_chosen

    def assigned(rec: Any) -> None:
        who = next((h["name"] for h in helpers if h["fingerprint"] == rec.data.get("helper")), "")
        shell.toast(f"已指定{who}协助调查,下次同步时发往其手机。" if who else "已取消指定协助人员。")
        shell.go_screen("office_subjects")

    async def do_assign(e: Any) -> None:
        if need_choice():
            return
        eid, fp = chosen.value or "", assignee.value or ""
        await run(
            shell,
            lambda: office.assign_entrustment_helper(svc, eid, fp),
            done=assigned,
            failed=refused({"helper": assignee}, "未能指定协助人员"),
        )

    sentence = _inputs(_SENTENCE, prefix="转入:")

    def need_choice() -> bool:
        if chosen.value:
            return False
        msg.controls = [box("请先选择一项委托调查评估", [], ok=False)]
        shell.page.update()
        return True

    def noted(rec: Any) -> None:
        shell.toast(f"已记录评估意见:{rec.data['name']},{rec.data['result']}。")
        shell.go_screen("office_subjects")

    async def do_result(e: Any) -> None:
        if need_choice():
            return
        eid, said, text = chosen.value or "", outcome.value or "", summary.value or ""
        await run(
            shell,
            lambda: office.record_assessment_result(svc, eid, said, text),
            done=noted,
            failed=refused({"result": outcome, "summary": summary}, "未能记录评估意见"),
        )

    def converted(subject: Any) -> None:
        shell.toast(f"已转为社区矫正对象:{subject.data['name']}。请为其分配协助人员。")
        shell.go_screen("office_subjects", id=subject.id)

    async def do_convert(e: Any) -> None:
        if need_choice():
            return
        _clear(sentence)
        eid = chosen.value or ""
        data = {k: (c.value or "") for k, c in sentence.items()}
        await run(
            shell,
            lambda: office.convert_entrustment(svc, eid, data),
            done=converted,
            failed=refused(sentence, "未能转入名册"),
        )

    return section(
        heading("委托调查评估(判决前)"),
        ft.Text(
            "法院等机关委托调查评估时,登记当时已知的情况,可指定协助人员协助调查;评估意见由司法所记录。"
            "判决社区矫正后转入名册。指定的协助人员在下次同步后可在手机上填写调查评估,"
            "不会收到其他内容;记录评估意见或转入名册后,该任务在收到其手机的回执后从手机移除。"
        ),
        listing,
        ft.Row(list(entry.values()) + [helper], wrap=True),
        ft.FilledButton(RECORD, icon=ft.Icons.ADD, on_click=do_record),
        heading("评估意见与转入名册"),
        chosen,
        ft.Row([assignee, ft.OutlinedButton(ASSIGN, icon=ft.Icons.PERSON_SEARCH, on_click=do_assign)], wrap=True),
        ft.Text("协助人员的调查记录", weight=ft.FontWeight.BOLD),
        received,
        ft.Row([outcome, summary, ft.OutlinedButton(RESULT, icon=ft.Icons.FACT_CHECK, on_click=do_result)], wrap=True),
        ft.Row(list(sentence.values()), wrap=True),
        ft.FilledButton(CONVERT, icon=ft.Icons.PERSON_ADD, on_click=do_convert),
        msg,
    )
