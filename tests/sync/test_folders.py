"""Path fields start in the folder last used there (kept in the encrypted store)."""

from __future__ import annotations

from pathlib import Path

from helper_sync_setup import PASS

from sync.app.folders import default_folder, folder_of, last_folder, remember_folder
from sync.app.session import Service


def test_default_folder_prefers_downloads(tmp_path: Path) -> None:
    assert default_folder(tmp_path) == str(tmp_path)
    (tmp_path / "Downloads").mkdir()
    assert default_folder(tmp_path) == str(tmp_path / "Downloads")


def test_a_typed_path_names_its_folder_or_nothing(tmp_path: Path) -> None:
    (tmp_path / "U盘").mkdir()
    assert folder_of(str(tmp_path / "U盘")) == str(tmp_path / "U盘")
    assert folder_of(f"  {tmp_path / 'U盘' / '至李协助.xtb'}  ") == str(tmp_path / "U盘")  # a file not there yet
    assert folder_of(str(tmp_path / "没有" / "x.xtb")) is None and folder_of("  ") is None


def test_each_field_starts_where_it_was_last_used_until_that_folder_is_gone(tmp_path: Path, helper: Service) -> None:
    home = tmp_path / "user"
    home.mkdir()
    stick = tmp_path / "U盘"
    stick.mkdir()
    assert last_folder(helper, "数据包所在文件夹", home) == str(home)
    remember_folder(helper, "数据包所在文件夹", str(stick / "至李协助.xtb"))
    remember_folder(helper, "导出到(文件夹或文件)", str(tmp_path / "没有" / "x.xtb"))  # not kept
    assert last_folder(helper, "数据包所在文件夹", home) == str(stick)
    assert last_folder(helper, "导出到(文件夹或文件)", home) == str(home)

    helper.lock()  # kept in the store, not beside it in plaintext
    assert last_folder(helper, "数据包所在文件夹", home) == str(home)
    remember_folder(helper, "数据包所在文件夹", str(home))  # a field left as the app locks: nothing
    assert "U盘".encode() not in b"".join(p.read_bytes() for p in helper.home.rglob("*") if p.is_file())
    helper.unlock(PASS)
    assert last_folder(helper, "数据包所在文件夹", home) == str(stick)

    stick.rmdir()  # the stick was taken out
    assert last_folder(helper, "数据包所在文件夹", home) == str(home)
