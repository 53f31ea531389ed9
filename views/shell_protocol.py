"""What a screen may ask of the shell that shows it.

Screens depend on this protocol, not on ``views.shell.Shell``: the view tests drive them with
one fake shell (``tests/views/fake_shell.py``) that implements it. Kept to what screens call.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import flet as ft

    from sync.app.session import Service


@runtime_checkable
class ShellProtocol(Protocol):
    service: Service  # the one session of this process (shared by the browser sessions)
    page: ft.Page
    unlocked_here: bool  # this session has had the passphrase (the lock screen sets it)

    def touch(self) -> None:
        """Count an interaction as activity for the idle lock."""

    def go(self, route: str) -> None:
        """Show ``route`` (built with ``core.routes``) and put it in the browser history."""

    def go_screen(self, name: str, **params: str) -> None:
        """``go`` to the route ``core.routes.route(name, **params)``."""

    def render(self, route: str) -> None:
        """Draw ``route`` again in place, without a history entry."""

    def route_after_unlock(self) -> str:
        """Where the lock screen leads once the passphrase is right."""

    def busy(self) -> AbstractContextManager[None]:
        """Hold the idle lock off while work that must not lose the store runs (``views.work``)."""

    def show_lock(self) -> None:
        """The store was locked under this screen: show the lock screen."""

    def show_error(self) -> None:
        """Say in Chinese that something unexpected failed (already logged)."""

    def toast(self, message: str) -> None:
        """A short message at the bottom of the page."""

    def file_picker(self) -> ft.FilePicker:
        """This page's file dialogs."""

    def nav_bar(self, selected: int) -> ft.NavigationBar:
        """The helper app's bottom navigation, ``selected`` highlighted."""
