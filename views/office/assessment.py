"""协助人员考核 (四.2) on the helper roster: the form, with figures computed from the records."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import flet as ft

from core.errors import XietongError
from core.vocabularies import ASSESSMENT_RESULTS
from sync.app import office
from views.office.layout import heading, section, show_in
from views.work import run

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol

ASSESS_BUTTON = "保存考核结果"


def assessment_section(shell: ShellProtocol, helpers: list[dict[str, Any]], again: Callable[[], None]) -> ft.Control:
    svc = shell.service
    today = svc.today()
    who = ft.Dropdown(
        label="协助人员",
        width=200,
        options=[ft.DropdownOption(key=h["fingerprint"], text=h["name"]) for h in helpers if h["status"] == "active"],
    )
    period = ft.TextField(label="考核期间", value=f"{today.year}年度", width=160)
    start = ft.TextField(label="考核期间起", value=f"{today.year}-01-01", width=150)
    end = ft.TextField(label="考核期间止", value=today.isoformat(), width=150)
    result = ft.Dropdown(
        label="考核结果",
        width=130,
        value=ASSESSMENT_RESULTS[0],
        options=[ft.DropdownOption(key=r, text=r) for r in ASSESSMENT_RESULTS],
    )
    evaluation = ft.TextField(label="司法所评价", width=360, multiline=True)
    message = ft.Column()

    def saved(rec: Any) -> None:
        d = rec.data
        shell.toast(
            f"已保存考核:走访{d['visits_done']}/{d['visits_due']}次,按时报告{d['reports_on_time']}/"
            f"{d['reports_total']}次,{d['result']}。"
        )
        again()

    def refused(exc: XietongError) -> None:
        errors = getattr(exc, "errors", {})
        evaluation.error = errors.get("evaluation")
        start.error = errors.get("period_start")
        show_in(message, "未能保存考核")(exc)

    async def save(e: Any) -> None:
        args = (who.value or "", period.value or "", start.value or "", end.value or "")
        res, said = result.value or "", evaluation.value or ""
        await run(
            shell, lambda: office.assess_helper(svc, *args, result=res, evaluation=said), done=saved, failed=refused
        )

    return section(
        heading("协助人员考核(走访完成情况、报告及时情况、司法所评价)"),
        ft.Row([who, period, start, end, result], wrap=True),
        evaluation,
        ft.FilledButton(ASSESS_BUTTON, icon=ft.Icons.FACT_CHECK, on_click=save),
        message,
    )
