"""Office print-outs and spreadsheets, from the store to a file the officer chose.

These are the plain functions behind both the CLI (`xietong print ...`, `xietong report ...`)
and the office screens. Printed forms and XLSX are plaintext by nature: they are written only
where the user asks, atomically, never into the data folder.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from core.closeout import closed_text
from core.errors import NotFound, XietongError
from core.formstate import age_on
from core.numbering import parse_number
from core.records import Record
from storage import Store
from storage.documents import (
    evaluation_rows,
    evaluations_xlsx,
    helpers_xlsx,
    months_between,
    notice_docx,
    office_card_docx,
    registration_docx,
    subjects_xlsx,
    visits_per_helper_month,
)
from sync.protocol.identity import Identity

REPORT_KINDS = ("visits", "evaluations", "subjects", "helpers")


class BadPeriod(XietongError):
    code = "bad_period"
    default_message = "日期范围有误:请按 YYYY-MM-DD 填写,且开始日期不晚于结束日期。"


class AmbiguousNotice(XietongError):
    """A bare sequence number that several years share: the officer must say which year."""

    code = "ambiguous_notice"

    def __init__(self, seq: int, candidates: list[str]) -> None:
        self.seq = seq
        self.candidates = candidates
        years = "、".join(candidates)
        super().__init__(
            f"第{seq}号通知单有{len(candidates)}份:{years}。请写出完整编号(如 {candidates[0]}),或用 --year 指定年份。"
        )


def find_notice(store: Store, number: str, *, today: date, year: int | None = None) -> Record:
    """The notice with this number; a bare sequence shared by several years is never guessed.

    ``(2026)协通字第12号`` names its year. A bare ``12`` (or ``第12号``) is looked up in ``year``
    when given; otherwise it must be unique across years, and ``AmbiguousNotice`` lists the
    candidates when it is not.
    """
    from core.numbering import BadNoticeNumber

    try:
        wanted_year, seq = parse_number(number)
        bare = False
    except BadNoticeNumber:
        wanted_year, seq = parse_number(number, default_year=year or today.year)
        bare = year is None
    notices = store.list("notice")
    if not bare:
        for rec in notices:
            if rec.data.get("year") == wanted_year and rec.data.get("seq") == seq:
                return rec
        raise NotFound(f"找不到编号为({wanted_year})协通字第{seq}号的通知单。请用 xietong list notice 查看已有编号。")
    same = sorted((r for r in notices if r.data.get("seq") == seq), key=lambda r: r.data.get("year") or 0)
    if len(same) == 1:
        return same[0]
    if not same:
        raise NotFound(f"找不到序号为第{seq}号的通知单。请用 xietong list notice 查看已有编号。")
    raise AmbiguousNotice(seq, [str(r.data.get("number") or f"({r.data.get('year')})协通字第{seq}号") for r in same])


def print_notice(store: Store, number: str, out: Path, *, today: date, year: int | None = None) -> Path:
    return notice_docx(find_notice(store, number, today=today, year=year).data, out)


def print_registration(store: Store, subject_id: str, out: Path, *, today: date | None = None) -> Path:
    """The newest registration form for a subject; if none, a blank one pre-filled from the register.

    The blank form carries everything on file: name, gender, 年龄 (full years on the print
    date, from 出生年月), the phone, both addresses and the committee. ``today`` is the print
    date; callers that do not pass it yet get the machine's date.
    """
    forms = store.list("registration", subject_id)
    if forms:
        newest = max(forms, key=lambda r: (r.data.get("fill_date") or "", r.updated))
        return registration_docx(newest.data, out)
    subject = store.get(subject_id)
    if subject is None or subject.kind != "subject":
        raise NotFound("找不到该社区矫正对象,请检查编号。")
    return registration_docx(registration_prefill(subject.data, today or date.today()), out)


def registration_prefill(subject: dict[str, Any], today: date) -> dict[str, Any]:
    """What a blank 附件2 can print from the register, keyed like a registration record."""
    prefill = {key: subject.get(key) for key in ("name", "gender", "residence", "household", "committee")}
    age = age_on(subject.get("birth"), today)
    if age is not None and 0 < age < 130:
        prefill["age"] = age
    if subject.get("phone"):
        prefill["contact"] = subject["phone"]
    return {k: v for k, v in prefill.items() if v not in (None, "")}


def print_card(identity: Identity, out: Path, *, today: date) -> Path:
    return office_card_docx(identity.name, identity.public().grouped, out, issued_date=today)


def _period(date_from: str | None, date_to: str | None) -> tuple[str, str]:
    try:
        lo = date.fromisoformat(date_from).isoformat() if date_from else "0000-01-01"
        hi = date.fromisoformat(date_to).isoformat() if date_to else "9999-12-31"
    except ValueError as exc:
        raise BadPeriod() from exc
    if lo > hi:
        raise BadPeriod()
    return lo, hi


def _in(value: Any, lo: str, hi: str) -> bool:
    return isinstance(value, str) and lo <= value[:10] <= hi


def _cn_day(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def period_text(date_from: str | None, date_to: str | None) -> str:
    """The period a report covers, for its title row."""
    lo, hi = _period(date_from, date_to)
    if date_from and date_to:
        return f"{_cn_day(lo)}至{_cn_day(hi)}"
    if date_from:
        return f"{_cn_day(lo)}起"
    if date_to:
        return f"截至{_cn_day(hi)}"
    return "全部日期"


def report(store: Store, kind: str, out: Path, *, date_from: str | None = None, date_to: str | None = None) -> Path:
    """Write one of the office's spreadsheets for the period (by visit/evaluation date)."""
    lo, hi = _period(date_from, date_to)
    period = period_text(date_from, date_to)
    helpers = {str(h.data.get("fingerprint", "")): h for h in store.list("helper")}
    if kind == "visits":
        visits = [v for v in store.list("visit") if _in(v.data.get("date"), lo, hi)]
        seen = sorted(str(v.data.get("date"))[:7] for v in visits)
        first = lo[:7] if date_from else (seen[0] if seen else "")
        last = hi[:7] if date_to else (seen[-1] if seen else "")
        months = months_between(first, last) if first and last else []
        tally = visits_per_helper_month(visits, helpers, months=months)
        return _subsidy_report(store, tally, visits, lo, hi, out, period)
    if kind == "evaluations":
        evaluations = [e for e in store.list("evaluation") if _in(e.data.get("date"), lo, hi)]
        subjects = {s.id: s for s in store.list("subject")}
        return evaluations_xlsx(evaluation_rows(evaluations, subjects), out, period=period)
    if kind == "subjects":
        names = {fp: h.data.get("name", fp) for fp, h in helpers.items() if fp}
        summaries = store.summaries()  # 解矫 cases stay in the register, marked as such
        rows = [{**s.data, "status": closed_text(summaries.get(s.id)) or "在矫"} for s in store.list("subject")]
        return subjects_xlsx(rows, out, helper_names=names)
    if kind == "helpers":
        return helpers_xlsx([h.data for h in helpers.values()], out)
    raise NotFound(f"未知的报表类型“{kind}”:可选 {'、'.join(REPORT_KINDS)}。")


