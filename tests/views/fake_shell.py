"""The one fake shell of the view tests: ``views.shell_protocol.ShellProtocol`` without Flet's
page or a browser. It records where screens go, what they say and how deep ``busy()`` is, so a
test can prove that slow work holds the idle lock off.

Imported as ``fake_shell`` (the test's own folder is on the path, as for ``screen_setup``).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from core import routes


class FakePage:
    """What screens use of Flet's page: updates, dialogs and where the app runs."""

    def __init__(self, *, web: bool = True) -> None:
        self.updates = 0
        self.dialogs: list[Any] = []
        self.web = web
        self.platform = None

    def update(self, *controls: Any) -> None:
        self.updates += 1

    def show_dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog)

    def pop_dialog(self) -> Any:
        return self.dialogs.pop() if self.dialogs else None


class FakePicker:
    """A file dialog that hands over what the test set (``picked``/``saved_to``), or fails."""

    def __init__(self) -> None:
        self.picked: list[Any] | None = None
        self.saved_to: str | None = None
        self.saved: list[bytes | None] = []
        self.fails = False

    async def pick_files(self, **kwargs: Any) -> list[Any] | None:
        if self.fails:
            raise RuntimeError("no dialog here")
        return self.picked

    async def save_file(self, **kwargs: Any) -> str | None:
        if self.fails:
            raise RuntimeError("no dialog here")
        self.saved.append(kwargs.get("src_bytes"))
        return self.saved_to


class FakeShell:
    """Implements ``ShellProtocol``; every call is recorded."""

    def __init__(self, service: Any, *, web: bool = True) -> None:
        self.service = service
        self.page = FakePage(web=web)
        self.unlocked_here = True
        self.picker = FakePicker()
        self.went: list[str] = []  # routes gone to
        self.rendered: list[str] = []  # routes drawn again in place (the lock screen included)
        self.toasts: list[str] = []
        self.touches = 0
        self.errors_shown = 0
        self.busy_depth = 0  # how many ``busy()`` blocks are open now
        self.after_unlock = routes.SUBJECTS

    def touch(self) -> None:
        self.touches += 1

    def go(self, route: str) -> None:
        self.went.append(route)

    def go_screen(self, name: str, **params: str) -> None:
        self.go(routes.route(name, **params))

    def render(self, route: str) -> None:
        self.rendered.append(route)

    def route_after_unlock(self) -> str:
        return self.after_unlock

    @contextmanager
    def busy(self) -> Iterator[None]:
        self.busy_depth += 1
        try:
            yield
        finally:
            self.busy_depth -= 1

    def show_lock(self) -> None:
        self.rendered.append(routes.LOCK)

    def show_error(self) -> None:
        self.errors_shown += 1

    def toast(self, message: str) -> None:
        self.toasts.append(message)

    def file_picker(self) -> Any:
        return self.picker

    def nav_bar(self, selected: int) -> None:
        return None

    def busy_while(self, work: Callable[..., Any]) -> Callable[..., Any]:
        """``work`` that also notes, in ``busy_seen``, how deep ``busy()`` was when it ran."""
        self.busy_seen: list[int] = getattr(self, "busy_seen", [])

        def noted(*args: Any, **kwargs: Any) -> Any:
            self.busy_seen.append(self.busy_depth)
            return work(*args, **kwargs)

        return noted


def click(handler: Callable[[Any], Any] | None, event: Any = None) -> Any:
    """Call an event handler as Flet does: an async one runs to its end on an event loop."""
    assert handler is not None, "the control has no handler"
    result = handler(event)
    if inspect.isawaitable(result):
        return asyncio.run(_wait(result))
    return result


async def _wait(awaitable: Any) -> Any:
    return await awaitable
