"""Checks for single values of each field type, tolerant of any input.

Kept apart from ``core.schemas`` (what each kind contains) so rules, numbering and the
documents code can parse dates and phones the same way the forms do. Nothing here
raises on bad input: parsers return ``None`` and checkers return a sentence or ``None``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

# ASCII digits only: ``\d`` would also accept Arabic-Indic and full-width digits.
_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_YEARMONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})")
MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
LANDLINE_RE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}")

MIN_YEAR = 1900
MAX_YEAR = 2100


def parse_date(value: Any) -> date | None:
    """An ISO ``YYYY-MM-DD`` string (or a date) as a date; ``None`` for anything else."""
    if type(value) is str:  # the usual case first: a record's date
        return _date_of_text(value) if len(value) <= _CACHED_LEN else _parse_text(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    return _parse_text(value)


# Only text as short as a date is kept: a field's text of any length (refused as a date, or not)
# would otherwise stay in memory after the store is locked, and a peer could pin megabytes.
_CACHED_LEN = 32


def _parse_text(value: str) -> date | None:
    m = _DATE_RE.fullmatch(value.strip())
    if m is None:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


# A store holds a few hundred distinct dates for thousands of records (an import's visits are
# read for validation, then for summaries): each is parsed once. Dates are immutable.
_date_of_text = lru_cache(maxsize=4096)(_parse_text)


def forget_cached_dates() -> None:
    """Drop the dates kept from records read (the store is locking: nothing read from it stays)."""
    _date_of_text.cache_clear()


def parse_yearmonth(value: Any) -> tuple[int, int] | None:
    """A ``YYYY-MM`` string as ``(year, month)``; ``None`` for anything else."""
    if not isinstance(value, str):
        return None
    m = _YEARMONTH_RE.fullmatch(value.strip())
    if m is None:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        return None
    return year, month


def is_phone(value: Any) -> bool:
    """A Chinese mobile (1[3-9] + 9 digits) or landline with area code (0555-2426309)."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return bool(MOBILE_RE.fullmatch(text) or LANDLINE_RE.fullmatch(text))


def as_day(today: Any) -> date | None:
    """Accept a date or datetime for ``today``; comparing a date with a datetime would raise."""
    if isinstance(today, datetime):
        return today.date()
    if isinstance(today, date):
        return today
    return None