def _subsidy_report(
    store: Store, tally: list[dict[str, Any]], visits: list[Record], lo: str, hi: str, out: Path, period: str
) -> Path:
    """The visit tally with the subsidy amounts (四.3): the rate and cap the office set, rewards
    of the period, a totals row and a signature column (补贴核算)."""
    from core.subsidy import amounts
    from storage.documents.subsidy_table import subsidy_xlsx

    saved = store.meta_get("subsidy") or {}
    rate_fen, cap = int(saved.get("rate_fen", 0)), int(saved.get("cap", 0))
    rewards = [r for r in store.list("reward") if _in(r.data.get("date"), lo, hi)]
    money = amounts(visits, rewards, rate_fen=rate_fen, cap=cap)
    helpers = {str(h.data.get("fingerprint", "")): h.data for h in store.list("helper", include_deleted=True)}
    rows = []
    seen = set()
    for row in tally:
        key = (row["fingerprint"], row["month"])
        seen.add(key)
        rows.append({**row, **money.get(key, {"counted": 0, "subsidy": 0, "reward": 0, "total": 0})})
    for (fp, month), m in sorted(money.items()):  # a reward in a month without visits
        if (fp, month) not in seen:
            h = helpers.get(fp, {})
            rows.append(
                {
                    "helper": h.get("name", ""),
                    "committee": h.get("committee", ""),
                    "month": month,
                    "visits": 0,
                    "subjects": 0,
                    "fingerprint": fp,
                    **m,
                }
            )
    rows.sort(key=lambda r: (r["committee"], r["helper"], r["fingerprint"], r["month"]))
    return subsidy_xlsx(rows, out, period=period, rate_fen=rate_fen, cap=cap)
