"""XLSX exports and the pure aggregations behind them, read back with openpyxl."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from core.records import Record
from storage.documents import (
    evaluation_rows,
    evaluations_xlsx,
    helpers_xlsx,
    subjects_xlsx,
    visits_per_helper_month,
    visits_xlsx,
)
from storage.documents.tables import DATE_FORMAT, DATETIME_FORMAT, FOOTER, MONTH_FORMAT

FP_A = "111112222233333444445555566666"
FP_B = "999998888877777666665555544444"
FP_GONE = "000001111122222333334444455555"


def clock() -> datetime:
    return datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def visit(author: str, subject: str, day: str, **kw: Any) -> Record:
    return Record.new("visit", {"date": day, "place": "家中"}, author=author, subject=subject, clock=clock, **kw)


def _shown(cell: Any) -> Any:
    """A date cell as ISO text again (by its format), so expectations read like the data."""
    if isinstance(cell.value, datetime):
        if cell.number_format == MONTH_FORMAT:
            return cell.value.strftime("%Y-%m")
        if cell.number_format == DATETIME_FORMAT:
            return cell.value.strftime("%Y-%m-%d %H:%M")
        return cell.value.strftime("%Y-%m-%d")
    return cell.value


def _sheet(path: Path) -> list[list[Any]]:
    """The header row and the data rows (the title row above them left out)."""
    ws = openpyxl.load_workbook(path).active
    return [[_shown(c) for c in row] for row in ws.iter_rows(min_row=2)]


def _assert_table_shape(path: Path, headers: list[str]) -> None:
    ws = openpyxl.load_workbook(path).active
    assert [c.value for c in ws[2]] == headers
    assert all(c.font.bold for c in ws[2])
    assert ws.freeze_panes == "A3"
    for col in "ABCDEFGH"[: len(headers)]:
        assert ws.column_dimensions[col].width >= 8


HELPERS = {
    FP_A: Record.new("helper", {"name": "王芳", "committee": "采石社区"}, author="office", clock=clock),
    FP_B: {"name": "陈军", "committee": "霍里村"},
}


def test_visits_are_counted_per_helper_and_month_with_distinct_subjects() -> None:
    records = [
        visit(FP_A, "s1", "2026-03-02"),
        visit(FP_A, "s1", "2026-03-20"),
        visit(FP_A, "s2", "2026-03-21"),
        visit(FP_A, "s1", "2026-04-01"),
        visit(FP_B, "s3", "2026-03-05"),
    ]
    rows = visits_per_helper_month(records, HELPERS)
    table = [(r["helper"], r["committee"], r["month"], r["visits"], r["subjects"]) for r in rows]
    assert table == [
        ("王芳", "采石社区", "2026-03", 3, 2),
        ("王芳", "采石社区", "2026-04", 1, 1),
        ("陈军", "霍里村", "2026-03", 1, 1),
    ]


def test_revised_visits_count_once_at_their_newest_date_and_deleted_ones_not_at_all() -> None:
    first = visit(FP_A, "s1", "2026-03-30")
    moved = first.revise({"date": "2026-04-02", "place": "家中"}, clock=clock)
    gone = visit(FP_A, "s2", "2026-03-10")
    tombstone = gone.revise(gone.data, clock=clock, deleted=True)
    other = Record.new("report", {"occurred": "2026-03-03"}, author=FP_A, subject="s1", clock=clock)
    rows = visits_per_helper_month([moved, first, gone, tombstone, other], HELPERS)
    assert [(r["month"], r["visits"]) for r in rows] == [("2026-04", 1)]


def test_visits_by_unknown_helpers_and_undated_visits_are_still_counted() -> None:
    records = [visit(FP_GONE, "s1", "2026-03-02").to_dict(), visit(FP_B, "s3", "")]
    rows = visits_per_helper_month(records, HELPERS)
    by_fp = {r["fingerprint"]: r for r in rows}
    assert by_fp[FP_GONE]["helper"] == "未登记的协助人员" and by_fp[FP_GONE]["visits"] == 1
    assert by_fp[FP_B]["month"] == "日期不明"


def test_visits_sheet_has_headers_and_the_aggregated_counts(tmp_path: Path) -> None:
    records = [visit(FP_A, "s1", "2026-03-02"), visit(FP_A, "s2", "2026-03-09"), visit(FP_B, "s3", "2026-03-05")]
    out = visits_xlsx(visits_per_helper_month(records, HELPERS), tmp_path / "visits.xlsx")
    _assert_table_shape(out, ["协助人员", "村(居)委会", "月份", "走访次数", "走访对象数"])
    assert _sheet(out)[1:] == [["王芳", "采石社区", "2026-03", 2, 2], ["陈军", "霍里村", "2026-03", 1, 1]]


def test_evaluations_sheet_lists_each_subject_and_period_with_evaluator_count(tmp_path: Path) -> None:
    data = {
        "period": "2026年第1季度",
        "date": "2026-03-28",
        "evaluators": [{"name": "甲", "identity": "居民代表"}, {"name": "乙"}, {"name": "丙"}, {"name": "丁"}],
        "law_abiding": "好",
        "community_service": "较好",
        "daily_conduct": "一般",
        "grade": "较好",
        "comments": "表现稳定",
    }
    ev = Record.new("evaluation", data, author=FP_A, subject="s1", clock=clock)
    rows = evaluation_rows([ev], {"s1": {"name": "张小明"}})
    out = evaluations_xlsx(rows, tmp_path / "ev.xlsx")
    _assert_table_shape(
        out, ["对象姓名", "评议期间", "评议日期", "遵纪守法", "参加社区服务", "日常表现", "总体评价", "评议人数"]
    )
    assert _sheet(out)[1:] == [["张小明", "2026年第1季度", "2026-03-28", "好", "较好", "一般", "较好", 4]]


def test_subject_register_names_assigned_helpers(tmp_path: Path) -> None:
    subject = {
        "name": "张小明",
        "gender": "男",
        "birth": "1990-05",
        "category": "缓刑",
        "crime": "盗窃",
        "term_start": "2026-02-01",
        "term_end": "2028-01-31",
        "committee": "采石社区",
        "helpers": [FP_A, FP_GONE],
    }
    out = subjects_xlsx([subject], tmp_path / "subjects.xlsx", helper_names={FP_A: "王芳"})
    _assert_table_shape(
        out,
        ["姓名", "性别", "出生年月", "矫正类别", "罪名", "矫正期限起", "矫正期限止", "村(居)委会", "协助人员", "状态"],
    )
    assert _sheet(out)[1] == [
        "张小明",
        "男",
        "1990-05",
        "缓刑",
        "盗窃",
        "2026-02-01",
        "2028-01-31",
        "采石社区",
        f"王芳、{FP_GONE}",
        None,
    ]


def test_helper_roster_shows_status_in_chinese_and_grouped_fingerprint(tmp_path: Path) -> None:
    active = {
        "name": "王芳",
        "committee": "采石社区",
        "phone": "13912345678",
        "status": "active",
        "enrolled_date": "2026-01-05",
        "filed_date": "2026-01-20",
        "fingerprint": FP_A,
        "last_received": "2026-03-01 09:30",
    }
    revoked = {
        "name": "陈军",
        "committee": "霍里村",
        "phone": "0555-1234567",
        "status": "revoked",
        "enrolled_date": "2025-11-02",
        "fingerprint": FP_B,
    }
    out = helpers_xlsx([active, revoked], tmp_path / "helpers.xlsx")
    _assert_table_shape(out, ["姓名", "村(居)委会", "联系电话", "状态", "登记日期", "备案日期", "最近收到数据", "指纹"])
    rows = _sheet(out)
    assert rows[1] == [
        "王芳",
        "采石社区",
        "13912345678",
        "在册",
        "2026-01-05",
        "2026-01-20",
        "2026-03-01 09:30",
        "11111 22222 33333 44444 55555 66666",
    ]
    assert rows[2][3] == "已撤销" and rows[2][5] is None and rows[2][6] is None


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml").decode()


def test_text_that_looks_like_a_formula_is_written_as_inert_text(tmp_path: Path) -> None:
    evil = ['=HYPERLINK("http://x","点我")', "+1+1", "-2+3", "@SUM(A1)", "=1+1"]
    subjects = [{"name": e, "crime": e, "committee": "采石社区"} for e in evil]
    out = subjects_xlsx(subjects, tmp_path / "evil.xlsx")
    ws = openpyxl.load_workbook(out).active
    for r, text in enumerate(evil, start=3):
        cell = ws.cell(row=r, column=1)
        assert cell.value == text
        assert cell.data_type == "s"
        assert cell.quotePrefix
    assert "<f>" not in _sheet_xml(out) and "<f " not in _sheet_xml(out)
    assert not ws.cell(row=3, column=8).quotePrefix  # ordinary text is left alone


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_any_typed_text_round_trips_as_text_never_a_formula(tmp_path_factory: Any, text: str) -> None:
    out = tmp_path_factory.mktemp("prop") / "h.xlsx"
    helpers_xlsx([{"name": text, "status": "active"}], out)
    value = openpyxl.load_workbook(out).active.cell(row=3, column=1).value
    assert "<f>" not in _sheet_xml(out)
    assert value is None or isinstance(value, str)


def test_dates_are_real_date_cells_in_chinese_format_and_text_stays_text(tmp_path: Path) -> None:
    subjects = [{"name": "张三", "birth": "1980-05", "term_start": "2025-07-01", "term_end": "不详"}]
    ws = openpyxl.load_workbook(subjects_xlsx(subjects, tmp_path / "s.xlsx")).active
    birth, start, end = ws["C3"], ws["F3"], ws["G3"]
    assert birth.is_date and birth.value == datetime(1980, 5, 1) and birth.number_format == MONTH_FORMAT
    assert start.is_date and start.value == datetime(2025, 7, 1) and start.number_format == DATE_FORMAT
    assert end.value == "不详" and end.data_type == "s"
    assert DATE_FORMAT == 'yyyy"年"m"月"d"日"'


def test_every_report_prints_landscape_one_page_wide_with_title_header_rows_and_page_numbers(tmp_path: Path) -> None:
    out = visits_xlsx(visits_per_helper_month([], HELPERS), tmp_path / "v.xlsx", period="2026年1月1日至2026年3月31日")
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == "走访统计(2026年1月1日至2026年3月31日)"
    assert "A1:E1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$2"
    assert ws.oddFooter.center.text == FOOTER == "第 &P 页 共 &N 页"
    assert ws["A2"].border.left.style == "thin" and ws["E2"].border.bottom.style == "thin"


def test_visits_list_zero_months_for_each_active_helper_but_not_for_revoked_ones() -> None:
    helpers = {
        FP_A: {"name": "王芳", "committee": "采石社区", "status": "active"},
        FP_B: {"name": "陈军", "committee": "霍里村", "status": "revoked"},
    }
    rows = visits_per_helper_month([visit(FP_A, "s1", "2026-02-10")], helpers, months=["2026-01", "2026-02", "2026-03"])
    assert [(r["helper"], r["month"], r["visits"]) for r in rows] == [
        ("王芳", "2026-01", 0),
        ("王芳", "2026-02", 1),
        ("王芳", "2026-03", 0),
    ]
