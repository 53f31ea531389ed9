"""The Flet shell: starts the app (browser view when there is no display), routes, idle lock.

Every screen is rebuilt from the current route (``core.routes``); screens talk only to the
one ``Service`` of this process, which the browser sessions share (the store is locked by
the process, so there is exactly one).
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Callable

import flet as ft

from core.routes import HOME, NOT_FOUND, Screen, build_route, parse_route
from sync.service import Service
from views import access, forms, office, settings, subjects

REPO = Path(__file__).resolve().parent.parent
ASSETS = REPO / "assets"
FONT_NAME = "XietongCJK"
FONT_FILE = "fonts/DroidSansFallbackFull.ttf"
IDLE_CHECK_SECONDS = 10


class Shell:
    """One per browser session or window: renders the screen the route names."""

    def __init__(self, page: ft.Page, service: Service) -> None:
        self.page = page
        self.service = service
        self.last_activity = time.monotonic()
        self.rendered: str | None = None

    # ------------------------------------------------------------------ navigation

    def go(self, route: str) -> None:
        """Show ``route`` now and put it in the browser history."""
        self.touch()
        self.render(route)
        self.page.run_task(self.page.push_route, route)

    def go_screen(self, name: str, **params: str) -> None:
        self.go(build_route(Screen.of(name, **params)))

    def touch(self) -> None:
        self.last_activity = time.monotonic()

    def on_route_change(self, e: ft.RouteChangeEvent) -> None:
        if e.route != self.rendered:
            self.render(e.route)

    def render(self, route: str) -> None:
        screen = parse_route(route)
        svc = self.service
        if not svc.exists():
            screen = Screen.of("setup")
        elif svc.locked:
            screen = Screen.of("lock")
        elif self.role() == "office":
            # The office works in its console; the helper screens are not for it.
            if not screen.is_office and screen.name not in ("setup", "settings", NOT_FOUND):
                screen = Screen.of("office_dashboard")
        elif screen.name in (HOME, "lock") or screen.is_office:
            screen = Screen.of("subjects")
        self.rendered = build_route(screen)
        builders: dict[str, Callable[[Shell, Screen], ft.View]] = {
            **office.BUILDERS,
            "setup": access.setup_view,
            "lock": access.lock_view,
            "subjects": subjects.list_view,
            "subject": subjects.detail_view,
            "new_record": forms.record_view,
            "edit_record": forms.record_view,
            "sync": settings.sync_view,
            "settings": settings.settings_view,
        }
        build = builders.get(screen.name, _not_found)
        view = build(self, screen)
        view.route = self.rendered
        self.page.views.clear()
        self.page.views.append(view)
        self.page.update()

    def role(self) -> str:
        try:
            return str(self.service.identity()["role"])
        except Exception:  # locked meanwhile by another session
            return ""

    def nav_bar(self, selected: int) -> ft.NavigationBar:
        office = self.role() == "office"  # the settings screen is shared; its bar leads back to the console
        targets = ["office_dashboard", "office_sync", "settings"] if office else ["subjects", "sync", "settings"]

        def change(e: ft.Event[ft.NavigationBar]) -> None:
            self.go_screen(targets[e.control.selected_index])

        return ft.NavigationBar(
            selected_index=selected,
            on_change=change,
            destinations=[
                ft.NavigationBarDestination(icon=ft.Icons.DASHBOARD_OUTLINED, label="工作台") if office else
                ft.NavigationBarDestination(icon=ft.Icons.PEOPLE_OUTLINE, selected_icon=ft.Icons.PEOPLE, label="矫正对象"),
                ft.NavigationBarDestination(icon=ft.Icons.SYNC, label="同步"),
                ft.NavigationBarDestination(icon=ft.Icons.SETTINGS_OUTLINED, selected_icon=ft.Icons.SETTINGS, label="设置"),
            ],
        )

    def toast(self, message: str) -> None:
        self.page.show_dialog(ft.SnackBar(ft.Text(message)))

    # ------------------------------------------------------------------ idle lock

    async def watch_idle(self) -> None:
        """Lock the store after the configured idle minutes without any interaction."""
        while True:
            await asyncio.sleep(IDLE_CHECK_SECONDS)
            svc = self.service
            if svc.locked:
                continue
            try:
                minutes = svc.settings()["idle_minutes"]
            except Exception:  # locked meanwhile by another session
                continue
            if time.monotonic() - self.last_activity > minutes * 60:
                svc.lock()
                self.render("/lock")


def _not_found(shell: Shell, screen: Screen) -> ft.View:
    return ft.View(controls=[
        ft.Text("找不到这个页面。", size=20),
        ft.Button("返回首页", on_click=lambda e: shell.go("/")),
    ])


def make_main(service: Service) -> Callable[[ft.Page], None]:
    def main(page: ft.Page) -> None:
        page.title = "协通"
        page.fonts = {FONT_NAME: FONT_FILE}
        page.theme = ft.Theme(font_family=FONT_NAME, color_scheme_seed=ft.Colors.TEAL)
        page.theme_mode = ft.ThemeMode.LIGHT
        shell = Shell(page, service)
        page.on_route_change = shell.on_route_change
        page.on_keyboard_event = lambda e: shell.touch()
        shell.render(page.route or "/")
        page.run_task(shell.watch_idle)

    return main


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(home: Path, *, port: int = 8550, web: bool | None = None, service: Service | None = None) -> None:
    """Start the app on ``home``; in a browser when asked or when there is no display."""
    svc = service or Service(Path(home))
    use_web = web if web is not None else not has_display()
    main = make_main(svc)
    try:
        if use_web:
            print(f"协通已启动,请用浏览器打开 http://127.0.0.1:{port}/", flush=True)
            ft.run(main, view=ft.AppView.WEB_BROWSER, port=port, host="127.0.0.1", assets_dir=str(ASSETS),
                   no_cdn=True)
        else:
            ft.run(main, assets_dir=str(ASSETS))
    finally:
        svc.lock()
