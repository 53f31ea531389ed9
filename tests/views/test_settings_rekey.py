"""设置 → 修改口令: the switch that re-encrypts everything under a new data key, and the sentence
saying whether an old copy of the key file would still open the data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flet as ft
from fake_shell import FakeShell, click
from fakes import CHEAP, PASS, clock

from core.routes import Screen
from storage import Store, WrongPassphrase
from sync.app.session import PASSPHRASE_ONLY, REKEY_DONE, Service
from views.settings import settings_view

NEW = "另一个口令-2026"


def controls(control: Any) -> list[Any]:
    out = [control]
    for attr in ("controls", "content"):
        child = getattr(control, attr, None)
        for c in child if isinstance(child, list) else [child]:
            if c is not None and not isinstance(c, str) and hasattr(c, "__dict__"):
                out += controls(c)
    return out


def change(view: Any, *, rekey: bool) -> None:
    fields = {c.label: c for c in controls(view) if isinstance(c, ft.TextField)}
    fields["原口令"].value, fields["新口令"].value, fields["再次输入新口令"].value = PASS, NEW, NEW
    next(c for c in controls(view) if isinstance(c, ft.Switch)).value = rekey
    button = next(c for c in controls(view) if isinstance(c, ft.Button) and "修改口令" in str(c.content))
    click(button.on_click)


def said(view: Any) -> list[str]:
    return [c.value for c in controls(view) if isinstance(c, ft.Text) and isinstance(c.value, str)]


def test_without_the_switch_the_screen_says_an_old_key_file_copy_still_opens_the_data(tmp_path: Path) -> None:
    svc = Service(tmp_path / "h", kdf=CHEAP, clock=clock)
    svc.setup("helper", "王五", PASS)
    key_file = tmp_path / "h" / "xietong.key"
    old_copy = key_file.read_bytes()
    view = settings_view(FakeShell(svc), Screen.of("settings"))
    change(view, rekey=False)
    assert PASSPHRASE_ONLY in said(view)
    svc.lock()
    key_file.write_bytes(old_copy)  # what the sentence warns about: an old copy and the old passphrase
    Store.open(tmp_path / "h", PASS).close()


def test_with_the_switch_the_data_is_re_encrypted_and_the_old_passphrase_opens_nothing(tmp_path: Path) -> None:
    svc = Service(tmp_path / "h", kdf=CHEAP, clock=clock)
    svc.setup("helper", "王五", PASS)
    view = settings_view(FakeShell(svc), Screen.of("settings"))
    change(view, rekey=True)
    assert REKEY_DONE in said(view)
    svc.lock()
    Store.open(tmp_path / "h", NEW).close()
    try:
        Store.open(tmp_path / "h", PASS).close()
    except WrongPassphrase:
        pass
    else:
        raise AssertionError("the old passphrase still opened the store")
