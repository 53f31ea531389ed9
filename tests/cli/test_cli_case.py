"""The issue-15 commands (close, subsidy, assess), run in-process as an officer would."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from core.demo import SAMPLE_SUBJECT
from sync.app import office
from sync.app.session import Service
from sync.cli.main import run

PASS = "correct-horse-口令"


@pytest.fixture(autouse=True)
def cheap_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIETONG_PASSPHRASE", PASS)
    monkeypatch.setenv("XIETONG_SCRYPT_N", "1024")
    monkeypatch.delenv("XIETONG_HOME", raising=False)


def xt(home: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = run(["--home", str(home), *args], out=out)
    return code, out.getvalue()


@pytest.fixture
def office_home(tmp_path: Path) -> Path:
    home = tmp_path / "office"
    assert xt(home, "init", "--role", "office", "--name", "东岭司法所")[0] == 0
    return home


def _subject(home: Path) -> str:
    svc = Service(home)
    svc.unlock(PASS)
    try:
        return office.save_subject(svc, dict(SAMPLE_SUBJECT)).id
    finally:
        svc.lock()


def test_close_marks_the_case_closed_as_the_console_does(office_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sid = _subject(office_home)
    code, text = xt(office_home, "close", sid, "--reason", "期满", "--date", "2026-01-31")
    assert code == 0, capsys.readouterr().err
    assert "已办理解矫" in text and "期满" in text
    svc = Service(office_home)
    svc.unlock(PASS)
    try:
        assert office.closure(svc, sid)["date"] == "2026-01-31"  # type: ignore[index]
    finally:
        svc.lock()
    code, _ = xt(office_home, "close", sid, "--reason", "期满", "--date", "2026-01-31")
    assert code == 1 and "无需重复办理" in capsys.readouterr().err
    code, _ = xt(office_home, "close", sid, "--reason", "迁出", "--date", "2026-01-31")
    assert code == 1


def test_subsidy_sets_the_rate_and_cap_the_visits_report_uses(
    office_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = xt(office_home, "subsidy", "--rate", "20", "--cap", "4")
    assert code == 0 and "每次有效走访 20.00 元" in text and "至多计 4 次" in text
    svc = Service(office_home)
    svc.unlock(PASS)
    try:
        assert office.subsidy_settings(svc)["rate_fen"] == 2000
    finally:
        svc.lock()
    assert xt(office_home, "subsidy", "--rate", "-3")[0] == 1
    assert "每次走访补贴" in capsys.readouterr().err
