"""Notice numbers such as ``(2026)协通字第12号``: per office, per year, never reused.

The printed form (附件1) reads ``( )协通字第( )号``. People type numbers with full-width
parentheses or just the sequence, so parsing is lenient and formatting is canonical.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.errors import BadNoticeNumber, ValidationError

PREFIX = "协通字"
_FULL_RE = re.compile(r"[((]\s*([0-9]{4})\s*[))]\s*协通字\s*第\s*([0-9]{1,6})\s*号")
_SEQ_RE = re.compile(r"(?:第\s*)?([0-9]{1,6})(?:\s*号)?")
_WIDE_DIGITS = str.maketrans("0123456789", "0123456789")

MIN_YEAR = 1900
MAX_YEAR = 9999


def format_number(year: int, seq: int) -> str:
    """The canonical printed number, e.g. ``(2026)协通字第12号``."""
    if isinstance(year, bool) or isinstance(seq, bool) or not isinstance(year, int) or not isinstance(seq, int):
        raise ValidationError({"number": "通知单的年份和序号应为整数"})
    if not MIN_YEAR <= year <= MAX_YEAR or seq < 1:
        raise ValidationError({"number": "通知单的年份或序号不合理,请检查"})
    return f"({year}){PREFIX}第{seq}号"


def parse_number(text: str, default_year: int | None = None) -> tuple[int, int]:
    """``(year, seq)`` from a full number (either parenthesis width) or a bare sequence.

    A bare sequence ("12", "第12号") needs ``default_year``; otherwise it is refused.
    """
    if not isinstance(text, str):
        raise BadNoticeNumber(str(text))
    cleaned = text.strip().translate(_WIDE_DIGITS)
    m = _FULL_RE.fullmatch(cleaned)
    if m is not None:
        year, seq = int(m.group(1)), int(m.group(2))
    else:
        m = _SEQ_RE.fullmatch(cleaned)
        if m is None or default_year is None:
            raise BadNoticeNumber(text)
        year, seq = default_year, int(m.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR or seq < 1:
        raise BadNoticeNumber(text)
    return year, seq


def next_seq(used: Iterable[tuple[int, int]], year: int) -> int:
    """One past the highest number ever used that year, so gaps (voided notices) stay unused."""
    highest = 0
    for y, s in used:
        if y == year and s > highest:
            highest = s
    return highest + 1
