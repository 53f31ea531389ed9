"""协助人员 → 更换协助人员时的移交材料: the officer sets how many recent visits and evaluations a
new helper receives, and a number out of range is refused beside the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flet as ft
from fake_shell import FakeShell, click
from fakes import CHEAP, PASS, clock

from sync.app import office
from sync.app.session import Service
from views.office.handover_setting import SAVE_KEEP, handover_section


def controls(control: Any) -> list[Any]:
    out = [control]
    for attr in ("controls", "content"):
        child = getattr(control, attr, None)
        for c in child if isinstance(child, list) else [child]:
            if c is not None and not isinstance(c, str) and hasattr(c, "__dict__"):
                out += controls(c)
    return out


def test_the_handover_count_is_set_in_the_console_and_a_bad_one_is_refused(tmp_path: Path) -> None:
    svc = Service(tmp_path / "office", kdf=CHEAP, clock=clock)
    svc.setup("office", "东岭司法所", PASS)
    shell = FakeShell(svc)
    panel = handover_section(shell)  # type: ignore[arg-type]
    field = next(c for c in controls(panel) if isinstance(c, ft.TextField))
    button = next(c for c in controls(panel) if isinstance(c, ft.FilledButton) and SAVE_KEEP in str(c.content))
    assert field.value == str(office.handover_keep(svc))
    field.value = "5"
    click(button.on_click)
    assert office.handover_keep(svc) == 5 and "5 条" in shell.toasts[-1]
    field.value = "99"
    click(button.on_click)
    assert office.handover_keep(svc) == 5
    assert field.error and "0至" in field.error
