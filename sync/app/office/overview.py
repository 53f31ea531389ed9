"""What needs the officer (工作台), acknowledging reports, and conflicts between versions.

Dashboards read the per-subject summaries of the store index; only the few partitions that
hold an open urgent report are opened to list those reports.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from core.errors import NotFound, ValidationError
from core.kinds import KIND_LABELS, KINDS
from core.kinds import validate as validate_kind
from core.records import Record
from core.rules import (
    BADGE_TERM_ENDING,
    BADGE_URGENT_OPEN,
    BADGE_VISIT_OVERDUE,
    open_urgent_reports,
    summary_badges,
    unusual_visits,
)
from storage import Store
from sync import exchange
from sync.app.office.access import helper_names, office_of
from sync.app.office.enrolment import helper_rows
from sync.app.session import Service

SILENT_DAYS = 30
UNUSUAL_VISIT_DAYS = 30  # visits with an answer that is not the normal one, listed this far back
ENDING_DAYS = 30
URGENT_DETAIL_SUBJECTS = 50  # subjects whose open urgent reports the dashboard lists in full


def dashboard(svc: Service) -> dict[str, Any]:
    """What needs the officer: urgent reports, overdue visits, terms ending, subjects without a
    helper on the roster, conflicts, silent helpers.

    Everything comes from the index summaries except the urgent reports themselves (only the
    partitions of the ``URGENT_DETAIL_SUBJECTS`` most recently active subjects with one open are
    read; ``urgent_total`` counts them all) and the conflicts (only conflicting records).
    """
    store, _me = office_of(svc)
    today = svc.today()
    interval = svc.settings()["visit_interval_days"]
    summaries = store.summaries()
    urgent: list[dict[str, Any]] = []
    overdue: list[dict[str, Any]] = []
    ending: list[dict[str, Any]] = []
    with_urgent: list[tuple[str, dict[str, Any]]] = []
    unassisted: list[dict[str, Any]] = []
    urgent_total = 0
    helpers = helper_rows(svc)
    active = {h["fingerprint"] for h in helpers if h["status"] == "active"}
    helper_name = {h["fingerprint"]: h["name"] for h in helpers}
    unusual: list[dict[str, Any]] = []
    since = (today - timedelta(days=UNUSUAL_VISIT_DAYS)).isoformat()
    for sid, s in summaries.items():
        if s.get("deleted") or not s.get("name"):
            continue
        if str(s.get("last_visit") or "") >= since:
            unusual += _recent_unusual(store, sid, s, since, today.isoformat())
        badges = summary_badges(s, today, visit_interval=interval, ending_days=ENDING_DAYS)
        base = {"subject": sid, "name": s.get("name", ""), "committee": s.get("committee") or ""}
        assigned = [fp for fp in s.get("helpers") or [] if isinstance(fp, str)]
        if (
            not active.intersection(assigned)
            and str(s.get("term_end") or "9999") >= today.isoformat()
            and not isinstance(s.get("closed"), dict)
        ):  # a closed case needs no helper
            unassisted.append({**base, "revoked": [helper_name.get(fp, fp[:5]) for fp in assigned]})
        if BADGE_VISIT_OVERDUE in badges:
            overdue.append({**base, "last_visit": s.get("last_visit") or ""})
        if BADGE_TERM_ENDING in badges:
            ending.append({**base, "term_end": s.get("term_end") or ""})
        if BADGE_URGENT_OPEN in badges:
            urgent_total += int(s.get("open_urgent") or 0)
            with_urgent.append((sid, base))
    # Only the most recently active subjects' partitions are opened for the report details.
    with_urgent.sort(key=lambda item: str(summaries[item[0]].get("updated") or ""), reverse=True)
    for sid, base in with_urgent[:URGENT_DETAIL_SUBJECTS]:
        for r in open_urgent_reports(store.list(subject=sid)):
            urgent.append(
                {
                    **base,
                    "id": r.id,
                    "category": r.data.get("category", ""),
                    "occurred": r.data.get("occurred", ""),
                    "description": r.data.get("description", ""),
                    "author": r.author,
                }
            )
    urgent.sort(key=lambda r: r["occurred"], reverse=True)
    unusual.sort(key=lambda r: (r["date"], r["name"]), reverse=True)
    overdue.sort(key=lambda r: (r["last_visit"], r["name"]))
    ending.sort(key=lambda r: (r["term_end"], r["name"]))
    unassisted.sort(key=lambda r: (r["committee"], r["name"]))
    silent = []
    for h in helpers:
        if h["status"] != "active":
            continue
        since = h["last_bundle"] or h["enrolled_date"]
        try:
            days = (today - date.fromisoformat(since)).days
        except ValueError:
            continue
        if days >= SILENT_DAYS:
            silent.append(
                {
                    "name": h["name"],
                    "committee": h["committee"],
                    "fingerprint": h["fingerprint"],
                    "last_bundle": h["last_bundle"],
                    "days": days,
                }
            )
    return {
        "urgent_reports": urgent,
        "urgent_total": max(urgent_total, len(urgent)),
        "overdue": overdue,
        "ending_soon": ending,
        "unassisted": unassisted,
        "conflicts": conflict_rows(svc),
        "silent_helpers": silent,
        "unusual_visits": unusual,
    }


def _recent_unusual(store: Store, sid: str, s: dict[str, Any], since: str, today: str) -> list[dict[str, Any]]:
    """The subject's visits from ``since`` to ``today`` with an answer that is not the normal one.

    Read from the index summary; a summary written before it kept these (an installation just
    upgraded) lacks the key, and that subject's partition is read instead, until it next changes."""
    found = s.get("unusual_visits")
    if not isinstance(found, list):
        found = unusual_visits(store.list("visit", subject=sid))
    base = {"subject": sid, "name": s.get("name", ""), "committee": s.get("committee") or ""}
    rows = []
    for v in found:
        if not isinstance(v, dict) or not since <= str(v.get("date") or "") <= today:
            continue
        answers = [a for a in v.get("answers") or [] if isinstance(a, dict)]
        text = ";".join(
            f"{a.get('label', '')}{a.get('value', '')}" + (f"({a['note']})" if a.get("note") else "") for a in answers
        )
        rows.append({**base, "id": v.get("id", ""), "date": v.get("date", ""), "answers": answers, "text": text})
    return rows


