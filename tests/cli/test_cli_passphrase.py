"""``xietong passwd [--rekey]`` and the CLI's unlock back-off, run in-process as a user would."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from fakes import PASS, clock

from storage.keyfile import KEY_FILE
from sync.app.session import Service
from sync.cli.main import run

NEW = "a-new-passphrase"


@pytest.fixture(autouse=True)
def cheap_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIETONG_PASSPHRASE", PASS)
    monkeypatch.setenv("XIETONG_SCRYPT_N", "1024")
    monkeypatch.delenv("XIETONG_NEW_PASSPHRASE", raising=False)
    monkeypatch.delenv("XIETONG_HOME", raising=False)


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def xt(home: Path, *args: str, sleep: Sleeps | None = None) -> tuple[int, str]:
    out = io.StringIO()
    code = run(["--home", str(home), *args], out=out, clock=clock, sleep=Sleeps() if sleep is None else sleep)
    return code, out.getvalue()


@pytest.fixture
def helper(tmp_path: Path) -> Path:
    """An office store with demo data (the name says who guards it: any store will do)."""
    home = tmp_path / "helper"
    code, text = xt(home, "init", "--role", "office", "--name", "东岭司法所")
    assert code == 0, text
    assert xt(home, "demo", "--subjects", "2", "--records", "2")[0] == 0
    return home


def test_passwd_without_rekey_says_an_old_key_file_copy_still_works(
    helper: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_copy = (helper / KEY_FILE).read_bytes()
    monkeypatch.setenv("XIETONG_NEW_PASSPHRASE", NEW)
    code, text = xt(helper, "passwd")
    assert code == 0
    assert "旧口令仍能打开" in text and "xietong passwd --rekey" in text
    (helper / KEY_FILE).write_bytes(old_copy)
    assert xt(helper, "list", "subject")[0] == 0  # exactly what it warned about


def test_passwd_rekey_makes_an_old_key_file_copy_with_the_old_passphrase_useless(
    helper: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, before = xt(helper, "list", "subject", "--json")
    old_copy = (helper / KEY_FILE).read_bytes()
    monkeypatch.setenv("XIETONG_NEW_PASSPHRASE", NEW)
    code, text = xt(helper, "passwd", "--rekey")
    assert code == 0, capsys.readouterr().err
    assert "重新加密" in text and "无法再打开" in text
    monkeypatch.setenv("XIETONG_PASSPHRASE", NEW)
    assert xt(helper, "list", "subject", "--json") == (0, before)
    assert xt(helper, "check")[0] == 0
    monkeypatch.setenv("XIETONG_PASSPHRASE", PASS)
    (helper / KEY_FILE).write_bytes(old_copy)
    capsys.readouterr()
    assert xt(helper, "list", "subject")[0] == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip()


def test_passwd_refuses_an_all_digit_passphrase_shorter_than_twelve(
    helper: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XIETONG_NEW_PASSPHRASE", "20261123")
    assert xt(helper, "passwd", "--rekey")[0] == 1
    assert "纯数字口令至少需要12位" in capsys.readouterr().err
    assert xt(helper, "list", "subject")[0] == 0  # unchanged: the old passphrase still opens it


def test_the_cli_waits_like_the_app_after_wrong_passphrases_and_shares_the_count(
    helper: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sleeps = Sleeps()
    monkeypatch.setenv("XIETONG_PASSPHRASE", "not the passphrase")
    for _ in range(4):
        assert xt(helper, "list", "subject", sleep=sleeps)[0] == 1
    assert sleeps == [1.0, 2.0]  # the third and fourth tries waited, as in the app
    assert "已连续输错4次,下次需等待4秒" in capsys.readouterr().err.splitlines()[-1]
    assert Service(helper, clock=clock).failures == 4  # the app's lock screen sees the CLI's failures
    monkeypatch.setenv("XIETONG_PASSPHRASE", PASS)
    assert xt(helper, "list", "subject", sleep=sleeps)[0] == 0
    assert sleeps == [1.0, 2.0, 4.0]
    assert Service(helper, clock=clock).failures == 0


def test_a_scrypt_cost_from_the_environment_without_the_test_switch_is_refused(tmp_path: Path) -> None:
    env = {k: v for k, v in __import__("os").environ.items() if k != "XIETONG_INSECURE_TEST_KDF"}
    env.update(XIETONG_PASSPHRASE=PASS, XIETONG_SCRYPT_N="1024")
    proc = subprocess.run(
        [sys.executable, "main.py", "--home", str(tmp_path / "h"), "init", "--role", "helper", "--name", "李协助"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 1
    assert "XIETONG_INSECURE_TEST_KDF" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "h" / KEY_FILE).exists()
