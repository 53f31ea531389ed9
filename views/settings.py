"""The settings screen (identity, fingerprints, idle lock, retention, passphrase, enrolment).

The enrolment panels shown here live with the sync screen (``views.sync_screen``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from core import routes
from core.errors import XietongError
from core.routes import Screen
from sync.app import helper_sync as hs
from sync.app.errors import WrongPassphrase
from sync.app.session import passphrase_strength
from views import enrolment
from views.access import NEW_PASSPHRASE_HELP, ROLE_LABELS, fingerprint_block
from views.work import run

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol


def new_passphrase_hint(value: str | None) -> str:
    """The helper line under a new passphrase: its strength while typing (as at first run),
    otherwise the minimum length."""
    strength = passphrase_strength(value or "")
    return f"口令强度:{strength}" if strength else NEW_PASSPHRASE_HELP


def settings_view(shell: ShellProtocol, screen: Screen) -> ft.View:
    svc = shell.service
    ident = svc.identity()
    current = svc.settings()
    helper = ident["role"] == "helper"
    idle = ft.TextField(
        label="无操作自动锁定(分钟)", value=str(current["idle_minutes"]), keyboard_type=ft.KeyboardType.NUMBER
    )
    interval = ft.TextField(
        label="走访间隔(天)", value=str(current["visit_interval_days"]), keyboard_type=ft.KeyboardType.NUMBER
    )
    retention = ft.TextField(
        label="已送达记录在本机保留(天)",
        value=str(current["retention_days"]),
        keyboard_type=ft.KeyboardType.NUMBER,
        helper="司法所确认收到后,超过此天数的记录从本机删除",
    )
    old = ft.TextField(label="原口令", password=True, can_reveal_password=True)
    new = ft.TextField(label="新口令", password=True, can_reveal_password=True, helper=NEW_PASSPHRASE_HELP)
    again = ft.TextField(label="再次输入新口令", password=True, can_reveal_password=True)
    rekey = ft.Switch(label="同时更换数据密钥(重新加密全部数据,较慢;手机丢失或口令可能泄露时选用)", value=False)
    pw_message = ft.Text("")

    def refused(exc: XietongError) -> None:
        errors = getattr(exc, "errors", {})
        idle.error = errors.get("idle_minutes")
        interval.error = errors.get("visit_interval_days")
        retention.error = errors.get("retention_days")
        if not errors:
            shell.toast(exc.message)

    async def save(e: ft.Event[ft.Button]) -> None:
        idle.error = interval.error = retention.error = None
        typed = {"idle_minutes": idle.value, "visit_interval_days": interval.value, "retention_days": retention.value}
        await run(shell, lambda: svc.update_settings(**typed), done=lambda _: shell.toast("设置已保存"), failed=refused)

    def changed(said: str) -> None:
        old.value = new.value = again.value = ""
        new.helper = NEW_PASSPHRASE_HELP
        pw_message.value = said  # says whether an old copy of the key file would still open the data
        shell.toast("口令已修改")

    def not_changed(exc: XietongError) -> None:
        pw_message.value = ""
        target = old if isinstance(exc, WrongPassphrase) else new
        target.error = exc.message

    async def change(e: ft.Event[ft.Button]) -> None:
        shell.touch()
        old.error = new.error = again.error = None
        if new.value != again.value:
            again.error = "两次输入的新口令不一致,请重新输入。"
            shell.page.update()
            return
        pw_message.value = "正在修改口令,请稍候……"
        shell.page.update()
        before, after, whole = old.value or "", new.value or "", bool(rekey.value)
        if whole:
            pw_message.value = "正在重新加密全部数据,请勿关闭应用……"
            shell.page.update()
        # scrypt and re-encryption: the idle lock waits (locking mid-way would fail it)
        await run(shell, lambda: svc.change_passphrase(before, after, rekey=whole), done=changed, failed=not_changed)

    def on_new(e: ft.Event[ft.TextField]) -> None:
        shell.touch()
        new.helper = new_passphrase_hint(new.value)
        new.error = None
        new.update()

    new.on_change = on_new

    def lock(e: ft.Event[ft.Button]) -> None:
        svc.lock()
        shell.go(routes.LOCK)

    fields: list[ft.Control] = [idle, interval] + ([retention] if helper else [])
    controls: list[ft.Control] = [
        ft.Text(f"{ROLE_LABELS[ident['role']]}:{ident['name']}", size=18),
        fingerprint_block(ident["fingerprint_groups"]),
    ]
    if helper:
        fps = hs.fingerprints(svc)
        if fps["office"]:
            controls += [
                ft.Text(f"已信任的司法所:{fps['office_name']}", size=16, weight=ft.FontWeight.BOLD),
                ft.Text(f"司法所指纹:{fps['office']}", size=16),
            ]
        else:
            controls += [ft.Text("尚未信任司法所。", size=16)]
    controls += [
        ft.Divider(),
        *fields,
        ft.Button("保存设置", on_click=save),
        ft.Divider(),
        ft.Text("修改口令", size=18, weight=ft.FontWeight.BOLD),
        old,
        new,
        again,
        rekey,
        ft.Button("修改口令", on_click=change),
        pw_message,
        ft.Divider(),
    ]
    if helper:
        pending = hs.pending_office_rotation(svc)
        if pending:
            controls += [
                enrolment.rotation_panel(shell, pending["name"], on_done=lambda: shell.go_screen("settings")),
                ft.Divider(),
            ]
        if not hs.fingerprints(svc)["office"]:
            controls += [enrolment.office_pin_panel(shell, on_done=lambda: shell.go_screen("settings")), ft.Divider()]
        controls += [enrolment.enrolment_panel(shell), ft.Divider()]
    controls.append(ft.OutlinedButton("立即锁定", icon=ft.Icons.LOCK, on_click=lock))
    return ft.View(
        scroll=ft.ScrollMode.AUTO,
        appbar=ft.AppBar(title=ft.Text("设置")),
        navigation_bar=shell.nav_bar(2),
        controls=controls,
    )
