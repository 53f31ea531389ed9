"""调查评估 before the register (issue 15 item 5): a court's or agency's entrustment
(委托调查评估) for a 被告人 or 罪犯 who is not yet a subject, with only what is known then.

The office records it, may name a helper who helps with it, records the assessment's result
(适合/不适合社区矫正, with a summary: the helper's assistance is written down here by the office)
and, once the person is sentenced to community correction, converts it into a register entry:
``save_subject`` creates the subject from the entrustment's known fields and the sentence, and
the entrustment is marked converted (it names the subject; the subject's 备注 names it back).

The entrustment is its own partition. It travels to the helper it names, who records the
investigation (调查评估) on the phone; the office reads those beside the entrustment
(``investigations``) when it writes the result (``core.entrustment``, ``sync.exchange.entrustments``).
Every rule (required fields, date order, one conversion only) is checked here, the one path the
console and the CLI share.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

from core.entrustment import INVESTIGATION_KIND, EntrustmentFinished, is_finished
from core.errors import NotFound, ValidationError, XietongError
from core.fingerprint import BadFingerprint, normalise_fingerprint
from core.kinds import validate as validate_kind
from core.records import Record, new_id
from core.schemas_office import ENTRUSTMENT_RESULTS
from core.validation import parse_date
from storage import Store
from sync.app.office.access import helper_names, office_of
from sync.app.session import Service
from sync.exchange.peers import is_revoked

KIND = "entrustment"
# What the office types when recording one; the rest is filled later.
ENTRY_FIELDS = ("name", "gender", "birth", "residence", "status", "court", "entrusted_date", "due_date", "request")
# The sentence the office fills on conversion (the subject's other particulars come along).
SENTENCE_FIELDS = ("judgment_date", "crime", "court", "sentence", "category", "term_start", "term_end")
CARRIED = ("name", "gender", "birth", "residence")
# What the console shows of a helper's investigation (its schema's fields after the date).
INVESTIGATION_FIELDS = ("residence", "family", "social", "community_opinion", "opinion")


class AlreadyConverted(XietongError):
    code = "entrustment_converted"
    default_message = "该委托调查评估已转为社区矫正对象,不能重复转入。"


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if v not in (None, "")}


def _check(svc: Service, data: dict[str, Any]) -> None:
    errors = validate_kind(KIND, data, today=svc.today())
    entrusted, due = parse_date(data.get("entrusted_date")), parse_date(data.get("due_date"))
    if entrusted and due and "due_date" not in errors and due < entrusted:
        errors["due_date"] = "完成期限不能早于委托日期,请检查"
    done = parse_date(data.get("result_date"))
    if entrusted and done and "result_date" not in errors and done < entrusted:
        errors["result_date"] = "评估日期不能早于委托日期,请检查"
    if data.get("result") and not data.get("summary") and "summary" not in errors:
        errors["summary"] = "请填写评估情况(含协助人员协助调查的情况)"
    if errors:
        raise ValidationError(errors)


def _helper(store: Store, typed: str) -> str:
    """The enrolled, not revoked helper a typed fingerprint names (the rule for both forms)."""
    shown = typed.strip()
    try:
        fp = normalise_fingerprint(shown)
    except BadFingerprint:
        raise ValidationError({"helper": f"“{shown}”不是协助人员身份指纹,应为30位数字,请核对或不指定。"}) from None
    if fp not in helper_names(store):
        raise ValidationError({"helper": f"找不到身份指纹为“{shown}”的协助人员,请先登记该协助人员或不指定。"})
    if is_revoked(store, fp):
        raise ValidationError({"helper": f"协助人员“{helper_names(store)[fp]}”已被撤销,不能协助调查评估。"})
    return fp


def _entrustment(svc: Service, entrustment_id: str) -> Record:
    store, _me = office_of(svc)
    rec = store.get((entrustment_id or "").strip())
    if rec is None or rec.kind != KIND or rec.deleted:
        raise NotFound("找不到该委托调查评估,请检查编号。")
    return rec


def record_entrustment(svc: Service, data: dict[str, Any]) -> Record:
    """Record a new entrustment from the fields known at that point (``helper`` optional)."""
    store, me = office_of(svc)
    clean = _clean({k: data.get(k) for k in (*ENTRY_FIELDS, "helper")})
    if clean.get("helper"):
        clean["helper"] = _helper(store, str(clean["helper"]))
    _check(svc, clean)
    rid = new_id()  # its own partition, as a subject's: it travels to the helper it names
    rec = Record.new(KIND, clean, author=me.fingerprint, subject=rid, record_id=rid, clock=svc.clock)
    return store.put(rec, actor=me.fingerprint)


def assign_entrustment_helper(svc: Service, entrustment_id: str, helper: str) -> Record:
    """Name the helper who helps with the investigation (或 "" for none). The entrustment goes to
    that helper's phone with the next bundle, and leaves a phone it no longer names."""
    store, me = office_of(svc)
    rec = _entrustment(svc, entrustment_id)
    if is_finished(rec.data):
        raise EntrustmentFinished()
    data = {k: v for k, v in rec.data.items() if k != "helper"}
    if (helper or "").strip():
        data["helper"] = _helper(store, helper)
    if data == rec.data and rec.subject == rec.id:
        return rec
    # an entrustment recorded before entrustments travelled becomes its own partition now
    return store.put(replace(rec.revise(data, clock=svc.clock), subject=rec.id), actor=me.fingerprint)


