"""Helper assessment (四.2 完善考核机制): per helper and period, visits done against visits due,
reports on time, the office's evaluation, and 合格 or 不合格; listed on the roster.

Visits due: for each subject assigned to the helper, one per visit interval of the period
(the 走访 setting, 30 days by default). A report counts as on time when it was saved within
``REPORT_DAYS`` days of what it reports (三(二)3: 及时报告).

A period is a label and two dates (the console's form); ``period_bounds`` reads the shorthand an
officer types on the command line (2026, 2026-Q1, 2026-03) into the same three values.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any

from core.errors import BadFingerprint, NotFound, ValidationError
from core.fingerprint import normalise_fingerprint
from core.kinds import validate as validate_kind
from core.records import Record
from core.validation import parse_date
from core.vocabularies import ASSESSMENT_RESULTS
from sync.app.office.access import helper_names, office_of
from sync.app.session import Service

REPORT_DAYS = 2
_YEAR = re.compile(r"(\d{4})(?:年度?)?")
_QUARTER = re.compile(r"(\d{4})[-/ ]?[Qq]([1-4])")
_MONTH = re.compile(r"(\d{4})[-/](\d{1,2})")
PERIOD_HINT = "请写年度(如 2026)、季度(如 2026-Q1)或月份(如 2026-03)"


def period_bounds(text: str, today: date) -> tuple[str, str, str]:
    """``2026`` -> (2026年度, 2026-01-01, 2026-12-31); ``2026-Q1`` -> a quarter; ``2026-03`` -> a
    month. A period still running ends today (as the console's form does); one not yet begun,
    or text that is none of these, is refused quoting what was typed."""
    raw = (text or "").strip()
    if m := _QUARTER.fullmatch(raw):
        year, q = int(m.group(1)), int(m.group(2))
        label, start, end = f"{year}年第{q}季度", date(year, 3 * q - 2, 1), date(year, 3 * q, 1)
        end = end.replace(day=calendar.monthrange(year, end.month)[1])
    elif (m := _MONTH.fullmatch(raw)) and 1 <= int(m.group(2)) <= 12:
        year, month = int(m.group(1)), int(m.group(2))
        label, start = f"{year}年{month}月", date(year, month, 1)
        end = start.replace(day=calendar.monthrange(year, month)[1])
    elif (m := _YEAR.fullmatch(raw)) and int(m.group(1)) >= 1900:
        year = int(m.group(1))
        label, start, end = f"{year}年度", date(year, 1, 1), date(year, 12, 31)
    else:
        raise ValidationError({"period": f"考核期间“{raw}”无法识别:{PERIOD_HINT}。"})
    if start > today:
        raise ValidationError({"period": f"考核期间“{raw}”尚未开始(今天是 {today.isoformat()}),不能考核。"})
    return label, start.isoformat(), min(end, today).isoformat()


def _helper_fp(store: Any, helper_fp: str) -> str:
    """The enrolled helper's bare fingerprint, or an error quoting what was given."""
    if not (helper_fp or "").strip():  # the console's dropdown left unchosen
        raise ValidationError({"helper": "请选择要考核的协助人员。"})
    try:
        fp = normalise_fingerprint(helper_fp)
    except BadFingerprint as exc:
        raise BadFingerprint(f"身份指纹“{helper_fp}”应为30位数字,请核对后重新输入") from exc
    if fp not in helper_names(store):
        raise NotFound(f"找不到身份指纹为“{helper_fp}”的协助人员,请先登记或核对指纹。")
    return fp


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
    fp = _helper_fp(store, helper_fp)
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
    if data["result"] and data["result"] not in ASSESSMENT_RESULTS:
        errors["result"] = f"考核结果“{data['result']}”无效:只能是 {'或'.join(ASSESSMENT_RESULTS)}。"
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


def helper_assessments(svc: Service, helper_fp: str) -> list[dict[str, Any]]:
    """One helper's assessments, the latest period first (its figures, result and evaluation)."""
    store, _me = office_of(svc)
    fp = _helper_fp(store, helper_fp)
    mine = [r for r in store.list("assessment") if r.data.get("helper") == fp]
    mine.sort(key=lambda r: (r.data.get("period_end", ""), r.updated), reverse=True)
    return [{"id": r.id, **r.data} for r in mine]
