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
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.kinds import HELPER_STATUSES
from core.records import Record
from storage.documents import write_atomically

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
    return item if isinstance(item, Record) else Record.from_dict(item)


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


def visits_per_helper_month(
    visit_records: Iterable[Record | Mapping[str, Any]],
    helpers_by_fp: Mapping[str, Record | Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """Visits counted per helper (the record's author) and calendar month of the visit date.

    Each visit counts once, at its newest revision; deleted visits do not count. ``subjects``
    is how many different subjects the helper visited that month. Visits by a fingerprint not
    in ``helpers_by_fp`` are still counted, under ``未登记的协助人员``, so nothing disappears
    from a subsidy tally. Rows are sorted by committee, helper and month.
    """
    visits: dict[tuple[str, str], int] = defaultdict(int)
    subjects: dict[tuple[str, str], set[str]] = defaultdict(set)
    for rec in _latest(visit_records, "visit"):
        key = (rec.author, _month_of(rec.data.get("date")))
        visits[key] += 1
        subjects[key].add(rec.subject or rec.id)

    rows: list[dict[str, Any]] = []
    for (fp, month), count in visits.items():
        helper = helpers_by_fp.get(fp)
        data = _data_of(helper) if helper is not None else {}
        rows.append(
            {
                "helper": str(data.get("name") or UNKNOWN_HELPER),
                "committee": str(data.get("committee") or ""),
                "month": month,
                "visits": count,
                "subjects": len(subjects[(fp, month)]),
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


def _write_sheet(
    title: str,
    columns: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[Any]],
    out_path: str | os.PathLike[str],
) -> Path:
    wb = Workbook()
    wb.properties.creator = "协通"
    wb.properties.lastModifiedBy = "协通"
    wb.properties.title = title
    ws = wb.active
    ws.title = title
    headers = [h for h, _ in columns]
    widths = [_display_width(h) for h in headers]
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="D9E1F2")
    for c, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=c, value=header)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
    r = 1
    for r, values in enumerate(rows, start=2):
        for c, raw in enumerate(values, start=1):
            value = _plain(raw)
            cell = ws.cell(row=r, column=c)
            cell.value = value
            if isinstance(value, str):
                # Text is text: never let openpyxl (or Excel on edit) read it as a formula.
                cell.data_type = "s"
                if value.startswith(FORMULA_TRIGGERS):
                    cell.quotePrefix = True
                widths[c - 1] = max(widths[c - 1], _display_width(value))
            elif value is not None:
                widths[c - 1] = max(widths[c - 1], len(str(value)))
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(r, 1)}"
    buffer = io.BytesIO()
    wb.save(buffer)
    return write_atomically(out_path, buffer.getvalue())


def _pick(rows: Iterable[Mapping[str, Any]], columns: Sequence[tuple[str, str]]) -> list[list[Any]]:
    return [[row.get(key) for _, key in columns] for row in rows]


# ---------------------------------------------------------------- exports


def visits_xlsx(rows: Iterable[Mapping[str, Any]], out_path: str | os.PathLike[str]) -> Path:
    """Visits per helper per month (rows from ``visits_per_helper_month``)."""
    return _write_sheet("走访统计", VISIT_COLUMNS, _pick(rows, VISIT_COLUMNS), out_path)


def evaluations_xlsx(rows: Iterable[Mapping[str, Any]], out_path: str | os.PathLike[str]) -> Path:
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
    return _write_sheet("社区评议", EVALUATION_COLUMNS, _pick(table, EVALUATION_COLUMNS), out_path)


def subjects_xlsx(
    subject_dicts: Iterable[Mapping[str, Any]],
    out_path: str | os.PathLike[str],
    *,
    helper_names: Mapping[str, str] | None = None,
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
    return _write_sheet("对象名册", SUBJECT_COLUMNS, _pick(table, SUBJECT_COLUMNS), out_path)


def _grouped(fingerprint: Any) -> str:
    text = "".join(str(fingerprint or "").split())
    if text.isdigit():
        return " ".join(text[i : i + 5] for i in range(0, len(text), 5))
    return str(fingerprint or "")


def helpers_xlsx(helper_dicts: Iterable[Mapping[str, Any]], out_path: str | os.PathLike[str]) -> Path:
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
    return _write_sheet("协助人员名册", HELPER_COLUMNS, _pick(table, HELPER_COLUMNS), out_path)
