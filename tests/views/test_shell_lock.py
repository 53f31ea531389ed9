"""Locking reaches every open session, no English crash page, unlock returns to the form.

The shell is driven without a browser: a fake page records what the shell draws and the tasks
it schedules on the page's loop, as Flet 1.0.5's ``Page`` does (``run_task`` binds Flet's
current page in the caller's context, ``pop_dialog`` closes the topmost open dialog).
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import flet as ft
import pytest
from flet.controls.context import _context_page

from storage.errors import StoreLocked
from views import app, errors
from views import shell as sh

FORM = "/subjects/s1/new/visit"
PERSONAL = "张三 身份证号 110101199001011234"


class FakeService:
    """What the shell reads: exists, locked, identity, settings, lock."""

    def __init__(self) -> None:
        self.locked = False
        self.flushes = 0

    def exists(self) -> bool:
        return True

    def flush_drafts(self) -> None:
        self.flushes += 1

    def identity(self) -> dict[str, Any]:
        if self.locked:
            raise StoreLocked()
        return {"role": "helper"}

    def settings(self) -> dict[str, Any]:
        if self.locked:
            raise StoreLocked()
        return {"idle_minutes": 5}

    def lock(self) -> None:
        self.locked = True


class FakeSession:
    def error(self, message: str) -> None:  # Flet's: sends the English crash page
        raise AssertionError("the English crash page was sent")


class FakePage:
    made: list[FakePage] = []

    def __init__(self, *, gone: bool = False) -> None:
        FakePage.made.append(self)
        self.views: list[ft.View] = []
        self.dialogs: list[Any] = []
        self.tasks: list[Coroutine[Any, Any, Any]] = []
        self.updates = 0
        self.gone = gone
        self.session = FakeSession()
        self.route = "/"
        self.web = True

    def update(self) -> None:
        self.updates += 1

    def run_task(self, handler: Callable[[], Coroutine[Any, Any, Any]], *args: Any) -> None:
        if self.gone:
            raise RuntimeError("An attempt to fetch destroyed session.")
        _context_page.set(self)  # as Flet 1.0.5 does, in the caller's context
        self.tasks.append(handler(*args))

    def run_pending(self) -> None:
        async def drain() -> None:
            while self.tasks:
                await self.tasks.pop(0)

        asyncio.run(drain())

    def show_dialog(self, dialog: Any) -> None:
        dialog.open = True
        self.dialogs.append(dialog)

    def pop_dialog(self) -> Any:
        dialog = next((d for d in reversed(self.dialogs) if d.open), None)
        if dialog is not None:
            dialog.open = False
        return dialog

    def open_dialogs(self) -> list[Any]:
        return [d for d in self.dialogs if d.open]

    def shown_texts(self) -> list[str]:
        texts = [c.value for v in self.views for c in v.controls if isinstance(c, ft.Text)]
        for d in self.open_dialogs():
            if isinstance(getattr(d, "content", None), ft.Text):
                texts.append(d.content.value)
        return texts

    async def push_route(self, route: str) -> None:
        self.route = route


def plain_builder(shell: sh.Shell, screen: Any) -> ft.View:
    return ft.View(controls=[ft.Text(f"screen {screen.name}")])


def store_builder(shell: sh.Shell, screen: Any) -> ft.View:
    """Reads the store, as a subject or form screen does."""
    shell.service.identity()
    return plain_builder(shell, screen)


def failing_builder(shell: sh.Shell, screen: Any) -> ft.View:
    raise ValueError(PERSONAL)


@pytest.fixture(autouse=True)
def builders(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    table: dict[str, Any] = {
        name: plain_builder for name in ("lock", "setup", "subjects", "subject", "new_record", "settings", "sync")
    }
    table["new_record"] = store_builder
    monkeypatch.setattr(sh, "screen_builders", lambda: table)
    yield table
    sh.Shell._open.clear()
    for page in FakePage.made:  # tasks a test did not run (e.g. push_route) are dropped quietly
        for task in page.tasks:
            task.close()
    FakePage.made.clear()


def open_session(svc: Any, route: str, *, unlocked: bool = True, **page_args: Any) -> sh.Shell:
    """A session at ``route``; ``unlocked``: one whose user has typed the passphrase in it."""
    shell = sh.Shell(FakePage(**page_args), svc)  # type: ignore[arg-type]
    shell.attach()
    shell.unlocked_here = unlocked
    shell.render(route)
    return shell


def page_of(shell: sh.Shell) -> FakePage:
    return shell.page  # type: ignore[return-value]


def test_locking_in_one_session_shows_the_lock_screen_in_every_other_open_session() -> None:
    svc = FakeService()
    settings, form, subject = open_session(svc, "/settings"), open_session(svc, FORM), open_session(svc, "/subjects/s1")
    assert form.rendered == FORM and page_of(form).shown_texts() == ["screen new_record"]

    svc.lock()  # 立即锁定 in the settings session
    settings.go("/lock")
    assert settings.rendered == "/lock"
    assert form.rendered == FORM  # not drawn from the settings session's loop ...
    page_of(form).run_pending()  # ... but on the form session's own loop
    page_of(subject).run_pending()
    for other in (form, subject):
        assert other.rendered == "/lock"
        assert page_of(other).shown_texts() == ["screen lock"]
        assert page_of(other).views[-1].route == "/lock"
    assert form.resume_route == FORM and subject.resume_route == "/subjects/s1"


def test_each_other_session_gets_one_lock_screen_however_many_times_the_lock_spreads() -> None:
    svc = FakeService()
    one, two = open_session(svc, "/settings"), open_session(svc, FORM)
    svc.lock()
    one.render("/lock")
    one.render("/lock")
    assert len(page_of(two).tasks) == 1
    page_of(two).run_pending()
    assert page_of(one).tasks == []  # the session that locked is already on its lock screen


def test_scheduling_another_sessions_lock_screen_keeps_the_callers_current_page() -> None:
    svc = FakeService()
    mine, other = open_session(svc, "/settings"), open_session(svc, FORM)
    token = _context_page.set(page_of(mine))
    try:
        svc.lock()
        mine.render("/lock")
        assert _context_page.get() is page_of(mine)
    finally:
        _context_page.reset(token)
    assert len(page_of(other).tasks) == 1
    page_of(other).run_pending()


def test_a_closed_session_leaves_the_registry_and_is_sent_nothing() -> None:
    svc = FakeService()
    one, closed = open_session(svc, "/settings"), open_session(svc, FORM)
    closed.on_close()
    assert one.sessions() == [one]
    svc.lock()
    one.render("/lock")
    assert page_of(closed).tasks == [] and closed.rendered == FORM
    one.on_close()
    assert id(svc) not in sh.Shell._open


def test_a_session_whose_page_is_gone_is_dropped_instead_of_failing_the_lock() -> None:
    svc = FakeService()
    one = open_session(svc, "/settings")
    gone = open_session(svc, FORM)
    page_of(gone).gone = True
    svc.lock()
    one.render("/lock")  # no exception
    assert one.rendered == "/lock" and one.sessions() == [one]


def test_sessions_of_another_service_are_not_locked() -> None:
    mine, theirs = FakeService(), FakeService()
    one, stranger = open_session(mine, "/settings"), open_session(theirs, FORM)
    mine.lock()
    one.render("/lock")
    assert page_of(stranger).tasks == []


def test_open_dialogs_and_snack_bars_are_closed_before_the_lock_screen() -> None:
    svc = FakeService()
    one, other = open_session(svc, "/settings"), open_session(svc, FORM)
    for page in (page_of(one), page_of(other)):
        page.show_dialog(ft.AlertDialog(content=ft.Text(PERSONAL)))
        page.show_dialog(ft.SnackBar(ft.Text("草稿已保存")))
        page.show_dialog(ft.BottomSheet(ft.Text(PERSONAL)))
    svc.lock()
    one.render("/lock")
    page_of(other).run_pending()
    assert page_of(one).open_dialogs() == [] and page_of(other).open_dialogs() == []
    assert PERSONAL not in page_of(other).shown_texts()


def test_the_idle_lock_remembers_the_form_and_unlock_returns_to_it_once() -> None:
    svc = FakeService()
    form = open_session(svc, FORM)
    other = open_session(svc, "/settings")
    form.last_activity = other.last_activity = time.monotonic() - 6 * 60
    assert form.idle_lock_due()
    svc.lock()
    form.show_lock()  # what watch_idle does after locking
    assert form.rendered == "/lock" and page_of(form).shown_texts() == ["screen lock"]
    svc.locked = False  # unlocked on the lock screen
    assert form.route_after_unlock() == FORM
    assert form.route_after_unlock() == "/subjects"  # once: a later lock from the menu starts afresh


def test_the_lock_button_does_not_bring_back_an_older_screen() -> None:
    svc = FakeService()
    shell = open_session(svc, "/settings")
    svc.lock()
    shell.go("/lock")
    assert shell.route_after_unlock() == "/subjects"


def test_the_idle_lock_waits_while_another_session_is_in_use() -> None:
    svc = FakeService()
    idle, busy = open_session(svc, FORM), open_session(svc, "/subjects")
    idle.last_activity = time.monotonic() - 6 * 60
    assert not idle.idle_lock_due()  # the store is shared: the other tab is being used
    busy.last_activity = time.monotonic() - 6 * 60
    assert idle.idle_lock_due()


def test_watch_idle_shows_the_lock_screen_when_the_store_was_locked_without_telling(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sh, "IDLE_CHECK_SECONDS", 0.01)
    svc = FakeService()
    shell = open_session(svc, FORM)

    async def scenario() -> None:
        watcher = asyncio.create_task(shell.watch_idle())
        svc.lock()  # e.g. the office console's lock, which only shows its own lock screen
        await asyncio.sleep(0.1)
        assert shell.rendered == "/lock" and shell.resume_route == FORM
        shell.on_close()
        await asyncio.wait_for(watcher, 1)  # the watch ends with the session

    asyncio.run(scenario())


@pytest.fixture
def logged() -> Iterator[io.StringIO]:
    """What the shell and Flet log (to stderr in the app)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    for name in ("xietong", "flet"):
        logging.getLogger(name).addHandler(handler)
    yield stream
    for name in ("xietong", "flet"):
        logging.getLogger(name).removeHandler(handler)


