"""The office's work as plain functions of the open ``Service``: roster, register, notices, sync.

The office console (``views/office``) and the CLI (``sync/cli_sync.py``) call these; nothing
here knows about Flet. Store-level helpers (``import_roster_into``, ``export_all_to``,
``import_paths``, ``bundle_paths``) take an open store and the office identity so the CLI,
which opens its own store per command, shares the same logic.

Dashboards read the per-subject summaries of the store index; only the few partitions that
hold an open urgent report are opened to list those reports.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable

from core.errors import NotFound, PermissionDenied, ValidationError, XietongError
from core.fingerprint import group_fingerprint, normalise_fingerprint
from core.kinds import DUTIES, HELPER_CONDITIONS, HELPER_STATUSES, KIND_LABELS, KINDS
from core.kinds import validate as validate_kind
from core.numbering import format_number, next_seq
from core.records import Record
from core.rules import BADGE_TERM_ENDING, BADGE_URGENT_OPEN, BADGE_VISIT_OVERDUE, summary_badges
from core.timeline import PARTICULAR_FIELDS, shown, timeline_row
from sync import pipeline
from sync.identity import Identity, parse_enrolment_request

Store = Any  # storage.Store (an open one)
Progress = Callable[[int, int, str], None]  # (done, total, file name)

BUNDLE_SUFFIX = ".xtb"
CARD_SUFFIX = ".xtcard"
REQUEST_SUFFIXES = (".xtreq", ".req", ".json")
QUARANTINE_DIR = "quarantine"
SILENT_DAYS = 30
ENDING_DAYS = 30
MAX_TASKS = 10
URGENT_DETAIL_SUBJECTS = 50  # subjects whose open urgent reports the dashboard lists in full
_NOTICE_COUNTER = "office/notice_seq"  # {year: highest seq ever issued}, so numbers are never reused
_SUBJECT_FIELDS = tuple(f.name for f in KINDS["subject"].fields if f.name != "helpers")
_NOTICE_PARTICULARS = ("name", "gender", "birth", "household", "residence", "judgment_date", "crime", "court",
                       "sentence", "category", "term_start", "term_end", "committee", "town")


class OfficeError(XietongError):
    default_message = "操作未完成,请检查后重试。"


# ---------------------------------------------------------------------------- access


def _office(svc: Any) -> tuple[Store, Identity]:
    """The open store and the office identity; refuses on a helper's device."""
    store = svc._open()
    me = svc._me()
    if me.role != "office":
        raise PermissionDenied("此功能只能在司法所的设备上使用。")
    return store, me


def _today(svc: Any) -> date:
    return svc._clock().date()


def _read_bytes(path: str | Path) -> bytes:
    p = Path(str(path).strip())
    try:
        return p.read_bytes()
    except OSError as exc:
        raise OfficeError(f"无法读取文件:{p}。请检查路径是否正确。") from exc


def list_files(folder: str | Path, suffixes: Iterable[str] = ()) -> list[str]:
    """File names in ``folder`` (only those ending in ``suffixes`` when given), for path fields.

    In a browser the file picker cannot hand the server a path, so the console shows this
    listing under its path text fields. A missing folder lists nothing.
    """
    p = Path(str(folder).strip()) if str(folder).strip() else None
    if p is None or not p.is_dir():
        return []
    wanted = tuple(s.lower() for s in suffixes)
    try:
        return sorted(q.name for q in p.iterdir() if q.is_file() and (not wanted or q.name.lower().endswith(wanted)))
    except OSError:
        return []


# ---------------------------------------------------------------------------- helpers


def _helper_names(store: Store) -> dict[str, str]:
    return {h.data.get("fingerprint", ""): h.data.get("name", "") for h in store.list("helper", include_deleted=True)}


