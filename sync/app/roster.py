"""Reading a subject roster as offices save it (Excel, WPS, LibreOffice; XLSX or CSV).

Stages: read the file within limits -> find the header (a title row may sit above it) ->
turn each cell into the register's form (date cells, 2026/9/15, 1975.03, phones stored as
numbers) -> validate with ``core.kinds``. Matching against the register and writing are
``sync.app.roster_plan``.

Every message names the spreadsheet's own row number (blank rows and a title row counted, as
Excel shows them) and quotes the value it refuses.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from core.errors import XietongError
from core.kinds import DATE, KINDS, PHONE, YEARMONTH, validate
from core.validation import MOBILE_RE, is_phone, parse_date_loose, parse_yearmonth_loose

ROSTER_FIELDS = [f for f in KINDS["subject"].fields if f.name not in ("helpers",)]
ID_COLUMN = "id_number"
_ALIASES = {
    "出生日期": "birth",
    "户籍地址": "household",
    "户籍所在地": "household",
    "居住地址": "residence",
    "现居住地": "residence",
    "联系方式": "phone",
    "电话": "phone",
    "手机": "phone",
    "手机号码": "phone",
    "矫正期限自": "term_start",
    "矫正开始日期": "term_start",
    "矫正期限至": "term_end",
    "矫正结束日期": "term_end",
    "所在村(居)委会": "committee",
    "村(居)委会": "committee",
    "村（居）委会": "committee",
    "乡镇": "town",
    "身份证号": ID_COLUMN,
    "身份证号码": ID_COLUMN,
    "公民身份号码": ID_COLUMN,
}
_HEADER_TO_FIELD = {f.label: f.name for f in ROSTER_FIELDS} | {f.name: f.name for f in ROSTER_FIELDS} | _ALIASES
LABELS = {f.name: f.label for f in ROSTER_FIELDS} | {ID_COLUMN: "身份证号"}
_TYPES = {f.name: f.type for f in ROSTER_FIELDS}
MATCH_FIELDS = ("name", "birth", "judgment_date")

MAX_ROWS = 20_000
MAX_COLUMNS = 60  # columns looked at while finding the header
HEADER_SEARCH_ROWS = 10  # a title (and a blank line or two) may sit above the header
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_MEMBER_BYTES = 100 * 1024 * 1024  # one unpacked part of an XLSX (the sheet XML)
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_CELL_CHARS = 2000


class RosterError(XietongError):
    code = "roster_unreadable"
    default_message = "名册文件无法读取。请确认是 XLSX 或 CSV 文件,并有一行列名(姓名、性别、出生年月……)。"


@dataclass
class RosterResult:
    """Rows as the register would hold them, with the spreadsheet row each came from."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    id_numbers: list[str] = field(default_factory=list)  # "" when the file has none for the row
    errors: list[str] = field(default_factory=list)  # "第3行:性别“M”不对:……"
    warnings: list[str] = field(default_factory=list)
    header_row: int = 1


# ---------------------------------------------------------------------------- reading


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise RosterError(f"找不到文件“{path}”。请检查路径后重试。") from exc
    except OSError as exc:
        raise RosterError(f"无法读取文件“{path}”。请检查路径和权限后重试。") from exc
    if size > MAX_FILE_BYTES:
        raise RosterError(
            f"名册文件“{path.name}”有 {size // (1024 * 1024)} MB,超过 {MAX_FILE_BYTES // (1024 * 1024)} MB 的上限。"
            "请只保留名册所在的工作表后重试。"
        )


def _check_zip(path: Path) -> None:
    """Refuse an XLSX whose parts would unpack to far more than any roster needs (zip bombs)."""
    try:
        with zipfile.ZipFile(path) as zf:
            total = 0
            for info in zf.infolist():
                total += info.file_size
                if info.file_size > MAX_MEMBER_BYTES or total > MAX_UNPACKED_BYTES:
                    raise RosterError(
                        f"名册文件“{path.name}”解压后过大(其中“{info.filename}”),不像一份名册。"
                        "请用 Excel 或 WPS 重新保存为 XLSX 后重试。"
                    )
    except zipfile.BadZipFile as exc:
        raise RosterError(f"名册文件“{path.name}”不是有效的 XLSX 文件。请用 Excel 或 WPS 重新保存后重试。") from exc


def _xlsx_rows(path: Path) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    _check_zip(path)
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        # A forged <dimension> must not make every row as wide as the sheet: always give max_col.
        head = [
            list(r) for r in ws.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS, max_col=MAX_COLUMNS, values_only=True)
        ]
        at = _find_header(head)
        width = _width(head[at]) if at is not None and at < len(head) else MAX_COLUMNS
        out: list[tuple[int, list[Any]]] = []
        last = (at or 0) + 1 + MAX_ROWS + 1
        for n, row in enumerate(
            ws.iter_rows(min_row=1, max_row=last, max_col=max(width, 1), values_only=True), start=1
        ):
            out.append((n, list(row)))
        return out
    finally:
        wb.close()


def _csv_rows(path: Path) -> list[tuple[int, list[Any]]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # gb18030 reads GBK and GB2312 too
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise RosterError(f"名册文件“{path.name}”的编码无法识别。请另存为“CSV UTF-8”或 XLSX 后重试。")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    out = []
    for n, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        if n > HEADER_SEARCH_ROWS + MAX_ROWS + 1:
            break
        out.append((n, row[:MAX_COLUMNS]))
    return out


def _read_table(path: Path) -> list[tuple[int, list[Any]]]:
    """(spreadsheet row number, cells) for every row, blank ones included, within the limits."""
    _check_size(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise RosterError(f"不支持的文件类型“{path.suffix or path.name}”:请使用 .xlsx 或 .csv 文件。")
    try:
        return _xlsx_rows(path) if suffix == ".xlsx" else _csv_rows(path)
    except RosterError:
        raise
    except Exception as exc:  # openpyxl/zipfile/csv raise many kinds for a damaged file
        raise RosterError(
            f"名册文件“{path.name}”已损坏或格式不对,请用 Excel 或 WPS 重新保存为 XLSX 或 CSV 后重试。"
        ) from exc


# ---------------------------------------------------------------------------- header


def _header_key(value: Any) -> str | None:
    if value is None:
        return None
    text = re.sub(r"\s+", "", str(value)).replace("(", "(").replace(")", ")").rstrip("*")
    return _HEADER_TO_FIELD.get(text) or _HEADER_TO_FIELD.get(text.lower())


def _find_header(rows: list[list[Any]]) -> int | None:
    """Index of the header row: the first of the top rows naming 姓名 and at least two other columns."""
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = [_header_key(v) for v in row]
        if "name" in keys and sum(1 for k in keys if k) >= 3:
            return i
    return None


def _width(row: list[Any]) -> int:
    filled = [i for i, v in enumerate(row) if v not in (None, "") and str(v).strip()]
    return filled[-1] + 1 if filled else 0


# ---------------------------------------------------------------------------- cells


def _shown(value: Any) -> str:
    """A cell as the officer sees it, for quoting in a message."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if value.time() == time(0) else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text if len(text) <= 40 else text[:40] + "…"


def _excel_serial(value: float) -> date | None:
    """A date typed into a cell without a date format is a serial number (days since 1899-12-30)."""
    if 1 <= value < 2958466:
        return (datetime(1899, 12, 30) + timedelta(days=int(value))).date()
    return None


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def _date_value(value: Any, label: str) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        day = _excel_serial(float(value))
        if day is not None and 1900 <= day.year <= 2100:
            return day.isoformat()
    day = parse_date_loose(str(value))
    if day is None:
        raise _Refused(f"{label}“{_shown(value)}”不是能识别的日期,请写成 2026-09-15、2026/9/15 或 2026年9月15日")
    return day.isoformat()


def _yearmonth_value(value: Any, label: str, warn: Callable[[str], None]) -> str:
    if isinstance(value, (datetime, date)):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # LibreOffice and Excel turn 1975.03 typed in a General cell into the number 1975.03,
        # and 1990.10 into 1990.1: read the number as year.month.
        year = int(value)
        month = round((float(value) - year) * 100)
        if 1900 <= year <= 2100 and 1 <= month <= 12:
            if month == 10 and round(float(value) * 10) == float(value) * 10:
                warn(f"{label}“{_shown(value)}”按 {year}年10月 读入;如应为 {year}年1月,请改为 {year}-01")
            return f"{year:04d}-{month:02d}"
        if 1900 <= year <= 2100 and month % 10 == 0 and 1 <= month // 10 <= 9:  # 1975.3 -> 30 -> March
            return f"{year:04d}-{month // 10:02d}"
        raise _Refused(f"{label}“{_shown(value)}”不是能识别的年月,请写成 1975-03、1975.03 或 1975年3月")
    ym = parse_yearmonth_loose(str(value))
    if ym is None:
        raise _Refused(f"{label}“{_shown(value)}”不是能识别的年月,请写成 1975-03、1975.03 或 1975年3月")
    return f"{ym[0]:04d}-{ym[1]:02d}"


_PHONE_JUNK = re.compile(r"[\s\-()()—–_]")


def _phone_value(value: Any, label: str) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    shown = _shown(value)
    digits = _PHONE_JUNK.sub("", str(value).translate(str.maketrans("0123456789", "0123456789")))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if MOBILE_RE.fullmatch(digits):
        return digits
    if digits.isdigit() and digits.startswith("0") and 10 <= len(digits) <= 12:
        code = 3 if digits[1] in "12" else 4
        phone = f"{digits[:code]}-{digits[code:]}"
        if is_phone(phone):
            return phone
    if digits.isdigit() and not digits.startswith("0") and 9 <= len(digits) <= 11 and not MOBILE_RE.fullmatch(digits):
        # A landline stored as a number has lost its leading 0 (0555-2426309 -> 5552426309).
        raise _Refused(
            f"{label}“{shown}”像是丢了开头“0”的固定电话,请在表格中把该格设为文本,写成 0{digits[:3]}-{digits[3:]} 这样带区号的号码"
        )
    raise _Refused(f"{label}“{shown}”不是有效的电话号码,请填写11位手机号或带区号的固定电话(如 0555-2426309)")


def _text_value(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return _shown(value)
    return str(value).strip()[:MAX_CELL_CHARS]


_ID_RE = re.compile(r"[0-9]{17}[0-9Xx]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id_value(value: Any) -> str:
    text = _text_value(value).replace(" ", "").upper()
    if (
        not _ID_RE.fullmatch(text)
        or "10X98765432"[sum(int(c) * w for c, w in zip(text, _ID_WEIGHTS, strict=False)) % 11] != text[-1]
    ):
        raise _Refused(
            f"身份证号“{_shown(value)}”不是有效的18位身份证号码,请核对(若被表格显示成科学计数法,请把该列设为文本后重新输入)"
        )
    return text


def _convert(key: str, value: Any, warn: Callable[[str], None]) -> str:
    label = LABELS[key]
    kind = _TYPES.get(key)
    if key == ID_COLUMN:
        return _id_value(value)
    if kind == DATE:
        return _date_value(value, label)
    if kind == YEARMONTH:
        return _yearmonth_value(value, label, warn)
    if kind == PHONE:
        return _phone_value(value, label)
    if key == "gender":
        text = _text_value(value)
        return {"男性": "男", "女性": "女"}.get(text, text)
    return _text_value(value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------------------- the file


def read_roster(path: str | Path, *, today: date | None = None) -> RosterResult:
    """Every row of the roster checked; ``errors`` lists each refused value by its row."""
    table = _read_table(Path(path))
    result = RosterResult()
    nonblank = [(n, row) for n, row in table if any(not _blank(v) for v in row)]
    if not nonblank:
        raise RosterError("名册是空的:应有一行列名(姓名、性别、出生年月……),之后每行一名社区矫正对象。")
    at = _find_header([row for _n, row in table[:HEADER_SEARCH_ROWS]])
    if at is None:
        n, first = nonblank[0]
        shown = "、".join(_shown(v) for v in first if not _blank(v))[:80]
        raise RosterError(
            f"名册的前{HEADER_SEARCH_ROWS}行里找不到列名行(第{n}行是“{shown}”)。"
            f"请让一行写明列名,如:{'、'.join(f.label for f in ROSTER_FIELDS[:6])}……"
        )
    header_n, header = table[at]
    result.header_row = header_n
    columns: dict[int, str] = {}
    unknown: list[str] = []
    for i, name in enumerate(header):
        key = _header_key(name)
        if key and key not in columns.values():
            columns[i] = key
        elif not _blank(name):
            unknown.append(_shown(name))
    if unknown:
        result.warnings.append(f"第{header_n}行:以下列不在登记册中,已忽略:{'、'.join(f'“{u}”' for u in unknown)}。")
    missing = [f.label for f in ROSTER_FIELDS if f.required and f.name not in columns.values()]
    if missing:
        result.errors.append(f"第{header_n}行:缺少必填列{'、'.join(f'“{m}”' for m in missing)},请在列名行补上这些列。")
        return result

    data_rows = [(n, row) for n, row in table[at + 1 :] if any(not _blank(v) for v in row)]
    if len(data_rows) > MAX_ROWS:
        raise RosterError(f"名册超过 {MAX_ROWS} 行,请分成几个文件导入。")
    for n, row in data_rows:
        data: dict[str, Any] = {}
        problems: list[str] = []
        raw: dict[str, Any] = {}
        failed: set[str] = set()
        for i, key in columns.items():
            value = row[i] if i < len(row) else None
            if _blank(value):
                continue
            raw[key] = value

            def warn(msg: str, n: int = n) -> None:
                result.warnings.append(f"第{n}行:{msg}。")

            try:
                data[key] = _convert(key, value, warn)
            except _Refused as refused:
                problems.append(refused.message)
                failed.add(key)
        id_number = data.pop(ID_COLUMN, "")
        if id_number and "birth" not in data and "birth" not in raw:
            data["birth"] = f"{id_number[6:10]}-{id_number[10:12]}"
        for key, msg in validate("subject", data, today=today).items():
            if key in failed:
                continue
            if key in raw:
                problems.append(f"{LABELS.get(key, key)}“{_shown(raw[key])}”:{msg}")
            else:
                problems.append(msg)
        if problems:
            result.errors.extend(f"第{n}行:{p}。" for p in problems)
            continue
        result.rows.append(data)
        result.row_numbers.append(n)
        result.id_numbers.append(id_number)
    return result