def test_a_failing_screen_shows_the_chinese_message_and_logs_no_personal_data(
    builders: dict[str, Any], logged: io.StringIO
) -> None:
    builders["subject"] = failing_builder
    stream = logged
    shell = open_session(FakeService(), "/subjects/s1")
    assert page_of(shell).shown_texts() == [errors.ERROR_MESSAGE]
    text = stream.getvalue()
    assert "ValueError" in text and "failing_builder" in text
    assert "张三" not in text and "1101011990" not in text


def flet_dispatches(shell: sh.Shell, handler: Callable[[], None]) -> None:
    """What Flet 1.0.5's Session.dispatch_event does with a handler's exception."""
    try:
        handler()
    except Exception as e:
        logging.getLogger("flet").error("Unhandled error in 'on_%s' handler", "click", exc_info=True)
        page_of(shell).session.error(f"{e}")


def test_a_failing_handler_shows_the_chinese_message_instead_of_the_crash_page(logged: io.StringIO) -> None:
    errors.keep_exception_messages_out_of_logs()
    stream = logged
    shell = open_session(FakeService(), FORM)
    shell.guard_errors()

    def on_click() -> None:
        raise KeyError(PERSONAL)

    flet_dispatches(shell, on_click)
    assert errors.ERROR_MESSAGE in page_of(shell).shown_texts()
    assert shell.rendered == FORM  # the form stays under the message, typed text kept
    text = stream.getvalue()
    assert "KeyError" in text and "on_click" in text
    assert text.count("Traceback") == 1  # logged once, by the guard, not again by Flet
    assert "张三" not in text


