"""Close-out (解矫) and transfer: the office's 解矫宣告 for a subject, and the archive.

The closure is a record in the subject's partition (see ``core.closeout``). It travels to the
helpers' phones with the next bundle; each phone then keeps the case read-only until its last
records for it reached the office, and the following bundle withdraws the case from the phone
(``sync.exchange.export.closed_and_received``). At the office the case stays on the register,
marked 已解矫: filterable, printable and in the reports.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core.closeout import CLOSURE_KIND, AlreadyClosed, closure_of
from core.errors import NotFound, ValidationError
from core.kinds import validate as validate_kind
from core.records import Record
from core.vocabularies import CLOSE_REASONS
from sync.app.office.access import office_of
from sync.app.session import Service


def close_case(
    svc: Service,
    subject_id: str,
    reason: str,
    on: str | date | None = None,
    *,
    transfer_to: str = "",
    note: str = "",
    by: str | None = None,
) -> Record:
    """Close a case with a 解矫 declaration; refused when it is already closed."""
    store, me = office_of(svc)
    subject = store.get(subject_id)
    if subject is None or subject.kind != "subject" or subject.deleted:
        raise NotFound("找不到该社区矫正对象,请检查编号。")
    if closure_of(store.list(subject=subject_id, kinds=(CLOSURE_KIND,))) is not None:
        raise AlreadyClosed()
    day = on.isoformat() if isinstance(on, date) else (on or "").strip() or svc.today().isoformat()
    data: dict[str, Any] = {
        "reason": (reason or "").strip(),
        "date": day,
        "by": (by or "").strip() or str(store.meta_get("name", me.name)),
    }
    if transfer_to.strip():
        data["transfer_to"] = transfer_to.strip()
    if note.strip():
        data["note"] = note.strip()
    errors = validate_kind(CLOSURE_KIND, data, today=svc.today())
    if data["reason"] == "迁出" and not data.get("transfer_to"):
        errors["transfer_to"] = "迁出时请填写迁往单位(接收的司法所或社区矫正机构)。"
    if data["reason"] and data["reason"] not in CLOSE_REASONS:
        errors["reason"] = f"解矫原因应为 {'、'.join(CLOSE_REASONS)} 之一。"
    if errors:
        raise ValidationError(errors)
    rec = Record.new(CLOSURE_KIND, data, author=me.fingerprint, subject=subject_id, clock=svc.clock)
    return store.put(rec, actor=me.fingerprint)


def closure(svc: Service, subject_id: str) -> dict[str, Any] | None:
    """The subject's 解矫 declaration as the console shows it, or None while the case is open."""
    from sync.app.office.register import _closure_view

    store, _me = office_of(svc)
    return _closure_view(closure_of(store.list(subject=subject_id, kinds=(CLOSURE_KIND,))))


def archived_rows(svc: Service) -> list[dict[str, Any]]:
    """Closed cases (归档), newest closure first, from the index summaries."""
    from sync.app.office.register import subject_rows

    rows = subject_rows(svc, status="archived")
    rows.sort(key=lambda r: (r["closed"].get("date", ""), r["name"]), reverse=True)
    return rows
