"""First run (role, name, passphrase, then the fingerprint) and the lock screen."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import flet as ft

from core import routes
from core.errors import XietongError
from core.routes import Screen
from sync.app import helper_sync as hs
from sync.app.session import MIN_PASSPHRASE, passphrase_problem, passphrase_strength
from views.work import Failed, run

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol

NEW_PASSPHRASE_HELP = f"至少{MIN_PASSPHRASE}个字符;纯数字口令至少12位;忘记口令将无法找回数据"
ROLE_LABELS = {"helper": "协助人员", "office": "司法所"}


def fingerprint_block(groups: list[str]) -> ft.Control:
    """The fingerprint in groups of five, large, as people read it aloud to compare."""
    return ft.Column(
        [
            ft.Text("身份指纹", size=16, weight=ft.FontWeight.BOLD),
            ft.Text(" ".join(groups), size=24, font_family="monospace"),
            ft.Text("与司法所核对时,请逐组念出以上数字。", size=13),
        ]
    )


def _fingerprint_view(shell: ShellProtocol) -> ft.View:
    """After set-up: the fingerprint; a helper can pin the office and hand over its request now."""
    from views import enrolment  # imports this module: imported when drawn

    ident = shell.service.identity()
    controls: list[ft.Control] = [
        ft.Text("设置完成", size=24, weight=ft.FontWeight.BOLD),
        ft.Text(f"{ROLE_LABELS[ident['role']]}:{ident['name']}", size=16),
        fingerprint_block(ident["fingerprint_groups"]),
        ft.Button("开始使用", on_click=lambda e: shell.go(routes.SUBJECTS)),
    ]
    if ident["role"] == "helper":
        office = hs.fingerprints(shell.service)
        controls.append(ft.Divider())
        if office["office"]:
            controls.append(ft.Text(f"已信任司法所:{office['office_name']}({office['office']})"))
        else:
            controls.append(enrolment.office_pin_panel(shell, on_done=lambda: shell.render(routes.SETUP)))
        controls += [
            ft.Divider(),
            enrolment.enrolment_panel(shell),
            ft.Text("以上两步也可以稍后在“设置”中完成。", size=13),
        ]
    return ft.View(scroll=ft.ScrollMode.AUTO, padding=20, controls=controls)


def setup_view(shell: ShellProtocol, screen: Screen) -> ft.View:
    svc = shell.service
    if svc.exists() and not svc.locked:
        return _fingerprint_view(shell)
    role = ft.RadioGroup(
        value="helper",
        content=ft.Column(
            [
                ft.Radio(value="helper", label="协助人员(村居委会、社区工作者)"),
                ft.Radio(value="office", label="司法所"),
            ]
        ),
    )
    name = ft.TextField(label="姓名(或司法所名称)")  # no autofocus: text typed while it grabs focus was lost
    pw1 = ft.TextField(label="设置口令", password=True, can_reveal_password=True, helper=NEW_PASSPHRASE_HELP)
    pw2 = ft.TextField(label="再次输入口令", password=True, can_reveal_password=True)
    message = ft.Text("", color=ft.Colors.RED_700)

    def on_pw(e: ft.Event[ft.TextField]) -> None:
        shell.touch()
        hint = passphrase_strength(pw1.value)
        pw1.helper = f"口令强度:{hint}" if hint else NEW_PASSPHRASE_HELP
        pw1.error = None
        pw1.update()

    pw1.on_change = on_pw

    busy = {"on": False}  # a second tap while the keys are being made must not set up twice

    async def submit(e: ft.Event[ft.Button]) -> None:
        shell.touch()
        if busy["on"]:
            return
        name.error = pw1.error = pw2.error = None
        ok = True
        if not name.value.strip():
            name.error, ok = "请填写姓名(或司法所名称)。", False
        problem = passphrase_problem(pw1.value)
        if problem:
            pw1.error, ok = problem, False
        elif pw1.value != pw2.value:
            pw2.error, ok = "两次输入的口令不一致,请重新输入。", False
        if ok:
            message.value = "正在生成密钥,请稍候……"
            shell.page.update()
            busy["on"] = True
            chosen, who, passphrase = role.value or "helper", name.value.strip(), pw1.value
            # scrypt calibration and key derivation: off the event loop, the page keeps answering
            done = await run(shell, lambda: svc.setup(chosen, who, passphrase), failed=said)
            busy["on"] = False
            if not isinstance(done, Failed):
                shell.unlocked_here = True
                shell.go(routes.SETUP)
                return
        shell.page.update()

    def said(exc: XietongError) -> None:
        message.value = exc.message

    return ft.View(
        scroll=ft.ScrollMode.AUTO,
        padding=20,
        controls=[
            ft.Text("欢迎使用协通", size=24, weight=ft.FontWeight.BOLD),
            ft.Text("初次使用,请选择身份并设置口令。所有数据加密保存在本机。"),
            ft.Text("身份", weight=ft.FontWeight.BOLD),
            role,
            name,
            pw1,
            pw2,
            message,
            ft.Button("完成设置", on_click=submit),
        ],
    )


def lock_view(shell: ShellProtocol, screen: Screen) -> ft.View:
    svc = shell.service
    pw = ft.TextField(label="口令", password=True, can_reveal_password=True, autofocus=True)
    # Wrong passphrases typed before (also before the app was closed): say so at once.
    message = ft.Text(svc.unlock_note(), color=ft.Colors.RED_700)

    async def submit(e: Any) -> None:
        shell.touch()
        pw.error = None
        wait = svc.unlock_wait()
        message.value = f"请稍候{math.ceil(wait)}秒,正在解锁……" if wait else "正在解锁……"
        shell.page.update()
        typed = pw.value or ""
        await run(shell, lambda: svc.unlock(typed), done=unlocked, failed=refused)  # scrypt and the back-off delay

    def unlocked(_: Any) -> None:
        shell.unlocked_here = True
        shell.go(shell.route_after_unlock())

    def refused(exc: XietongError) -> None:
        message.value = ""
        pw.error = exc.message  # says how many times in a row, and how long the next try waits
        pw.value = ""  # typed again from the start, as on a phone's lock screen

    pw.on_submit = submit
    return ft.View(
        padding=20,
        controls=[
            ft.Icon(ft.Icons.LOCK_OUTLINE, size=48),
            ft.Text("协通已锁定", size=24, weight=ft.FontWeight.BOLD),
            ft.Text("请输入口令解锁。"),
            pw,
            message,
            ft.Button("解锁", on_click=submit),
        ],
    )