def investigations(svc: Service, entrustment_id: str) -> list[dict[str, Any]]:
    """The named helpers' investigations (调查评估) received for an entrustment, newest first."""
    store, _me = office_of(svc)
    rec = _entrustment(svc, entrustment_id)
    names = helper_names(store)
    found = [r for r in store.list(INVESTIGATION_KIND, rec.id) if not r.deleted and r.author != rec.author]
    found.sort(key=lambda r: (str(r.data.get("date") or ""), r.updated), reverse=True)
    return [
        {
            "id": r.id,
            "date": str(r.data.get("date") or ""),
            "helper_name": names.get(r.author, r.author[:5]),
            **{k: str(r.data.get(k) or "") for k in INVESTIGATION_FIELDS},
        }
        for r in found
    ]


def _row(rec: Record, names: dict[str, str]) -> dict[str, Any]:
    d = rec.data
    helper = str(d.get("helper") or "")
    return {
        "id": rec.id,
        **{k: str(d.get(k) or "") for k in (*ENTRY_FIELDS, "result", "summary", "result_date")},
        "helper": helper,
        "helper_name": names.get(helper, helper[:5]) if helper else "",
        "converted_to": str(d.get("converted_to") or ""),
        "converted_date": str(d.get("converted_date") or ""),
    }


def entrustment_rows(svc: Service, *, open_only: bool = True) -> list[dict[str, Any]]:
    """Entrustments by due date (soonest first); by default only those not yet converted."""
    store, _me = office_of(svc)
    names = helper_names(store)
    recs = [r for r in store.list(KIND) if not (open_only and r.data.get("converted_to"))]
    recs.sort(key=lambda r: (str(r.data.get("due_date", "")), str(r.data.get("name", ""))))
    received = Counter(r.subject for r in store.list(INVESTIGATION_KIND) if not r.deleted)
    return [{**_row(r, names), "investigations": received.get(r.id, 0)} for r in recs]


def open_entrustments(svc: Service) -> list[dict[str, Any]]:
    return entrustment_rows(svc, open_only=True)


def record_assessment_result(
    svc: Service, entrustment_id: str, result: str, summary: str, on: str | None = None
) -> Record:
    """Record the assessment's outcome (适合/不适合社区矫正) and its summary."""
    store, me = office_of(svc)
    rec = _entrustment(svc, entrustment_id)
    if rec.data.get("converted_to"):
        raise AlreadyConverted()
    result = (result or "").strip()
    if result not in ENTRUSTMENT_RESULTS:
        raise ValidationError({"result": f"评估意见应为 {'或'.join(ENTRUSTMENT_RESULTS)}。"})
    data = {
        **rec.data,
        "result": result,
        "summary": (summary or "").strip(),
        "result_date": (on or "").strip() or svc.today().isoformat(),
    }
    _check(svc, _clean(data))
    return store.put(rec.revise(_clean(data), clock=svc.clock), actor=me.fingerprint)


def convert_entrustment(svc: Service, entrustment_id: str, sentence: dict[str, Any]) -> Record:
    """The person was sentenced to community correction: create the subject from the known fields
    plus ``sentence`` (judgment date, crime, court, sentence, category, term; and the register's
    other particulars: household, committee, town…), and mark the entrustment converted.
    Returns the new subject. A converted entrustment cannot convert again."""
    from sync.app.office.register import subject_record

    store, me = office_of(svc)
    rec = _entrustment(svc, entrustment_id)
    if rec.data.get("converted_to"):
        raise AlreadyConverted()
    # The court decides: an office opinion of 不适合社区矫正 does not bar the register entry.
    known = {k: rec.data[k] for k in CARRIED if rec.data.get(k)}
    given = _clean(dict(sentence))
    data: dict[str, Any] = {**known, **given}
    link = f"由委托调查评估转入(委托机关:{rec.data.get('court', '')},委托日期:{rec.data.get('entrusted_date', '')})"
    data["notes"] = f"{data['notes']}\n{link}" if data.get("notes") else link
    subject = subject_record(svc, data)
    marked = {**rec.data, "converted_to": subject.id, "converted_date": svc.today().isoformat()}
    # one commit: the register entry and the entrustment marked converted, or neither
    store.apply([subject, rec.revise(marked, clock=svc.clock)], actor=me.fingerprint)
    return subject