def helper_rows(svc: Any) -> list[dict[str, Any]]:
    """The helper roster: who, where, status, dates, and the last bundle received from each."""
    store, _me = _office(svc)
    assigned: dict[str, int] = {}
    for s in store.summaries().values():
        if s.get("deleted"):
            continue
        for fp in s.get("helpers") or []:
            assigned[fp] = assigned.get(fp, 0) + 1
    rows = []
    for h in store.list("helper", include_deleted=True):
        d = h.data
        fp = d.get("fingerprint", "")
        last = pipeline.peer_info(store, fp).get("last_in") or {}
        rows.append({
            "id": h.id,
            "name": d.get("name", ""),
            "committee": d.get("committee", ""),
            "phone": d.get("phone", ""),
            "fingerprint": fp,
            "fingerprint_grouped": group_fingerprint(fp) if fp else "",
            "status": d.get("status", ""),
            "status_label": HELPER_STATUSES.get(d.get("status", ""), d.get("status", "")),
            "enrolled_date": d.get("enrolled_date", ""),
            "filed_date": d.get("filed_date", ""),
            "last_bundle": str(last.get("at") or "")[:10],
            "last_seq": last.get("seq"),
            "subjects": assigned.get(fp, 0),
        })
    rows.sort(key=lambda r: (r["status"] != "active", r["committee"], r["name"]))
    return rows


def enrolment_preview(svc: Any, path: str | Path) -> dict[str, Any]:
    """What a request file says (name, committee, phone, fingerprint), before the officer confirms."""
    _office(svc)
    req = parse_enrolment_request(_read_bytes(path))
    return {"name": req.name, "committee": req.committee, "phone": req.phone,
            "fingerprint": req.fingerprint, "fingerprint_groups": req.public.grouped.split()}


def enrol_from_request(svc: Any, path: str | Path, fingerprint_typed: str, *, committee: str,
                       conditions: Iterable[int], reviewer: str, review_date: str,
                       filed_date: str | None = None) -> dict[str, Any]:
    """Enrol a helper from its request file after the digits were compared and the review done."""
    store, me = _office(svc)
    errors: dict[str, str] = {}
    if not (committee or "").strip():
        errors["committee"] = "请填写所在村(居)委会。"
    if not (reviewer or "").strip():
        errors["reviewer"] = "请填写审查人。"
    chosen = sorted({int(c) for c in conditions})
    if chosen != sorted(HELPER_CONDITIONS):
        errors["conditions"] = "四项资格条件须全部符合才能登记,请逐项核实后勾选。"
    if errors:
        raise ValidationError(errors)
    rec = pipeline.enroll_helper(store, me, _read_bytes(path), fingerprint_typed, committee=committee.strip(),
                                 conditions=chosen, reviewer=reviewer.strip(), review_date=review_date,
                                 filed_date=filed_date or None, clock=svc._clock)
    return next(r for r in helper_rows(svc) if r["id"] == rec.id)


def revoke(svc: Any, fingerprint: str, reason: str = "设备丢失") -> Record:
    """Revoke a helper's device: its later bundles are refused and quarantined."""
    store, me = _office(svc)
    return pipeline.revoke_helper(store, me, normalise_fingerprint(fingerprint), reason or "设备丢失", svc._clock)


# ---------------------------------------------------------------------------- subjects


def subject_rows(svc: Any, *, committee: str = "", category: str = "", helper: str = "",
                 ending_within: int | None = None, query: str = "") -> list[dict[str, Any]]:
    """The register from the index summaries, filtered; ``helper`` is a fingerprint or "none"."""
    store, _me = _office(svc)
    today = _today(svc)
    interval = svc.settings()["visit_interval_days"]
    names = _helper_names(store)
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
        rows.append({
            "id": sid, "name": s.get("name", ""), "committee": s.get("committee") or "",
            "category": s.get("category") or "", "term_start": s.get("term_start") or "", "term_end": end,
            "helpers": helpers, "helper_names": [names.get(h, h[:5]) for h in helpers],
            "last_visit": s.get("last_visit"),
            "badges": summary_badges(s, today, visit_interval=interval),
        })
    rows.sort(key=lambda r: (r["committee"], r["name"]))
    return rows


def committees(svc: Any) -> list[str]:
    store, _me = _office(svc)
    return sorted({s.get("committee") for s in store.summaries().values() if s.get("committee")})


