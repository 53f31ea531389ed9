"""协助社区矫正工作通知单 (附件1): numbering (never reused), issue, list, print."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from core.closeout import closure_of
from core.errors import NotFound, ValidationError
from core.kinds import DUTIES
from core.kinds import validate as validate_kind
from core.numbering import format_number, next_seq
from core.records import Record
from sync.app.files import typed_path, with_suffix
from sync.app.office.access import office_of
from sync.app.session import Service

MAX_TASKS = 10
_NOTICE_COUNTER = "office/notice_seq"  # {year: highest seq ever issued}, so numbers are never reused
_NOTICE_PARTICULARS = (
    "name",
    "gender",
    "birth",
    "household",
    "residence",
    "judgment_date",
    "crime",
    "court",
    "sentence",
    "category",
    "term_start",
    "term_end",
    "committee",
    "town",
)


def notice_tasks(chosen: Iterable[str], extra: str = "") -> list[str]:
    """Duties ticked (catalogue order) then free-text tasks, one per line, without repeats."""
    picked = set(chosen)
    tasks = [d for d in DUTIES if d in picked]
    tasks += [t for t in picked if t not in DUTIES and t.strip()]
    for line in (extra or "").splitlines():
        line = line.strip()
        if line and line not in tasks:
            tasks.append(line)
    return tasks


def issue_notice(
    svc: Service,
    subject_id: str,
    *,
    tasks: list[str],
    contact: str,
    contact_phone: str,
    issuer: str,
    approver: str,
    issue_date: str | None = None,
) -> Record:
    """Number the next notice of the year, copy the subject's particulars, validate, save."""
    store, me = office_of(svc)
    subject = store.get(subject_id)
    if subject is None or subject.kind != "subject" or subject.deleted:
        raise NotFound("找不到该社区矫正对象,可能已被删除。")
    if closure_of(store.list("closure", subject_id)) is not None:
        name = subject.data.get("name", "")
        raise ValidationError({"subject": f"{name}已解矫,不再填发协助社区矫正工作通知单。"})
    if len(tasks) > MAX_TASKS:
        raise ValidationError({"tasks": f"协助事项最多{MAX_TASKS}项,当前为{len(tasks)}项"})
    day = issue_date or svc.today().isoformat()
    try:
        year = date.fromisoformat(day).year
    except ValueError as exc:
        raise ValidationError({"issue_date": "填发日期应为 YYYY-MM-DD 格式"}) from exc
    counter: dict[str, int] = dict(store.meta_get(_NOTICE_COUNTER, {}))
    used = [(n.data.get("year"), n.data.get("seq")) for n in store.list("notice", include_deleted=True)]
    used.append((year, int(counter.get(str(year), 0))))
    seq = next_seq(((y, s) for y, s in used if isinstance(y, int) and isinstance(s, int)), year)
    data: dict[str, Any] = {k: subject.data[k] for k in _NOTICE_PARTICULARS if subject.data.get(k) not in (None, "")}
    data.update(
        {
            "number": format_number(year, seq),
            "year": year,
            "seq": seq,
            "tasks": list(tasks),
            "contact": (contact or "").strip(),
            "contact_phone": (contact_phone or "").strip(),
            "issuer": (issuer or "").strip(),
            "approver": (approver or "").strip(),
            "issue_date": day,
        }
    )
    errors = validate_kind("notice", data, today=svc.today())
    if errors:
        raise ValidationError(errors)
    rec = Record.new("notice", data, author=me.fingerprint, subject=subject_id, clock=svc.clock)
    counter[str(year)] = seq
    store.apply([rec], actor=me.fingerprint, meta={_NOTICE_COUNTER: counter})
    return rec


def notice_rows(svc: Service) -> list[dict[str, Any]]:
    store, _me = office_of(svc)
    rows = [
        {
            "id": n.id,
            "number": n.data.get("number", ""),
            "year": n.data.get("year"),
            "seq": n.data.get("seq"),
            "name": n.data.get("name", ""),
            "committee": n.data.get("committee", ""),
            "issue_date": n.data.get("issue_date", ""),
            "tasks": list(n.data.get("tasks", [])),
            "subject": n.subject,
        }
        for n in store.list("notice")
    ]
    rows.sort(key=lambda r: (r["year"] or 0, r["seq"] or 0), reverse=True)
    return rows


def save_notice_docx(svc: Service, notice_id: str, out: str | Path) -> Path:
    """Write the notice with its stub (附件1) as DOCX where the officer asked."""
    from storage.documents import notice_docx

    store, _me = office_of(svc)
    rec = store.get(notice_id)
    if rec is None or rec.kind != "notice":
        raise NotFound("找不到该通知单。")
    return notice_docx(rec.data, with_suffix(typed_path(out), ".docx"))


def notice_id(svc: Service, number: str, *, year: int | None = None) -> str:
    """The id of the notice an officer names by its number ("(2026)协通字第12号", or 12 with
    ``year``); a bare number shared by several years is refused, never guessed."""
    from sync.app import printing

    store, _me = office_of(svc)
    return printing.find_notice(store, number, today=svc.today(), year=year).id
