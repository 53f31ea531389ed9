"""xietong entrust: record a 委托调查评估, list it, record the result, convert it once."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fakes import CHEAP, enrol

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


def test_entrust_record_result_convert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "office"
    assert xt(home, "init", "--role", "office", "--name", "东岭司法所")[0] == 0
    code, text = xt(
        home,
        "entrust", "李四", "--court", "东岭县人民法院", "--due", "2099-12-31", "--date", "2025-01-02",
        "--gender", "男", "--residence", "青山村三组", "--status", "罪犯", "--request", "调查居住和家庭情况",
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert "已登记委托调查评估" in text and "留在司法所" in text
    code, listed = xt(home, "entrust", "--list")
    assert code == 0 and "李四" in listed and "尚未评估" in listed
    eid = listed.split()[0]

    code, _ = xt(home, "entrust", "--result", eid, "--outcome", "适合社区矫正", "--summary", "家属支持")
    assert code == 0, capsys.readouterr().err
    sentence = (
        "--judgment-date", "2025-02-01", "--crime", "盗窃罪", "--court", "东岭县人民法院",
        "--sentence", "有期徒刑一年,缓刑一年", "--category", "缓刑", "--term-start", "2025-02-10",
        "--term-end", "2026-02-09", "--household", "东岭县", "--committee", "青山村民委员会",
        "--town", "青山镇", "--birth", "1990-05",
    )  # fmt: skip
    code, text = xt(home, "entrust", "--convert", eid, *sentence)
    assert code == 0, capsys.readouterr().err
    assert "已转为社区矫正对象" in text
    svc = Service(home)
    svc.unlock(PASS)
    try:
        (row,) = office.subject_rows(svc)
        assert row["name"] == "李四"
    finally:
        svc.lock()
    assert "没有未办结" in xt(home, "entrust", "--list")[1]
    code, _ = xt(home, "entrust", "--convert", eid, *sentence)
    assert code == 1 and "不能重复转入" in capsys.readouterr().err


def test_entrust_missing_fields_and_bad_dates_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "office"
    assert xt(home, "init", "--role", "office", "--name", "东岭司法所")[0] == 0
    code, _ = xt(home, "entrust", "李四", "--court", "东岭县人民法院", "--due", "2025-01-01", "--date", "2025-02-01")
    err = capsys.readouterr().err
    assert code == 1 and "居住地" in err and "性别" in err
    full = ("--gender", "女", "--residence", "青山村", "--status", "被告人", "--request", "调查")
    code, _ = xt(
        home, "entrust", "李四", "--court", "东岭县人民法院", "--due", "2025-01-01", "--date", "2025-02-01", *full
    )
    assert code == 1 and "完成期限不能早于委托日期" in capsys.readouterr().err
    code, _ = xt(home, "entrust")
    assert code == 1 and "姓名" in capsys.readouterr().err


def test_entrust_assign_names_a_helper_as_the_console_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "office"
    assert xt(home, "init", "--role", "office", "--name", "东岭司法所")[0] == 0
    helper = Service(tmp_path / "helper", kdf=CHEAP)
    helper.setup("helper", "王五", PASS)
    svc = Service(home)
    svc.unlock(PASS)
    try:
        enrol(svc.store, svc.me, helper.me)
        eid = office.record_entrustment(
            svc,
            {"name": "李四", "gender": "男", "residence": "青山村三组", "status": "被告人", "court": "东岭县人民法院",
             "entrusted_date": "2025-01-02", "due_date": "2099-12-31", "request": "调查"},
        ).id  # fmt: skip
    finally:
        svc.lock()
    code, text = xt(home, "entrust", "--assign", eid, "--helper", helper.me.public().grouped)
    assert code == 0, capsys.readouterr().err
    assert "已指定协助人员王五协助调查:李四" in text and "手机上填写调查评估" in text
    assert "协助人员:王五" in xt(home, "entrust", "--list")[1]
    code, _ = xt(home, "entrust", "--assign", eid, "--helper", "12345")
    assert code == 1 and "“12345”不是协助人员身份指纹" in capsys.readouterr().err
    code, text = xt(home, "entrust", "--assign", eid)
    assert code == 0 and "已取消指定协助人员" in text and "协助人员:" not in xt(home, "entrust", "--list")[1]
