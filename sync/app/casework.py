"""What both devices read of one case beyond the timeline: its 矫正小组 with the team's meetings,
and its travel / residence-change requests with the office's decision and the return.

Role-neutral (the phone shows the team and the decisions, the office edits and decides), so
the helper's phone needs no office module for it.
"""

from __future__ import annotations

from typing import Any

from core.errors import NotFound
from core.records import Record
from core.timeline import shown
from core.vocabularies import KIND_LABELS, TEAM_SLOTS
from sync.app.session import Service


def live_subject(svc: Service, subject_id: str) -> Record:
    subject = svc.store.get(subject_id)
    if subject is None or subject.kind != "subject" or subject.deleted:
        raise NotFound("找不到该社区矫正对象,可能已被删除。")
    return subject


def current_team(svc: Service, subject_id: str) -> Record | None:
    """The subject's team record (the newest one if an old store holds several), or None."""
    teams = [r for r in svc.store.list("team", subject=subject_id) if not r.deleted]
    return max(teams, key=lambda r: (r.updated, r.id)) if teams else None


def team_view(svc: Service, subject_id: str) -> dict[str, Any]:
    """The team and its meetings as either device shows them: members with their role labels,
    the leader, and the subject's meeting records newest first (矫情分析会 among them)."""
    subject = live_subject(svc, subject_id)
    team = current_team(svc, subject_id)
    members = []
    for m in (team.data.get("members") if team else None) or []:
        if isinstance(m, dict):
            slot = str(m.get("slot", ""))
            members.append(
                {
                    "slot": slot,
                    "slot_label": TEAM_SLOTS.get(slot, slot),
                    "name": shown(m.get("name")),
                    "phone": shown(m.get("phone")),
                    "unit": shown(m.get("unit")),
                }
            )
    meetings = sorted(
        (
            {
                "id": r.id,
                "date": shown(r.data.get("date")),
                "type": shown(r.data.get("type")) or KIND_LABELS["meeting"],
                "attendees": shown(r.data.get("attendees")),
                "topics": shown(r.data.get("topics")),
                "decisions": shown(r.data.get("decisions")),
            }
            for r in svc.store.list("meeting", subject=subject_id)
            if not r.deleted
        ),
        key=lambda m: (m["date"], m["id"]),
        reverse=True,
    )
    return {
        "subject": subject_id,
        "name": shown(subject.data.get("name")),
        "id": team.id if team else None,
        "members": members,
        "leader": shown(team.data.get("leader")) if team else "",
        "meetings": meetings,
    }


def movement_rows(svc: Service, subject_id: str, records: list[Record] | None = None) -> list[dict[str, Any]]:
    """The subject's 外出 / 居住地变更 requests, newest first, each with the office's decision
    (待审批 until one arrives) and, for travel, its return. ``can_return``: approved travel
    with no return recorded yet (the phone offers 按期返回 / 逾期未归 on it)."""
    live = [r for r in (records if records is not None else svc.store.list(subject=subject_id)) if not r.deleted]
    decisions = {str(r.data.get("request")): r for r in live if r.kind == "decision"}
    returns = {str(r.data.get("request")): r for r in live if r.kind == "travel_return"}
    rows = []
    for r in live:
        if r.kind != "movement":
            continue
        d, back = decisions.get(r.id), returns.get(r.id)
        outcome = shown(d.data.get("outcome")) if d else ""
        rows.append(
            {
                "id": r.id,
                "subject": r.subject,
                "author": r.author,
                "type": shown(r.data.get("type")),
                "channel": shown(r.data.get("channel")),
                "applied": shown(r.data.get("applied")),
                "start": shown(r.data.get("start")),
                "end": shown(r.data.get("end")),
                "destination": shown(r.data.get("destination")),
                "new_committee": shown(r.data.get("new_committee")),
                "reason": shown(r.data.get("reason")),
                "decision": outcome or "待审批",
                "decided": d is not None,
                "decision_note": shown(d.data.get("note")) if d else "",
                "decision_by": shown(d.data.get("by")) if d else "",
                "decision_date": shown(d.data.get("date")) if d else "",
                "returned": shown(back.data.get("outcome")) if back else "",
                "return_date": shown(back.data.get("date")) if back else "",
                "can_return": r.data.get("type") == "外出" and outcome == "批准" and back is None,
            }
        )
    rows.sort(key=lambda m: (m["applied"], m["id"]), reverse=True)
    return rows
