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
import contextvars
import importlib.util
import logging
import os
import socket
import sys
import threading
import time
import traceback
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterator, Mapping

import flet as ft

from core.idle import idle_lock_due
from core.routes import HOME, NOT_FOUND, Screen, build_route, parse_route

if TYPE_CHECKING:
    from sync.app.session import Service

REPO = Path(__file__).resolve().parent.parent
ASSETS = REPO / "assets"
FONT_NAME = "XietongCJK"
FONT_FILE = "fonts/DroidSansFallbackFull.ttf"
IDLE_CHECK_SECONDS = 10
LOCK_ROUTE = "/lock"
UNLOCKED_HOME = "/subjects"
ERROR_MESSAGE = "出现意外错误,已记录。请返回首页重试。"
# Screens not worth coming back to after an unlock.
_NOT_RESUMED = frozenset({HOME, "lock", "setup", NOT_FOUND})

log = logging.getLogger("xietong")


class Shell:
    """One per browser session or window: renders the screen the route names."""

    # Running jobs per service: the browser sessions share one service, and any session's idle
    # lock would pull the store from under another session's import.
    _running: ClassVar[dict[int, int]] = {}
    # Open sessions per service: locking the shared store must take every session to the lock
    # screen, or another tab keeps showing a subject and its next keystroke hits a locked store.
    _open: ClassVar[dict[int, list[Shell]]] = {}

    def __init__(self, page: ft.Page, service: Service) -> None:
        self.page = page
        self.service = service
        self.last_activity = time.monotonic()
        self.rendered: str | None = None
        self.resume_route: str | None = None  # where to go back to after an unlock
        self._picker: ft.FilePicker | None = None
        self._job_ended: asyncio.Event | None = None  # made by watch_idle, inside the event loop
        self._lock_pending = False  # a lock screen is scheduled on this session's loop
        self._closed = False
        # This session has had the passphrase (or set it): the browser sessions share one store,
        # and a tab opened while another has it unlocked must still ask before showing anything.
        self.unlocked_here = False

    # ------------------------------------------------------------------ open sessions

    def attach(self) -> None:
        """Join the service's open sessions (done once the session's page exists)."""
        shells = Shell._open.setdefault(id(self.service), [])
        if self not in shells:
            shells.append(self)

    def detach(self) -> None:
        """Leave the open sessions: the session ended (Flet's ``page.on_close``)."""
        self._closed = True
        shells = Shell._open.get(id(self.service), [])
        if self in shells:
            shells.remove(self)
        if not shells:
            Shell._open.pop(id(self.service), None)

    def sessions(self) -> list[Shell]:
        """Every open session on this shell's service (a copy: sessions come and go)."""
        return list(Shell._open.get(id(self.service), []))

    def on_close(self, e: Any = None) -> None:
        self.detach()

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
        asked = screen
        svc = self.service
        if not svc.exists():
            screen = Screen.of("setup")
        elif svc.locked or not self.unlocked_here:
            screen = Screen.of("lock")
            if asked.name not in _NOT_RESUMED:
                self.resume_route = build_route(asked)
        elif self.role() == "office":
            # The office works in its console; the helper screens are not for it.
            if not screen.is_office and screen.name not in ("setup", "settings", NOT_FOUND):
                screen = Screen.of("office_dashboard")
        elif screen.name in (HOME, "lock") or screen.is_office:
            screen = Screen.of("subjects")
        if screen.name == "lock":
            self.unlocked_here = False
            self.close_dialogs()  # nothing personal stays visible over the lock screen
            if svc.locked:
                self.lock_other_sessions()
        self.rendered = build_route(screen)
        build = screen_builders().get(screen.name, _not_found)
        try:
            view = build(self, screen)
        except Exception as exc:
            if screen.name != "lock" and caused_by(exc, store_locked_error()) and svc.locked:
                self.render(self.rendered)  # locked by another session while building
                return
            log_unexpected(exc, f"screen {screen.name}")
            view = _error_view(self)
        view.route = self.rendered
        self.page.views.clear()
        self.page.views.append(view)
        self.page.update()

    def route_after_unlock(self) -> str:
        """The screen that was showing when the store locked (a form restores its draft), once;
        otherwise the subject list."""
        route, self.resume_route = self.resume_route or UNLOCKED_HOME, None
        return route

    def show_lock(self) -> None:
        """Show the lock screen here, remembering the screen it covers."""
        self._lock_pending = False
        self.render(self.rendered or "/")

    def close_dialogs(self) -> None:
        """Close every open dialog, snack bar, bottom sheet and picker of this page."""
        for _ in range(100):  # each pop closes one; bounded in case a dialog refuses to close
            try:
                if self.page.pop_dialog() is None:
                    return
            except Exception as exc:  # a dialog half-dismissed by the browser meanwhile
                log_unexpected(exc, "closing dialogs")
                return

    def lock_other_sessions(self) -> None:
        """The shared store is locked: every other open session shows the lock screen too, on
        its own page's event loop."""
        for other in self.sessions():
            if other is self or other._closed or other._lock_pending or other.rendered == LOCK_ROUTE:
                continue
            other._lock_pending = True
            other.show_lock_soon()

    def show_lock_soon(self) -> None:
        """Schedule ``show_lock`` on this session's loop (safe from any thread or session)."""

        async def show() -> None:
            try:
                if self.service.locked and self.rendered != LOCK_ROUTE:
                    self.show_lock()
            except Exception as exc:  # the tab went away meanwhile; never crash another session
                log_unexpected(exc, "lock screen for another session")
            finally:
                self._lock_pending = False

        try:
            # run_task binds Flet's current page to its page in the calling context: run it in a
            # copy so the calling session keeps its own page for its own updates.
            contextvars.copy_context().run(self.page.run_task, show)
        except Exception as exc:  # "An attempt to fetch destroyed session": the tab is gone
            self._lock_pending = False
            log_unexpected(exc, "scheduling a lock screen")
            self.detach()

    # ------------------------------------------------------------------ unexpected errors

    def guard_errors(self) -> None:
        """Route errors of event handlers here instead of Flet's English crash page.

        Flet 1.0.5 catches a handler's exception in ``Session.dispatch_event`` (and ``main``'s
        in ``app.py``) and calls ``session.error(message)`` inside its ``except`` block, which
        sends the crash page; this session's ``error`` is replaced by ``on_unexpected_error``."""
        session = self.page.session

        def crashed(message: str) -> None:
            self.on_unexpected_error(sys.exc_info()[1])

        session.error = crashed  # type: ignore[method-assign]

    def on_unexpected_error(self, exc: BaseException | None) -> None:
        """A locked store (locked by another session) shows the lock screen; anything else is
        logged without personal data and explained in Chinese."""
        try:
            locked_elsewhere = self.service.locked and self.rendered not in (LOCK_ROUTE, "/setup")
            if (exc is not None and caused_by(exc, store_locked_error())) or locked_elsewhere:
                self.show_lock()
                return
            log_unexpected(exc, "event handler")
            self.show_error()
        except Exception as again:  # the page itself is failing: nothing more to show
            log_unexpected(again, "showing an error")

    def show_error(self) -> None:
        def home(e: Any) -> None:
            self.close_dialogs()
            self.go("/")

        dialog = ft.AlertDialog(
            modal=True,
            title=ft.Text("出现意外错误"),
            content=ft.Text(ERROR_MESSAGE),
            actions=[ft.TextButton("返回首页", on_click=home)],
        )
        self.close_dialogs()
        self.page.show_dialog(dialog)

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
        # The sessions share the store: it locks when none of those using it (past their lock
        # screen) has been used for the time, and at once when none is.
        using = [s.last_activity for s in {self, *self.sessions()} if s.unlocked_here and not s._closed]
        idle = time.monotonic() - max(using) if using else float("inf")
        return idle_lock_due(idle, minutes, self.running_jobs())

    async def watch_idle(self) -> None:
        """Lock the store after the configured idle minutes without any interaction, never while
        a job runs (checked every few seconds, and at once when a job ends). Ends with the
        session."""
        self._job_ended = asyncio.Event()
        while not self._closed:
            try:
                await asyncio.wait_for(self._job_ended.wait(), IDLE_CHECK_SECONDS)
            except asyncio.TimeoutError:
                pass
            self._job_ended.clear()
            try:
                if self.idle_lock_due():
                    self.service.lock()
                    if self.rendered == LOCK_ROUTE:  # not drawn again: a passphrase being typed stays
                        self.lock_other_sessions()
                    else:
                        self.render(LOCK_ROUTE if self.rendered is None else self.rendered)
                elif self.service.locked and self.rendered not in (None, LOCK_ROUTE, "/setup"):
                    self.show_lock()  # locked by something that did not tell the sessions
            except Exception as exc:  # keep watching: an error here must not end the idle lock
                log_unexpected(exc, "idle lock")


def caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether ``exc`` or an exception it was raised from/during is a ``kind``."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def traceback_without_data(exc: BaseException | None) -> str:
    """The exception's type and frames, chained ones first; never its message or locals, which
    may hold a subject's particulars."""
    chain: list[BaseException] = []
    current = exc
    while current is not None and all(current is not c for c in chain):
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    lines: list[str] = []
    for item in reversed(chain):
        if lines:
            lines.append("which led to:")
        lines.append("Traceback (most recent call last):")
        for frame in traceback.extract_tb(item.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append(f"    {frame.line}")
        kind = type(item)
        lines.append(f"{kind.__module__}.{kind.__qualname__} (message not logged)")
    return "\n".join(lines) if lines else "(no exception)"


def log_unexpected(exc: BaseException | None, where: str) -> None:
    """Log to stderr, never to a file: type and frames only."""
    log.error("unexpected error in %s\n%s", where, traceback_without_data(exc))


class _NoExceptionMessages(logging.Filter):
    """Flet, asyncio and concurrent.futures log unhandled exceptions with their message; swap
    the formatted exception for the message-free one. Flet's "Unhandled error in ..." records
    are dropped: ``Shell.guard_errors`` logs those errors itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "flet" and str(record.msg).startswith("Unhandled error in"):
            return False
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = traceback_without_data(record.exc_info[1])
        return True


_FILTERED_LOGGERS = ("flet", "asyncio", "concurrent.futures")


def keep_exception_messages_out_of_logs() -> None:
    """Install the filter once per process (also on the last-resort stderr handler)."""
    targets: list[logging.Filterer] = [logging.getLogger(name) for name in _FILTERED_LOGGERS]
    if logging.lastResort is not None:
        targets.append(logging.lastResort)
    for target in targets:
        if not any(isinstance(f, _NoExceptionMessages) for f in target.filters):
            target.addFilter(_NoExceptionMessages())


def _error_view(shell: Shell) -> ft.View:
    return ft.View(controls=[
        ft.Text(ERROR_MESSAGE, size=20),
        ft.Button("返回首页", on_click=lambda e: shell.go("/")),
    ])


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
        page.on_route_change = shell.on_route_change
        page.on_keyboard_event = lambda e: shell.touch()
        shell.render(page.route or "/")
        page.run_task(shell.watch_idle)

    return main


def locale_configuration() -> ft.LocaleConfiguration:
    zh_cn = ft.Locale("zh", "CN")
    return ft.LocaleConfiguration(supported_locales=[zh_cn], current_locale=zh_cn)


def store_locked_error() -> type[Exception]:
    """``storage.errors.StoreLocked``, imported when an error is being handled: importing the
    storage package at start-up would delay the web server (launch_bench.py)."""
    from sync.app.errors import StoreLocked

    return StoreLocked


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


def can_open_window(env: Mapping[str, str], system: str, desktop_version: str | None,
                    flet_version: str) -> bool:
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
            ft.run(main, view=ft.AppView.WEB_BROWSER, port=port, host="127.0.0.1", assets_dir=str(ASSETS),
                   no_cdn=True)
        else:
            threading.Thread(target=prepare, name="xietong-warm-up", daemon=True).start()
            ft.run(main, assets_dir=str(ASSETS))
    finally:
        if ready.done() and ready.exception() is None:
            ready.result().lock()
