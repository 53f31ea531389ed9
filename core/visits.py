"""The visit (走访) as choices: what counts as normal, the rules for notes, "与上次相同", and the
report an 异常 answer leads to.

A visit records four assessments (思想状况, 工作情况, 生活情况, 家庭情况), each a choice whose
first answer is the normal one, with a short note required when the answer is not normal; who
was present as chips; and 走访记录, required only when some answer is not normal. Visits saved
before this form (every answer a paragraph) keep their shape: ``KINDS["visit"].legacy``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.schemas import KINDS, Field
from core.validation import is_blank
from core.vocabularies import ABNORMAL, PRESENT_CHOICES, PRESENT_OTHER, REPORT_CATEGORIES

VISIT = KINDS["visit"]
# (choice field, note field) of each assessment, in form order.
ASSESSMENTS: tuple[tuple[str, str], ...] = tuple(
    (f.name, f.name[: -len("_state")] + "_note") for f in VISIT.fields if f.name.endswith("_state")
)
# What "与上次相同" copies from the last visit; the date is always today's and 走访记录 is new.
SAME_AS_LAST: tuple[str, ...] = (
    "place",
    "present_who",
    "present_other",
    *(name for pair in ASSESSMENTS for name in pair),
)


# Each assessment's field, and its normal answer: its first choice (稳定, 正常).
_STATE_FIELDS: dict[str, Field] = {state: VISIT.field(state) for state, _note in ASSESSMENTS}
_NORMAL: dict[str, str] = {state: f.choices[0] for state, f in _STATE_FIELDS.items()}


def normal(state: str) -> str:
    """The normal answer of an assessment: its first choice (稳定, 正常)."""
    return _NORMAL[state]


def is_legacy(data: Mapping[str, Any]) -> bool:
    """A visit saved as free text before the choices (no migration: it stays as it was)."""
    return VISIT.is_legacy(data if isinstance(data, dict) else dict(data))


def unusual(data: Mapping[str, Any]) -> list[dict[str, str]]:
    """The answers that are not the normal one, in form order: name, label, value and note.
    A legacy visit has none (its paragraphs are not graded)."""
    if not (type(data) is dict or isinstance(data, Mapping)) or is_legacy(data):
        return []
    out = []
    for state, note in ASSESSMENTS:
        value = data.get(state)
        if type(value) is not str or value == _NORMAL[state]:
            continue
        f = _STATE_FIELDS[state]
        if value in f.choices:
            text = data.get(note)
            out.append(
                {"name": state, "label": f.label, "value": value, "note": text.strip() if isinstance(text, str) else ""}
            )
    return out


def check(data: dict[str, Any], errors: dict[str, str]) -> None:
    """The cross-field rules of a visit (the record checks run them after each field's own)."""
    if is_legacy(data):
        return
    for state, note in ASSESSMENTS:
        value = data.get(state)
        if value == _NORMAL[state] or state in errors or not isinstance(value, str):
            continue
        if is_blank(data.get(note)) and note not in errors:
            label = _STATE_FIELDS[state].label
            errors[note] = f"{label}为“{value}”,请在{label}说明中写明具体情况"
    if "notes" not in errors and is_blank(data.get("notes")):  # 走访记录 only asked for then
        off = unusual(data)
        if off:
            which = "、".join(f"{u['label']}“{u['value']}”" for u in off)
            errors["notes"] = f"{which}不是正常情况,请在走访记录中至少写一行"
    present = data.get("present_who")
    ticked = present if isinstance(present, list) else []
    if "present_other" not in errors:
        if PRESENT_OTHER in ticked and is_blank(data.get("present_other")):
            errors["present_other"] = f"在场人员选了“{PRESENT_OTHER}”,请填写其他在场人员"
        elif PRESENT_OTHER not in ticked and not is_blank(data.get("present_other")):
            errors["present_other"] = f"在场人员未选“{PRESENT_OTHER}”,请删除其他在场人员或勾选“{PRESENT_OTHER}”"


def note_shown(values: Mapping[str, Any], note: str) -> bool:
    """Whether the form shows a note input: its answer is not normal, or it already has text."""
    state = note[: -len("_note")] + "_state"
    value = values.get(state)
    return (isinstance(value, str) and value != "" and value != normal(state)) or not is_blank(values.get(note))


def other_shown(values: Mapping[str, Any]) -> bool:
    """Whether the form shows 其他在场人员: 其他 is ticked, or it already has text."""
    ticked = values.get("present_who")
    return (isinstance(ticked, list) and PRESENT_OTHER in ticked) or not is_blank(values.get("present_other"))


def required_now(values: Mapping[str, Any], name: str) -> bool | None:
    """Whether a field whose need depends on other answers is needed with these values: a note
    when its answer is not normal, 走访记录 when any answer is not, 其他在场人员 when 其他 is
    ticked. None for the fields the schema alone decides."""
    if is_legacy(values):
        return None
    if name.endswith("_note"):
        state = name[: -len("_note")] + "_state"
        value = values.get(state)
        return isinstance(value, str) and value != "" and value != normal(state)
    if name == "notes":
        return bool(unusual(values))
    if name == "present_other":
        ticked = values.get("present_who")
        return isinstance(ticked, list) and PRESENT_OTHER in ticked
    return None


def same_as_last(values: dict[str, Any], last: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """``values`` with the answers of the subject's ``last`` visit (place, who was present, the
    four answers and their notes); the date and 走访记录 stay as they are. None when there is
    nothing to copy: no last visit, or one saved as free text (its paragraphs are no choices)."""
    if not isinstance(last, Mapping) or is_legacy(last):
        return None
    out = dict(values)
    copied = False
    for name in SAME_AS_LAST:
        f = VISIT.field(name)
        value = last.get(name)
        if isinstance(value, list):
            items = [x for x in value if isinstance(x, str) and (not f.choices or x in f.choices)]
            out[name] = items
            copied = copied or bool(items)
        elif isinstance(value, str) and (not f.choices or value in f.choices):
            out[name] = value
            copied = copied or bool(value)
        else:
            out[name] = [] if isinstance(values.get(name), list) else ""
    return out if copied else None


# Words in a note that point to one of the seed's categories of 重要情况 (三(二)3), checked in
# this order; the first match wins.
_CATEGORY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("家庭重大变故", ("去世", "病故", "病重", "住院", "车祸", "火灾", "变故", "过世", "重病")),
    ("严重情感纠纷", ("离婚", "分居", "感情", "恋爱", "女友", "男友", "出轨", "争吵", "吵架", "家暴")),
    ("经济纠纷", ("欠款", "债", "借钱", "借款", "工资", "讨要", "赔偿", "经济纠纷", "合伙")),
    ("异常社会交往", ("前科", "陌生人", "聚集", "网友", "赌", "交往", "来往", "行踪")),
    ("居住地变更", ("搬家", "搬迁", "搬至", "迁往", "租房", "居住地")),
    ("外出", ("外出", "外地", "外省", "出省", "离开本地")),
)
# Without a telling word: the category each assessment most often leads to.
_CATEGORY_BY_FIELD = {
    "family_state": "家庭重大变故",
    "work_state": "经济纠纷",
    "life_state": "其他",
    "thinking_state": "其他",
}


def guess_category(state: str, note: str) -> str:
    """The report category an unusual answer most likely is (the helper can change it)."""
    text = note or ""
    for category, words in _CATEGORY_WORDS:
        if any(w in text for w in words):
            return category
    guess = _CATEGORY_BY_FIELD.get(state, "其他")
    return guess if guess in REPORT_CATEGORIES else REPORT_CATEGORIES[-1]


def report_from(data: Mapping[str, Any], state: str) -> dict[str, str]:
    """What a 重要情况报告 starts with when made from a visit's unusual answer ``state``: the
    category guessed, the visit's date as 发生日期, and the note carried over as 情况描述.
    The urgency is left for the helper to choose."""
    f: Field = VISIT.field(state)
    value = data.get(state)
    note = data.get(state[: -len("_state")] + "_note")
    note_text = note.strip() if isinstance(note, str) else ""
    head = f"走访发现{f.label}{value if isinstance(value, str) and value else ABNORMAL}"
    return {
        "category": guess_category(state, note_text),
        "occurred": str(data.get("date") or ""),
        "description": f"{head}:{note_text}" if note_text else head + "。",
    }


def present_text(data: Mapping[str, Any]) -> str:
    """Who was present as one line: the chips, 其他 replaced by the names typed (or the legacy text)."""
    ticked = data.get("present_who")
    if not isinstance(ticked, list):
        legacy = data.get("present")
        return legacy if isinstance(legacy, str) else ""
    other = data.get("present_other")
    other_text = other.strip() if isinstance(other, str) else ""
    names = [
        (f"{PRESENT_OTHER}:{other_text}" if x == PRESENT_OTHER and other_text else str(x))
        for x in ticked
        if x in PRESENT_CHOICES
    ]
    return "、".join(names)


def detail_lines(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A visit as the lines a person reads (label, text, whether it is unusual), for the office's
    subject page and anything else that shows a visit in full. A legacy visit gives its own
    paragraphs under their own labels, as it was saved."""
    if not isinstance(data, Mapping):
        return []
    lines: list[dict[str, Any]] = []

    def add(label: str, text: Any, flag: bool = False) -> None:
        if isinstance(text, str) and text.strip():
            lines.append({"label": label, "text": text.strip(), "unusual": flag})

    add("走访地点", data.get("place"))
    if is_legacy(data):
        for f in VISIT.legacy:
            if f.name not in ("date", "place"):
                add(f.label, data.get(f.name))
        return lines
    add("在场人员", present_text(data))
    for state, note in ASSESSMENTS:
        value = data.get(state)
        if not isinstance(value, str) or not value:
            continue
        text = data.get(note)
        extra = f"({text.strip()})" if isinstance(text, str) and text.strip() else ""
        add(VISIT.field(state).label, value + extra, value != normal(state))
    add("走访记录", data.get("notes"))
    add("发现的情况", data.get("situation"))
    return lines


def headline(data: Mapping[str, Any]) -> str:
    """The timeline's line for a visit: the place, then any unusual answer (家中 · 家庭情况异常)."""
    place = data.get("place")
    parts = [place if isinstance(place, str) else ""]
    parts += [u["label"] + u["value"] for u in unusual(data)]
    return " · ".join(p for p in parts if p)
