"""走访补贴 on the 报表 screen (四.3): the rate and monthly cap, and special rewards."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import flet as ft

from core.errors import XietongError
from sync.app import office
from views.office.layout import heading, section, show_in, table
from views.work import run

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol

SAVE_RATE = "保存补贴标准"
ADD_REWARD = "发放专项奖励"


def subsidy_section(shell: ShellProtocol, again: Callable[[], None]) -> ft.Control:
    svc = shell.service
    current = office.subsidy_settings(svc)
    rate = ft.TextField(label="每次有效走访补贴(元)", value=current["rate"], width=200)
    cap = ft.TextField(label="每名对象每月计补贴次数上限(0为不限)", value=str(current["cap"]), width=300)
    helpers = [h for h in office.helper_rows(svc) if h["status"] == "active"]
    who = ft.Dropdown(
        label="协助人员", width=220, options=[ft.DropdownOption(key=h["fingerprint"], text=h["name"]) for h in helpers]
    )
    amount = ft.TextField(label="奖励金额(元)", width=160)
    reason = ft.TextField(label="奖励事由", width=320)
    message = ft.Column()

    def saved(_: Any) -> None:
        shell.toast("已保存。走访统计表将按此计算补贴。")
        again()

    def refused(title: str, fields: dict[str, ft.TextField]) -> Callable[[XietongError], None]:
        def show(exc: XietongError) -> None:
            errors = getattr(exc, "errors", {})
            for key, field in fields.items():
                field.error = errors.get(key)
            show_in(message, title)(exc)

        return show

    async def save_rate(e: Any) -> None:
        r, c = rate.value or "", cap.value or ""
        await run(
            shell,
            lambda: office.set_subsidy(svc, r, c),
            done=saved,
            failed=refused("未能保存补贴标准", {"rate": rate, "cap": cap}),
        )

    async def add(e: Any) -> None:
        fp, a, why = who.value or "", amount.value or "", reason.value or ""
        await run(
            shell,
            lambda: office.add_reward(svc, fp, a, why),
            done=saved,
            failed=refused("未能发放专项奖励", {"amount": amount, "reason": reason}),
        )

    rewards = office.reward_rows(svc)
    return section(
        heading("走访补贴与专项奖励(四.3)"),
        ft.Row([rate, cap, ft.FilledButton(SAVE_RATE, icon=ft.Icons.SAVE, on_click=save_rate)], wrap=True),
        ft.Row([who, amount, reason, ft.OutlinedButton(ADD_REWARD, icon=ft.Icons.ADD, on_click=add)], wrap=True),
        message,
        table(
            ["日期", "协助人员", "金额(元)", "事由"],
            [[r["date"], r["helper"], str(r["amount"]), r["reason"]] for r in rewards[:50]],
        )
        if rewards
        else ft.Text("尚无专项奖励。"),
    )
