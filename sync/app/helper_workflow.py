"""The helper's side of issue 14's workflow: the team and the decisions on the phone, and the
return from approved travel, where 逾期未归 raises an urgent 重要情况报告 at once.

Requests (``movement``) and first meetings (``first_meeting``) are plain records saved with
``Service.save_record`` from their forms; this module holds what is more than one record.
"""

from __future__ import annotations

from typing import Any

from core.errors import NotFound, ValidationError
from core.records import Record
from core.vocabularies import OVERDUE, RETURN_OUTCOMES
from sync.app.casework import live_subject, movement_rows, team_view
from sync.app.errors import WrongRole
from sync.app.session import Service

__all__ = ["case_panels", "record_return"]


def case_panels(svc: Service, subject_id: str) -> dict[str, Any]:
    """What the phone shows above a subject's timeline: the team and the requests with their
    decisions (both arrive from the office in bundles)."""
    live_subject(svc, subject_id)
    records = svc.store.list(subject=subject_id)
    return {"team": team_view(svc, subject_id), "movements": movement_rows(svc, subject_id, records)}


def record_return(
    svc: Service, request_id: str, outcome: str, *, on: str | None = None, notes: str = ""
) -> list[Record]:
    """The return from approved travel. 按期返回 saves the return; 逾期未归 saves it and an
    urgent 外出 report (the office sees it among urgent reports and acknowledges it).

    Returns the records saved. Refused for anything but approved travel not yet returned."""
    if svc.me.role != "helper":
        raise WrongRole("外出返回由协助人员在手机上登记。")
    request = svc.store.get(request_id)
    if request is None or request.kind != "movement" or request.deleted or request.subject is None:
        raise NotFound("找不到该外出申请。")
    if outcome not in RETURN_OUTCOMES:
        raise ValidationError({"outcome": "请选择返回情况:" + "或".join(RETURN_OUTCOMES)})
    row = next((m for m in movement_rows(svc, request.subject) if m["id"] == request_id), None)
    if row is None or not row["can_return"]:
        raise ValidationError({"request": "只有已批准、尚未登记返回的外出申请才能登记返回。"})
    day = on or svc.today().isoformat()
    data = {"request": request_id, "outcome": outcome, "date": day}
    if notes.strip():
        data["notes"] = notes.strip()
    saved = [svc.save_record("travel_return", data, subject=request.subject)]
    if outcome == OVERDUE:
        description = f"{row['destination']}外出,批准返回日期{row['end']},至{day}逾期未归。" + (
            notes.strip() if notes.strip() else ""
        )
        report = {"category": "外出", "urgency": "紧急", "occurred": day, "description": description}
        saved.append(svc.save_record("report", report, subject=request.subject))
    return saved