def test_a_handler_hitting_a_store_locked_by_another_session_shows_the_lock_screen() -> None:
    svc = FakeService()
    shell = open_session(svc, FORM)
    shell.guard_errors()
    svc.lock()  # another session locked, this one was not told yet

    def on_change() -> None:
        try:
            svc.identity()  # save_draft on a keystroke
        except StoreLocked as exc:
            raise RuntimeError("saving failed") from exc

    flet_dispatches(shell, on_change)
    assert shell.rendered == "/lock" and page_of(shell).open_dialogs() == []
    assert shell.resume_route == FORM


def test_a_screen_hitting_a_locked_store_shows_the_lock_screen(builders: dict[str, Any]) -> None:
    svc = FakeService()
    shell = open_session(svc, "/subjects")
    svc.lock()
    svc.locked = False  # the shell believes it is open ...

    def locks_while_building(shell: sh.Shell, screen: Any) -> ft.View:
        svc.locked = True  # ... and another session locks while this screen is built
        raise StoreLocked()

    builders["new_record"] = locks_while_building
    shell.render(FORM)
    assert shell.rendered == "/lock" and shell.resume_route == FORM


def test_flet_and_asyncio_log_records_lose_the_exception_message() -> None:
    errors.keep_exception_messages_out_of_logs()
    errors.keep_exception_messages_out_of_logs()  # once is enough, twice is harmless
    assert sum(isinstance(f, errors._NoExceptionMessages) for f in logging.getLogger("flet").filters) == 1
    for name in ("flet", "asyncio", "concurrent.futures"):
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        try:
            try:
                raise ValueError(PERSONAL)
            except ValueError:
                logger.error("Exception in callback", exc_info=True)
        finally:
            logger.removeHandler(handler)
        assert "ValueError" in stream.getvalue() and "张三" not in stream.getvalue(), name


