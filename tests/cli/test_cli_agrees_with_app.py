"""The CLI and the app disagreed where each ran its own code; now both call one function.

Each test does the same thing through the CLI and through the ``sync.app`` function a screen
calls, and compares what a person gets.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fakes import CHEAP, PASS, clock
from openpyxl import load_workbook

from storage import Store
from storage.errors import WeakPassphrase
from sync.app import helper_sync, office
from sync.app.session import Service
from sync.cli.main import run


@pytest.fixture(autouse=True)
def cheap_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIETONG_PASSPHRASE", PASS)
    monkeypatch.setenv("XIETONG_SCRYPT_N", "16")
    monkeypatch.delenv("XIETONG_HOME", raising=False)


def xt(home: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    return run(["--home", str(home), *args], out=out, clock=clock), out.getvalue()


@pytest.mark.parametrize(
    ("weak", "rule"), [("x", "至少需要8个字符"), ("1234567", "至少需要8个字符"), ("12345678", "纯数字口令至少需要12位")]
)
def test_init_refuses_a_weak_passphrase_as_the_app_does(
    weak: str, rule: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XIETONG_PASSPHRASE", weak)
    assert xt(tmp_path / "cli", "init", "--role", "helper", "--name", "王喆")[0] == 1
    cli_message = capsys.readouterr().err.strip()
    assert not Store.exists(tmp_path / "cli")
    with pytest.raises(WeakPassphrase) as app:  # the store's rule, whichever path reaches it
        Service(tmp_path / "app", kdf=CHEAP).setup("helper", "王喆", weak)
    assert cli_message == str(app.value)
    assert rule in cli_message
    assert not Store.exists(tmp_path / "app")


def test_passwd_refuses_a_short_new_passphrase_as_the_app_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "h"
    assert xt(home, "init", "--role", "helper", "--name", "王喆")[0] == 0
    monkeypatch.setenv("XIETONG_NEW_PASSPHRASE", "short")
    assert xt(home, "passwd")[0] == 1
    assert "至少需要8个字符" in capsys.readouterr().err
    monkeypatch.setenv("XIETONG_PASSPHRASE", PASS)
    assert xt(home, "list", "subject")[0] == 0  # the old passphrase still opens it


def test_the_helper_contact_is_kept_with_the_helpers_fingerprint_as_actor_on_both_paths(tmp_path: Path) -> None:
    cli_home = tmp_path / "cli"
    assert xt(cli_home, "init", "--role", "helper", "--name", "王喆")[0] == 0
    assert (
        xt(
            cli_home,
            "identity",
            "--card",
            str(tmp_path / "req.xtreq"),
            "--committee",
            "河口村民委员会",
            "--phone",
            "13800000000",
        )[0]
        == 0
    )
    app = Service(tmp_path / "app", kdf=CHEAP, clock=clock)
    app.setup("helper", "王喆", PASS)
    helper_sync.write_enrolment_request(app, tmp_path / "req2.xtreq", committee="河口村民委员会", phone="13800000000")
    cli = Service(cli_home, clock=clock)
    cli.unlock(PASS)
    for svc in (cli, app):
        assert helper_sync.saved_contact(svc) == {"committee": "河口村民委员会", "phone": "13800000000"}
        actors = {
            e["actor"]
            for e in svc.store.audit_entries()
            if e.get("action") == "meta" and e.get("record") in ("committee", "phone")
        }
        assert actors == {svc.me.fingerprint}, actors


def test_the_helper_roster_spreadsheet_is_the_same_from_the_cli_and_the_console(tmp_path: Path) -> None:
    home = tmp_path / "office"
    assert xt(home, "init", "--role", "office", "--name", "东岭司法所")[0] == 0
    phone = Service(tmp_path / "phone", kdf=CHEAP, clock=clock)
    phone.setup("helper", "王喆", PASS)
    name, request = helper_sync.enrolment_request_bytes(phone, committee="河口村民委员会", phone="13800000000")
    (tmp_path / name).write_bytes(request)
    assert (
        xt(
            home,
            "enroll",
            str(tmp_path / name),
            "--fingerprint",
            phone.me.public().grouped,
            "--committee",
            "河口村民委员会",
        )[0]
        == 0
    )
    assert xt(home, "report", "helpers", "--out", str(tmp_path / "cli.xlsx"))[0] == 0
    svc = Service(home, clock=clock)
    svc.unlock(PASS)
    office.write_report(svc, "helpers", tmp_path / "console.xlsx")

    def cells(path: Path) -> list[tuple[object, ...]]:
        sheet = load_workbook(path).active
        assert sheet is not None
        return [tuple(row) for row in sheet.iter_rows(values_only=True)]

    rows = cells(tmp_path / "cli.xlsx")
    assert rows == cells(tmp_path / "console.xlsx")
    assert any("王喆" in str(row) and "在册" in str(row) for row in rows), rows
