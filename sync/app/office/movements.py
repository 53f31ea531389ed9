"""The office's decisions on 外出 and 居住地变更 requests (Sichuan 2016: 外出审批、居住地变更审批).

A helper files the request (or records one the subject made at the office); the officer
approves or refuses it with a note. The ``decision`` record is the office's, travels back in
the next bundle and shows on the phone. An approved move to another committee leaves a
relocation on the dashboard until the subject's committee is changed, its helpers are
reassigned and a notice is issued to the new committee.
"""

from __future__ import annotations

from typing import Any

from core.errors import NotFound, ValidationError
from core.kinds import validate as validate_kind
from core.records import Record
from core.vocabularies import APPROVED, MOVEMENT_RESIDENCE, REFUSED
from sync.app.casework import movement_rows
from sync.app.office.access import helper_names, office_of
from sync.app.session import Service


def decide(svc: Service, request_id: str, approve: bool, note: str = "", by: str | None = None) -> dict[str, Any]:
    """Approve or refuse a request; a second decision on the same request revises the first.

    Returns ``{"decision": Record, "relocation": dict | None}``: the relocation names the
    committees when an approved 居住地变更 moves the subject to another committee, so the screen
    and the CLI can ask the officer to reassign the helpers and issue a new notice."""
    store, me = office_of(svc)
    request = store.get(request_id)
    if request is None or request.kind != "movement" or request.deleted or request.subject is None:
        raise NotFound("找不到该外出或居住地变更申请。")
    data = {
        "request": request_id,
        "outcome": APPROVED if approve else REFUSED,
        "by": (by or "").strip() or str(store.meta_get("name", me.name)),
        "date": svc.today().isoformat(),
    }
    if (note or "").strip():
        data["note"] = note.strip()
    errors = validate_kind("decision", data, today=svc.today())
    if errors:
        raise ValidationError(errors)
    old = next(
        (
            r
            for r in store.list("decision", subject=request.subject)
            if r.data.get("request") == request_id and not r.deleted
        ),
        None,
    )
    if old is None:
        rec = Record.new("decision", data, author=me.fingerprint, subject=request.subject, clock=svc.clock)
    else:
        rec = old.revise(data, clock=svc.clock)
    saved = store.put(rec, actor=me.fingerprint)
    return {"decision": saved, "relocation": _relocation(svc, request) if approve else None}


def _relocation(svc: Service, request: Record) -> dict[str, Any] | None:
    if request.data.get("type") != MOVEMENT_RESIDENCE or request.subject is None:
        return None
    subject = svc.store.get(request.subject)
    if subject is None:
        return None
    target = str(request.data.get("new_committee") or "").strip()
    current = str(subject.data.get("committee") or "")
    if not target or target == current:
        return None
    return {
        "subject": subject.id,
        "name": str(subject.data.get("name", "")),
        "from": current,
        "to": target,
        "destination": str(request.data.get("destination", "")),
        "request": request.id,
    }


def _subjects_with(svc: Service, test: Any) -> list[tuple[str, dict[str, Any]]]:
    return [
        (sid, s)
        for sid, s in svc.store.summaries().items()
        if not s.get("deleted") and s.get("name") and test(s.get("counts") or {})
    ]


def pending_requests(svc: Service) -> list[dict[str, Any]]:
    """Requests with no decision yet, oldest first. Only the partitions of subjects with more
    requests than decisions (by the index's counts) are opened."""
    store, _me = office_of(svc)
    names = helper_names(store)
    rows = []
    for sid, s in _subjects_with(svc, lambda c: c.get("movement", 0) > c.get("decision", 0)):
        for m in movement_rows(svc, sid):
            if not m["decided"]:
                rows.append(
                    {
                        **m,
                        "name": s.get("name", ""),
                        "committee": s.get("committee") or "",
                        "author_name": names.get(m["author"], m["author"][:5]),
                    }
                )
    rows.sort(key=lambda r: (r["applied"], r["id"]))
    return rows


def relocations(svc: Service) -> list[dict[str, Any]]:
    """Approved moves to another committee still waiting for the officer: the subject's committee
    is not yet the new one, or no notice was issued to it since the decision."""
    store, _me = office_of(svc)
    out = []
    for sid, s in _subjects_with(svc, lambda c: c.get("decision", 0) > 0):
        records = [r for r in store.list(subject=sid) if not r.deleted]
        notices = [r for r in records if r.kind == "notice"]
        for m in movement_rows(svc, sid, records):
            target = m["new_committee"]
            if m["type"] != MOVEMENT_RESIDENCE or m["decision"] != APPROVED or not target:
                continue
            moved = s.get("committee") == target
            noticed = any(
                n.data.get("committee") == target and str(n.data.get("issue_date", "")) >= m["decision_date"]
                for n in notices
            )
            if moved and noticed:
                continue
            out.append(
                {
                    "subject": sid,
                    "name": s.get("name", ""),
                    "committee": s.get("committee") or "",
                    "to": target,
                    "decided": m["decision_date"],
                    "request": m["id"],
                    "moved": moved,
                    "noticed": noticed,
                }
            )
    out.sort(key=lambda r: (r["decided"], r["name"]))
    return out
