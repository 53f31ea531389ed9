"""The office's 同步 screen: batch import and export hold the idle lock off while they run
(the idle lock would otherwise close the store under them) and show how they ended."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flet as ft
import pytest
from fake_shell import FakeShell, click
from screen_setup import CHEAP, PASS, clock

from core.routes import Screen
from sync.app import office
from sync.app.session import Service
from views.office.sync_screen import sync_view


@pytest.fixture
def shell(tmp_path: Path) -> FakeShell:
    svc = Service(tmp_path / "office", clock=clock, kdf=CHEAP)
    svc.setup("office", "青山镇司法所", PASS)
    return FakeShell(svc)


def controls(control: Any) -> list[Any]:
    out = [control]
    for attr in ("controls", "content"):
        child = getattr(control, attr, None)
        for c in child if isinstance(child, list) else [child]:
            if isinstance(c, ft.Control):
                out += controls(c)
    return out


def field(view: ft.View, label: str) -> ft.TextField:
    return next(c for c in controls(view) if isinstance(c, ft.TextField) and c.label == label)


def button(view: ft.View, text: str) -> Any:
    return next(c for c in controls(view) if isinstance(c, ft.FilledButton) and c.content == text)


def texts(view: ft.View) -> list[str]:
    return [c.value for c in controls(view) if isinstance(c, ft.Text) and isinstance(c.value, str)]


def test_batch_import_runs_inside_busy_so_the_idle_lock_waits_for_it(
    shell: FakeShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(office, "batch_import", shell.busy_while(office.batch_import))
    (tmp_path / "stick").mkdir()
    view = sync_view(shell, Screen.of("office_sync"))  # type: ignore[arg-type]
    field(view, "数据包所在文件夹").value = str(tmp_path / "stick")
    click(button(view, "批量导入").on_click)
    assert shell.busy_seen == [1] and shell.busy_depth == 0
    assert "完成:共 0 个文件,已导入 0,已拒绝 0,重复 0" in texts(view)
    assert "没有找到数据包文件(.xtb)。" in texts(view)


def test_export_runs_inside_busy_so_the_idle_lock_waits_for_it(
    shell: FakeShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(office, "export_all", shell.busy_while(office.export_all))
    view = sync_view(shell, Screen.of("office_sync"))  # type: ignore[arg-type]
    field(view, "导出到文件夹(如U盘)").value = str(tmp_path / "out")
    click(button(view, "全部导出").on_click)
    assert shell.busy_seen == [1] and shell.busy_depth == 0
    assert "没有在册的协助人员。" in texts(view)


def test_a_folder_that_is_not_there_is_said_in_chinese_in_the_import_box(shell: FakeShell, tmp_path: Path) -> None:
    view = sync_view(shell, Screen.of("office_sync"))  # type: ignore[arg-type]
    field(view, "数据包所在文件夹").value = str(tmp_path / "nowhere")
    click(button(view, "批量导入").on_click)
    shown = texts(view)
    assert "导入失败" in shown and shell.errors_shown == 0 and shell.busy_depth == 0
