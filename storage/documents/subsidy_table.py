"""The visits report as the subsidy sheet (走访统计(补贴核算)): per helper and month the visits,
the visits that count, the subsidy, rewards and the total, a totals row and a signature column."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from core.subsidy import yuan
from storage.documents.tables import _pick, _write_sheet

SUBSIDY_TITLE = "走访统计与补贴核算"
SUBSIDY_COLUMNS = (
    ("协助人员", "helper"),
    ("村(居)委会", "committee"),
    ("月份", "month"),
    ("走访次数", "visits"),
    ("走访对象数", "subjects"),
    ("计补贴次数", "counted"),
    ("走访补贴(元)", "subsidy_yuan"),
    ("专项奖励(元)", "reward_yuan"),
    ("合计(元)", "total_yuan"),
    ("签名", "signature"),
)
TOTAL_LABEL = "合计"


def subsidy_xlsx(
    rows: Iterable[Mapping[str, Any]],
    out_path: str | os.PathLike[str],
    *,
    period: str = "",
    rate_fen: int = 0,
    cap: int = 0,
) -> Path:
    """Rows carry visits/subjects and ``counted``/``subsidy``/``reward``/``total`` (fen)."""
    table: list[dict[str, Any]] = []
    sums = {"visits": 0, "counted": 0, "subsidy": 0, "reward": 0, "total": 0}
    for row in rows:
        values = dict(row)
        for k in sums:
            sums[k] += int(values.get(k) or 0)
        for k in ("subsidy", "reward", "total"):
            values[f"{k}_yuan"] = yuan(int(values.get(k) or 0))
        values["signature"] = ""
        table.append(values)
    table.append(
        {
            "helper": TOTAL_LABEL,
            "visits": sums["visits"],
            "counted": sums["counted"],
            "subsidy_yuan": yuan(sums["subsidy"]),
            "reward_yuan": yuan(sums["reward"]),
            "total_yuan": yuan(sums["total"]),
        }
    )
    standard = f"每次{yuan(rate_fen)}元" + (f",每名对象每月至多计{cap}次" if cap else "")
    return _write_sheet(
        SUBSIDY_TITLE,
        SUBSIDY_COLUMNS,
        _pick(table, SUBSIDY_COLUMNS),
        out_path,
        period=f"{period};{standard}" if period else standard,
    )