def save_subject(svc: Any, data: dict[str, Any], subject_id: str | None = None) -> Record:
    """Add a subject, or save the next revision of one (its helper assignments are kept)."""
    store, me = _office(svc)
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()
             if k in _SUBJECT_FIELDS and v not in (None, "")}
    if subject_id is not None:
        old = store.get(subject_id)
        if old is None or old.kind != "subject":
            raise NotFound("找不到该社区矫正对象,可能已被删除。")
        if old.data.get("helpers"):
            clean["helpers"] = list(old.data["helpers"])
    errors = validate_kind("subject", clean, today=_today(svc))
    if errors:
        raise ValidationError(errors)
    if subject_id is None:
        rec = Record.new("subject", clean, author=me.fingerprint, clock=svc._clock)
    else:
        rec = old.revise(clean, clock=svc._clock)
    return store.put(rec, actor=me.fingerprint)


def preview_roster_in(store: Store, path: str | Path, *, today: date) -> Any:
    """What importing the roster would add, update, skip and refuse (a ``sync.roster.RosterPlan``); writes nothing."""
    from sync.roster import plan_import

    return plan_import(store.list("subject"), Path(str(path).strip()), today=today)


def import_roster_into(store: Store, me: Identity, path: str | Path, *, clock: Callable[[], datetime]) -> dict[str, int]:
    """All rows of a CSV/XLSX roster or none: any refused row raises ``ValidationError`` listing every problem.

    Subjects already on the register are updated or skipped, never added twice.
    """
    from sync.roster import apply_plan

    plan = preview_roster_in(store, path, today=clock().date())
    return apply_plan(store, plan, author=me.fingerprint, clock=clock)


def roster_preview(svc: Any, path: str | Path) -> Any:
    """The office console's preview of a roster import (the CLI's ``subjects import --dry-run``)."""
    store, _me = _office(svc)
    return preview_roster_in(store, path, today=_today(svc))


def import_roster(svc: Any, path: str | Path) -> dict[str, int]:
    store, me = _office(svc)
    return import_roster_into(store, me, path, clock=svc._clock)


def assign(svc: Any, subject_id: str, helper_fp: str, *, replace: str | None = None) -> Record:
    """Assign a helper; with ``replace`` the subject moves from that helper to this one."""
    store, me = _office(svc)
    fp = normalise_fingerprint(helper_fp)
    rec = pipeline.assign(store, me, subject_id, fp, svc._clock)
    if replace and normalise_fingerprint(replace) != fp:
        rec = pipeline.unassign(store, me, subject_id, normalise_fingerprint(replace), svc._clock)
    return rec


def unassign(svc: Any, subject_id: str, helper_fp: str) -> Record:
    store, me = _office(svc)
    return pipeline.unassign(store, me, subject_id, normalise_fingerprint(helper_fp), svc._clock)


_REPORT_DETAIL = ("category", "urgency", "occurred", "description", "action")


def subject_page(svc: Any, subject_id: str) -> dict[str, Any]:
    """Everything the office knows of one subject, from that subject's partition only.

    The timeline holds every record from every helper (newest first) so the officer sees
    the whole case in one place; reports say whether the office has acknowledged them.
    """
    store, _me = _office(svc)
    records = store.list(subject=subject_id)
    subject = next((r for r in records if r.kind == "subject" and r.id == subject_id), None)
    if subject is None or subject.deleted:
        raise NotFound("找不到该社区矫正对象,可能已被删除。")
    names = _helper_names(store)
    names.setdefault(_me.fingerprint, str(store.meta_get("name", _me.name)))
    acked = {r.data.get("report") for r in records if r.kind == "ack" and not r.deleted}
    labels = {f.name: f.label for f in KINDS["subject"].fields}
    particulars = [{"name": k, "label": labels[k], "value": shown(subject.data.get(k))}
                   for k in (*PARTICULAR_FIELDS, "household", "judgment_date", "court", "notes")
                   if k in labels and subject.data.get(k) not in (None, "")]
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
        timeline.append(row)
    timeline.sort(key=lambda row: (row["date"], row["id"]), reverse=True)
    forms = [r for r in live if r.kind == "registration"]
    registration = None
    if forms:
        newest = max(forms, key=lambda r: (r.data.get("fill_date") or "", r.updated))
        registration = {"id": newest.id, "data": dict(newest.data)}
    evaluations = sorted(
        ({"id": r.id, "date": r.data.get("date", ""), "period": r.data.get("period", ""),
          "grade": r.data.get("grade", ""), "law_abiding": r.data.get("law_abiding", ""),
          "community_service": r.data.get("community_service", ""), "daily_conduct": r.data.get("daily_conduct", ""),
          "evaluators": len(r.data.get("evaluators") or []), "author_name": names.get(r.author, r.author[:5])}
         for r in live if r.kind == "evaluation"),
        key=lambda e: (e["date"], e["id"]), reverse=True)
    notices = sorted(
        ({"id": r.id, "number": r.data.get("number", ""), "issue_date": r.data.get("issue_date", ""),
          "tasks": list(r.data.get("tasks", []))} for r in live if r.kind == "notice"),
        key=lambda n: (n["issue_date"], n["id"]), reverse=True)
    helpers = [{"fingerprint": fp, "name": names.get(fp, fp[:5])} for fp in subject.data.get("helpers") or []]
    return {"id": subject_id, "name": subject.data.get("name", ""), "particulars": particulars,
            "helpers": helpers, "timeline": timeline, "registration": registration,
            "evaluations": evaluations, "notices": notices}


