"""The shell: one per browser session or window; routes, renders, and holds the idle lock.

Every screen is rebuilt from the current route: ``core.routes.guard`` decides which screen the
session may see (set-up, lock screen, the screens of its role), the screen's builder draws it.
Screens talk only to the one ``Service`` of this process, which the browser sessions share (the
store is locked by the process, so there is exactly one); they see the shell through
``views.shell_protocol.ShellProtocol``. Start-up is ``views.app``.

Imports only Flet and ``core`` at the top: the screens load when first drawn, so that the web
server can start before them (``tests/views/test_startup_imports.py``).
"""

from __future__ import annotations

import asyncio
import contextvars
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar

import flet as ft

from core.errors import XietongError
from core.idle import idle_lock_due
from core.routes import (
    HOME_ROUTE,
    LOCK,
    SETUP,
    SUBJECTS,
    Screen,
    build_route,
    guard,
    parent,
    parse_route,
    resumes,
)
from views.errors import ERROR_MESSAGE, locked_store, log_unexpected

if TYPE_CHECKING:
    from sync.app.session import Service
    from views.shell_protocol import ShellProtocol

IDLE_CHECK_SECONDS = 10
LOCK_ROUTE = LOCK


# App states in which a draft still waiting is written at once (Flet's AppLifecycleState values).
FLUSH_STATES = frozenset(
    {ft.AppLifecycleState.PAUSE, ft.AppLifecycleState.HIDE, ft.AppLifecycleState.INACTIVE, ft.AppLifecycleState.DETACH}
)


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
        self.service.flush_drafts()  # what was typed in the last second is kept
        self.detach()

    def on_lifecycle(self, e: Any) -> None:
        """The phone put the app in the background (or is closing it): the draft waiting to be
        written goes to disk now, not when its second is up."""
        if getattr(e, "state", None) in FLUSH_STATES:
            self.service.flush_drafts()

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
        """Draw the screen ``route`` names, or the one ``core.routes.guard`` puts in its place.
        Leaving a form (back, 稍后再填, any navigation) writes its waiting draft first."""
        asked = parse_route(route)
        svc = self.service
        svc.flush_drafts()
        set_up = svc.exists()
        unlocked = set_up and not svc.locked and self.unlocked_here
        screen = guard(asked, set_up=set_up, unlocked=unlocked, role=self.role() if unlocked else "")
        if set_up and not unlocked and resumes(asked):
            self.resume_route = build_route(asked)
        if screen.name == "lock":
            self.unlocked_here = False
            self.close_dialogs()  # nothing personal stays visible over the lock screen
            if svc.locked:
                self.lock_other_sessions()
        self.rendered = build_route(screen)
        try:
            view = build_screen(self, screen)
        except Exception as exc:
            if screen.name != "lock" and locked_store(exc) and svc.locked:
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
        route, self.resume_route = self.resume_route or SUBJECTS, None
        return route

    def show_lock(self) -> None:
        """Show the lock screen here, remembering the screen it covers."""
        self._lock_pending = False
        self.render(self.rendered or HOME_ROUTE)

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
            locked_elsewhere = self.service.locked and self.rendered not in (LOCK_ROUTE, SETUP)
            if (exc is not None and locked_store(exc)) or locked_elsewhere:
                self.show_lock()
                return
            log_unexpected(exc, "event handler")
            self.show_error()
        except Exception as again:  # the page itself is failing: nothing more to show
            log_unexpected(again, "showing an error")

    def show_error(self) -> None:
        def home(e: Any) -> None:
            self.close_dialogs()
            self.go(HOME_ROUTE)

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
                ft.NavigationBarDestination(icon=ft.Icons.DASHBOARD_OUTLINED, label="工作台")
                if office
                else ft.NavigationBarDestination(
                    icon=ft.Icons.PEOPLE_OUTLINE, selected_icon=ft.Icons.PEOPLE, label="矫正对象"
                ),
                ft.NavigationBarDestination(icon=ft.Icons.SYNC, label="同步"),
                ft.NavigationBarDestination(
                    icon=ft.Icons.SETTINGS_OUTLINED, selected_icon=ft.Icons.SETTINGS, label="设置"
                ),
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
            except TimeoutError:
                pass
            self._job_ended.clear()
            try:
                if self.idle_lock_due():
                    self.service.lock()
                    if self.rendered == LOCK_ROUTE:  # not drawn again: a passphrase being typed stays
                        self.lock_other_sessions()
                    else:
                        self.render(LOCK_ROUTE if self.rendered is None else self.rendered)
                elif self.service.locked and self.rendered not in (None, LOCK_ROUTE, SETUP):
                    self.show_lock()  # locked by something that did not tell the sessions
            except Exception as exc:  # keep watching: an error here must not end the idle lock
                log_unexpected(exc, "idle lock")


def _error_view(shell: Shell) -> ft.View:
    return ft.View(
        controls=[
            ft.Text(ERROR_MESSAGE, size=20),
            ft.Button("返回首页", on_click=lambda e: shell.go(HOME_ROUTE)),
        ]
    )


def _not_found(shell: Shell, screen: Screen) -> ft.View:
    return ft.View(
        controls=[
            ft.Text("找不到这个页面。", size=20),
            ft.Button("返回首页", on_click=lambda e: shell.go(HOME_ROUTE)),
        ]
    )


def message_view(shell: ShellProtocol, message: str, back: Screen) -> ft.View:
    """A screen that cannot be shown (e.g. a subject deleted meanwhile): why, and the way back."""
    return ft.View(
        padding=20,
        controls=[
            ft.Text(message, size=18),
            ft.Button("返回", icon=ft.Icons.ARROW_BACK, on_click=lambda e: shell.go(build_route(back))),
        ],
    )


def build_screen(shell: ShellProtocol, screen: Screen) -> ft.View:
    """Draw ``screen``. A ``XietongError`` while reading what it shows (a subject deleted, a
    record not found) gives its sentence and the way back; a locked store is left to the caller."""
    build = screen_builders().get(screen.name, _not_found)
    try:
        return build(shell, screen)
    except XietongError as exc:
        if locked_store(exc):
            raise
        return message_view(shell, exc.message, parent(screen))


def screen_builders() -> dict[str, Callable[[ShellProtocol, Screen], ft.View]]:
    """Route name -> screen builder. The screens are imported here, not at the top, so that
    the web server can start before them (see the module docstring)."""
    from views import access, entrustment_task, forms, office, settings, subjects, sync_screen

    return {
        **office.BUILDERS,
        "setup": access.setup_view,
        "lock": access.lock_view,
        "subjects": subjects.list_view,
        "subject": subjects.detail_view,
        "new_record": forms.record_view,
        "edit_record": forms.record_view,
        "entrustment_task": entrustment_task.task_view,
        "sync": sync_screen.sync_view,
        "settings": settings.settings_view,
    }
