"""调查评估 before the register (issue 15 item 5): who may take part in an entrustment, and when
it is finished.

The office's ``entrustment`` (委托调查评估 for a 被告人 or 罪犯 not yet on the register) is its own
partition: its ``subject`` is its own id, as a subject's is. It travels to the one helper it
names, and that helper records ``investigation`` records in the same partition (三(一)1 协助开展
调查评估). Once the office has recorded the result or converted the entrustment into a register
entry it is finished: the phone takes no more investigations for it, and the office withdraws it
once the phone has acknowledged that revision (as a closed case leaves the phone).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.errors import XietongError
from core.records import Record

ENTRUSTMENT_KIND = "entrustment"
INVESTIGATION_KIND = "investigation"
# The kinds whose record heads a partition given to a phone (and taken back by a withdrawal).
PARTITION_HEADS = frozenset({"subject", ENTRUSTMENT_KIND})


class EntrustmentFinished(XietongError):
    """An investigation for an entrustment the office has already assessed or converted."""

    code = "entrustment_finished"
    default_message = "司法所已完成该委托调查评估,不能再新增或修改调查记录。"


def is_travelling(rec: Record) -> bool:
    """An entrustment that is its own partition (every one recorded since it travels; an older
    one without a partition stays at the office until a helper is assigned to it again)."""
    return rec.kind == ENTRUSTMENT_KIND and rec.subject == rec.id


def named_helper(rec: Record) -> str:
    return str(rec.data.get("helper") or "") if rec.kind == ENTRUSTMENT_KIND and not rec.deleted else ""


def may_investigate(entrustment: Record | None, kind: str, helper: str) -> bool:
    """Whether ``helper`` may write a record of ``kind`` in this entrustment's partition: only an
    investigation, and only by the helper the entrustment names."""
    return (
        entrustment is not None
        and is_travelling(entrustment)
        and kind == INVESTIGATION_KIND
        and bool(helper)
        and named_helper(entrustment) == helper
    )


def is_finished(data: Mapping[str, Any]) -> bool:
    """The office has recorded the assessment's result, or converted the entrustment."""
    return bool(data.get("result") or data.get("converted_to"))


def finished_text(data: Mapping[str, Any]) -> str:
    """``已转为社区矫正对象(2026-05-01)`` / ``已评估:适合社区矫正(2026-04-20)``, or "" while open."""
    if data.get("converted_to"):
        return f"已转为社区矫正对象({data.get('converted_date', '')})"
    if data.get("result"):
        return f"已评估:{data.get('result')}({data.get('result_date', '')})"
    return ""
