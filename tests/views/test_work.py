"""``views.work.run``: the one way a screen runs an action and shows how it ended."""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fake_shell import FakeShell

from core.errors import NotFound, ValidationError, XietongError
from storage.errors import StoreLocked
from views.work import FAILED, on_loop, run

PERSONAL = "张三 身份证号 110101199001011234"


@pytest.fixture
def shell() -> FakeShell:
    return FakeShell(service=None)


@pytest.fixture
def logged() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logging.getLogger("xietong").addHandler(handler)
    yield stream
    logging.getLogger("xietong").removeHandler(handler)


def test_work_runs_in_a_worker_thread_inside_busy_and_done_sees_its_result(shell: FakeShell) -> None:
    seen: dict[str, Any] = {}

    def work() -> int:
        seen["thread"], seen["busy"] = threading.current_thread(), shell.busy_depth
        return 42

    result = asyncio.run(run(shell, work, done=lambda r: seen.setdefault("done", (r, shell.busy_depth))))
    assert result == 42 and seen["done"] == (42, 0)  # shown after the work, outside busy
    assert seen["thread"] is not threading.main_thread() and seen["busy"] == 1
    assert shell.page.updates == 1 and shell.touches >= 1


def test_a_xietong_error_is_shown_by_failed_and_nothing_else_happens(shell: FakeShell) -> None:
    said: list[str] = []

    def work() -> None:
        raise NotFound("找不到该记录。")

    result = asyncio.run(
        run(shell, work, done=lambda r: said.append("done"), failed=lambda exc: said.append(exc.message))
    )
    assert result is FAILED and said == ["找不到该记录。"]
    assert shell.errors_shown == 0 and shell.rendered == [] and shell.busy_depth == 0
    assert shell.page.updates == 1


def test_without_failed_the_error_sentence_is_a_toast(shell: FakeShell) -> None:
    def work() -> None:
        raise ValidationError({"name": "请填写姓名。"})

    assert asyncio.run(run(shell, work)) is FAILED
    assert shell.toasts == ["填写有误:请填写姓名。"]


def test_a_store_locked_meanwhile_shows_the_lock_screen(shell: FakeShell) -> None:
    def work() -> None:
        try:
            raise StoreLocked()
        except StoreLocked as exc:
            raise RuntimeError("saving failed") from exc

    failed: list[XietongError] = []
    assert asyncio.run(run(shell, work, failed=failed.append)) is FAILED
    assert shell.rendered == ["/lock"] and failed == [] and shell.errors_shown == 0


def test_an_unexpected_error_is_logged_without_its_message_and_explained(shell: FakeShell, logged: io.StringIO) -> None:
    def work() -> None:
        raise KeyError(PERSONAL)

    assert asyncio.run(run(shell, work, failed=lambda exc: None)) is FAILED
    assert shell.errors_shown == 1 and shell.busy_depth == 0
    text = logged.getvalue()
    assert "KeyError" in text and "work" in text and "张三" not in text and "1101011990" not in text


def test_a_dialog_is_awaited_on_the_loop_without_holding_the_idle_lock(shell: FakeShell) -> None:
    seen: list[Any] = []

    async def dialog() -> str:
        seen.append((threading.current_thread(), shell.busy_depth))
        return "/media/usb/x.xtb"

    assert asyncio.run(run(shell, dialog())) == "/media/usb/x.xtb"
    assert seen == [(threading.main_thread(), 0)]  # a dialog left open must not keep the store open


def test_progress_from_the_worker_is_shown_on_the_loop(shell: FakeShell) -> None:
    shown: list[tuple[Any, ...]] = []

    async def scenario() -> None:
        loop_thread = threading.current_thread()
        progress = on_loop(shell, lambda *args: shown.append((*args, threading.current_thread() is loop_thread)))

        def work() -> None:
            progress(1, 2, "a.xtb")
            progress(2, 2, "b.xtb")

        await run(shell, work)
        await asyncio.sleep(0)  # the callbacks scheduled last run now

    asyncio.run(scenario())
    assert shown == [(1, 2, "a.xtb", True), (2, 2, "b.xtb", True)]


def test_the_shell_and_the_fake_shell_both_implement_the_protocol_screens_use() -> None:
    from views.shell import Shell
    from views.shell_protocol import ShellProtocol

    assert isinstance(Shell(page=None, service=None), ShellProtocol)  # type: ignore[arg-type]
    assert isinstance(FakeShell(service=None), ShellProtocol)
