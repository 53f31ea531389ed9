"""The Flet shell: starts the app (browser view when there is no display), routes, idle lock.

Every screen is rebuilt from the current route (``core.routes``); screens talk only to the
one ``Service`` of this process, which the browser sessions share (the store is locked by
the process, so there is exactly one).

Start-up is ordered for the time to a usable lock screen (``tests/benchmarks/launch_bench.py``):
the web server starts first; the screens, the service and Flet's theme classes are loaded in a
background thread while the browser fetches and compiles Flutter, so the first session only
waits for what is not ready yet. The CJK font is listed in ``assets/assets/FontManifest.json``
so that Flutter loads it before its first frame instead of after the first page update.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, ClassVar, Iterator

import flet as ft

from core.idle import idle_lock_due
from core.routes import HOME, NOT_FOUND, Screen, build_route, parse_route

if TYPE_CHECKING:
    from sync.service import Service

REPO = Path(__file__).resolve().parent.parent
ASSETS = REPO / "assets"
FONT_NAME = "XietongCJK"
FONT_FILE = "fonts/DroidSansFallbackFull.ttf"
IDLE_CHECK_SECONDS = 10


class Shell:
    """One per browser session or window: renders the screen the route names."""

    # Running jobs per service: the browser sessions share one service, and any session's idle
    # lock would pull the store from under another session's import.
    _running: ClassVar[dict[int, int]] = {}

    def __init__(self, page: ft.Page, service: Service) -> None:
        self.page = page
        self.service = service
        self.last_activity = time.monotonic()
        self.rendered: str | None = None
        self._picker: ft.FilePicker | None = None
        self._job_ended: asyncio.Event | None = None  # made by watch_idle, inside the event loop

    # ------------------------------------------------------------------ file dialogs

    def file_picker(self) -> ft.FilePicker:
        """This page's file dialogs. In Flet 1.0 a Service registers itself with the current page
        when it is made, and stays while referenced: the shell keeps the reference."""
        if self._picker is None:
            self._picker = ft.FilePicker()
        return self._picker

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
        build = screen_builders().get(screen.name, _not_found)
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

    def running_jobs(self) -> int:
        return Shell._running.get(id(self.service), 0)

    @contextmanager
    def busy(self) -> Iterator[None]:
        """Wrap work that must not lose the store half-way (``with shell.busy(): await ...``):
        the idle lock waits for it, and fires as soon as it ends if the idle time has passed."""
        key = id(self.service)
        Shell._running[key] = Shell._running.get(key, 0) + 1
        try:
            yield
        finally:
            left = Shell._running.get(key, 1) - 1
            if left > 0:
                Shell._running[key] = left
            else:
                Shell._running.pop(key, None)
            if self._job_ended is not None:
                self._job_ended.set()

    def idle_lock_due(self) -> bool:
        svc = self.service
        if svc.locked:
            return False
        try:
            minutes = svc.settings()["idle_minutes"]
        except Exception:  # locked meanwhile by another session
            return False
        return idle_lock_due(time.monotonic() - self.last_activity, minutes, self.running_jobs())

    async def watch_idle(self) -> None:
        """Lock the store after the configured idle minutes without any interaction, never while
        a job runs (checked every few seconds, and at once when a job ends)."""
        self._job_ended = asyncio.Event()
        while True:
            try:
                await asyncio.wait_for(self._job_ended.wait(), IDLE_CHECK_SECONDS)
            except asyncio.TimeoutError:
                pass
            self._job_ended.clear()
            if self.idle_lock_due():
                self.service.lock()
                self.render("/lock")


def _not_found(shell: Shell, screen: Screen) -> ft.View:
    return ft.View(controls=[
        ft.Text("找不到这个页面。", size=20),
        ft.Button("返回首页", on_click=lambda e: shell.go("/")),
    ])


def screen_builders() -> dict[str, Callable[[Shell, Screen], ft.View]]:
    """Route name -> screen builder. The screens are imported here, not at the top, so that
    the web server can start before them (see the module docstring)."""
    from views import access, forms, office, settings, subjects

    return {
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


def theme() -> ft.Theme:
    # The first ft.Theme of a process costs ~0.3 s (Flet builds its theme classes); warm_up
    # pays it before the first session asks.
    return ft.Theme(font_family=FONT_NAME, color_scheme_seed=ft.Colors.TEAL)


def warm_up(home: Path, service: Service | None) -> Service:
    """Everything the first screen needs that is slow the first time, done once."""
    screen_builders()
    theme()
    if service is not None:
        return service
    from sync.service import Service

    return Service(home)


def _after_listening(port: int, work: Callable[[], None], timeout: float = 60.0) -> None:
    """Run ``work`` in a thread once something accepts connections on ``port``: started any
    earlier it would compete with the server's own start for the interpreter."""

    def wait_then_work() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.02)
        work()

    threading.Thread(target=wait_then_work, name="xietong-warm-up", daemon=True).start()


def make_main(service: Service | Future[Service]) -> Callable[[ft.Page], None]:
    def main(page: ft.Page) -> None:
        page.title = "协通"
        if not page.web:  # the browser loads it with Flutter (assets/assets/FontManifest.json)
            page.fonts = {FONT_NAME: FONT_FILE}
        page.theme = theme()
        page.theme_mode = ft.ThemeMode.LIGHT
        # Flutter animates a theme change over 200 ms: the first frame would show the default
        # theme, whose font has no Chinese (empty boxes, and Flutter asks for Noto fallbacks).
        page.theme_animation_style = ft.AnimationStyle.no_animation()
        svc = service.result() if isinstance(service, Future) else service
        shell = Shell(page, svc)
        page.on_route_change = shell.on_route_change
        page.on_keyboard_event = lambda e: shell.touch()
        shell.render(page.route or "/")
        page.run_task(shell.watch_idle)

    return main


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(home: Path, *, port: int = 8550, web: bool | None = None, service: Service | None = None) -> None:
    """Start the app on ``home``; in a browser when asked or when there is no display."""
    use_web = web if web is not None else not has_display()
    ready: Future[Service] = Future()

    def prepare() -> None:
        try:
            ready.set_result(warm_up(Path(home), service))
        except BaseException as exc:  # surfaces in the first session, not lost in a thread
            ready.set_exception(exc)

    main = make_main(ready)
    try:
        if use_web:
            print(f"协通已启动,请用浏览器打开 http://127.0.0.1:{port}/", flush=True)
            _after_listening(port, prepare)
            ft.run(main, view=ft.AppView.WEB_BROWSER, port=port, host="127.0.0.1", assets_dir=str(ASSETS),
                   no_cdn=True)
        else:
            threading.Thread(target=prepare, name="xietong-warm-up", daemon=True).start()
            ft.run(main, assets_dir=str(ASSETS))
    finally:
        if ready.done() and ready.exception() is None:
            ready.result().lock()
