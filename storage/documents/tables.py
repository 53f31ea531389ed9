"""Spreadsheets the office exports: visit tallies (the basis for visit subsidies), community
evaluations, the subject register and the helper roster.

Each writer takes plain rows and produces one sheet with a bold header row, frozen panes, a
filter and column widths fitted to Chinese text. Every text cell is written as text, never as
a formula: a name such as ``=HYPERLINK(...)`` typed on a phone stays inert in Excel.
The aggregation functions are pure and take records as they come out of the store.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from core.kinds import HELPER_STATUSES
from core.records import Record
from storage.exports import write_atomically

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
UNKNOWN_MONTH = "日期不明"
UNKNOWN_HELPER = "未登记的协助人员"

VISIT_COLUMNS = (
    ("协助人员", "helper"),
    ("村(居)委会", "committee"),
    ("月份", "month"),
    ("走访次数", "visits"),
    ("走访对象数", "subjects"),
)
EVALUATION_COLUMNS = (
    ("对象姓名", "subject_name"),
    ("评议期间", "period"),
    ("评议日期", "date"),
    ("遵纪守法", "law_abiding"),
    ("参加社区服务", "community_service"),
    ("日常表现", "daily_conduct"),
    ("总体评价", "grade"),
    ("评议人数", "evaluators"),
)
SUBJECT_COLUMNS = (
    ("姓名", "name"),
    ("性别", "gender"),
    ("出生年月", "birth"),
    ("矫正类别", "category"),
    ("罪名", "crime"),
    ("矫正期限起", "term_start"),
    ("矫正期限止", "term_end"),
    ("村(居)委会", "committee"),
    ("协助人员", "helpers"),
    ("状态", "status"),
)
HELPER_COLUMNS = (
    ("姓名", "name"),
    ("村(居)委会", "committee"),
    ("联系电话", "phone"),
    ("状态", "status"),
    ("登记日期", "enrolled_date"),
    ("备案日期", "filed_date"),
    ("最近收到数据", "last_received"),
    ("指纹", "fingerprint"),
)

_ISO_DATE = re.compile(r"^(\d{4}-\d{2})-\d{2}")
_MIN_WIDTH = 8
_MAX_WIDTH = 60


# ---------------------------------------------------------------- pure aggregation


def _as_record(item: Record | Mapping[str, Any]) -> Record:
    return item if isinstance(item, Record) else Record.from_dict(dict(item))


def _data_of(item: Any) -> Mapping[str, Any]:
    if isinstance(item, Record):
        return item.data
    if isinstance(item, Mapping):
        data = item.get("data")
        return data if isinstance(data, Mapping) and "kind" in item else item
    return {}


def _latest(records: Iterable[Record | Mapping[str, Any]], kind: str) -> list[Record]:
    """The newest revision of each record of ``kind``, tombstones dropped (history may be mixed in)."""
    newest: dict[str, Record] = {}
    for item in records:
        rec = _as_record(item)
        if rec.kind != kind:
            continue
        seen = newest.get(rec.id)
        if seen is None or rec.revision > seen.revision:
            newest[rec.id] = rec
    return [r for r in newest.values() if not r.deleted]


def _month_of(value: Any) -> str:
    m = _ISO_DATE.match(str(value or ""))
    return m.group(1) if m else UNKNOWN_MONTH


def months_between(first: str, last: str) -> list[str]:
    """``YYYY-MM`` months from ``first`` to ``last`` inclusive (empty if either is not a month)."""
    try:
        y, m = (int(x) for x in first[:7].split("-"))
        y2, m2 = (int(x) for x in last[:7].split("-"))
    except ValueError:
        return []
    out: list[str] = []
    while (y, m) <= (y2, m2) and len(out) < 1200:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def visits_per_helper_month(
    visit_records: Iterable[Record | Mapping[str, Any]],
    helpers_by_fp: Mapping[str, Record | Mapping[str, Any]],
    *,
    months: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Visits counted per helper (the record's author) and calendar month of the visit date.

    Each visit counts once, at its newest revision; deleted visits do not count. ``subjects``
    is how many different subjects the helper visited that month. Visits by a fingerprint not
    in ``helpers_by_fp`` are still counted, under ``未登记的协助人员``, so nothing disappears
    from a subsidy tally. With ``months`` (``YYYY-MM``), every active helper also gets a row
    with 0 for each of those months without a visit, so a missing month shows on paper.
    Rows are sorted by committee, helper and month.
    """
    visits: dict[tuple[str, str], int] = defaultdict(int)
    subjects: dict[tuple[str, str], set[str]] = defaultdict(set)
    for rec in _latest(visit_records, "visit"):
        key = (rec.author, _month_of(rec.data.get("date")))
        visits[key] += 1
        subjects[key].add(rec.subject or rec.id)
    for fp, helper in helpers_by_fp.items():
        if str(_data_of(helper).get("status") or "active") != "active":
            continue
        for month in months or ():
            visits.setdefault((fp, month), 0)

    rows: list[dict[str, Any]] = []
    for (fp, month), count in visits.items():
        known = helpers_by_fp.get(fp)
        data = _data_of(known) if known is not None else {}
        rows.append(
            {
                "helper": str(data.get("name") or UNKNOWN_HELPER),
                "committee": str(data.get("committee") or ""),
                "month": month,
                "visits": count,
                "subjects": len(subjects.get((fp, month), ())),
                "fingerprint": fp,
            }
        )
    rows.sort(key=lambda r: (r["committee"], r["helper"], r["fingerprint"], r["month"]))
    return rows