def save_registration_docx(svc: Any, subject_id: str, out: str | Path) -> Path:
    """The subject's newest 附件2 as DOCX (pre-filled from the register if none yet) where asked."""
    from sync import printing

    store, _me = _office(svc)
    target = Path(str(out).strip())
    if target.is_dir():
        subject = store.get(subject_id)
        target = target / f"登记表-{(subject.data.get('name') if subject else '') or subject_id}.docx"
    if target.suffix.lower() != ".docx":
        target = target.with_name(target.name + ".docx")
    return printing.print_registration(store, subject_id, target)


# ---------------------------------------------------------------------------- notices


def notice_tasks(chosen: Iterable[str], extra: str = "") -> list[str]:
    """Duties ticked (catalogue order) then free-text tasks, one per line, without repeats."""
    picked = set(chosen)
    tasks = [d for d in DUTIES if d in picked]
    tasks += [t for t in picked if t not in DUTIES and t.strip()]
    for line in (extra or "").splitlines():
        line = line.strip()
        if line and line not in tasks:
            tasks.append(line)
    return tasks


def issue_notice(svc: Any, subject_id: str, *, tasks: list[str], contact: str, contact_phone: str,
                 issuer: str, approver: str, issue_date: str | None = None) -> Record:
    """Number the next notice of the year, copy the subject's particulars, validate, save."""
    store, me = _office(svc)
    subject = store.get(subject_id)
    if subject is None or subject.kind != "subject" or subject.deleted:
        raise NotFound("找不到该社区矫正对象,可能已被删除。")
    if len(tasks) > MAX_TASKS:
        raise ValidationError({"tasks": f"协助事项最多{MAX_TASKS}项,当前为{len(tasks)}项"})
    day = issue_date or _today(svc).isoformat()
    try:
        year = date.fromisoformat(day).year
    except ValueError as exc:
        raise ValidationError({"issue_date": "填发日期应为 YYYY-MM-DD 格式"}) from exc
    counter: dict[str, int] = dict(store.meta_get(_NOTICE_COUNTER, {}))
    used = [(n.data.get("year"), n.data.get("seq")) for n in store.list("notice", include_deleted=True)]
    used.append((year, int(counter.get(str(year), 0))))
    seq = next_seq(((y, s) for y, s in used if isinstance(y, int) and isinstance(s, int)), year)
    data: dict[str, Any] = {k: subject.data[k] for k in _NOTICE_PARTICULARS if subject.data.get(k) not in (None, "")}
    data.update({"number": format_number(year, seq), "year": year, "seq": seq, "tasks": list(tasks),
                 "contact": (contact or "").strip(), "contact_phone": (contact_phone or "").strip(),
                 "issuer": (issuer or "").strip(), "approver": (approver or "").strip(), "issue_date": day})
    errors = validate_kind("notice", data, today=_today(svc))
    if errors:
        raise ValidationError(errors)
    rec = Record.new("notice", data, author=me.fingerprint, subject=subject_id, clock=svc._clock)
    counter[str(year)] = seq
    store.apply([rec], actor=me.fingerprint, meta={_NOTICE_COUNTER: counter})
    return rec


