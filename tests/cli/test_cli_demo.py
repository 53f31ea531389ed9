"""``xietong demo`` on the office and on a phone, both with the default seed: the phone's records
reach the office (they used to share ids with the office's demo records and were refused as
记录属于他人), and none is dated before the phone heard from its office."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from fakes import PASS

from sync.cli.main import run


@pytest.fixture(autouse=True)
def cheap_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIETONG_PASSPHRASE", PASS)
    monkeypatch.setenv("XIETONG_SCRYPT_N", "16")


def xt(home: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = run(["--home", str(home), *args], out=out)
    return code, out.getvalue()


def fingerprint(home: Path) -> str:
    m = re.search(r"指纹:([\d ]+)", xt(home, "identity")[1])
    assert m
    return m.group(1).strip()


def test_demo_data_of_an_office_and_a_phone_made_from_the_default_seed_travel(tmp_path: Path) -> None:
    office, phone = tmp_path / "office", tmp_path / "phone"
    assert xt(office, "init", "--role", "office", "--name", "东岭司法所")[0] == 0
    assert xt(office, "demo", "--subjects", "4", "--records", "3")[0] == 0
    assert xt(phone, "init", "--role", "helper", "--name", "王喆")[0] == 0
    assert xt(office, "identity", "--card", str(tmp_path / "office.card"))[0] == 0
    assert (
        xt(
            phone,
            "identity",
            "--card",
            str(tmp_path / "req"),
            "--committee",
            "河口村民委员会",
            "--phone",
            "13912345678",
        )[0]
        == 0
    )
    assert xt(phone, "trust", str(tmp_path / "office.card"), "--fingerprint", fingerprint(office))[0] == 0
    hfp = fingerprint(phone)
    assert xt(office, "enroll", str(tmp_path / "req"), "--fingerprint", hfp, "--committee", "河口村民委员会")[0] == 0
    subjects = [json.loads(line) for line in xt(office, "list", "subject", "--json")[1].splitlines()]
    for s in subjects[:2]:
        assert xt(office, "assign", s["id"], hfp)[0] == 0
    assert xt(office, "export", "--to", hfp, "--out", str(tmp_path / "to.xtb"))[0] == 0
    assert xt(phone, "import", str(tmp_path / "to.xtb"))[0] == 0
    assert xt(phone, "demo", "--records", "5")[0] == 0  # the default seed, as on the office
    mine = [json.loads(line) for line in xt(phone, "list", "visit", "--json")[1].splitlines()]
    assert mine and min(v["created"][:10] for v in mine) >= date.today().isoformat()
    assert xt(phone, "export", "--out", str(tmp_path / "back.xtb"))[0] == 0
    code, text = xt(office, "import", str(tmp_path / "back.xtb"))
    assert code == 0 and "新增" in text, text