def is_blank(value: Any) -> bool:
    """Missing for the purpose of required fields: None, blank text or an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, (list, tuple, dict)):
        return len(value) == 0
    return False


# Allowed only in multi-line text fields: what a person types to lay text out.
MULTILINE_CONTROLS = frozenset("\t\n")


def is_control(ch: str) -> bool:
    """C0 (U+0000-U+001F), DEL and C1 (U+0080-U+009F): invisible, and able to drive a terminal."""
    code = ord(ch)
    return code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0


# The characters ``is_control`` names, as one search (a loop over every character in Python was
# most of the cost of validating an imported bundle); the multi-line set leaves out tab and newline.
CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f]")
CONTROL_MULTILINE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def check_control_chars(value: str, label: str, *, multiline: bool = False) -> str | None:
    """Refuse control characters in typed text; tab and newline only where ``multiline``.

    A control character is invisible on screen and in print, and in a terminal it can move the
    cursor or forge a line; nobody types one on purpose into a form."""
    found = (CONTROL_MULTILINE_RE if multiline else CONTROL_RE).search(value)
    if found is None:
        return None
    ch = found.group()
    if ch in "\r\n" and not multiline:
        return f"{label}只能填写一行,请删除其中的换行"
    return f"{label}含有不可见的控制字符(第{found.start() + 1}个字符,U+{ord(ch):04X}),请删除后重新填写"


def check_text(
    value: Any,
    label: str,
    *,
    max_len: int,
    pattern: re.Pattern[str] | None = None,
    pattern_hint: str = "",
    multiline: bool = False,
) -> str | None:
    if not isinstance(value, str):
        return f"{label}应为文字,请重新填写"
    control = check_control_chars(value, label, multiline=multiline)
    if control:
        return control
    if len(value) > max_len:
        return f"{label}过长(最多{max_len}字),请精简"
    if pattern is not None and not pattern.fullmatch(value.strip()):
        return f"{label}格式不正确{pattern_hint}"
    return None


def check_date(value: Any, label: str, *, today: date | None, past: bool) -> str | None:
    d = parse_date(value) if isinstance(value, str) else None
    if d is None:
        return f"{label}不是有效日期,请按“年-月-日”填写,如 2026-03-15"
    if not MIN_YEAR <= d.year <= MAX_YEAR:
        return f"{label}的年份不合理,请检查"
    if past and today is not None and d > today:
        return f"{label}不能晚于今天,请检查"
    return None


def check_yearmonth(value: Any, label: str, *, today: date | None, past: bool) -> str | None:
    ym = parse_yearmonth(value)
    if ym is None:
        return f"{label}不是有效年月,请按“年-月”填写,如 1985-07"
    if not MIN_YEAR <= ym[0] <= MAX_YEAR:
        return f"{label}的年份不合理,请检查"
    if past and today is not None and ym > (today.year, today.month):
        return f"{label}不能晚于本月,请检查"
    return None


def check_int(value: Any, label: str, *, lo: int | None, hi: int | None) -> str | None:
    # bool is an int subclass; a checkbox value is not a number.
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{label}应为整数,请重新填写"
    if lo is not None and hi is not None and not lo <= value <= hi:
        return f"{label}应在{lo}至{hi}之间"
    if lo is not None and value < lo:
        return f"{label}不能小于{lo}"
    if hi is not None and value > hi:
        return f"{label}不能大于{hi}"
    return None


def check_bool(value: Any, label: str) -> str | None:
    if not isinstance(value, bool):
        return f"{label}应为“是”或“否”,请重新选择"
    return None


def check_phone(value: Any, label: str) -> str | None:
    if not is_phone(value):
        return f"{label}格式不正确,请填写11位手机号或带区号的固定电话(如 0555-2426309)"
    return None


def check_choice(value: Any, label: str, choices: tuple[str, ...], shown: tuple[str, ...]) -> str | None:
    if not isinstance(value, str) or value not in choices:
        return f"{label}只能选择:{'、'.join(shown or choices)}"
    return None


# ------------------------------------------------------------- dates as offices type them

# 2026-09-15, 2026/9/15 (the Chinese Excel CSV default), 2026.9.15, 2026年9月15日; a time after
# a space (what a date cell turns into as text) is ignored.
_LOOSE_DATE_RE = re.compile(
    r"([0-9]{4})\s*(?:[-/.]\s*([0-9]{1,2})\s*[-/.]\s*([0-9]{1,2})|年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日?)"
    r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
)
# 1975-03, 1975.03, 1975/3, 1975年3月 (the month may be written with one digit).
_LOOSE_MONTH_RE = re.compile(r"([0-9]{4})\s*(?:[-/.]\s*([0-9]{1,2})|年\s*([0-9]{1,2})\s*月?)")
_WIDE = str.maketrans("0123456789-/.", "0123456789-/.")


def parse_date_loose(text: Any) -> date | None:
    """A calendar date typed as YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日; else None."""
    if not isinstance(text, str):
        return None
    m = _LOOSE_DATE_RE.fullmatch(text.strip().translate(_WIDE))
    if m is None:
        return None
    year = int(m.group(1))
    month = int(m.group(2) or m.group(4))
    day = int(m.group(3) or m.group(5))
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_yearmonth_loose(text: Any) -> tuple[int, int] | None:
    """A year and month typed as YYYY-MM, YYYY.MM, YYYY/MM, YYYY年M月, or a full date (day ignored)."""
    if not isinstance(text, str):
        return None
    cleaned = text.strip().translate(_WIDE)
    day = parse_date_loose(cleaned)
    if day is not None:
        return day.year, day.month
    m = _LOOSE_MONTH_RE.fullmatch(cleaned)
    if m is None:
        return None
    year, month = int(m.group(1)), int(m.group(2) or m.group(3))
    if not 1 <= month <= 12:
        return None
    return year, month