def notice_rows(svc: Any) -> list[dict[str, Any]]:
    store, _me = _office(svc)
    rows = [{"id": n.id, "number": n.data.get("number", ""), "year": n.data.get("year"), "seq": n.data.get("seq"),
             "name": n.data.get("name", ""), "committee": n.data.get("committee", ""),
             "issue_date": n.data.get("issue_date", ""), "tasks": list(n.data.get("tasks", [])), "subject": n.subject}
            for n in store.list("notice")]
    rows.sort(key=lambda r: (r["year"] or 0, r["seq"] or 0), reverse=True)
    return rows


def save_notice_docx(svc: Any, notice_id: str, out: str | Path) -> Path:
    """Write the notice with its stub (附件1) as DOCX where the officer asked."""
    from storage.documents import notice_docx

    store, _me = _office(svc)
    rec = store.get(notice_id)
    if rec is None or rec.kind != "notice":
        raise NotFound("找不到该通知单。")
    target = Path(str(out).strip())
    if target.suffix.lower() != ".docx":
        target = target.with_name(target.name + ".docx")
    return notice_docx(rec.data, target)


# ---------------------------------------------------------------------------- bundles


def bundle_paths(items: Iterable[str | Path]) -> list[Path]:
    """The bundle files named: folders give their ``.xtb`` files, sorted."""
    paths: list[Path] = []
    for item in items:
        p = Path(str(item).strip())
        if p.is_dir():
            paths.extend(sorted(q for q in p.iterdir() if q.is_file() and q.suffix == BUNDLE_SUFFIX))
        elif p.is_file():
            paths.append(p)
        else:
            raise OfficeError(f"找不到文件或文件夹:{item}。")
    return paths


def export_all_to(store: Store, me: Identity, out_dir: str | Path, *, clock: Callable[[], datetime],
                  progress: Progress | None = None) -> list[dict[str, Any]]:
    """One bundle per enrolled (active) helper into ``out_dir``, named after the helper."""
    from storage.documents import write_atomically

    folder = Path(str(out_dir).strip())
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OfficeError(f"无法创建文件夹:{folder}。请选择其他位置。") from exc
    helpers = [h for h in store.list("helper") if h.data.get("status") == "active"]
    out = []
    for i, h in enumerate(helpers):
        fp = h.data["fingerprint"]
        target = folder / f"至{h.data['name']}-{fp[:5]}{BUNDLE_SUFFIX}"
        try:  # one helper whose keys or file cannot be used must not stop the others
            sealed = pipeline.seal_bundle(store, me, fp, clock=clock)
            write_atomically(target, sealed.blob)
            sealed.commit()  # written: its records and subjects count as handed over
        except XietongError as exc:
            out.append({"helper": h.data["name"], "fingerprint": fp, "file": "", "bytes": 0, "error": exc.message})
        else:
            out.append({"helper": h.data["name"], "fingerprint": fp, "file": str(target),
                        "bytes": len(sealed.blob), "error": ""})
        if progress:
            progress(i + 1, len(helpers), target.name)
    return out


def export_all(svc: Any, folder: str | Path, *, progress: Progress | None = None) -> list[dict[str, Any]]:
    store, me = _office(svc)
    return export_all_to(store, me, folder, clock=svc._clock, progress=progress)


def import_paths(store: Store, me: Identity, paths: list[Path], quarantine: Path, *,
                 clock: Callable[[], datetime], progress: Progress | None = None) -> list[dict[str, Any]]:
    """Import each file in turn; one refused file does not stop the others (it is quarantined)."""
    names = _helper_names(store)
    results = []
    for i, path in enumerate(paths):
        o = pipeline.import_file(store, me, path, quarantine, clock=clock)
        sender = o.sender or (_claimed_sender(Path(o.quarantined)) if o.quarantined else None)
        results.append({
            "file": path.name, "path": str(path), "status": o.status, "label": o.label,
            "sender": sender, "sender_name": names.get(sender or "", ""), "seq": o.seq,
            "counts": dict(o.counts), "gap": o.gap, "code": o.code, "message": o.message or "",
            "quarantined": o.quarantined,
        })
        if progress:
            progress(i + 1, len(paths), path.name)
    return results


