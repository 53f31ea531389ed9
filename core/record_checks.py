"""Validation of a record's ``data`` against its kind's schema: ``validate`` and ``check``.

The sync import validates incoming records with ``validate``; forms show its messages inline.
Error keys are field code names; rows of a list are addressed by 0-based index
(``family.1.phone`` is the second family member's phone), while messages count from 1 for
people. Whole-record problems use the key ``_`` (or ``kind`` for an unknown kind).
Single values are checked by ``core.validation``; the cross-field rules of a kind live here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from core import validation as v
from core import visits
from core.compiled_checks import Compiled, compiled_for
from core.errors import ValidationError
from core.handover import check_items as _check_handover_items
from core.numbering import format_number
from core.schemas import (
    BOOL,
    CHOICE,
    DATE,
    INT,
    INTS,
    KINDS,
    PHONE,
    ROWS,
    STRS,
    TEXT,
    YEARMONTH,
    Field,
)


def _check_value(f: Field, value: Any, label: str, today: date | None) -> str | None:
    """The error for one present (non-blank) scalar value, or None."""
    t = f.type
    if t == TEXT:
        return v.check_text(
            value, label, max_len=f.max_len, pattern=f.pattern, pattern_hint=f.pattern_hint, multiline=f.multiline
        )
    if t == DATE:
        return v.check_date(value, label, today=today, past=f.past)
    if t == YEARMONTH:
        return v.check_yearmonth(value, label, today=today, past=f.past)
    if t == INT:
        return v.check_int(value, label, lo=f.lo, hi=f.hi)
    if t == BOOL:
        return v.check_bool(value, label)
    if t == PHONE:
        return v.check_phone(value, label)
    if t == CHOICE:
        return v.check_choice(value, label, f.choices, f.shown_choices)
    return None


def _count_error(f: Field, value: Any, label: str) -> str | None:
    n = len(value) if isinstance(value, list) else 0
    lo, hi = f.min_items, f.max_items
    if n >= lo and (hi is None or n <= hi):
        return None
    if hi is None:
        return f"{label}至少应有{lo}{f.unit},当前为{n}{f.unit}"
    if lo == 0:
        return f"{label}最多{hi}{f.unit},当前为{n}{f.unit}"
    if lo == hi:
        return f"{label}应为{lo}{f.unit},当前为{n}{f.unit}"
    return f"{label}应为{lo}至{hi}{f.unit},当前为{n}{f.unit}"


def _missing_message(f: Field, label: str) -> str:
    if f.type in (CHOICE, BOOL) or (f.type in (STRS, INTS) and f.choices and f.min_items <= 1):
        return f"请选择{label}"
    if f.type in (ROWS, STRS, INTS) and f.min_items:
        return _count_error(f, [], label) or f"请填写{label}"
    return f"请填写{label}"


def _check_field(f: Field, value: Any, key: str, errors: dict[str, str], today: date | None, prefix: str = "") -> None:
    label = f.label
    if v.is_blank(value):
        if f.required or f.min_items:
            errors[key] = prefix + _missing_message(f, label)
        return
    if f.type in (ROWS, STRS, INTS):
        if not isinstance(value, list):
            errors[key] = prefix + f"{label}应为列表,请重新填写"
            return
        count = _count_error(f, value, label)
        if count:
            errors[key] = prefix + count
        if f.type == ROWS:
            for i, row in enumerate(value[: (f.max_items or len(value)) + 50]):
                _check_row(f, row, f"{key}.{i}", i, errors, today)
        elif f.type == STRS:
            for i, item in enumerate(value[: (f.max_items or len(value)) + 50]):
                item_label = f"{label}第{i + 1}{'项' if f.unit == '项' else '个'}"
                if v.is_blank(item):
                    errors[f"{key}.{i}"] = prefix + f"{item_label}为空,请填写或删除"
                    continue
                msg = v.check_text(item, item_label, max_len=f.max_len, pattern=f.pattern, pattern_hint=f.pattern_hint)
                if msg is None and f.choices and item not in f.choices:
                    msg = f"{item_label}只能选择:{'、'.join(f.shown_choices)}"
                if msg:
                    errors[f"{key}.{i}"] = prefix + msg
        else:
            seen: set[int] = set()
            for i, item in enumerate(value[:50]):
                msg = v.check_int(item, f"{label}第{i + 1}项", lo=f.lo, hi=f.hi)
                if msg is None and item in seen:
                    msg = f"{label}第{i + 1}项重复"
                if msg:
                    errors[f"{key}.{i}"] = prefix + msg
                else:
                    seen.add(item)
        return
    msg = _check_value(f, value, label, today)
    if msg:
        errors[key] = prefix + msg


def _check_row(f: Field, row: Any, key: str, index: int, errors: dict[str, str], today: date | None) -> None:
    prefix = f"{f.label}第{index + 1}行:"
    if not isinstance(row, dict):
        errors[key] = prefix + "格式不正确,请重新填写"
        return
    for col in f.row:
        _check_field(col, row.get(col.name), f"{key}.{col.name}", errors, today, prefix)
    known = {c.name for c in f.row}
    for k in row:
        if k not in known:
            errors[f"{key}.{k}"] = prefix + "包含无法识别的栏目"


# Cross-field rules: (kind -> checks) each adding errors for a record whose fields passed alone.
CrossCheck = Callable[[dict[str, Any], dict[str, str]], None]


def _ok(errors: dict[str, str], *names: str) -> bool:
    return not any(n in errors for n in names)


def _check_term(data: dict[str, Any], errors: dict[str, str]) -> None:
    start, end = v.parse_date(data.get("term_start")), v.parse_date(data.get("term_end"))
    judged = v.parse_date(data.get("judgment_date"))
    birth = v.parse_yearmonth(data.get("birth"))
    if start and end and _ok(errors, "term_start", "term_end") and end <= start:
        errors["term_end"] = "矫正期限止日期应晚于起始日期,请检查"
    if start and judged and _ok(errors, "term_start", "judgment_date") and start < judged:
        errors["term_start"] = "矫正期限起始日期不能早于判决日期,请检查"
    if birth and judged and _ok(errors, "birth", "judgment_date") and birth >= (judged.year, judged.month):
        errors["birth"] = "出生年月应早于判决日期,请检查"


def _check_notice_number(data: dict[str, Any], errors: dict[str, str]) -> None:
    if not _ok(errors, "number", "year", "seq"):
        return
    if data["number"].strip() != format_number(data["year"], data["seq"]):
        errors["number"] = f"通知单编号与年份、序号不一致,应为 {format_number(data['year'], data['seq'])}"


def _check_family_problem(data: dict[str, Any], errors: dict[str, str]) -> None:
    if data.get("family_problem") == "是" and v.is_blank(data.get("main_problems")):
        errors["main_problems"] = "家庭关系存在问题时,请填写存在的主要问题"


def _check_helper_dates(data: dict[str, Any], errors: dict[str, str]) -> None:
    enrolled, filed = v.parse_date(data.get("enrolled_date")), v.parse_date(data.get("filed_date"))
    reviewed = v.parse_date(data.get("review_date"))
    if reviewed and enrolled and _ok(errors, "review_date", "enrolled_date") and enrolled < reviewed:
        errors["enrolled_date"] = "登记日期不能早于审查日期,请检查"
    if enrolled and filed and _ok(errors, "enrolled_date", "filed_date") and filed < enrolled:
        errors["filed_date"] = "备案日期不能早于登记日期,请检查"


def _check_team_leader(data: dict[str, Any], errors: dict[str, str]) -> None:
    leader = data.get("leader")
    if v.is_blank(leader) or not _ok(errors, "leader", "members"):
        return
    names = {str(m.get("name", "")).strip() for m in data.get("members") or [] if isinstance(m, dict)}
    if str(leader).strip() not in names:
        errors["leader"] = "组长应为小组成员之一,请先把组长加入小组成员"


def _check_movement(data: dict[str, Any], errors: dict[str, str]) -> None:
    start, end = v.parse_date(data.get("start")), v.parse_date(data.get("end"))
    applied = v.parse_date(data.get("applied"))
    if data.get("type") == "外出" and v.is_blank(data.get("end")) and "end" not in errors:
        errors["end"] = "外出申请请填写预计返回日期"
    if start and end and _ok(errors, "start", "end") and end < start:
        errors["end"] = "预计返回日期不能早于外出日期,请检查"
    if start and applied and _ok(errors, "start", "applied") and start < applied:
        errors["start"] = "外出或迁居日期不能早于申请日期,请检查"


CROSS_CHECKS: dict[str, tuple[CrossCheck, ...]] = {
    "subject": (_check_term,),
    "notice": (_check_term, _check_notice_number),
    "registration": (_check_family_problem,),
    "helper": (_check_helper_dates,),
    "visit": (visits.check,),
    "team": (_check_team_leader,),
    "movement": (_check_movement,),
    "handover": (_check_handover_items,),
}


def validate(kind: Any, data: Any, *, today: date | None = None) -> dict[str, str]:
    """Field-level Chinese error sentences for ``data`` of ``kind``; empty when valid.

    ``today`` (injected, never read from the clock here) enables the "not in the future"
    checks; without it those checks are skipped. Never raises on malformed input.

    A record whose every field passes its kind's compiled checks (``compiled``: each field's
    rule as one small function, which only ever accepts what the field's full check accepts)
    skips the per-field sentences; any other record is checked field by field, so the errors
    are the same, in the same order (the tests hold the two equal for every kind).
    """
    if not isinstance(kind, str) or kind not in KINDS:
        return {"kind": "无法识别的记录类型,请更新应用或联系司法所"}
    if not isinstance(data, dict):
        return {"_": "记录内容格式不正确"}
    day = v.as_day(today)
    schema = KINDS[kind]
    fields = schema.fields_for(data)  # a record in a kind's earlier shape keeps that shape's rules
    fast = compiled(fields)
    if fast.passes(data, day):
        errors: dict[str, str] = {}
    else:
        errors = field_errors(fields, data, day)
    for rule in CROSS_CHECKS.get(kind, ()):
        rule(data, errors)
    return errors


def field_errors(fields: tuple[Field, ...], data: dict[str, Any], day: date | None) -> dict[str, str]:
    """Each field's own check, then any key no field has: the full (uncompiled) rules."""
    errors: dict[str, str] = {}
    for f in fields:
        _check_field(f, data.get(f.name), f.name, errors, day)
    known = {f.name for f in fields}
    for k in data:
        if k not in known:
            errors[str(k)] = "包含无法识别的字段,请更新应用或联系司法所"
    return errors


def compiled(fields: tuple[Field, ...]) -> Compiled:
    """The compiled checks of one shape, falling back to ``_check_field`` for the fields that
    have no compiled test (``core.compiled_checks``)."""
    return compiled_for(fields, _check_field)


def check(kind: Any, data: Any, *, today: date | None = None) -> None:
    """Raise ``ValidationError`` (with the field errors) unless ``data`` is valid."""
    errors = validate(kind, data, today=today)
    if errors:
        raise ValidationError(errors)
