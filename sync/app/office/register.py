"""The subject register: the list and its filters, one subject's page, edits, roster import and
helper assignment."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core import visits
from core.closeout import closed_text, closure_of
from core.errors import NotFound, ValidationError
from core.fingerprint import normalise_fingerprint
from core.kinds import KINDS
from core.kinds import validate as validate_kind
from core.records import Record
from core.rules import summary_badges
from core.timeline import PARTICULAR_FIELDS, shown, timeline_row
from sync import exchange
from sync.app.files import typed_path, with_suffix
from sync.app.office.access import helper_names, office_of
from sync.app.session import Service

if TYPE_CHECKING:
    from sync.app.roster_plan import RosterPlan


_SUBJECT_FIELDS = tuple(f.name for f in KINDS["subject"].fields if f.name != "helpers")


def subject_rows(
    svc: Service,
    *,
    committee: str = "",
    category: str = "",
    helper: str = "",
    ending_within: int | None = None,
    query: str = "",
    status: str = "",
) -> list[dict[str, Any]]:
    """The register from the index summaries, filtered; ``helper`` is a fingerprint or "none";
    ``status`` is "active" (在矫), "archived" (已解矫) or "" for both."""
    store, _me = office_of(svc)
    today = svc.today()
    interval = svc.settings()["visit_interval_days"]
    names = helper_names(store)
    rows = []
    for sid, s in store.summaries().items():
        if s.get("deleted") or not s.get("name"):
            continue
        helpers = list(s.get("helpers") or [])
        if committee and s.get("committee") != committee:
            continue
        if category and s.get("category") != category:
            continue
        if helper == "none" and helpers:
            continue
        closed = s.get("closed") if isinstance(s.get("closed"), dict) else None
        if (status == "active" and closed) or (status == "archived" and not closed):
            continue
        if helper and helper != "none" and helper not in helpers:
            continue
        end = s.get("term_end") or ""
        if ending_within is not None:
            try:
                left = (date.fromisoformat(end) - today).days
            except ValueError:
                continue
            if not 0 <= left <= ending_within:
                continue
        if query and not any(query in str(s.get(k) or "") for k in ("name", "committee", "category")):
            continue
        rows.append(
            {
                "id": sid,
                "name": s.get("name", ""),
                "committee": s.get("committee") or "",
                "category": s.get("category") or "",
                "term_start": s.get("term_start") or "",
                "term_end": end,
                "helpers": helpers,
                "helper_names": [names.get(h, h[:5]) for h in helpers],
                "last_visit": s.get("last_visit"),
                "badges": summary_badges(s, today, visit_interval=interval),
                "closed": closed,
                "status_label": closed_text(s) or "在矫",
            }
        )
    rows.sort(key=lambda r: (r["committee"], r["name"]))
    return rows


def committees(svc: Service) -> list[str]:
    store, _me = office_of(svc)
    return sorted({str(s["committee"]) for s in store.summaries().values() if s.get("committee")})


def save_subject(svc: Service, data: dict[str, Any], subject_id: str | None = None) -> Record:
    """Add a subject, or save the next revision of one (its helper assignments are kept)."""
    store, me = office_of(svc)
    return store.put(subject_record(svc, data, subject_id), actor=me.fingerprint)


def subject_record(svc: Service, data: dict[str, Any], subject_id: str | None = None) -> Record:
    """The subject record ``save_subject`` would write, validated; nothing is written (a caller
    may write it in one commit with another record)."""
    store, me = office_of(svc)
    clean = {
        k: (v.strip() if isinstance(v, str) else v)
        for k, v in data.items()
        if k in _SUBJECT_FIELDS and v not in (None, "")
    }
    old: Record | None = None
    if subject_id is not None:
        old = store.get(subject_id)
        if old is None or old.kind != "subject":
            raise NotFound("找不到该社区矫正对象,可能已被删除。")
        if old.data.get("helpers"):
            clean["helpers"] = list(old.data["helpers"])
    errors = validate_kind("subject", clean, today=svc.today())
    if errors:
        raise ValidationError(errors)
    if old is None:
        return Record.new("subject", clean, author=me.fingerprint, clock=svc.clock)
    return old.revise(clean, clock=svc.clock)


def roster_preview(svc: Service, path: str | Path) -> RosterPlan:
    """What importing a CSV/XLSX roster would add, update, skip and refuse; writes nothing. The
    console shows it before 确认导入, and ``subjects import FILE --dry-run`` prints it."""
    from sync.app.roster_plan import plan_import

    store, _me = office_of(svc)
    return plan_import(store.list("subject"), typed_path(path), today=svc.today())


def import_roster(svc: Service, path: str | Path) -> dict[str, int]:
    """All rows of a roster or none: any refused row raises ``ValidationError`` listing every
    problem. Subjects already on the register are updated or skipped, never added twice."""
    from sync.app.roster_plan import apply_plan

    store, me = office_of(svc)
    return apply_plan(store, roster_preview(svc, path), author=me.fingerprint, clock=svc.clock)


def assign(svc: Service, subject_id: str, helper_fp: str, *, replace: str | None = None) -> Record:
    """Assign a helper; with ``replace`` the subject moves from that helper to this one."""
    from sync.app.office.handover import hand_over

    store, me = office_of(svc)
    fp = normalise_fingerprint(helper_fp)
    before = store.get(subject_id)
    had = list(before.data.get("helpers") or []) if before is not None and before.kind == "subject" else []
    rec = exchange.assign(store, me, subject_id, fp, svc.clock)
    old = normalise_fingerprint(replace) if replace else ""
    if old and old != fp:
        rec = exchange.unassign(store, me, subject_id, old, svc.clock)
    if fp not in had and ((old and old in had) or not had):  # the subject moves: 移交 (issue 15)
        hand_over(svc, subject_id, fp, [old] if old else [], only_if_history=not old)
    return rec


def unassign(svc: Service, subject_id: str, helper_fp: str) -> Record:
    store, me = office_of(svc)
    return exchange.unassign(store, me, subject_id, normalise_fingerprint(helper_fp), svc.clock)


# 附件2's 家庭主要成员 table as the form prints it: 姓名, 关系, 工作单位或住址, 联系电话.
FAMILY_COLUMNS: list[tuple[str, str]] = [(c.name, c.label) for c in KINDS["registration"].field("family").row]
_REPORT_DETAIL = ("category", "urgency", "occurred", "description", "action")


def subject_page(svc: Service, subject_id: str) -> dict[str, Any]:
    """Everything the office knows of one subject, from that subject's partition only.

    The timeline holds every record from every helper (newest first) so the officer sees
    the whole case in one place; reports say whether the office has acknowledged them.
    """
    store, _me = office_of(svc)
    records = store.list(subject=subject_id)
    subject = next((r for r in records if r.kind == "subject" and r.id == subject_id), None)
    if subject is None or subject.deleted:
        raise NotFound("找不到该社区矫正对象,可能已被删除。")
    names = helper_names(store)
    names.setdefault(_me.fingerprint, str(store.meta_get("name", _me.name)))
    acked = {r.data.get("report") for r in records if r.kind == "ack" and not r.deleted}
    labels = {f.name: f.label for f in KINDS["subject"].fields}
    particulars = [
        {"name": k, "label": labels[k], "value": shown(subject.data.get(k))}
        for k in (*PARTICULAR_FIELDS, "household", "judgment_date", "court", "notes")
        if k in labels and subject.data.get(k) not in (None, "")
    ]
    particulars = list({p["name"]: p for p in particulars}.values())
    live = [r for r in records if not r.deleted and r.kind != "subject"]
    timeline = []
    for r in live:
        row = timeline_row(r, acked)
        row["author"] = r.author
        row["author_name"] = names.get(r.author, r.author[:5])
        row["acknowledged"] = (r.id in acked) if r.kind == "report" else None
        if r.kind == "report":
            row["detail"] = {k: r.data.get(k, "") for k in _REPORT_DETAIL}
        if r.kind == "visit":  # every answer, as the helper's form has it (or the paragraphs of an old visit)
            row["lines"] = visits.detail_lines(r.data)
        timeline.append(row)
    timeline.sort(key=lambda row: (row["date"], row["id"]), reverse=True)
    forms = [r for r in live if r.kind == "registration"]
    registration = None
    if forms:
        newest = max(forms, key=lambda r: (r.data.get("fill_date") or "", r.updated))
        registration = {"id": newest.id, "data": dict(newest.data), "family_columns": FAMILY_COLUMNS}
    evaluations = sorted(
        (
            {
                "id": r.id,
                "date": r.data.get("date", ""),
                "period": r.data.get("period", ""),
                "grade": r.data.get("grade", ""),
                "law_abiding": r.data.get("law_abiding", ""),
                "community_service": r.data.get("community_service", ""),
                "daily_conduct": r.data.get("daily_conduct", ""),
                "evaluators": len(r.data.get("evaluators") or []),
                "author_name": names.get(r.author, r.author[:5]),
            }
            for r in live
            if r.kind == "evaluation"
        ),
        key=lambda e: (e["date"], e["id"]),
        reverse=True,
    )
    notices = sorted(
        (
            {
                "id": r.id,
                "number": r.data.get("number", ""),
                "issue_date": r.data.get("issue_date", ""),
                "tasks": list(r.data.get("tasks", [])),
            }
            for r in live
            if r.kind == "notice"
        ),
        key=lambda n: (n["issue_date"], n["id"]),
        reverse=True,
    )
    helpers = [{"fingerprint": fp, "name": names.get(fp, fp[:5])} for fp in subject.data.get("helpers") or []]
    return {
        "id": subject_id,
        "name": subject.data.get("name", ""),
        "particulars": particulars,
        "helpers": helpers,
        "timeline": timeline,
        "registration": registration,
        "evaluations": evaluations,
        "notices": notices,
        "closure": _closure_view(closure_of(records)),
    }


def _closure_view(rec: Record | None) -> dict[str, Any] | None:
    if rec is None:
        return None
    return {"id": rec.id, **{k: rec.data.get(k, "") for k in ("reason", "date", "transfer_to", "by", "note")}}


def save_registration_docx(svc: Service, subject_id: str, out: str | Path) -> Path:
    """The subject's newest 附件2 as DOCX (pre-filled from the register if none yet) where asked."""
    from sync.app import printing

    store, _me = office_of(svc)
    target = typed_path(out)
    if target.is_dir():
        subject = store.get(subject_id)
        target = target / f"登记表-{(subject.data.get('name') if subject else '') or subject_id}.docx"
    return printing.print_registration(store, subject_id, with_suffix(target, ".docx"), today=svc.today())
