"""矫正对象 → 委托调查评估 (issue 15 item 5): the entrustments not yet on the register; record
one with what is known, record the assessment's result, and convert one into a register entry
once the person is sentenced to community correction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from core.errors import XietongError
from core.schemas_office import ENTRUSTMENT_RESULTS, ENTRUSTMENT_STATUSES
from core.vocabularies import CATEGORIES, GENDERS
from sync.app import office
from views.office.layout import box, heading, section, show_in, table
from views.work import run

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol

RECORD = "登记委托"
RESULT = "记录评估意见"
CONVERT = "转入名册"

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


def entrustments_section(shell: ShellProtocol) -> ft.Control:
    svc = shell.service
    rows = office.open_entrustments(svc)
    helpers = [h for h in office.helper_rows(svc) if h["status"] == "active"]
    msg = ft.Column()

    listing = (
        table(
            ["编号", "姓名", "身份", "委托机关", "委托日期", "完成期限", "协助人员", "评估意见"],
            [
                [
                    r["id"][:8],
                    r["name"],
                    r["status"],
                    r["court"],
                    r["entrusted_date"],
                    r["due_date"],
                    r["helper_name"] or "未指定",
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
        shell.toast(f"已登记委托调查评估:{rec.data['name']}(留在司法所,不发往手机)。")
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
            "判决社区矫正后转入名册。委托调查评估留在司法所,不发往协助人员手机。"
        ),
        listing,
        ft.Row(list(entry.values()) + [helper], wrap=True),
        ft.FilledButton(RECORD, icon=ft.Icons.ADD, on_click=do_record),
        heading("评估意见与转入名册"),
        chosen,
        ft.Row([outcome, summary, ft.OutlinedButton(RESULT, icon=ft.Icons.FACT_CHECK, on_click=do_result)], wrap=True),
        ft.Row(list(sentence.values()), wrap=True),
        ft.FilledButton(CONVERT, icon=ft.Icons.PERSON_ADD, on_click=do_convert),
        msg,
    )
