"""The settings screen (identity, idle lock, visit interval, passphrase) and the sync screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from core.errors import ValidationError, XietongError
from core.routes import Screen
from views.access import fingerprint_block

if TYPE_CHECKING:
    from views.app import Shell


def settings_view(shell: "Shell", screen: Screen) -> ft.View:
    svc = shell.service
    ident = svc.identity()
    current = svc.settings()
    idle = ft.TextField(label="无操作自动锁定(分钟)", value=str(current["idle_minutes"]), keyboard_type=ft.KeyboardType.NUMBER)
    interval = ft.TextField(label="走访间隔(天)", value=str(current["visit_interval_days"]),
                            keyboard_type=ft.KeyboardType.NUMBER)
    old = ft.TextField(label="原口令", password=True, can_reveal_password=True)
    new = ft.TextField(label="新口令", password=True, can_reveal_password=True)

    def save(e: ft.Event[ft.Button]) -> None:
        shell.touch()
        idle.error = interval.error = None
        try:
            svc.update_settings(idle_minutes=idle.value, visit_interval_days=interval.value)
        except ValidationError as exc:
            idle.error = exc.errors.get("idle_minutes")
            interval.error = exc.errors.get("visit_interval_days")
            shell.page.update()
            return
        shell.toast("设置已保存")
        shell.page.update()

    def change(e: ft.Event[ft.Button]) -> None:
        shell.touch()
        old.error = new.error = None
        try:
            svc.change_passphrase(old.value, new.value)
        except XietongError as exc:
            new.error = exc.message
            shell.page.update()
            return
        old.value = new.value = ""
        shell.toast("口令已修改")
        shell.page.update()

    def lock(e: ft.Event[ft.Button]) -> None:
        svc.lock()
        shell.go("/lock")

    return ft.View(
        scroll=ft.ScrollMode.AUTO,
        appbar=ft.AppBar(title=ft.Text("设置")),
        navigation_bar=shell.nav_bar(2),
        controls=[
            ft.Text(f"{ident['role_label']}:{ident['name']}", size=18),
            fingerprint_block(ident["fingerprint_groups"]),
            ft.Divider(),
            idle, interval, ft.Button("保存设置", on_click=save),
            ft.Divider(),
            ft.Text("修改口令", size=18, weight=ft.FontWeight.BOLD),
            old, new, ft.Button("修改口令", on_click=change),
            ft.Divider(),
            ft.OutlinedButton("立即锁定", icon=ft.Icons.LOCK, on_click=lock),
        ],
    )


def sync_view(shell: "Shell", screen: Screen) -> ft.View:
    return ft.View(
        appbar=ft.AppBar(title=ft.Text("同步")),
        navigation_bar=shell.nav_bar(1),
        controls=[
            ft.Text("与司法所交换数据", size=18, weight=ft.FontWeight.BOLD),
            ft.Text("同步文件的导入、导出暂时请使用命令行:xietong export / xietong import。"),
        ],
    )