def test_the_logged_traceback_names_chained_exceptions_without_their_messages() -> None:
    try:
        try:
            raise StoreLocked()
        except StoreLocked as exc:
            raise RuntimeError(PERSONAL) from exc
    except RuntimeError as exc:
        text = errors.traceback_without_data(exc)
        assert errors.caused_by(exc, StoreLocked) and not errors.caused_by(exc, KeyError)
    assert text.index("StoreLocked") < text.index("RuntimeError")
    assert "张三" not in text and "数据已锁定" not in text


@pytest.mark.parametrize(
    ("env", "system", "desktop", "window"),
    [
        ({"DISPLAY": ":0"}, "Linux", None, False),  # a display but no desktop client: browser view
        ({"DISPLAY": ":0"}, "Linux", "0.28.3", False),  # a client of another version: Flet would pip it
        ({}, "Linux", "1.0.5", False),  # no display
        ({"WAYLAND_DISPLAY": "wayland-0"}, "Linux", "1.0.5", True),
        ({"DISPLAY": ":0"}, "Linux", "", True),  # importable without a version: Flet accepts it
        ({}, "Windows", "1.0.5", True),
        ({}, "Windows", None, False),
    ],
)
def test_the_window_opens_only_with_a_matching_desktop_client_and_a_display(
    env: dict[str, str], system: str, desktop: str | None, window: bool
) -> None:
    assert app.can_open_window(env, system, desktop, "1.0.5") is window


