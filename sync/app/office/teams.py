"""The 矫正小组 (4+X, Sichuan 2016; Ma'anshan 三(二)2) of a subject: one team per subject,
written by the office and sent to the subject's helpers; its meetings are the helpers'
``meeting`` records of that subject.

The console's team page and ``xietong team`` both call ``save_team``; ``xietong list team``
reads the same record.
"""

from __future__ import annotations

from typing import Any

from core.errors import ValidationError
from core.kinds import validate as validate_kind
from core.records import Record
from core.vocabularies import TEAM_SLOTS
from sync.app.casework import current_team, live_subject, team_view
from sync.app.office.access import office_of
from sync.app.session import Service

_MEMBER_KEYS = ("slot", "name", "phone", "unit")


def slot_code(text: str) -> str | None:
    """A member's role as the team stores it: the code or its Chinese label (社区民警, 志愿者...).

    ``X`` and 其他 both mean the X slot. None when the text names no role."""
    t = (text or "").strip()
    if t in TEAM_SLOTS:
        return t
    for code, label in TEAM_SLOTS.items():
        if t == label:
            return code
    if t.upper() == "X" or t in ("其他", "其他成员"):
        return "x"
    return None


def role_names() -> str:
    """The roles a person may type, for messages: 司法所专职人员、社区民警…"""
    return "、".join(TEAM_SLOTS.values())


def save_team(svc: Service, subject_id: str, members: list[dict[str, Any]], leader: str = "") -> Record:
    """Replace the subject's team with ``members`` (slot, name, phone, unit) led by ``leader``.

    The next revision of the existing team record, so the helpers' phones replace theirs at the
    next bundle; the leader must be one of the members."""
    store, me = office_of(svc)
    live_subject(svc, subject_id)
    rows = []
    for m in members:
        row = {k: (m.get(k) or "").strip() if isinstance(m.get(k), str) else m.get(k) for k in _MEMBER_KEYS}
        rows.append({k: v for k, v in row.items() if v not in (None, "")})
    data: dict[str, Any] = {"members": rows}
    if (leader or "").strip():
        data["leader"] = leader.strip()
    errors = validate_kind("team", data, today=svc.today())
    if errors:
        raise ValidationError(errors)
    old = current_team(svc, subject_id)
    if old is None:
        rec = Record.new("team", data, author=me.fingerprint, subject=subject_id, clock=svc.clock)
    else:
        rec = old.revise(data, clock=svc.clock)
    return store.put(rec, actor=me.fingerprint)


def team_page(svc: Service, subject_id: str) -> dict[str, Any]:
    """The office's team page: ``team_view`` plus the role choices (code, label)."""
    office_of(svc)
    return {**team_view(svc, subject_id), "slots": list(TEAM_SLOTS.items())}


def subjects_without_team(svc: Service) -> list[dict[str, Any]]:
    """Subjects still under supervision with no team, from the index summaries only."""
    store, _me = office_of(svc)
    today = svc.today().isoformat()
    rows = []
    for sid, s in store.summaries().items():
        if s.get("deleted") or not s.get("name") or str(s.get("term_end") or "9999") < today:
            continue
        if not (s.get("counts") or {}).get("team"):
            rows.append({"subject": sid, "name": s.get("name", ""), "committee": s.get("committee") or ""})
    rows.sort(key=lambda r: (r["committee"], r["name"]))
    return rows
