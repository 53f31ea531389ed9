"""What a record form holds while a person fills it, apart from any UI toolkit.

Form *values* are what the widgets show: scalar fields as the typed string (a BOOL as 是/否),
list-of-str / list-of-int fields as the list of ticked choice strings, and list-of-rows fields
as a list of ``{column: string}`` dicts, one per row the person added. ``to_data`` turns values
into record data for ``core.record_checks.validate``; ``from_data`` turns a saved record back into
values for a correction; drafts are values made JSON-safe, and ``from_draft`` trusts nothing in
them (a draft may come from an older app version).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from core import visits
from core.schemas import BOOL, DATE, INT, INTS, KINDS, ROWS, STRS, Field, KindSchema
from core.validation import check_int

YES, NO = "是", "否"
Values = dict[str, Any]


def draft_id(kind: str, subject: str, record_id: str | None) -> str:
    """One draft per new record of a kind for a subject, or per record being edited."""
    return f"edit-{record_id}" if record_id else f"new-{kind}-{subject}"


def draft_owner(did: str) -> tuple[str | None, str | None]:
    """(record id, subject id) a draft was made for, read back from ``draft_id``; (None, None)
    for an id of another shape."""
    if did.startswith("edit-"):
        return did[len("edit-") :], None
    if did.startswith("new-"):
        kind, _, subject = did[len("new-") :].partition("-")
        if kind in KINDS and subject:
            return None, subject
    return None, None


def _schema(kind: str) -> KindSchema:
    return KINDS[kind]


def _fields(kind: str, values: Any) -> tuple[Field, ...]:
    """The fields these values are edited with: a record (or draft) in the kind's earlier shape
    keeps its own fields (a visit typed as paragraphs is corrected as paragraphs)."""
    return _schema(kind).fields_for(values)


def blank_row(f: Field) -> dict[str, str]:
    return {c.name: "" for c in f.row}


def today_fields(kind: str) -> tuple[str, ...]:
    """The dates a new record starts at today: required dates that cannot lie in the future.

    These are when the visit, report, meeting... happened, which is nearly always the day it is
    written down; a term end or other future date is never guessed.
    """
    return tuple(f.name for f in _schema(kind).fields if f.type == DATE and f.required and f.past)


def new_values(kind: str, today: date | None = None, *, fields: tuple[Field, ...] | None = None) -> Values:
    """Values for a new record: empty, or the field's ``default`` (走访地点 家中, the normal answer
    of a visit's choices); a table that needs rows starts with that many blank rows.

    With ``today`` (the caller's clock, never read here) the ``today_fields`` start at that date.
    ``fields`` (the kind's legacy shape) gives blank values of that shape instead.
    """
    out: Values = {}
    for f in fields if fields is not None else _schema(kind).fields:
        if f.type == ROWS:
            out[f.name] = [blank_row(f) for _ in range(f.min_items)]
        elif f.type in (STRS, INTS):
            out[f.name] = []
        else:
            out[f.name] = f.default if fields is None else ""
    if today is not None:
        for name in today_fields(kind):
            out[name] = today.isoformat()
    return out


# What a new record of a kind copies from the office's subject record: form field -> subject field.
# The registration form (附件2) asks again for particulars the office already sent with the
# subject; the helper checks them instead of typing them.
FROM_SUBJECT: dict[str, dict[str, str]] = {
    "registration": {
        "name": "name",
        "gender": "gender",
        "residence": "residence",
        "household": "household",
        "committee": "committee",
        "contact": "phone",
    },
}
# The field of a kind naming who filled it in (the helper using this phone).
FILLER: dict[str, str] = {"registration": "filler"}


def prefill(kind: str, subject_data: dict[str, Any] | None, me_name: str | None, today: date | None = None) -> Values:
    """Values for a NEW record: ``new_values`` plus what the subject record and the helper's
    own name already answer. Only for a new record: a restored draft or a correction keeps
    what the person typed or saved.

    A subject value that the form field would refuse as a choice (e.g. an unknown gender) is
    left out, so the person picks it rather than fixing a wrong guess.
    """
    out = new_values(kind, today)
    schema = _schema(kind)
    data = subject_data if isinstance(subject_data, dict) else {}
    for name, source in FROM_SUBJECT.get(kind, {}).items():
        f = schema.field(name)
        text = _scalar_text(f, data.get(source)).strip()
        if not text or (f.choices and text not in f.choices):
            continue
        out[name] = text
    filler = FILLER.get(kind)
    if filler and isinstance(me_name, str) and me_name.strip():
        out[filler] = me_name.strip()
    if kind in AGE_FROM_BIRTH and today is not None:
        age = age_on(data.get("birth"), today)
        f = schema.field(AGE_FROM_BIRTH[kind])
        if age is not None and check_int(age, f.label, lo=f.lo, hi=f.hi) is None:  # one the form accepts
            out[f.name] = str(age)
    return out


# The field of a kind holding the subject's age, worked out from the subject's 出生年月.
AGE_FROM_BIRTH: dict[str, str] = {"registration": "age"}


def age_on(birth: Any, day: date) -> int | None:
    """Full years (周岁) on ``day`` of someone born in ``birth`` ("YYYY-MM"), or None.

    Only the month is known: in the birth month itself the birthday is taken as passed, so the
    age may be one too high for part of that month (the person corrects it on the form)."""
    try:
        year, month = (int(x) for x in str(birth).split("-")[:2])
    except (TypeError, ValueError):
        return None
    if not 1 <= month <= 12 or (year, month) > (day.year, day.month):
        return None
    return day.year - year - (1 if day.month < month else 0)


BAR_TITLE_MAX = 10  # characters of a form title that fit a 400 px app bar beside the back button
SHORT_LABELS: dict[str, str] = {"registration": "登记表"}


def form_titles(kind: str, editing: bool) -> tuple[str, str | None]:
    """(app-bar title, full title for the page body or None).

    A phone's app bar holds about 12 characters beside the back button: a longer form name
    (社区矫正对象基本情况登记表) gets a short bar title and its full name in the body, where it wraps.
    """
    verb = "修改" if editing else "新增"
    full = verb + _schema(kind).label
    if len(full) <= BAR_TITLE_MAX:
        return full, None
    return verb + SHORT_LABELS.get(kind, _schema(kind).label[: BAR_TITLE_MAX - len(verb)]), full


def first_empty_required(kind: str, values: Values, paths: Sequence[str]) -> str | None:
    """The first of ``paths`` (in form order, ``name`` or ``name.i.col``) that must be filled and is empty.

    The form focuses it when it opens, so a person starts typing where the work is. ``paths`` are
    the inputs that can take focus; a path of an unknown field or row is skipped.
    """
    schema = _schema(kind)
    for path in paths:
        head, _, rest = path.partition(".")
        try:
            f = schema.field(head)
        except KeyError:
            continue
        value: Any = values.get(head)
        if rest:
            index_text, _, column = rest.partition(".")
            rows = value if isinstance(value, list) else []
            if not index_text.isdigit() or int(index_text) >= len(rows) or f.type != ROWS:
                continue
            try:
                f = f.column(column)
            except KeyError:
                continue
            row = rows[int(index_text)]
            value = row.get(column) if isinstance(row, dict) else None
        if not f.required and not f.min_items:
            continue
        if _empty(value):
            return path
    return None


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def next_path(paths: Sequence[str], current: str) -> str | None:
    """The input after ``current`` in form order (where Enter moves to), or None at the last one."""
    try:
        i = list(paths).index(current)
    except ValueError:
        return None
    return paths[i + 1] if i + 1 < len(paths) else None


def _scalar_text(f: Field, value: Any) -> str:
    if value is None:
        return ""
    if f.type == BOOL and isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def _row_values(f: Field, row: Any) -> dict[str, str]:
    src = row if isinstance(row, dict) else {}
    return {c.name: _scalar_text(c, src.get(c.name)) for c in f.row}


def _list_values(f: Field, value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    items = [str(x) for x in value if isinstance(x, (str, int)) and not isinstance(x, bool)]
    if f.choices:
        items = [x for x in items if x in f.choices]
    return list(dict.fromkeys(items))


def from_data(kind: str, data: dict[str, Any]) -> Values:
    """Values showing a saved record's data (for a correction), in the shape it was saved in."""
    fields = _fields(kind, data)
    out = new_values(kind, fields=fields)
    for f in fields:
        if f.name not in data:
            continue
        value = data[f.name]
        if f.type == ROWS:
            out[f.name] = [_row_values(f, r) for r in value] if isinstance(value, list) else []
        elif f.type in (STRS, INTS):
            out[f.name] = _list_values(f, value)
        else:
            out[f.name] = _scalar_text(f, value)
    return out


def _convert(f: Field, text: str) -> Any:
    """One trimmed scalar to its record type; unparsable input stays text so validation names it."""
    if f.type == INT:
        try:
            return int(text)
        except ValueError:
            return text
    if f.type == BOOL:
        return {YES: True, NO: False}.get(text, text)
    return text


def _row_data(f: Field, row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for c in f.row:
        text = str(row.get(c.name) or "").strip()
        if text or c.required:
            out[c.name] = _convert(c, text)
    return out


def to_data(kind: str, values: Values) -> dict[str, Any]:
    """Record data from form values: trimmed, typed, empty optional fields left out.

    Every row the person added is kept (a blank row is reported, not silently dropped), so
    error keys like ``family.1.phone`` point at the row on screen.
    """
    out: dict[str, Any] = {}
    for f in _fields(kind, values):
        value = values.get(f.name)
        if f.type == ROWS:
            rows = value if isinstance(value, list) else []
            if rows or f.required or f.min_items:
                out[f.name] = [_row_data(f, r if isinstance(r, dict) else {}) for r in rows]
        elif f.type in (STRS, INTS):
            items = _list_values(f, value)
            if f.type == INTS:
                items_out: list[Any] = [int(x) if x.lstrip("-").isdigit() else x for x in items]
            else:
                items_out = [x.strip() for x in items]
            if items_out or f.required or f.min_items:
                out[f.name] = items_out
        else:
            text = str(value or "").strip() if isinstance(value, (str, int)) else ""
            if text or f.required:
                out[f.name] = _convert(f, text)
    return out


def form_fields(kind: str, values: Values) -> tuple[Field, ...]:
    """The fields a form shows for ``values``, in order: the shape they are in (``_fields``),
    less the inputs not relevant now (ODK's "relevant"): a visit's note while its answer is the
    normal one and the note is empty, 其他在场人员 until 其他 is ticked."""
    fields = _fields(kind, values)
    if kind != "visit" or fields is not _schema(kind).fields:
        return fields
    notes = {note for _state, note in visits.ASSESSMENTS}
    return tuple(
        f
        for f in fields
        if (f.name not in notes or visits.note_shown(values, f.name))
        and (f.name != "present_other" or visits.other_shown(values))
    )


def set_value(values: Values, path: str, value: Any) -> Values:
    """A copy of ``values`` with ``path`` (``name`` or ``name.row.column``) set to ``value``."""
    out = copy_values(values)
    head, _, rest = path.partition(".")
    if not rest:
        out[head] = value
        return out
    index_text, _, column = rest.partition(".")
    rows = out.get(head)
    if not isinstance(rows, list) or not index_text.isdigit() or int(index_text) >= len(rows) or not column:
        raise KeyError(path)
    rows[int(index_text)][column] = "" if value is None else str(value)
    return out


def can_add_row(kind: str, values: Values, name: str) -> bool:
    f = _schema(kind).field(name)
    rows = values.get(name)
    count = len(rows) if isinstance(rows, list) else 0
    return f.max_items is None or count < f.max_items


def add_row(kind: str, values: Values, name: str) -> Values:
    """A copy with one blank row appended to table ``name`` (unchanged when the table is full)."""
    f = _schema(kind).field(name)
    if f.type != ROWS:
        raise KeyError(name)
    out = copy_values(values)
    if not can_add_row(kind, out, name):
        return out
    rows = out.get(name)
    out[name] = (rows if isinstance(rows, list) else []) + [blank_row(f)]
    return out


def remove_row(kind: str, values: Values, name: str, index: int) -> Values:
    """A copy without row ``index`` of table ``name`` (unchanged when there is no such row)."""
    if _schema(kind).field(name).type != ROWS:
        raise KeyError(name)
    out = copy_values(values)
    rows = out.get(name)
    if isinstance(rows, list) and 0 <= index < len(rows):
        out[name] = rows[:index] + rows[index + 1 :]
    return out


def copy_values(values: Values) -> Values:
    """A copy deep enough that changing rows or lists never touches the original."""
    out: Values = {}
    for k, v in values.items():
        if isinstance(v, list):
            out[k] = [dict(x) if isinstance(x, dict) else x for x in v]
        else:
            out[k] = v
    return out


def to_draft(kind: str, values: Values) -> dict[str, Any]:
    """JSON-safe draft of the values (known fields only, rows included)."""
    return {"v": 2, "values": _clean(kind, values)}


def from_draft(kind: str, draft: Any) -> Values:
    """Values from a stored draft; also reads the flat {name: text} drafts of the first forms."""
    if not isinstance(draft, dict):
        return new_values(kind)
    raw = draft.get("values") if draft.get("v") == 2 else draft
    return _clean(kind, raw if isinstance(raw, dict) else {})


def _clean(kind: str, values: dict[str, Any]) -> Values:
    fields = _fields(kind, values)  # a draft of the earlier form restores as that form
    out = new_values(kind, fields=None if fields is _schema(kind).fields else fields)
    for f in fields:
        if f.name not in values:
            continue
        value = values[f.name]
        if f.type == ROWS:
            out[f.name] = (
                [_row_values(f, r) for r in value if isinstance(r, dict)][:200]
                if isinstance(value, list)
                else out[f.name]
            )
        elif f.type in (STRS, INTS):
            out[f.name] = _list_values(f, value)
        elif isinstance(value, (str, int)) and not isinstance(value, bool):
            out[f.name] = str(value)
    return out


def error_paths(errors: dict[str, str], kind: str) -> dict[str, str]:
    """Validation errors keyed for the form: row cell errors stay ``name.i.col``; others by field.

    Errors on keys the form cannot show (``_``, unknown fields) are kept under ``_`` joined.
    """
    schema = _schema(kind)
    names = set(schema.names) | {f.name for f in schema.legacy}
    out: dict[str, str] = {}
    other: list[str] = []
    for key, message in errors.items():
        if key.split(".", 1)[0] in names:
            out[key] = message
        else:
            other.append(message)
    if other:
        out["_"] = ";".join(other)
    return out