def _claimed_sender(path: Path) -> str | None:
    """Who a refused bundle says it is from (unauthenticated: only to tell the officer whose stick)."""
    from sync.errors import BundleRejected
    from sync.format import parse

    try:
        return str(parse(path.read_bytes()).header.sender)
    except (BundleRejected, OSError, ValueError):
        return None


def batch_import(svc: Any, folder: str | Path | list[str | Path], *,
                 progress: Progress | None = None) -> list[dict[str, Any]]:
    """Import every bundle in a folder (or the listed files); a result row per file."""
    store, me = _office(svc)
    items = folder if isinstance(folder, list) else [folder]
    return import_paths(store, me, bundle_paths(items), svc.home / QUARANTINE_DIR, clock=svc._clock,
                        progress=progress)


# ---------------------------------------------------------------------------- dashboard


def _open_urgent(store: Store, subject_id: str) -> list[Record]:
    records = store.list(subject=subject_id)
    acked = {r.data.get("report") for r in records if r.kind == "ack"}
    return [r for r in records if r.kind == "report" and r.data.get("urgency") == "紧急" and r.id not in acked]


def dashboard(svc: Any) -> dict[str, Any]:
    """What needs the officer: urgent reports, overdue visits, terms ending, subjects without a
    helper on the roster, conflicts, silent helpers.

    Everything comes from the index summaries except the urgent reports themselves (only the
    partitions of the ``URGENT_DETAIL_SUBJECTS`` most recently active subjects with one open are
    read; ``urgent_total`` counts them all) and the conflicts (only conflicting records).
    """
    store, _me = _office(svc)
    today = _today(svc)
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
    for sid, s in summaries.items():
        if s.get("deleted") or not s.get("name"):
            continue
        badges = summary_badges(s, today, visit_interval=interval, ending_days=ENDING_DAYS)
        base = {"subject": sid, "name": s.get("name", ""), "committee": s.get("committee") or ""}
        assigned = [fp for fp in s.get("helpers") or [] if isinstance(fp, str)]
        if not active.intersection(assigned) and str(s.get("term_end") or "9999") >= today.isoformat():
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
        for r in _open_urgent(store, sid):
            urgent.append({**base, "id": r.id, "category": r.data.get("category", ""),
                           "occurred": r.data.get("occurred", ""), "description": r.data.get("description", ""),
                           "author": r.author})
    urgent.sort(key=lambda r: r["occurred"], reverse=True)
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
            silent.append({"name": h["name"], "committee": h["committee"], "fingerprint": h["fingerprint"],
                           "last_bundle": h["last_bundle"], "days": days})
    return {"urgent_reports": urgent, "urgent_total": max(urgent_total, len(urgent)), "overdue": overdue,
            "ending_soon": ending, "unassisted": unassisted, "conflicts": conflict_rows(svc), "silent_helpers": silent}


def acknowledge(svc: Any, report_id: str, note: str = "", by: str | None = None) -> Record:
    """The office's ``ack`` of a report; it travels back to the helper in the next bundle."""
    store, me = _office(svc)
    report = store.get(report_id)
    if report is None or report.kind != "report" or report.subject is None:
        raise NotFound("找不到该重要情况报告。")
    for r in store.list("ack", subject=report.subject):
        if r.data.get("report") == report_id:
            return r
    data = {"report": report_id, "note": (note or "").strip() or "已收到,已处理。",
            "by": (by or "").strip() or str(store.meta_get("name", me.name)), "date": _today(svc).isoformat()}
    errors = validate_kind("ack", data, today=_today(svc))
    if errors:
        raise ValidationError(errors)
    rec = Record.new("ack", data, author=me.fingerprint, subject=report.subject, clock=svc._clock)
    return store.put(rec, actor=me.fingerprint)


def _cell(value: Any) -> str:
    """A field value as a person reads it (lists joined, family members one per entry)."""
    if isinstance(value, list):
        return "、".join(" ".join(str(x) for x in v.values() if x) if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, dict):
        return " ".join(str(x) for x in value.values() if x)
    return "" if value is None else str(value)


