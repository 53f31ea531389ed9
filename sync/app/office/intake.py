"""The seed's intake flow, 四.1 and 四.7: notice (附件1) -> the committee's helper meets the
subject (见面) -> 附件2 filled and sent back. The dashboard lists, per committee, the notices
still without a meeting after ``FIRST_MEETING_DAYS`` and the subjects whose 附件2 has not
come back.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sync.app.office.access import office_of
from sync.app.session import Service

FIRST_MEETING_DAYS = 7  # 及时安排…见面: the days after a notice before its missing meeting is listed


def _active(s: dict[str, Any], today: str) -> bool:
    return bool(s.get("name")) and not s.get("deleted") and str(s.get("term_end") or "9999") >= today


def awaiting_meeting(svc: Service, days: int = FIRST_MEETING_DAYS) -> list[dict[str, Any]]:
    """Notices issued ``days`` or more ago with no 见面记录 dated on or after them, by committee.

    Only subjects with more notices than first meetings (the index's counts) are opened."""
    store, _me = office_of(svc)
    today = svc.today()
    rows = []
    for sid, s in store.summaries().items():
        counts = s.get("counts") or {}
        if not _active(s, today.isoformat()) or counts.get("notice", 0) <= counts.get("first_meeting", 0):
            continue
        records = [r for r in store.list(subject=sid, kinds=("notice", "first_meeting")) if not r.deleted]
        notices = [r for r in records if r.kind == "notice"]
        if not notices:
            continue
        newest = max(notices, key=lambda r: (str(r.data.get("issue_date", "")), r.created))
        issued = str(newest.data.get("issue_date", ""))
        met = any(str(r.data.get("date", "")) >= issued for r in records if r.kind == "first_meeting")
        try:
            waited = (today - date.fromisoformat(issued)).days
        except ValueError:
            continue
        if not met and waited >= days:
            rows.append(
                {
                    "subject": sid,
                    "name": s.get("name", ""),
                    "committee": newest.data.get("committee") or s.get("committee") or "",
                    "notice": newest.data.get("number", ""),
                    "issue_date": issued,
                    "days": waited,
                }
            )
    rows.sort(key=lambda r: (r["committee"], -r["days"], r["name"]))
    return rows


def awaiting_registration(svc: Service) -> list[dict[str, Any]]:
    """Subjects with a notice but no 附件2 back yet, by committee (index summaries only)."""
    store, _me = office_of(svc)
    today = svc.today().isoformat()
    rows = [
        {
            "subject": sid,
            "name": s.get("name", ""),
            "committee": s.get("committee") or "",
            "met": bool((s.get("counts") or {}).get("first_meeting")),
        }
        for sid, s in store.summaries().items()
        if _active(s, today)
        and (s.get("counts") or {}).get("notice")
        and not (s.get("counts") or {}).get("registration")
    ]
    rows.sort(key=lambda r: (r["committee"], r["name"]))
    return rows


def per_committee(rows: list[dict[str, Any]]) -> dict[str, int]:
    """How many rows each committee has (the dashboard's per-committee count)."""
    out: dict[str, int] = {}
    for r in rows:
        out[r["committee"]] = out.get(r["committee"], 0) + 1
    return out
