"""Close-out (解矫): when a case is closed, and what that forbids.

A case is closed by a live ``closure`` record in its partition (the office's 解矫宣告: reason
期满, 收监执行, 死亡 or 迁出, and the date). The record travels to the helpers' phones like a
notice; there the subject becomes read-only, and once the office has received the phone's last
records for it (the phone's bundle acknowledges the closure), the office withdraws the subject
and the phone purges it (四.5). At the office the case stays, archived.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from core.errors import XietongError
from core.records import Record

CLOSURE_KIND = "closure"
BADGE_CLOSED = "已解矫"


class CaseClosed(XietongError):
    """A record for a subject whose case is closed (解矫)."""

    code = "case_closed"
    default_message = "该社区矫正对象已解矫,不能再新增或修改记录。"


class AlreadyClosed(XietongError):
    code = "already_closed"
    default_message = "该社区矫正对象已解矫,无需重复办理。"


def closure_of(records: Iterable[Record]) -> Record | None:
    """The live closure among a partition's records (the newest if several), or None."""
    live = [r for r in records if r.kind == CLOSURE_KIND and not r.deleted]
    return max(live, key=lambda r: (r.updated, r.id)) if live else None


def closed_summary(records: Iterable[Record]) -> dict[str, str] | None:
    """What the per-subject summary keeps of a closure: reason and date (None when open)."""
    rec = closure_of(records)
    if rec is None:
        return None
    return {"reason": str(rec.data.get("reason") or ""), "date": str(rec.data.get("date") or ""), "id": rec.id}


def is_closed(summary: Mapping[str, Any] | None) -> bool:
    """Whether a stored summary says the case is closed."""
    return isinstance(summary, Mapping) and isinstance(summary.get("closed"), Mapping)


def closed_text(summary: Mapping[str, Any] | None) -> str:
    """``已解矫(期满,2026-05-01)`` for a closed summary, else ""."""
    closed = summary.get("closed") if isinstance(summary, Mapping) else None
    if not isinstance(closed, Mapping):
        return ""
    return f"{BADGE_CLOSED}({closed.get('reason', '')},{closed.get('date', '')})"