def evaluation_rows(
    evaluation_records: Iterable[Record | Mapping[str, Any]],
    subjects_by_id: Mapping[str, Record | Mapping[str, Any] | str],
) -> list[dict[str, Any]]:
    """One row per community evaluation (newest revision), named by its subject."""
    rows: list[dict[str, Any]] = []
    for rec in _latest(evaluation_records, "evaluation"):
        subject = subjects_by_id.get(rec.subject or "")
        if isinstance(subject, str):
            name = subject
        else:
            name = str(_data_of(subject).get("name") or "") if subject is not None else ""
        d = rec.data
        rows.append(
            {
                "subject_name": name or "(未知对象)",
                "period": d.get("period", ""),
                "date": d.get("date", ""),
                "law_abiding": d.get("law_abiding", ""),
                "community_service": d.get("community_service", ""),
                "daily_conduct": d.get("daily_conduct", ""),
                "grade": d.get("grade", ""),
                "evaluators": d.get("evaluators") or [],
            }
        )
    rows.sort(key=lambda r: (r["subject_name"], str(r["date"]), str(r["period"])))
    return rows


# ---------------------------------------------------------------- cells and sheets


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _plain(value: Any) -> Any:
    """A cell value: numbers stay numbers, everything else becomes clean text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        text = "、".join(str(_plain(v)) for v in value if v not in (None, ""))
    else:
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return text or None  # an empty inline string is an empty cell


DATE_KEYS = frozenset(
    {"date", "term_start", "term_end", "judgment_date", "enrolled_date", "filed_date", "review_date", "last_received"}
)
MONTH_KEYS = frozenset({"month", "birth"})
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
MONTH_FORMAT = 'yyyy"年"m"月"'
FOOTER = "第 &P 页 共 &N 页"
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]([0-9]{2}):([0-9]{2}))?")
_ISO_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
TITLE_ROW, HEADER_ROW = 1, 2


def _dated(key: str, value: Any) -> tuple[Any, str | None]:
    """An ISO date (or year-month) in a date column as a real date cell and its Chinese format.

    Anything that is not a date (``日期不明``, free text) stays as it is, as text.
    """
    if isinstance(value, datetime):
        return value, DATETIME_FORMAT
    if isinstance(value, date):
        return value, DATE_FORMAT
    if not isinstance(value, str):
        return value, None
    text = value.strip()
    if key in DATE_KEYS:
        m = _ISO_DAY.fullmatch(text)
        if m:
            try:
                if m.group(4):
                    return datetime(*(int(g) for g in m.groups())), DATETIME_FORMAT  # type: ignore[arg-type]
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), DATE_FORMAT
            except ValueError:
                return value, None
    if key in MONTH_KEYS:
        m = _ISO_MONTH.fullmatch(text)
        if m and 1 <= int(m.group(2)) <= 12:
            return date(int(m.group(1)), int(m.group(2)), 1), MONTH_FORMAT
    return value, None


def _write_sheet(
    title: str,
    columns: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[Any]],
    out_path: str | os.PathLike[str],
    *,
    period: str = "",
) -> Path:
    """One printable sheet: a title row (with the period), the header row, bordered data rows.

    Printed, it is landscape, one page wide, the title and header rows on every page and
    ``第 1 页 共 3 页`` in the footer; on screen the header stays frozen and filters.
    """
    wb = Workbook()
    wb.properties.creator = "协通"
    wb.properties.lastModifiedBy = "协通"
    wb.properties.title = title
    ws = wb.worksheets[0]  # a new workbook has exactly one sheet
    ws.title = title
    keys = [k for _, k in columns]
    headers = [h for h, _ in columns]
    widths = [_display_width(h) for h in headers]
    ncols = len(headers)

    heading = f"{title}({period})" if period else title
    ws.cell(row=TITLE_ROW, column=1, value=heading).font = Font(bold=True, size=14)
    ws.cell(row=TITLE_ROW, column=1).alignment = Alignment(horizontal="center", vertical="center")
    if ncols > 1:
        ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=ncols)
    ws.row_dimensions[TITLE_ROW].height = 24

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="D9E1F2")
    for c, header in enumerate(headers, start=1):
        cell = ws.cell(row=HEADER_ROW, column=c, value=header)
        cell.font = bold
        cell.fill = fill
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    r = HEADER_ROW
    for r, values in enumerate(rows, start=HEADER_ROW + 1):
        for c, raw in enumerate(values, start=1):
            value, number_format = _dated(keys[c - 1], raw)
            value = value if number_format else _plain(value)
            body = ws.cell(row=r, column=c, value=value)
            body.border = _BORDER
            body.alignment = Alignment(vertical="top", wrap_text=True)
            if number_format:
                body.number_format = number_format
                widths[c - 1] = max(widths[c - 1], 18 if number_format == DATETIME_FORMAT else 14)
            elif isinstance(value, str):
                # Text is text: never let openpyxl (or Excel on edit) read it as a formula.
                body.data_type = "s"
                if value.startswith(FORMULA_TRIGGERS):
                    body.quotePrefix = True
                widths[c - 1] = max(widths[c - 1], _display_width(value))
            elif value is not None:
                widths[c - 1] = max(widths[c - 1], len(str(value)))
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(ncols)}{max(r, HEADER_ROW)}"

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)  # fit to one page wide
    ws.print_title_rows = f"{TITLE_ROW}:{HEADER_ROW}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    for footer in (ws.oddFooter, ws.evenFooter):
        if footer is not None and footer.center is not None:  # openpyxl makes both with a new sheet
            footer.center.text = FOOTER
    buffer = io.BytesIO()
    wb.save(buffer)
    return write_atomically(out_path, buffer.getvalue())


def _pick(rows: Iterable[Mapping[str, Any]], columns: Sequence[tuple[str, str]]) -> list[list[Any]]:
    return [[row.get(key) for _, key in columns] for row in rows]


# ---------------------------------------------------------------- exports


def visits_xlsx(rows: Iterable[Mapping[str, Any]], out_path: str | os.PathLike[str], *, period: str = "") -> Path:
    """Visits per helper per month (rows from ``visits_per_helper_month``)."""
    return _write_sheet("走访统计", VISIT_COLUMNS, _pick(rows, VISIT_COLUMNS), out_path, period=period)


def evaluations_xlsx(rows: Iterable[Mapping[str, Any]], out_path: str | os.PathLike[str], *, period: str = "") -> Path:
    """Community evaluations per subject and period (rows from ``evaluation_rows``).

    ``evaluators`` may be the list of evaluators or already their number.
    """
    table = []
    for row in rows:
        values = dict(row)
        evaluators = values.get("evaluators")
        if isinstance(evaluators, (list, tuple)):
            values["evaluators"] = len(evaluators)
        table.append(values)
    return _write_sheet("社区评议", EVALUATION_COLUMNS, _pick(table, EVALUATION_COLUMNS), out_path, period=period)


def subjects_xlsx(
    subject_dicts: Iterable[Mapping[str, Any]],
    out_path: str | os.PathLike[str],
    *,
    helper_names: Mapping[str, str] | None = None,
    period: str = "",
) -> Path:
    """The subject register; assigned helpers (fingerprints) print as names when known."""
    names = helper_names or {}
    table = []
    for subject in subject_dicts:
        values = dict(_data_of(subject))
        helpers = values.get("helpers") or []
        if isinstance(helpers, str):
            helpers = [helpers]
        values["helpers"] = [names.get(fp, fp) for fp in helpers]
        table.append(values)
    return _write_sheet("对象名册", SUBJECT_COLUMNS, _pick(table, SUBJECT_COLUMNS), out_path, period=period)


def _grouped(fingerprint: Any) -> str:
    text = "".join(str(fingerprint or "").split())
    if text.isdigit():
        return " ".join(text[i : i + 5] for i in range(0, len(text), 5))
    return str(fingerprint or "")


def helpers_xlsx(
    helper_dicts: Iterable[Mapping[str, Any]], out_path: str | os.PathLike[str], *, period: str = ""
) -> Path:
    """The helper roster. ``last_received`` (when data last arrived) is supplied by the caller."""
    table = []
    for helper in helper_dicts:
        values = dict(_data_of(helper))
        if isinstance(helper, Mapping) and "last_received" in helper:
            values["last_received"] = helper["last_received"]
        status = values.get("status")
        values["status"] = HELPER_STATUSES.get(str(status), status)
        values["fingerprint"] = _grouped(values.get("fingerprint"))
        table.append(values)
    return _write_sheet("协助人员名册", HELPER_COLUMNS, _pick(table, HELPER_COLUMNS), out_path, period=period)
