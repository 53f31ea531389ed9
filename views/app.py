"""Start-up: opens the app (browser view when there is no display), theme, font, warm-up.

The shell that routes and renders each session is ``views.shell``; this module makes one per
session and starts the server.

Start-up is ordered for the time to a usable lock screen (``tests/benchmarks/launch_bench.py``):
the web server starts first; the screens, the service and Flet's theme classes are loaded in a
background thread while the browser fetches and compiles Flutter, so the first session only
waits for what is not ready yet. The CJK font is listed in ``assets/assets/FontManifest.json``
so that Flutter loads it before its first frame instead of after the first page update.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

import flet as ft

from core.routes import HOME_ROUTE
from views.errors import ERROR_MESSAGE, keep_exception_messages_out_of_logs
from views.shell import Shell, screen_builders

if TYPE_CHECKING:
    from sync.app.session import Service

__all__ = ["ERROR_MESSAGE", "Shell", "run"]

REPO = Path(__file__).resolve().parent.parent
ASSETS = REPO / "assets"
FONT_NAME = "XietongCJK"
FONT_FILE = "fonts/DroidSansFallbackFull.ttf"


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
    from sync.app.session import Service

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
        # Flutter's own strings (screen-reader tab labels, date pickers, "Back") in Chinese.
        page.locale_configuration = locale_configuration()
        svc = service.result() if isinstance(service, Future) else service
        shell = Shell(page, svc)
        keep_exception_messages_out_of_logs()
        shell.guard_errors()
        shell.attach()
        page.on_close = shell.on_close  # the session expired: no more lock screens to send it
        page.on_app_lifecycle_state_change = shell.on_lifecycle  # paused: the waiting draft is written
        page.on_route_change = shell.on_route_change
        page.on_keyboard_event = lambda e: shell.touch()
        shell.render(page.route or HOME_ROUTE)
        page.run_task(shell.watch_idle)

    return main


def locale_configuration() -> ft.LocaleConfiguration:
    zh_cn = ft.Locale("zh", "CN")
    return ft.LocaleConfiguration(supported_locales=[zh_cn], current_locale=zh_cn)


def desktop_client_version() -> str | None:
    """The installed flet-desktop's version ("" when it has none), or None when not installed.
    Looked up without importing it: the import is slow and only the window needs it."""
    if importlib.util.find_spec("flet_desktop") is None:
        return None
    from importlib import metadata

    try:
        return metadata.version("flet-desktop")
    except metadata.PackageNotFoundError:
        return ""  # importable but not installed as a distribution (e.g. on the path): no version


def can_open_window(env: Mapping[str, str], system: str, desktop_version: str | None, flet_version: str) -> bool:
    """Whether the desktop window can open; otherwise the browser view is used.

    Flet (``app.py``) opens a window through the flet-desktop package, and when that is missing
    or of another version than flet's it tries to pip-install it - offline that fails with an
    English message. On Linux the window also needs a display (Flet itself forces the web
    server without ``DISPLAY``)."""
    if desktop_version is None:
        return False
    if desktop_version and desktop_version != flet_version:
        return False
    if system == "Linux":
        return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
    return system in ("Windows", "Darwin")


def has_display() -> bool:
    """A display the desktop client can open a window on (the name predates the check of the
    client)."""
    import platform

    from flet.version import flet_version

    return can_open_window(os.environ, platform.system(), desktop_client_version(), flet_version)


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
            ft.run(main, view=ft.AppView.WEB_BROWSER, port=port, host="127.0.0.1", assets_dir=str(ASSETS), no_cdn=True)
        else:
            threading.Thread(target=prepare, name="xietong-warm-up", daemon=True).start()
            ft.run(main, assets_dir=str(ASSETS))
    finally:
        if ready.done() and ready.exception() is None:
            ready.result().lock()