def conflict_rows(svc: Any) -> list[dict[str, Any]]:
    """Open conflicts, each naming its subject and author and, per version, the fields that differ
    under their form labels (the officer chooses by what differs, not by field codes)."""
    store, _me = _office(svc)
    summaries = store.summaries()
    names = _helper_names(store)
    rows = []
    for c in store.conflicts():
        labels = {f.name: f.label for f in KINDS[c.kind].fields} if c.kind in KINDS else {}
        datas = [dict(v.data) for v in c.versions]
        keys = list(dict.fromkeys(k for d in datas for k in d))
        differ = [k for k in keys if len({_cell(d.get(k)) for d in datas}) > 1]
        author = c.versions[0].author if c.versions else ""
        rows.append({
            "record_id": c.record_id, "kind": c.kind, "kind_label": KIND_LABELS.get(c.kind, c.kind),
            "subject": c.subject, "subject_name": str((summaries.get(c.subject or "") or {}).get("name") or ""),
            "author": author, "author_name": names.get(author, author[:5]),
            "revision": c.revision, "current_hash": c.current_hash,
            "versions": [{"hash": v.content_hash(), "updated": v.updated, "data": d,
                          "differences": [{"name": k, "label": labels.get(k, k), "value": _cell(d.get(k)) or "(空)"}
                                          for k in differ]}
                         for v, d in zip(c.versions, datas)],
        })
    return rows


def resolve_conflict(svc: Any, record_id: str, chosen_hash: str) -> Record:
    """Keep one rival version; the choice itself is recorded as a ``resolution`` record."""
    store, me = _office(svc)
    current = store.resolve_conflict(record_id, chosen_hash, actor=me.fingerprint)
    data = {"record": record_id, "chosen": chosen_hash, "by": str(store.meta_get("name", me.name)),
            "date": _today(svc).isoformat()}
    store.put(Record.new("resolution", data, author=me.fingerprint, subject=current.subject, clock=svc._clock),
              actor=me.fingerprint)
    return current


# ---------------------------------------------------------------------------- files for people


def write_office_card(svc: Any, out: str | Path) -> Path:
    """The office's public card (keys + name) for helpers to pin after comparing the digits."""
    from storage.documents import write_atomically
    from sync.identity import make_office_card

    _store, me = _office(svc)
    target = Path(str(out).strip())
    if target.is_dir():
        target = target / f"司法所身份卡-{me.name}{CARD_SUFFIX}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OfficeError(f"无法创建文件夹:{target.parent}。请选择其他位置。") from exc
    return write_atomically(target, make_office_card(me))


def write_report(svc: Any, kind: str, out: str | Path, *, date_from: str | None = None,
                 date_to: str | None = None) -> Path:
    """One of the office spreadsheets (visits, evaluations, subjects, helpers) as XLSX."""
    from sync import printing

    store, _me = _office(svc)
    target = Path(str(out).strip())
    if target.suffix.lower() != ".xlsx":
        target = target.with_name(target.name + ".xlsx")
    if kind == "helpers":  # the roster as the console shows it: 已撤销, and when data last arrived
        from storage.documents import helpers_xlsx

        rows = [{"name": r["name"], "committee": r["committee"], "phone": r["phone"], "status": r["status_label"],
                 "enrolled_date": r["enrolled_date"], "filed_date": r["filed_date"], "fingerprint": r["fingerprint"],
                 "last_received": r["last_bundle"]} for r in helper_rows(svc)]
        return helpers_xlsx(rows, target)
    return printing.report(store, kind, target, date_from=date_from or None, date_to=date_to or None)


def write_card_docx(svc: Any, out: str | Path) -> Path:
    from sync import printing

    _store, me = _office(svc)
    target = Path(str(out).strip())
    if target.suffix.lower() != ".docx":
        target = target.with_name(target.name + ".docx")
    return printing.print_card(me, target, today=_today(svc))


__all__ = [
    "OfficeError", "acknowledge", "assign", "batch_import", "bundle_paths", "committees", "conflict_rows",
    "dashboard", "enrol_from_request", "save_registration_docx", "subject_page", "enrolment_preview", "export_all", "export_all_to", "helper_rows",
    "import_paths", "import_roster", "import_roster_into", "preview_roster_in", "roster_preview", "issue_notice", "list_files", "notice_rows",
    "notice_tasks", "resolve_conflict", "revoke", "save_notice_docx", "save_subject", "subject_rows",
    "unassign", "write_office_card", "write_report", "write_card_docx",
]
