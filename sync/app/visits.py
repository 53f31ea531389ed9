"""A helper's visit beyond saving it: "与上次相同", and from an 异常 answer to a 重要情况报告.

The rules (what is normal, what is copied, which category is guessed) live in ``core.visits``;
here they meet the store: the subject's last visit, the encrypted drafts.
"""

from __future__ import annotations

from typing import Any

from core import formstate as fs
from core import visits
from core.errors import NotFound
from core.records import Record
from sync.app.session import Service


class NothingToCopy(NotFound):
    """No visit to copy the answers from, or one typed as paragraphs before the choices."""

    code = "nothing_to_copy"
    default_message = "该对象还没有可带入的走访记录,请逐项选择。"


LEGACY_LAST = "上次走访是旧版文字记录,没有可带入的选项,请逐项选择。"


def same_as_last(svc: Service, subject_id: str, values: fs.Values) -> fs.Values:
    """``values`` (an open visit form) with the answers of the subject's last visit; the date
    stays today's and 走访记录 stays as typed. ``NothingToCopy`` says why when there is none."""
    last = svc.last_visit(subject_id)
    out = visits.same_as_last(values, last)
    if out is None:
        raise NothingToCopy(LEGACY_LAST if last is not None and visits.is_legacy(last) else None)
    return out


def start_report(svc: Service, subject_id: str, visit: dict[str, Any], state: str) -> str:
    """The draft of a new 重要情况报告 made from the visit's unusual answer ``state``: category
    guessed, the note as 情况描述, the visit's date as 发生日期. A report draft already begun for
    the subject keeps what it holds; only its empty fields are filled. Returns the draft id."""
    if state not in {s for s, _note in visits.ASSESSMENTS}:
        raise NotFound("找不到该走访选项。")
    svc.subject_detail(subject_id)  # NotFound for a subject not (or no longer) on this phone
    did = fs.draft_id("report", subject_id, None)
    stored = svc.load_draft(did)
    values = fs.from_draft("report", stored) if stored else fs.new_values("report", svc.today())
    for name, text in visits.report_from(visit, state).items():
        if text and not str(values.get(name) or "").strip():
            values[name] = text
    svc.save_draft(did, fs.to_draft("report", values))
    return did


def save_and_report(
    svc: Service, subject_id: str, visit: dict[str, Any], state: str, *, record_id: str | None = None
) -> tuple[Record, str]:
    """Save the visit (validated as any save), drop its draft, and begin the report of its
    unusual answer ``state``: (the saved visit, the report's draft id). Nothing is written when
    the visit is refused."""
    rec = svc.save_record("visit", visit, subject=subject_id, record_id=record_id)
    svc.discard_draft(fs.draft_id("visit", subject_id, record_id))
    return rec, start_report(svc, subject_id, rec.data, state)
