"""Every print and export the office offers is also a CLI command; check the files' content."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document
from fakes import PASS
from openpyxl import load_workbook

from sync.cli.main import run


@pytest.fixture(autouse=True)
def cheap_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIETONG_PASSPHRASE", PASS)
    monkeypatch.setenv("XIETONG_SCRYPT_N", "1024")


def xt(home: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    return run(["--home", str(home), *args], out=out), out.getvalue()


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import os

    os.environ.setdefault("XIETONG_SCRYPT_N", "1024")
    home = tmp_path_factory.mktemp("o") / "home"
    mp = pytest.MonkeyPatch()
    mp.setenv("XIETONG_PASSPHRASE", PASS)
    mp.setenv("XIETONG_SCRYPT_N", "1024")
    assert xt(home, "init", "--role", "office", "--name", "东岭司法所")[0] == 0
    assert xt(home, "demo", "--subjects", "4", "--records", "25")[0] == 0
    mp.undo()
    return home


def _text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def test_print_notice_by_its_printed_number(office: Path, tmp_path: Path) -> None:
    notice = json.loads(xt(office, "list", "notice", "--json")[1].splitlines()[0])
    assert xt(office, "print", "notice", notice["number"], "--out", str(tmp_path / "a.docx"))[0] == 0
    text = _text(tmp_path / "a.docx").translate(str.maketrans("\uff08\uff09", "()"))  # printed full-width
    assert notice["number"] in text and notice["name"] in text and "存根" in text
    assert all(task in text for task in notice["tasks"])


def test_print_unknown_notice_is_a_sentence(office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert xt(office, "print", "notice", "(1999)协通字第999号", "--out", str(tmp_path / "x.docx"))[0] == 1
    assert "找不到编号" in capsys.readouterr().err
    assert not (tmp_path / "x.docx").exists()


def test_print_registration_and_card(office: Path, tmp_path: Path) -> None:
    reg = json.loads(xt(office, "list", "registration", "--json")[1].splitlines()[0])
    assert xt(office, "print", "registration", reg["subject"], "--out", str(tmp_path / "r.docx"))[0] == 0
    text = _text(tmp_path / "r.docx")
    assert "社区矫正对象基本情况登记表" in text and reg["name"] in text
    code, ident = xt(office, "identity")
    assert xt(office, "print", "card", "--out", str(tmp_path / "c.docx"))[0] == 0
    first_group = ident.split("指纹:")[1].split()[0]
    assert first_group in _text(tmp_path / "c.docx")


def test_reports_count_visits_and_list_the_register(office: Path, tmp_path: Path) -> None:
    visits = [json.loads(x) for x in xt(office, "list", "visit", "--json")[1].splitlines()]
    assert xt(office, "report", "visits", "--out", str(tmp_path / "v.xlsx"))[0] == 0
    ws = load_workbook(tmp_path / "v.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "走访统计与补贴核算(全部日期;每次20.00元,每名对象每月至多计2次)"  # the demo's rate and cap
    assert rows[1][:4] == ("协助人员", "村(居)委会", "月份", "走访次数") and rows[1][-1] == "签名"
    assert sum(int(r[3]) for r in rows[2:-1]) == len(visits) == rows[-1][3] and rows[-1][0] == "合计"
    assert xt(office, "report", "subjects", "--out", str(tmp_path / "s.xlsx"))[0] == 0
    names = {r[0] for r in list(load_workbook(tmp_path / "s.xlsx").active.iter_rows(values_only=True))[2:]}
    assert names == {json.loads(x)["name"] for x in xt(office, "list", "subject", "--json")[1].splitlines()}


def test_report_period_filters_and_bad_dates_are_refused(
    office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        xt(
            office,
            "report",
            "visits",
            "--from",
            "1990-01-01",
            "--to",
            "1990-12-31",
            "--out",
            str(tmp_path / "none.xlsx"),
        )[0]
        == 0
    )
    rows = list(load_workbook(tmp_path / "none.xlsx").active.iter_rows(values_only=True))
    assert rows[0][0] == "走访统计与补贴核算(1990年1月1日至1990年12月31日;每次20.00元,每名对象每月至多计2次)"
    assert rows[2:] and all(r[3] == 0 for r in rows[2:])  # every active helper's 12 empty months
    assert sorted({r[2].month for r in rows[2:-1]}) == list(range(1, 13))
    assert xt(office, "report", "visits", "--from", "2026-13-01", "--out", str(tmp_path / "bad.xlsx"))[0] == 1
    assert "日期范围有误" in capsys.readouterr().err


def test_print_notice_whose_number_exists_in_two_years_asks_which_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from storage import Store

    home = tmp_path / "o"
    assert xt(home, "init", "--role", "office", "--name", "东岭司法所")[0] == 0
    assert xt(home, "demo", "--subjects", "2", "--records", "4")[0] == 0
    first = json.loads(xt(home, "list", "notice", "--json")[1].splitlines()[0])
    year, seq = first["year"], first["seq"]
    store = Store.open(home, PASS)
    try:
        rec = next(r for r in store.list("notice") if r.id == first["id"])
        older = {**rec.data, "year": year - 1, "number": f"({year - 1})协通字第{seq}号", "name": "去年的人"}
        store.put(rec.__class__.new("notice", older, author=rec.author, subject=rec.subject), actor=rec.author)
    finally:
        store.close()

    capsys.readouterr()
    assert xt(home, "print", "notice", str(seq), "--out", str(tmp_path / "x.docx"))[0] == 1
    err = capsys.readouterr().err
    assert f"第{seq}号通知单有2份" in err
    assert f"({year - 1})协通字第{seq}号" in err and f"({year})协通字第{seq}号" in err and "--year" in err
    assert not (tmp_path / "x.docx").exists()

    assert xt(home, "print", "notice", str(seq), "--year", str(year - 1), "--out", str(tmp_path / "a.docx"))[0] == 0
    assert "去年的人" in _text(tmp_path / "a.docx")
    assert xt(home, "print", "notice", f"({year})协通字第{seq}号", "--out", str(tmp_path / "b.docx"))[0] == 0
    assert first["name"] in _text(tmp_path / "b.docx") and "去年的人" not in _text(tmp_path / "b.docx")
