"""A failed export leaves no half file and tells the officer, in Chinese, to choose elsewhere."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest

from core.errors import XietongError
from storage.documents import TEMP_PREFIX, ExportFailed, notice_docx, subjects_xlsx, write_atomically

SUBJECTS = [{"name": "张小明", "gender": "男"}]


def _exports(notice: dict[str, Any]) -> list[Callable[[Path], Path]]:
    return [lambda p: notice_docx(notice, p), lambda p: subjects_xlsx(SUBJECTS, p)]


def test_missing_folder_is_reported_in_chinese_and_nothing_is_created(tmp_path: Path, notice: dict[str, Any]) -> None:
    for export in _exports(notice):
        with pytest.raises(ExportFailed) as err:
            export(tmp_path / "no-such-folder" / "out.docx")
        assert isinstance(err.value, XietongError)
        assert "无法写入文件" in str(err.value) and "所在文件夹不存在" in str(err.value)
        assert "请选择其他位置" in str(err.value)
        assert err.value.path == tmp_path / "no-such-folder" / "out.docx"
    assert list(tmp_path.iterdir()) == []


def test_a_folder_in_the_way_is_refused_and_no_temp_file_remains(tmp_path: Path, notice: dict[str, Any]) -> None:
    (tmp_path / "out.xlsx").mkdir()
    with pytest.raises(ExportFailed) as err:
        subjects_xlsx(SUBJECTS, tmp_path / "out.xlsx")
    assert "文件夹" in str(err.value)
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]
    assert list((tmp_path / "out.xlsx").iterdir()) == []


def test_a_file_used_as_folder_is_refused(tmp_path: Path, notice: dict[str, Any]) -> None:
    (tmp_path / "plain").write_bytes(b"x")
    with pytest.raises(ExportFailed):
        notice_docx(notice, tmp_path / "plain" / "n.docx")
    assert (tmp_path / "plain").read_bytes() == b"x"


def test_failure_at_the_rename_keeps_the_previous_export_whole(
    tmp_path: Path, notice: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = notice_docx(notice, tmp_path / "n.docx")
    before = dest.read_bytes()

    def refuse(src: Any, dst: Any) -> None:
        raise PermissionError(errno.EACCES, "denied")

    monkeypatch.setattr(os, "replace", refuse)
    notice["name"] = "李四"
    with pytest.raises(ExportFailed) as err:
        notice_docx(notice, dest)
    assert "没有写入权限" in str(err.value)
    monkeypatch.undo()
    assert dest.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["n.docx"]
    assert "张小明" in docx.Document(str(dest)).paragraphs[3].text


def test_disk_full_while_writing_leaves_no_partial_file(
    tmp_path: Path, notice: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ExportFailed) as err:
        notice_docx(notice, tmp_path / "n.docx")
    assert "磁盘空间不足" in str(err.value)
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_a_successful_export_replaces_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    dest = tmp_path / "a.bin"
    dest.write_bytes(b"old contents that are longer than the new ones")
    write_atomically(dest, b"new")
    assert dest.read_bytes() == b"new"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_a_path_without_a_file_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportFailed):
        write_atomically(Path(""), b"x")
