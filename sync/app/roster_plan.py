"""Planning a roster import: which rows add a subject, update one, change nothing, or are
refused. Nothing is written until ``apply_plan``; a plan with a refused row applies nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from core.errors import ValidationError
from core.records import Record
from storage import Store
from sync.app.roster import LABELS, MATCH_FIELDS, read_roster


@dataclass
class PlannedRow:
    row: int  # spreadsheet row number
    name: str
    data: dict[str, Any]
    existing: Record | None = None
    changed: list[str] = field(default_factory=list)  # labels of fields an update changes


@dataclass
class RosterPlan:
    """What importing the file would do; nothing has been written."""

    file: str
    add: list[PlannedRow] = field(default_factory=list)
    update: list[PlannedRow] = field(default_factory=list)
    skip: list[PlannedRow] = field(default_factory=list)
    refuse: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {"add": len(self.add), "update": len(self.update), "skip": len(self.skip), "refuse": len(self.refuse)}

    @property
    def can_apply(self) -> bool:
        return not self.refuse and bool(self.add or self.update)

    def summary(self) -> str:
        c = self.counts
        text = f"新增 {c['add']} 名,更新 {c['update']} 名,无变化跳过 {c['skip']} 名,有问题 {len(self.refuse)} 行"
        if self.refuse:
            return text + "。请先修改有问题的行,再重新导入;现在不会写入任何记录。"
        return text + "。"

    def lines(self, limit: int = 50) -> list[str]:
        """The preview as sentences, for the office console and the CLI alike."""
        out = [self.summary()]
        out += [f"新增:第{p.row}行 {p.name}" for p in self.add[:limit]]
        out += [f"更新:第{p.row}行 {p.name}({'、'.join(p.changed)})" for p in self.update[:limit]]
        out += [f"跳过:第{p.row}行 {p.name}(与登记册中的记录相同)" for p in self.skip[:limit]]
        out += [f"不能导入:{msg}" for msg in self.refuse[:limit]]
        out += [f"提示:{msg}" for msg in self.warnings[:limit]]
        return out


def _match_key(data: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(data.get(k, "")).strip() for k in MATCH_FIELDS)


def plan_import(existing: list[Record], path: str | Path, *, today: date | None = None) -> RosterPlan:
    """Read the roster and decide, row by row, to add, update, skip or refuse.

    A row is the same person as a subject on the register when 姓名, 出生年月 and 判决日期
    agree; within the file, two rows with the same 身份证号 (or the same three fields) are one
    person twice, and the second is refused rather than added again.
    """
    result = read_roster(path, today=today)
    plan = RosterPlan(file=Path(path).name, refuse=list(result.errors), warnings=list(result.warnings))
    on_register = {_match_key(r.data): r for r in existing if r.kind == "subject" and not r.deleted}
    seen_key: dict[tuple[str, ...], int] = {}
    seen_id: dict[str, int] = {}
    for data, n, id_number in zip(result.rows, result.row_numbers, result.id_numbers, strict=True):
        key = _match_key(data)
        twin = seen_id.get(id_number) if id_number else None
        if twin is None:
            twin = seen_key.get(key)
        if twin is not None:
            what = (
                f"身份证号“{id_number}”"
                if id_number and id_number in seen_id
                else f"{data['name']}(同一出生年月和判决日期)"
            )
            plan.refuse.append(f"第{n}行:{what}与第{twin}行重复,同一人只能出现一次,请删除其中一行。")
            continue
        seen_key[key] = n
        if id_number:
            seen_id[id_number] = n
        old = on_register.get(key)
        row = PlannedRow(row=n, name=str(data["name"]), data=data, existing=old)
        if old is None:
            plan.add.append(row)
            continue
        row.changed = [LABELS.get(k, k) for k, v in data.items() if old.data.get(k) != v]
        (plan.update if row.changed else plan.skip).append(row)
    plan.refuse.sort(key=_row_of)
    return plan


def _row_of(message: str) -> int:
    m = re.match(r"第(\d+)行", message)
    return int(m.group(1)) if m else 0


def apply_plan(store: Store, plan: RosterPlan, *, author: str, clock: Callable[[], datetime]) -> dict[str, int]:
    """Write the plan's additions and updates in one commit; refuses the whole plan if any row was refused.

    An update keeps what the file does not say (helper assignments, notes, fields left blank).
    """
    if plan.refuse:
        raise ValidationError(
            {f"row{i}": msg for i, msg in enumerate(plan.refuse)},
            f"名册“{plan.file}”有 {len(plan.refuse)} 处问题,未导入任何记录。请修改后重新导入。",
        )
    records = [Record.new("subject", p.data, author=author, clock=clock) for p in plan.add]
    for p in plan.update:
        if p.existing is not None:  # plan_import sets it for every update
            records.append(p.existing.revise({**p.existing.data, **p.data}, clock=clock))
    if records:
        store.apply(records, actor=author)
    return {
        "imported": len(plan.add) + len(plan.update),
        "added": len(plan.add),
        "updated": len(plan.update),
        "skipped": len(plan.skip),
    }
