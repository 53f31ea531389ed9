"""Helper assessment (四.2 完善考核机制): per helper and period, visits done against visits due,
reports on time, the office's evaluation, and 合格 or 不合格; listed on the roster.

Visits due: for each subject assigned to the helper, one per visit interval of the period
(the 走访 setting, 30 days by default). A report counts as on time when it was saved within
``REPORT_DAYS`` days of what it reports (三(二)3: 及时报告).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core.errors import NotFound, ValidationError
from core.fingerprint import normalise_fingerprint
from core.kinds import validate as validate_kind
from core.records import Record
from core.validation import parse_date
from sync.app.office.access import helper_names, office_of
from sync.app.session import Service

REPORT_DAYS = 2


def assessment_figures(svc: Service, helper_fp: str, start: str, end: str) -> dict[str, int]:
    """What the records say for the period: visits done and due, reports on time and in all."""
    store, _me = office_of(svc)
    fp = normalise_fingerprint(helper_fp)
    lo, hi = parse_date(start), parse_date(end)
    if lo is None or hi is None or lo > hi:
        raise ValidationError({"period_start": "考核期间有误:请按 YYYY-MM-DD 填写,且开始不晚于结束。"})
    interval = max(1, int(svc.settings()["visit_interval_days"]))
    days = (hi - lo).days + 1
    subjects = [sid for sid, s in store.summaries().items() if fp in (s.get("helpers") or []) and not s.get("deleted")]
    done = on_time = reports = 0
    for sid in subjects:
        for r in store.list(subject=sid, kinds=("visit", "report")):
            if r.author != fp:
                continue
            day = parse_date(r.data.get("date") if r.kind == "visit" else r.data.get("occurred"))
            if day is None or not lo <= day <= hi:
                continue
            if r.kind == "visit":
                done += 1
                continue
            reports += 1
            saved = date.fromisoformat(r.created[:10])
            on_time += int((saved - day).days <= REPORT_DAYS)
    return {
        "visits_done": done,
        "visits_due": len(subjects) * max(1, days // interval),
        "reports_on_time": on_time,
        "reports_total": reports,
    }


def assess_helper(
    svc: Service,
    helper_fp: str,
    period: str,
    start: str,
    end: str,
    *,
    result: str,
    evaluation: str,
    by: str | None = None,
) -> Record:
    """Record the assessment of one helper for one period (the figures are computed here)."""
    store, me = office_of(svc)
    fp = normalise_fingerprint(helper_fp)
    if fp not in helper_names(store):
        raise NotFound("找不到该协助人员。")
    data: dict[str, Any] = {
        "helper": fp,
        "period": (period or "").strip(),
        "period_start": start,
        "period_end": end,
        **assessment_figures(svc, fp, start, end),
        "evaluation": (evaluation or "").strip(),
        "result": (result or "").strip(),
        "by": (by or "").strip() or str(store.meta_get("name", me.name)),
        "date": svc.today().isoformat(),
    }
    errors = validate_kind("assessment", data, today=svc.today())
    if errors:
        raise ValidationError(errors)
    return store.put(Record.new("assessment", data, author=me.fingerprint, clock=svc.clock), actor=me.fingerprint)


def latest_assessments(svc: Service) -> dict[str, dict[str, Any]]:
    """Fingerprint -> the helper's newest assessment (period, result, figures), for the roster."""
    store, _me = office_of(svc)
    out: dict[str, dict[str, Any]] = {}
    for r in sorted(store.list("assessment"), key=lambda r: (r.data.get("period_end", ""), r.updated)):
        out[str(r.data.get("helper"))] = dict(r.data)
    return out
