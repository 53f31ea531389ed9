"""Roster import as offices save their spreadsheets: one test per variant, each twice — with
cells made by openpyxl (date cells, numbers) and with a file LibreOffice converted from what an
officer typed (``soffice --convert-to xlsx``; those tests skip without LibreOffice)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import time
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from core.errors import ValidationError
from core.records import Record
from sync.app import roster
from sync.app.roster import RosterError, read_roster
from sync.app.roster_plan import apply_plan, plan_import

TODAY = date(2026, 11, 20)
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
    "联系电话",
]
BASE: dict[str, Any] = {
    "姓名": "张三",
    "性别": "男",
    "出生年月": "1980-05",
    "户籍地": "四川省某县",
    "居住地": "四川省某县某镇",
    "判决日期": "2025-06-01",
    "罪名": "盗窃罪",
    "法院": "某县人民法院",
    "判处": "有期徒刑一年,缓刑二年",
    "矫正类别": "缓刑",
    "矫正期限起": "2025-07-01",
    "矫正期限止": "2027-06-30",
    "村(居)民委员会": "青山村民委员会",
    "乡镇(街道)": "青山镇",
    "联系电话": "13912345678",
}
FIELD = {
    "出生年月": "birth",
    "判决日期": "judgment_date",
    "矫正期限起": "term_start",
    "矫正期限止": "term_end",
    "联系电话": "phone",
}

# (test id, column, value as an openpyxl cell, text as the officer typed it, value on the register)
ACCEPTED = [
    ("date-cell", "判决日期", datetime(2025, 6, 1), "2025-06-01", "2025-06-01"),
    ("date-iso-text", "判决日期", "2025-06-01", "2025-06-01", "2025-06-01"),
    ("date-slash", "矫正期限起", "2025/7/1", "2025/7/1", "2025-07-01"),
    ("date-dots", "矫正期限止", "2027.6.30", "2027.6.30", "2027-06-30"),
    ("date-chinese", "判决日期", "2025年6月1日", "2025年6月1日", "2025-06-01"),
    ("birth-month-cell", "出生年月", datetime(1975, 3, 1), "1975-03", "1975-03"),
    ("birth-dash", "出生年月", "1975-03", "1975-03", "1975-03"),
    ("birth-dot", "出生年月", "1975.03", "1975.03", "1975-03"),
    ("birth-slash", "出生年月", "1975/03", "1975/03", "1975-03"),
    ("birth-chinese", "出生年月", "1975年3月", "1975年3月", "1975-03"),
    ("birth-full-date", "出生年月", "1975-03-09", "1975/3/9", "1975-03"),
    ("birth-number-1975.03", "出生年月", 1975.03, "1975.03", "1975-03"),
    ("birth-number-1990.10", "出生年月", 1990.1, "1990.10", "1990-10"),
    ("phone-spaces", "联系电话", "139 1234 5678", "139 1234 5678", "13912345678"),
    ("phone-dashes", "联系电话", "139-1234-5678", "139-1234-5678", "13912345678"),
    ("phone-number", "联系电话", 13912345678, "13912345678", "13912345678"),
    ("landline", "联系电话", "0555-2426309", "0555-2426309", "0555-2426309"),
]
REFUSED = [
    ("landline-lost-zero", "联系电话", 5552426309, "5552426309", "丢了开头“0”的固定电话"),
    ("bad-month", "出生年月", "1975年13月", "1975年13月", "出生年月“1975年13月”"),
    ("bad-date", "判决日期", "2025/2/30", "2025/2/30", "判决日期“2025/2/30”"),
]


def _xlsx(path: Path, rows: list[list[Any]], *, number_formats: dict[int, str] | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    for col, fmt in (number_formats or {}).items():
        for row in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            row[0].number_format = fmt
    wb.save(path)
    return path


def _row(**changes: Any) -> list[Any]:
    values = {**BASE, **changes}
    return [values[h] for h in HEADER]


def _csv(path: Path, rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def _one(path: Path) -> dict[str, Any]:
    result = read_roster(path, today=TODAY)
    assert result.errors == []
    assert len(result.rows) == 1
    return result.rows[0]


# ---------------------------------------------------------------- openpyxl cells


@pytest.mark.parametrize("column,cell,expected", [a[1:3] + a[4:] for a in ACCEPTED], ids=[a[0] for a in ACCEPTED])
def test_variant_made_with_openpyxl_is_accepted(tmp_path: Path, column: str, cell: Any, expected: str) -> None:
    col = HEADER.index(column) + 1
    fmt = {col: "yyyy-mm"} if isinstance(cell, datetime) and column == "出生年月" else None
    path = _xlsx(tmp_path / "r.xlsx", [HEADER, _row(**{column: cell})], number_formats=fmt)
    assert _one(path)[FIELD[column]] == expected


@pytest.mark.parametrize("column,cell,quoted", [(a[1], a[2], a[4]) for a in REFUSED], ids=[a[0] for a in REFUSED])
def test_variant_made_with_openpyxl_is_refused_with_row_and_value(
    tmp_path: Path, column: str, cell: Any, quoted: str
) -> None:
    path = _xlsx(tmp_path / "r.xlsx", [HEADER, _row(), _row(**{"姓名": "李四", column: cell})])
    result = read_roster(path, today=TODAY)
    assert [r["name"] for r in result.rows] == ["张三"]
    assert len(result.errors) == 1 and result.errors[0].startswith("第3行:") and quoted in result.errors[0]


def test_landline_that_lost_its_zero_is_shown_with_the_zero_put_back(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "r.xlsx", [HEADER, _row(**{"联系电话": 5552426309})])
    (error,) = read_roster(path, today=TODAY).errors
    assert "“5552426309”" in error and "0555-2426309" in error


def test_unknown_columns_are_ignored_with_a_warning_naming_them(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "r.xlsx", [HEADER + ["籍贯", "备用列"], _row() + ["四川", "x"]])
    result = read_roster(path, today=TODAY)
    assert result.errors == [] and len(result.rows) == 1
    assert result.warnings == ["第1行:以下列不在登记册中,已忽略:“籍贯”、“备用列”。"]


def test_title_row_above_the_header_is_found_and_row_numbers_stay_the_sheets(tmp_path: Path) -> None:
    blank = [None] * len(HEADER)
    path = _xlsx(
        tmp_path / "r.xlsx",
        [
            ["2026年社区矫正对象名册"] + [None] * (len(HEADER) - 1),
            blank,
            HEADER,
            _row(),
            blank,
            _row(**{"姓名": "李四", "性别": "M"}),
        ],
    )
    result = read_roster(path, today=TODAY)
    assert result.header_row == 3
    assert result.row_numbers == [4]
    assert len(result.errors) == 1 and result.errors[0].startswith("第6行:性别“M”")


def test_a_missing_required_column_names_it(tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "判决日期"]
    path = _xlsx(tmp_path / "r.xlsx", [header, [BASE[h] for h in header]])
    assert read_roster(path, today=TODAY).errors == ["第1行:缺少必填列“判决日期”,请在列名行补上这些列。"]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_csv_in_gbk_and_utf8_with_or_without_bom(tmp_path: Path, encoding: str) -> None:
    path = _csv(tmp_path / "r.csv", [HEADER, _row(**{"判决日期": "2025/6/1", "出生年月": "1980年5月"})], encoding)
    row = _one(path)
    assert row["name"] == "张三" and row["judgment_date"] == "2025-06-01" and row["birth"] == "1980-05"


def _subject(data: dict[str, Any]) -> Record:
    return Record.new("subject", data, author="1" * 30, clock=lambda: datetime(2026, 1, 1))


def test_reimport_updates_or_skips_and_never_duplicates(tmp_path: Path) -> None:
    first = read_roster(_xlsx(tmp_path / "a.xlsx", [HEADER, _row(), _row(**{"姓名": "李四"})]), today=TODAY).rows
    register = [_subject(first[0]), _subject(first[1])]
    again = _xlsx(
        tmp_path / "b.xlsx",
        [HEADER, _row(), _row(**{"姓名": "李四", "矫正期限止": "2027/12/31"}), _row(**{"姓名": "王五"})],
    )
    plan = plan_import(register, again, today=TODAY)
    assert plan.counts == {"add": 1, "update": 1, "skip": 1, "refuse": 0}
    assert [p.name for p in plan.add] == ["王五"] and plan.skip[0].row == 2
    assert plan.update[0].row == 3 and plan.update[0].changed == ["矫正期限止"]
    assert plan.lines()[0] == "新增 1 名,更新 1 名,无变化跳过 1 名,有问题 0 行。"

    written: list[Record] = []

    class FakeStore:
        def apply(self, records: list[Record], *, actor: str) -> None:
            written.extend(records)

    counts = apply_plan(FakeStore(), plan, author="1" * 30, clock=lambda: datetime(2026, 2, 1))
    assert counts == {"imported": 2, "added": 1, "updated": 1, "skipped": 1}
    updated = next(r for r in written if r.data["name"] == "李四")
    assert updated.id == register[1].id and updated.revision == register[1].revision + 1
    assert updated.data["term_end"] == "2027-12-31"


def test_same_id_number_twice_in_one_file_is_refused_not_added_twice(tmp_path: Path) -> None:
    header = HEADER + ["身份证号"]
    path = _xlsx(
        tmp_path / "r.xlsx",
        [header, _row() + ["11010519491231002X"], _row(**{"判决日期": "2025-06-02"}) + ["11010519491231002X"]],
    )
    plan = plan_import([], path, today=TODAY)
    assert len(plan.add) == 1
    assert plan.refuse == ["第3行:身份证号“11010519491231002X”与第2行重复,同一人只能出现一次,请删除其中一行。"]
    with pytest.raises(ValidationError):
        apply_plan(None, plan, author="1" * 30, clock=lambda: datetime(2026, 2, 1))


def test_a_bad_id_number_is_quoted(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "r.xlsx", [HEADER + ["身份证号"], _row() + ["110105194912310021"]])
    (error,) = read_roster(path, today=TODAY).errors
    assert error.startswith("第2行:身份证号“110105194912310021”不是有效的18位身份证号码")


# ---------------------------------------------------------------- limits


def _forged_xlsx(path: Path, *, dimension: str, rows: int) -> Path:
    """A small XLSX whose <dimension> claims the whole sheet."""
    _xlsx(path, [HEADER] + [_row(**{"姓名": f"人{i}"}) for i in range(rows)])
    with zipfile.ZipFile(path) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    start = sheet.index('<dimension ref="') + len('<dimension ref="')
    sheet = sheet[:start] + dimension + sheet[sheet.index('"', start) :]
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for n, blob in parts.items():
            zout.writestr(n, blob)
    return path


def test_forged_dimension_does_not_make_rows_as_wide_as_the_sheet(tmp_path: Path) -> None:
    path = _forged_xlsx(tmp_path / "forged.xlsx", dimension="A1:XFD1048576", rows=3)
    assert path.stat().st_size < 10_000
    started = time.perf_counter()
    table = roster._read_table(path)
    assert time.perf_counter() - started < 5
    assert max(len(cells) for _n, cells in table) == len(HEADER)
    assert len(read_roster(path, today=TODAY).rows) == 3


def test_rows_beyond_the_limit_are_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(roster, "MAX_ROWS", 5)
    path = _xlsx(tmp_path / "r.xlsx", [HEADER] + [_row(**{"姓名": f"人{i}"}) for i in range(20)])
    assert len(roster._read_table(path)) <= 1 + 5 + 1 + 1
    with pytest.raises(RosterError, match="超过 5 行"):
        read_roster(path, today=TODAY)


def test_oversized_file_and_oversized_zip_member_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _xlsx(tmp_path / "r.xlsx", [HEADER, _row()])
    monkeypatch.setattr(roster, "MAX_MEMBER_BYTES", 200)
    with pytest.raises(RosterError, match="解压后过大"):
        read_roster(path, today=TODAY)
    monkeypatch.setattr(roster, "MAX_FILE_BYTES", 100)
    with pytest.raises(RosterError, match="MB 的上限"):
        read_roster(path, today=TODAY)


def test_file_without_a_header_row_says_what_it_found(tmp_path: Path) -> None:
    path = _csv(tmp_path / "r.csv", [["a", "b"], ["1", "2"]])
    with pytest.raises(RosterError, match=re.escape("找不到列名行(第1行是“a、b”)")):
        read_roster(path, today=TODAY)


# ---------------------------------------------------------------- files LibreOffice made


@pytest.fixture(scope="module")
def libreoffice_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every variant typed into a CSV and converted to XLSX by LibreOffice in one run (Chinese locale)."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) 未安装:在 Debian 上 apt-get install libreoffice-calc-nogui 后可运行")
    base = tmp_path_factory.mktemp("lo")
    sources = []
    for name, column, _cell, typed, _exp in ACCEPTED + REFUSED:
        rows = [HEADER, _row()] if (name, column) in {(r[0], r[1]) for r in REFUSED} else [HEADER]
        rows.append(_row(**{"姓名": "李四", column: typed}))
        sources.append(_csv(base / f"{name}.csv", rows))
    out = base / "xlsx"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(base / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--infilter=CSV:44,34,76,1,,2052",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            *map(str, sources),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return {p.stem: p for p in out.glob("*.xlsx")}


@pytest.mark.parametrize("name,column,expected", [(a[0], a[1], a[4]) for a in ACCEPTED], ids=[a[0] for a in ACCEPTED])
def test_variant_converted_by_libreoffice_is_accepted(
    libreoffice_files: dict[str, Path], name: str, column: str, expected: str
) -> None:
    assert _one(libreoffice_files[name])[FIELD[column]] == expected


@pytest.mark.parametrize("name,quoted", [(a[0], a[4]) for a in REFUSED], ids=[a[0] for a in REFUSED])
def test_variant_converted_by_libreoffice_is_refused_with_row_and_value(
    libreoffice_files: dict[str, Path], name: str, quoted: str
) -> None:
    result = read_roster(libreoffice_files[name], today=TODAY)
    assert [r["name"] for r in result.rows] == ["张三"]
    assert len(result.errors) == 1 and result.errors[0].startswith("第3行:") and quoted in result.errors[0]
