"""The lock screen built outside the browser: it tells, before anyone types, how many wrong
passphrases came before (also before the app was closed) and how long the next try waits."""

from __future__ import annotations

from pathlib import Path

import flet as ft
import pytest
from fake_shell import FakeShell
from fakes import CHEAP, PASS, clock

from core.routes import Screen
from storage import WrongPassphrase
from sync.app.session import Service
from views import access


def shown(view: ft.View) -> list[str]:
    return [c.value for c in view.controls if isinstance(c, ft.Text) and isinstance(c.value, str)]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    s = Service(tmp_path / "home", clock=clock, kdf=CHEAP)
    s.setup("helper", "李协助", PASS)
    s.lock()
    return tmp_path / "home"


def test_lock_screen_after_a_restart_names_the_earlier_failures_and_the_wait(home: Path) -> None:
    first = Service(home, clock=clock, sleep=lambda s: None)
    for _ in range(3):
        with pytest.raises(WrongPassphrase):
            first.unlock("wrong passphrase")
    view = access.lock_view(FakeShell(Service(home, clock=clock)), Screen.of("lock"))  # type: ignore[arg-type]
    assert "已连续输错3次,下次需等待2秒。" in shown(view)


def test_lock_screen_says_nothing_of_failures_when_there_were_none(home: Path) -> None:
    view = access.lock_view(FakeShell(Service(home, clock=clock)), Screen.of("lock"))  # type: ignore[arg-type]
    assert not any("输错" in t for t in shown(view))
