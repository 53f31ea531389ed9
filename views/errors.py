"""How the views treat failures they did not expect: logged without personal data.

A log line names the exception's type and frames, never its message or locals, which may hold
a subject's particulars. Flet, asyncio and concurrent.futures log unhandled exceptions with
their message; a filter swaps that for the message-free form. Kept free of the store and the
screens so that the web server can start before them (``views.app``).
"""

from __future__ import annotations

import logging
import traceback

log = logging.getLogger("xietong")
ERROR_MESSAGE = "出现意外错误,已记录。请返回首页重试。"


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


def store_locked_error() -> type[Exception]:
    """``StoreLocked``, imported when an error is being handled: importing the
    storage package at start-up would delay the web server (launch_bench.py)."""
    from sync.app.errors import StoreLocked

    return StoreLocked


def locked_store(exc: BaseException) -> bool:
    """Whether ``exc`` comes from a store locked meanwhile (e.g. by another session's idle lock)."""
    return caused_by(exc, store_locked_error())


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
