"""Visit subsidies and special rewards (四.3 走访补贴、专项奖励): the arithmetic, in fen.

A valid visit is a helper's visit record at its newest revision, not deleted, with a date. Per
subject and calendar month at most ``cap`` visits count (0: no cap), so extra visits to one
person do not multiply the subsidy. Rewards are the office's ``reward`` records, each paid in
the month of its date. Plain functions of the records, so the report and its tests agree.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from core.records import Record

_MONTH = re.compile(r"^(\d{4}-\d{2})-\d{2}")
MAX_RATE_FEN = 100_000_00  # 十万元 per visit is surely a typing mistake


def parse_yuan(text: str | int | Decimal) -> int:
    """``"12.5"`` -> 1250 fen; refuses negatives, more than two decimals and nonsense."""
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation as exc:
        raise ValueError("金额应为数字,如 20 或 12.5。") from exc
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise ValueError("金额应为不小于0的数字,最多两位小数。")
    fen = int(value * 100)
    if fen > MAX_RATE_FEN:
        raise ValueError("金额过大,请检查。")
    return fen


def yuan(fen: int) -> str:
    """1250 -> ``"12.50"``."""
    return f"{fen // 100}.{fen % 100:02d}"


def _month(value: Any) -> str | None:
    m = _MONTH.match(str(value or ""))
    return m.group(1) if m else None


def counted_visits(visits: Iterable[Record], cap: int) -> dict[tuple[str, str], int]:
    """(helper fingerprint, month) -> visits that count for the subsidy, capped per subject."""
    newest: dict[str, Record] = {}
    for r in visits:
        if r.kind == "visit" and (r.id not in newest or r.revision > newest[r.id].revision):
            newest[r.id] = r
    per_subject: dict[tuple[str, str, str], int] = defaultdict(int)
    for r in newest.values():
        month = _month(r.data.get("date"))
        if r.deleted or month is None:
            continue
        per_subject[(r.author, month, r.subject or r.id)] += 1
    out: dict[tuple[str, str], int] = defaultdict(int)
    for (author, month, _sid), n in per_subject.items():
        out[(author, month)] += min(n, cap) if cap > 0 else n
    return dict(out)


def rewards_by_month(rewards: Iterable[Record]) -> dict[tuple[str, str], int]:
    """(helper fingerprint, month) -> reward fen."""
    out: dict[tuple[str, str], int] = defaultdict(int)
    for r in rewards:
        month = _month(r.data.get("date"))
        if r.kind != "reward" or r.deleted or month is None:
            continue
        out[(str(r.data.get("helper") or ""), month)] += int(r.data.get("amount") or 0) * 100
    return dict(out)


def amounts(
    visits: Iterable[Record], rewards: Iterable[Record], *, rate_fen: int, cap: int
) -> dict[tuple[str, str], dict[str, int]]:
    """(helper, month) -> {"counted", "subsidy", "reward", "total"} (money in fen)."""
    counted = counted_visits(visits, cap)
    paid = rewards_by_month(rewards)
    out: dict[tuple[str, str], dict[str, int]] = {}
    for key in set(counted) | set(paid):
        n = counted.get(key, 0)
        subsidy, reward = n * rate_fen, paid.get(key, 0)
        out[key] = {"counted": n, "subsidy": subsidy, "reward": reward, "total": subsidy + reward}
    return out
