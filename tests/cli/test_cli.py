"""The first part of the CLI: init, demo, list, check, passwd — run in-process, as a user would."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from fakes import PASS

from storage import Store
from sync.cli.main import run


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
def office(tmp_path: Path) -> Path:
    home = tmp_path / "office"
    code, text = xt(home, "init", "--role", "office", "--name", "东岭司法所")
    assert code == 0, text
    return home


def test_init_prints_fingerprint_in_groups_of_five_and_keeps_identity_encrypted(tmp_path: Path) -> None:
    import re

    home = tmp_path / "h"
    code, text = xt(home, "init", "--role", "helper", "--name", "王喆")
    assert code == 0
    m = re.search(r"本机指纹:((?:\d{5} ){5}\d{5})", text)
    assert m, text
    store = Store.open(home, PASS)
    try:
        assert store.meta_get("role") == "helper"
        assert store.meta_get("name") == "王喆"
        from sync.protocol.identity import Identity

        ident = Identity.from_private_dict(store.meta_get("identity"))
        assert ident.public().grouped == m.group(1)
    finally:
        store.close()
    for f in home.rglob("*"):
        if f.is_file():
            assert "王喆".encode() not in f.read_bytes()


def test_init_twice_is_refused_with_a_sentence(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = xt(office, "init", "--role", "office", "--name", "另一个")
    assert code == 1
    assert "已有数据存储" in capsys.readouterr().err


def test_demo_then_list_json_has_ids_kinds_subjects_and_fields(office: Path) -> None:
    assert xt(office, "demo", "--subjects", "4", "--records", "5")[0] == 0
    code, text = xt(office, "list", "subject", "--json")
    assert code == 0
    subjects = [json.loads(line) for line in text.splitlines()]
    assert len(subjects) == 4
    assert all(s["kind"] == "subject" and s["id"] == s["subject"] and s["name"] for s in subjects)
    code, text = xt(office, "list", "notice", "--json")
    notices = [json.loads(line) for line in text.splitlines()]
    assert notices and all("协通字第" in n["number"] for n in notices)
    sid = subjects[0]["id"]
    code, text = xt(office, "list", "visit", "--subject", sid, "--json")
    visits = [json.loads(line) for line in text.splitlines()]
    assert visits and {v["subject"] for v in visits} == {sid}


def test_check_passes_on_a_sound_store_and_names_a_damaged_partition(
    office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xt(office, "demo", "--subjects", "3", "--records", "3")
    assert xt(office, "check")[0] == 0
    parts = sorted((office / "parts").glob("*.bin"))
    assert parts
    victim = parts[0]
    blob = bytearray(victim.read_bytes())
    blob[len(blob) // 2] ^= 0x01
    victim.write_bytes(bytes(blob))
    capsys.readouterr()
    code, _ = xt(office, "check")
    assert code != 0
    assert victim.name in capsys.readouterr().err


def test_wrong_passphrase_is_one_chinese_sentence(
    office: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XIETONG_PASSPHRASE", "not-the-passphrase")
    code, _ = xt(office, "list", "subject")
    err = capsys.readouterr().err
    assert code == 1
    assert "口令不正确" in err and "Traceback" not in err


def test_passwd_changes_the_passphrase(office: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIETONG_NEW_PASSPHRASE", "a-new-passphrase")
    assert xt(office, "passwd")[0] == 0
    monkeypatch.setenv("XIETONG_PASSPHRASE", "a-new-passphrase")
    assert xt(office, "list", "subject")[0] == 0
    monkeypatch.setenv("XIETONG_PASSPHRASE", PASS)
    assert xt(office, "list", "subject")[0] == 1


def test_unknown_kind_is_refused(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert xt(office, "list", "nonsense")[0] == 1
    assert "未知的记录类型" in capsys.readouterr().err


def test_missing_passphrase_without_terminal_says_what_to_do(office: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XIETONG_PASSPHRASE")
    proc = subprocess.run(
        [sys.executable, "main.py", "--home", str(office), "list", "subject"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={k: v for k, v in __import__("os").environ.items() if k != "XIETONG_PASSPHRASE"},
    )
    assert proc.returncode == 1
    assert "XIETONG_PASSPHRASE" in proc.stderr and "Traceback" not in proc.stderr


def test_console_script_and_main_py_run_the_same_cli(office: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    a = subprocess.run(
        [sys.executable, "main.py", "--home", str(office), "list", "office"], cwd=root, capture_output=True, text=True
    )
    b = subprocess.run(
        [sys.executable, "-c", "import sys, main; sys.exit(main.cli())", "--home", str(office), "list", "office"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout
