"""The one way a screen runs an action: off the event loop, and its failure shown.

``run`` takes slow work (sealing, decrypting, key derivation, writing a file, a store write)
to a worker thread inside ``shell.busy()``, so the page keeps answering and the idle lock
waits for it; a file dialog (an awaitable) is awaited on the event loop without holding the
idle lock, since a dialog left open must not keep the store open. Then, on the event loop:

- success: ``done(result)`` when given, and the page is updated; the result is returned;
- a ``XietongError``: its message is the Chinese sentence to show, through ``failed`` (a
  toast when not given);
- a locked store (another session's idle lock): the lock screen, as the shell does;
- anything else: logged with type and frames only (``views.errors``) and explained in Chinese.

A failed run returns ``FAILED``, so a screen never writes its own try/except.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from core.errors import XietongError
from views.errors import locked_store, log_unexpected
from views.shell_protocol import ShellProtocol

T = TypeVar("T")


class Failed:
    """What ``run`` returns when the work failed and the failure has been shown."""

    def __repr__(self) -> str:
        return "FAILED"


FAILED = Failed()


async def run(
    shell: ShellProtocol,
    work: Callable[[], T] | Awaitable[T],
    *,
    done: Callable[[T], Any] | None = None,
    failed: Callable[[XietongError], Any] | None = None,
) -> T | Failed:
    """Run ``work`` and show its outcome (see the module docstring); returns its result or ``FAILED``."""
    shell.touch()
    try:
        if inspect.isawaitable(work):
            result = await work
        else:
            with shell.busy():
                result = await asyncio.to_thread(work)
    except Exception as exc:
        show_failure(shell, exc, failed)
        return FAILED
    shell.touch()
    if done is not None:
        done(result)
        shell.page.update()
    return result


def show_failure(shell: ShellProtocol, exc: Exception, failed: Callable[[XietongError], Any] | None = None) -> None:
    """Show why an action failed: the lock screen, the error's sentence, or the Chinese notice."""
    if locked_store(exc):
        shell.show_lock()
    elif isinstance(exc, XietongError):
        if failed is None:
            shell.toast(exc.message)
        else:
            failed(exc)
        shell.page.update()
    else:
        log_unexpected(exc, "an action")
        shell.show_error()


def on_loop(shell: ShellProtocol, show: Callable[..., Any]) -> Callable[..., None]:
    """A progress callback for work in a worker thread: ``show(*args)`` runs on the event loop
    (where the page may be changed), then the page is updated."""
    loop = asyncio.get_running_loop()

    def call(*args: Any) -> None:
        def on_the_loop() -> None:
            show(*args)
            shell.page.update()

        loop.call_soon_threadsafe(on_the_loop)

    return call