def acknowledge(svc: Service, report_id: str, note: str = "", by: str | None = None) -> Record:
    """The office's ``ack`` of a report; it travels back to the helper in the next bundle."""
    store, me = office_of(svc)
    report = store.get(report_id)
    if report is None or report.kind != "report" or report.subject is None:
        raise NotFound("找不到该重要情况报告。")
    for r in store.list("ack", subject=report.subject):
        if r.data.get("report") == report_id:
            return r
    data = {
        "report": report_id,
        "note": (note or "").strip() or "已收到,已处理。",
        "by": (by or "").strip() or str(store.meta_get("name", me.name)),
        "date": svc.today().isoformat(),
    }
    errors = validate_kind("ack", data, today=svc.today())
    if errors:
        raise ValidationError(errors)
    rec = Record.new("ack", data, author=me.fingerprint, subject=report.subject, clock=svc.clock)
    return store.put(rec, actor=me.fingerprint)


def _cell(value: Any) -> str:
    """A field value as a person reads it (lists joined, family members one per entry)."""
    if isinstance(value, list):
        return "、".join(" ".join(str(x) for x in v.values() if x) if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, dict):
        return " ".join(str(x) for x in value.values() if x)
    return "" if value is None else str(value)


def conflict_rows(svc: Service) -> list[dict[str, Any]]:
    """Open conflicts, each naming its subject and author and, per version, the fields that differ
    under their form labels (the officer chooses by what differs, not by field codes)."""
    store, _me = office_of(svc)
    summaries = store.summaries()
    names = helper_names(store)
    rows = []
    for c in store.conflicts():
        labels = {f.name: f.label for f in KINDS[c.kind].fields} if c.kind in KINDS else {}
        datas = [dict(v.data) for v in c.versions]
        keys = list(dict.fromkeys(k for d in datas for k in d))
        differ = [k for k in keys if len({_cell(d.get(k)) for d in datas}) > 1]
        author = c.versions[0].author if c.versions else ""
        rows.append(
            {
                "record_id": c.record_id,
                "kind": c.kind,
                "kind_label": KIND_LABELS.get(c.kind, c.kind),
                "subject": c.subject,
                "subject_name": str((summaries.get(c.subject or "") or {}).get("name") or ""),
                "author": author,
                "author_name": names.get(author, author[:5]),
                "revision": c.revision,
                "current_hash": c.current_hash,
                "versions": [
                    {
                        "hash": v.content_hash(),
                        "updated": v.updated,
                        "data": d,
                        "differences": [
                            {"name": k, "label": labels.get(k, k), "value": _cell(d.get(k)) or "(空)"} for k in differ
                        ],
                    }
                    for v, d in zip(c.versions, datas, strict=False)
                ],
            }
        )
    return rows


def resolve_conflict(svc: Service, record_id: str, chosen_hash: str) -> Record:
    """Keep one rival version; the choice itself is recorded as a ``resolution`` record."""
    store, me = office_of(svc)
    current = store.resolve_conflict(record_id, chosen_hash, actor=me.fingerprint)
    data = {
        "record": record_id,
        "chosen": chosen_hash,
        "by": str(store.meta_get("name", me.name)),
        "date": svc.today().isoformat(),
    }
    store.put(
        Record.new("resolution", data, author=me.fingerprint, subject=current.subject, clock=svc.clock),
        actor=me.fingerprint,
    )
    return current


def flagged_rows(svc: Service) -> list[dict[str, Any]]:
    """Helpers' later changes or deletions of records the office had acknowledged, newest
    bundle first: applied (the acknowledged version stays in the record's history) and listed
    here until the officer has looked at each."""
    store, _me = office_of(svc)
    names = helper_names(store)
    summaries = store.summaries()
    rows = []
    for f in exchange.flagged_changes(store):
        record = store.get(str(f.get("record", "")))
        subject = record.subject if record is not None else None
        rows.append(
            {
                "helper": f["helper"],
                "helper_name": names.get(f["helper"], f["helper"][:5]),
                "record": f.get("record"),
                "kind": f.get("kind"),
                "kind_label": KIND_LABELS.get(str(f.get("kind")), ""),
                "revision": f.get("revision"),
                "acked_revision": f.get("acked_revision"),
                "deleted": bool(f.get("deleted")),
                "seq": f.get("seq"),
                "subject": subject,
                "subject_name": str((summaries.get(subject or "") or {}).get("name") or ""),
            }
        )
    rows.sort(key=lambda r: (r["seq"] or 0, r["record"] or ""), reverse=True)
    return rows


def dismiss_flagged(svc: Service, helper_fp: str, record_id: str, revision: int) -> bool:
    """The officer looked at one flagged change (the record's history shows both versions)."""
    store, me = office_of(svc)
    return exchange.dismiss_flag(store, helper_fp, record_id, revision, actor=me.fingerprint)