def test_a_display_without_the_desktop_client_installed_gives_the_browser_view(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(app.importlib.util, "find_spec", lambda name: None)
    assert app.desktop_client_version() is None
    assert not app.has_display()


def test_a_new_session_is_registered_in_chinese_and_leaves_on_close() -> None:
    svc = FakeService()
    page = FakePage()
    app.make_main(svc)(page)  # type: ignore[arg-type]
    config = page.locale_configuration
    assert config.current_locale == ft.Locale("zh", "CN") and config.supported_locales == [ft.Locale("zh", "CN")]
    (shell,) = sh.Shell._open[id(svc)]
    assert shell.page is page and page.on_close == shell.on_close
    try:  # Flet's crash path, as Session.dispatch_event takes it
        raise ValueError(PERSONAL)
    except ValueError:
        page.session.error("crashed")
    assert errors.ERROR_MESSAGE in page.shown_texts()  # not the crash page (FakeSession.error fails)
    for task in page.tasks:
        task.close()  # watch_idle: not run here
    page.on_close(None)
    assert id(svc) not in sh.Shell._open


def test_a_new_tab_while_another_has_the_store_open_asks_for_the_passphrase(
    builders: dict[str, Any], tmp_path: Path
) -> None:
    """Browser sessions share one unlocked store: a tab opened meanwhile must not show anything
    personal until its own user types the passphrase."""
    from storage import KdfParams
    from sync.app.session import Service
    from views import access

    builders["lock"] = access.lock_view
    svc = Service(tmp_path / "home", kdf=KdfParams(n=2**4, r=8, p=1), sleep=lambda s: None)
    svc.setup("helper", "李协助", "correct horse 1")
    first = open_session(svc, "/subjects/s1")
    new_tab = open_session(svc, FORM, unlocked=False)
    assert new_tab.rendered == "/lock" and "协通已锁定" in page_of(new_tab).shown_texts()
    page_of(first).run_pending()
    assert first.rendered == "/subjects/s1"  # the other tab keeps working ...
    assert not svc.locked  # ... on the open store

    field = next(c for c in page_of(new_tab).views[-1].controls if isinstance(c, ft.TextField))
    field.value = "a wrong guess"
    asyncio.run(field.on_submit(None))
    assert new_tab.rendered == "/lock" and field.error and "口令不正确" in field.error
    assert field.value == ""  # cleared for the next try
    field.value = "correct horse 1"
    asyncio.run(field.on_submit(None))
    assert new_tab.rendered == FORM  # where it was asked to go


def test_the_store_locks_at_once_when_no_session_is_past_its_lock_screen() -> None:
    svc = FakeService()
    waiting = open_session(svc, "/subjects", unlocked=False)  # e.g. the tab that unlocked was closed
    assert waiting.rendered == "/lock" and not svc.locked
    assert waiting.idle_lock_due()
    using = open_session(svc, "/subjects")
    assert not waiting.idle_lock_due() and not using.idle_lock_due()
    using.on_close()
    assert waiting.idle_lock_due()


def test_an_open_store_nobody_is_past_the_lock_screen_of_locks_without_redrawing_that_screen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sh, "IDLE_CHECK_SECONDS", 0.01)
    svc = FakeService()
    waiting = open_session(svc, "/subjects", unlocked=False)  # the tab that unlocked was closed
    drawn = list(page_of(waiting).views)

    async def scenario() -> None:
        watcher = asyncio.create_task(waiting.watch_idle())
        await asyncio.sleep(0.1)
        assert svc.locked  # locked at the first check
        [view] = page_of(waiting).views
        assert view is drawn[0]  # the same lock screen: what is typed in it stays
        waiting.on_close()
        await asyncio.wait_for(watcher, 1)

    asyncio.run(scenario())


def test_a_screen_whose_record_is_gone_says_why_and_leads_back(builders: dict[str, Any]) -> None:
    from core.errors import NotFound

    def gone(shell: sh.Shell, screen: Any) -> ft.View:
        raise NotFound("找不到该社区矫正对象,可能已被删除。")

    builders["subject"] = gone
    shell = open_session(FakeService(), "/subjects/s1")
    assert page_of(shell).shown_texts() == ["找不到该社区矫正对象,可能已被删除。"]
    back = next(c for c in page_of(shell).views[-1].controls if isinstance(c, ft.Button))
    back.on_click(None)
    assert shell.rendered == "/subjects"


def test_leaving_a_form_pausing_the_app_and_closing_the_session_write_the_waiting_draft() -> None:
    """Drafts are written at most once a second while typing (issue 16); what waits is written
    as soon as the helper leaves the form, the phone pauses the app, or the session ends."""
    svc = FakeService()
    shell = open_session(svc, FORM)
    before = svc.flushes
    shell.go("/subjects")
    assert svc.flushes == before + 1
    for state in (ft.AppLifecycleState.PAUSE, ft.AppLifecycleState.HIDE, ft.AppLifecycleState.INACTIVE):
        shell.on_lifecycle(
            ft.AppLifecycleStateChangeEvent(name="app_lifecycle_state_change", control=None, state=state)
        )
    assert svc.flushes == before + 4
    shell.on_lifecycle(
        ft.AppLifecycleStateChangeEvent(
            name="app_lifecycle_state_change", control=None, state=ft.AppLifecycleState.RESUME
        )
    )
    assert svc.flushes == before + 4  # coming back writes nothing
    shell.on_close()
    assert svc.flushes == before + 5
