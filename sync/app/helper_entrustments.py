"""The helper's side of 调查评估 before the register (issue 15 item 5, 三(一)1).

An entrustment (委托调查评估) the office names this helper on arrives with a bundle. It is listed
above the subjects as a task; its page shows what the court asked and who it is about, and the
helper records the investigation (调查评估: 居住情况, 家庭情况, 社会交往, 社区意见, 评估意见) in it.
Once the office has assessed or converted it, it is read-only here, and it leaves the phone once
the office has the phone's last records for it (``sync.exchange.entrustments``).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from core import formstate as fs
from core.entrustment import ENTRUSTMENT_KIND, INVESTIGATION_KIND, finished_text, is_finished, named_helper
from core.errors import NotFound
from core.kinds import KINDS
from core.records import Record
from core.timeline import shown
from core.validation import parse_date

if TYPE_CHECKING:
    from sync.app.session import Service

# What the helper sees of an entrustment, in this order (the office's result is shown apart).
SHOWN_FIELDS = ("name", "gender", "birth", "residence", "status", "court", "entrusted_date", "due_date", "request")
BADGE_DUE = "已超过完成期限"
NOT_FOUND_TEXT = "找不到该委托调查评估,可能已完成并从本机移除。"


def _mine(svc: Service) -> list[Record]:
    me = svc.me.fingerprint
    return [r for r in svc.store.list(ENTRUSTMENT_KIND) if named_helper(r) == me]


def _due(data: dict[str, Any], today: date) -> bool:
    due = parse_date(data.get("due_date"))
    return due is not None and due < today and not is_finished(data)


def entrustment_tasks(svc: Service) -> list[dict[str, Any]]:
    """The entrustments this helper helps with: open ones first, soonest due first."""
    today = svc.today()
    rows = []
    for r in _mine(svc):
        d = r.data
        rows.append(
            {
                "id": r.id,
                "name": str(d.get("name") or ""),
                "status": str(d.get("status") or ""),
                "court": str(d.get("court") or ""),
                "due_date": str(d.get("due_date") or ""),
                "finished": finished_text(d),
                "badges": [BADGE_DUE] if _due(d, today) else [],
            }
        )
    rows.sort(key=lambda row: (bool(row["finished"]), row["due_date"], row["name"]))
    return rows


def entrustment(svc: Service, entrustment_id: str) -> Record:
    rec = svc.store.get(entrustment_id)
    if rec is None or rec.kind != ENTRUSTMENT_KIND or named_helper(rec) != svc.me.fingerprint:
        raise NotFound(NOT_FOUND_TEXT)
    return rec


def entrustment_task(svc: Service, entrustment_id: str) -> dict[str, Any]:
    """One entrustment's page: who and what, whether it is still open, and the investigations
    (this helper's drafts first, then every saved one, newest first)."""
    rec = entrustment(svc, entrustment_id)
    labels = {f.name: f.label for f in KINDS[ENTRUSTMENT_KIND].fields}
    d = rec.data
    return {
        "id": rec.id,
        "name": str(d.get("name") or ""),
        "particulars": [
            {"name": k, "label": labels[k], "value": shown(d.get(k))}
            for k in SHOWN_FIELDS
            if d.get(k) not in (None, "")
        ],
        "badges": [BADGE_DUE] if _due(d, svc.today()) else [],
        "finished": finished_text(d),
        "open": not is_finished(d),
        "timeline": svc.partition_timeline(rec.id, svc.store.list(subject=rec.id)),
    }


def owner_kind(svc: Service, owner_id: str) -> str:
    """What a record's partition belongs to: "entrustment" or "subject" (the form's way back)."""
    rec = svc.store.get(owner_id)
    return ENTRUSTMENT_KIND if rec is not None and rec.kind == ENTRUSTMENT_KIND else "subject"


def new_values(svc: Service, kind: str, owner_id: str) -> fs.Values:
    """A new record's starting values: from the subject, or for an investigation of an
    entrustment, its 委托机关. Raises ``NotFound`` for an owner not on this phone."""
    rec = svc.store.get(owner_id)
    if rec is not None and rec.kind == ENTRUSTMENT_KIND:
        entrustment(svc, owner_id)
        values = fs.prefill(kind, None, svc.identity()["name"], today=svc.today())
        if kind == INVESTIGATION_KIND and rec.data.get("court"):
            values["requested_by"] = str(rec.data["court"])
        return values
    svc.subject_detail(owner_id)  # a subject not found: the shell says so and leads back
    return fs.prefill(kind, svc.record(owner_id).data, svc.identity()["name"], today=svc.today())
