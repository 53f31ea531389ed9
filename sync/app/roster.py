"""Reading a subject roster from CSV or XLSX: every row checked, nothing half-imported.

Columns are matched by their Chinese label (as in the register: 姓名, 性别, 出生年月, ...) or by
the field's code name (``name``, ``gender``, ...). Rows are validated with ``core.kinds``; any
bad row means no row is imported, and every problem is reported with its row number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from core.errors import XietongError
from core.kinds import KINDS, validate

ROSTER_FIELDS = [f for f in KINDS["subject"].fields if f.name != "helpers"]
_HEADER_TO_FIELD = {f.label: f.name for f in ROSTER_FIELDS} | {f.name: f.name for f in ROSTER_FIELDS}
MAX_ROWS = 20_000


class RosterError(XietongError):
    default_message = "名册文件无法读取。请确认是 CSV(UTF-8)或 XLSX 文件,第一行为列名。"


@dataclass
class RosterResult:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "第3行:请填写姓名"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_table(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            from openpyxl import load_workbook

            wb = load_workbook(path, read_only=True, data_only=True)
            try:
                ws = wb.worksheets[0]
                return [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)][: MAX_ROWS + 1]
            finally:
                wb.close()
        if suffix == ".csv":
            raw = path.read_bytes()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    text = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise RosterError("CSV 文件编码无法识别,请另存为 UTF-8 编码后重试。")
            return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))][: MAX_ROWS + 1]
    except RosterError:
        raise
    except FileNotFoundError as exc:
        raise RosterError(f"找不到文件:{path}。") from exc
    except Exception as exc:  # openpyxl/zipfile/csv raise many kinds for a damaged file
        raise RosterError(f"名册文件“{path.name}”已损坏或格式不对,请用 Excel 重新保存为 XLSX 或 CSV 后重试。") from exc
    raise RosterError(f"不支持的文件类型“{path.suffix}”:请使用 .csv 或 .xlsx 文件。")


def read_roster(path: str | Path, *, today: date | None = None) -> RosterResult:
    table = [row for row in _read_table(Path(path)) if any(row)]
    if not table:
        raise RosterError("名册是空的:第一行应为列名,之后每行一名社区矫正对象。")
    header = table[0]
    columns: dict[int, str] = {}
    unknown = []
    for i, name in enumerate(header):
        key = _HEADER_TO_FIELD.get(name.strip())
        if key:
            columns[i] = key
        elif name.strip():
            unknown.append(name.strip())
    result = RosterResult()
    if unknown:
        result.errors.append(f"第1行:无法识别的列名 {'、'.join(unknown)}。可用列名:{'、'.join(f.label for f in ROSTER_FIELDS)}。")
    missing = [f.label for f in ROSTER_FIELDS if f.required and f.name not in columns.values()]
    if missing:
        result.errors.append(f"第1行:缺少必填列 {'、'.join(missing)}。")
    if result.errors:
        return result
    for n, row in enumerate(table[1:], start=2):
        data = {key: row[i] for i, key in columns.items() if i < len(row) and row[i] != ""}
        problems = validate("subject", data, today=today)
        if problems:
            result.errors.extend(f"第{n}行:{msg}" for msg in problems.values())
        else:
            result.rows.append(data)
    return result
