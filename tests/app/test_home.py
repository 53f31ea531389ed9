"""Where the data lives: Flet's private app folders on a phone, the platform's user data folder
on a desktop."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.app import home


def test_on_a_phone_the_data_and_temp_folders_are_flets_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(home.PHONE_DATA, str(tmp_path / "data"))
    monkeypatch.setenv(home.PHONE_TEMP, str(tmp_path / "cache"))
    assert home.default_home() == tmp_path / "data" / "xietong"
    assert home.temp_root() == tmp_path / "cache"


def test_on_a_desktop_the_data_folder_comes_from_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    from platformdirs import user_data_dir

    monkeypatch.delenv(home.PHONE_DATA, raising=False)
    monkeypatch.delenv(home.PHONE_TEMP, raising=False)
    assert home.default_home() == Path(user_data_dir("xietong", appauthor=False))
