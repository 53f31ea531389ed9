"""The second part of the CLI, as an officer and a helper would script a whole round trip."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from fakes import PASS
from openpyxl import Workbook

from storage import snapshot_bytes
from sync.cli.main import run

pytestmark = pytest.mark.crypto

HEADER = [
    "姓名",
    "性别",
    "出生年月",
    "户籍地",
    "居住地",
    "判决日期",
    "罪名",
    "法院",
    "判处",
    "矫正类别",
    "矫正期限起",
    "矫正期限止",
    "村(居)民委员会",
    "乡镇(街道)",
]
ROW = [
    "张三",
    "男",
    "1990-05",
    "安徽省马鞍山市",
    "花山区湖东路1号",
    "2026-01-10",
    "盗窃",
    "马鞍山市花山区",
    "有期徒刑一年,缓刑二年",
    "缓刑",
    "2026-02-01",
    "2028-01-31",
    "河口村民委员会",
    "青石镇",
]


@pytest.fixture(autouse=True)
def cheap_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIETONG_PASSPHRASE", PASS)
    monkeypatch.setenv("XIETONG_SCRYPT_N", "1024")


def xt(home: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = run(["--home", str(home), *args], out=out)
    return code, out.getvalue()


def fingerprint(home: Path) -> str:
    code, text = xt(home, "identity")
    assert code == 0
    m = re.search(r"指纹:([\d ]+)", text)
    assert m
    return m.group(1).strip()


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path, str, str]:
    office, helper = tmp_path / "office", tmp_path / "helper"
    assert xt(office, "init", "--role", "office", "--name", "东岭司法所")[0] == 0
    assert xt(helper, "init", "--role", "helper", "--name", "王喆")[0] == 0
    assert xt(office, "identity", "--card", str(tmp_path / "office.card"))[0] == 0
    assert (
        xt(
            helper,
            "identity",
            "--card",
            str(tmp_path / "req.card"),
            "--committee",
            "河口村民委员会",
            "--phone",
            "13912345678",
        )[0]
        == 0
    )
    ofp, hfp = fingerprint(office), fingerprint(helper)
    assert xt(helper, "trust", str(tmp_path / "office.card"), "--fingerprint", ofp)[0] == 0
    assert (
        xt(office, "enroll", str(tmp_path / "req.card"), "--fingerprint", hfp, "--committee", "河口村民委员会")[0] == 0
    )
    return office, helper, ofp, hfp


def store_bytes(home: Path) -> dict[str, bytes]:
    """Every byte of the store itself (the quarantine folder beside it is not the store)."""
    return {k: v for k, v in snapshot_bytes(home).items() if not k.startswith("quarantine/")}


def _roster(path: Path, rows: list[list[str]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_trust_with_wrong_fingerprint_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    office, helper = tmp_path / "o", tmp_path / "h"
    xt(office, "init", "--role", "office", "--name", "东岭司法所")
    xt(helper, "init", "--role", "helper", "--name", "王喆")
    xt(office, "identity", "--card", str(tmp_path / "c"))
    wrong = "1" * 30
    assert xt(helper, "trust", str(tmp_path / "c"), "--fingerprint", wrong)[0] == 1
    assert "指纹不一致" in capsys.readouterr().err


def test_roster_with_a_bad_row_imports_nothing(
    pair: tuple[Path, Path, str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    office = pair[0]
    bad = list(ROW)
    bad[11] = "2025-01-01"  # term ends before it starts
    path = _roster(tmp_path / "r.xlsx", [ROW, bad])
    assert xt(office, "subjects", "import", str(path))[0] == 1
    assert "第3行" in capsys.readouterr().err
    assert xt(office, "list", "subject", "--json")[1] == ""


def test_round_trip_office_helper_office_with_receipts_and_tamper(
    pair: tuple[Path, Path, str, str], tmp_path: Path
) -> None:
    office, helper, ofp, hfp = pair
    assert xt(office, "subjects", "import", str(_roster(tmp_path / "r.xlsx", [ROW])))[0] == 0
    sid = json.loads(xt(office, "list", "subject", "--json")[1].splitlines()[0])["id"]
    assert xt(office, "assign", sid, hfp)[0] == 0
    usb = tmp_path / "usb"
    assert xt(office, "export", "--all", "--out-dir", str(usb))[0] == 0
    (to_helper,) = list(usb.glob("*.xtb"))
    code, text = xt(helper, "import", str(usb))
    assert code == 0 and "已导入" in text
    assert json.loads(xt(helper, "list", "subject", "--json")[1])["name"] == "张三"

    assert xt(helper, "demo", "--records", "6")[0] == 0
    mine = [json.loads(x) for x in xt(helper, "list", "visit", "--json")[1].splitlines()]
    mine += [json.loads(x) for x in xt(helper, "list", "report", "--json")[1].splitlines()]
    back = tmp_path / "back.xtb"
    assert xt(helper, "export", "--out", str(back))[0] == 0

    # A tampered copy is refused, quarantined, and changes no byte of the office store.
    tampered = tmp_path / "tampered.xtb"
    blob = bytearray(back.read_bytes())
    blob[-40] ^= 0x20
    tampered.write_bytes(bytes(blob))
    before = store_bytes(office)
    code, text = xt(office, "import", str(tampered))
    assert code == 1 and "已拒绝" in text
    assert store_bytes(office) == before
    assert not tampered.exists() and list((office / "quarantine").iterdir())

    code, text = xt(office, "import", str(back))
    assert code == 0 and "新增" in text
    at_office = {
        json.loads(x)["id"] for k in ("visit", "report") for x in xt(office, "list", k, "--json")[1].splitlines()
    }
    assert {r["id"] for r in mine} <= at_office
    before = snapshot_bytes(office)
    code, text = xt(office, "import", str(back))
    assert code == 0 and "已导入过" in text
    assert snapshot_bytes(office) == before

    # The office's next bundle carries receipts back to the phone.
    usb2 = tmp_path / "usb2"
    assert xt(office, "export", "--to", hfp, "--out", str(usb2 / "r.xtb"))[0] == 0
    assert xt(helper, "import", str(usb2 / "r.xtb"))[0] == 0
    from storage import Store
    from sync.exchange import record_status

    store = Store.open(helper, PASS)
    try:
        assert mine and all(record_status(store, r["id"]) == "已送达" for r in mine)
    finally:
        store.close()
    assert to_helper.exists()


def test_rotate_gives_the_office_a_new_key_that_the_helper_follows_through_a_bundle(
    pair: tuple[Path, Path, str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    office, helper, ofp, hfp = pair
    code, text = xt(office, "rotate")
    assert code == 0 and "新指纹" in text
    new_fp = fingerprint(office)
    assert new_fp != ofp
    assert xt(office, "export", "--to", hfp, "--out", str(tmp_path / "o.xtb"))[0] == 0
    code, text = xt(helper, "import", str(tmp_path / "o.xtb"))
    assert code == 0 and "已导入" in text, text
    assert xt(helper, "export", "--out", str(tmp_path / "h.xtb"))[0] == 0
    code, text = xt(office, "import", str(tmp_path / "h.xtb"))
    assert code == 0 and "已导入" in text, text
    assert xt(helper, "rotate")[0] == 1
    assert "司法所" in capsys.readouterr().err


def test_subjects_import_dry_run_previews_and_writes_nothing(pair: tuple[Path, Path, str, str], tmp_path: Path) -> None:
    office = pair[0]
    path = _roster(tmp_path / "r.xlsx", [ROW])
    code, text = xt(office, "subjects", "import", str(path), "--dry-run")
    assert code == 0
    assert "新增 1 名,更新 0 名,无变化跳过 0 名,有问题 0 行。" in text and "新增:第2行 张三" in text
    assert "未写入任何记录" in text
    assert xt(office, "list", "subject", "--json")[1] == ""
    assert xt(office, "subjects", "import", str(path))[0] == 0
    code, text = xt(office, "subjects", "import", str(path), "--dry-run")
    assert "跳过:第2行 张三(与登记册中的记录相同)" in text
    code, text = xt(office, "subjects", "import", str(path))
    assert code == 0 and "新增 0 名,更新 0 名,无变化跳过 1 名" in text
    assert len(xt(office, "list", "subject", "--json")[1].splitlines()) == 1
