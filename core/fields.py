"""What a record kind is made of: field types, ``Field``, ``KindSchema``, the small constructors
the schemas are written with, and the subject particulars several kinds share (``core.schemas``
holds the kinds themselves)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from core.validation import is_blank
from core.vocabularies import CATEGORIES, GENDERS

# Field types.
TEXT = "text"
DATE = "date"
YEARMONTH = "yearmonth"
INT = "int"
BOOL = "bool"
PHONE = "phone"
CHOICE = "choice"
ROWS = "list-of-rows"
STRS = "list-of-str"
INTS = "list-of-int"
FIELD_TYPES = frozenset({TEXT, DATE, YEARMONTH, INT, BOOL, PHONE, CHOICE, ROWS, STRS, INTS})
COPY = "record-copy"  # a copy of another record's data, checked against its own kind (handover)
FIELD_TYPES = FIELD_TYPES | {COPY}

FINGERPRINT_RE = re.compile(r"[0-9]{30}")
KEY_HEX_RE = re.compile(r"[0-9a-f]{64}")
HASH_RE = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Field:
    """One field of a kind: code name, Chinese label, type and constraints."""

    name: str
    label: str
    type: str = TEXT
    required: bool = True
    choices: tuple[str, ...] = ()
    choice_labels: tuple[str, ...] = ()  # what people see, parallel to choices (defaults to choices)
    row: tuple[Field, ...] = ()  # columns of a list-of-rows
    min_items: int = 0
    max_items: int | None = None
    unit: str = "项"  # counting word in list-size messages (评议人应为3至5人)
    past: bool = False  # a date that cannot lie in the future
    lo: int | None = None
    hi: int | None = None
    max_len: int = 2000
    multiline: bool = False
    pattern: re.Pattern[str] | None = None  # for text and list-of-str items
    pattern_hint: str = ""
    default: str = ""  # what a new record's form starts with (家中, the normal answer of a choice)

    @property
    def shown_choices(self) -> tuple[str, ...]:
        return self.choice_labels or self.choices

    def column(self, name: str) -> Field:
        for f in self.row:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass(frozen=True)
class KindSchema:
    """A kind's fields as the current form writes them, and ``legacy``: the fields as an earlier
    app version wrote the kind. Records of that shape are never migrated; they stay valid, and
    are shown and corrected with the fields they were written with (``fields_for``)."""

    kind: str
    label: str
    fields: tuple[Field, ...]
    legacy: tuple[Field, ...] = ()

    def field(self, name: str) -> Field:
        return self._by_name[name]  # KeyError for a name neither shape has

    @cached_property
    def _by_name(self) -> dict[str, Field]:
        """Each field by name, the current form's first (made once: the visit's rules look up
        their fields for every record of an import)."""
        out: dict[str, Field] = {}
        for f in (*self.fields, *self.legacy):
            out.setdefault(f.name, f)
        return out

    def is_legacy(self, data: Any) -> bool:
        """Whether ``data`` (a record's data or form values) has the earlier shape: it fills a
        field only that shape has, and none only the current form has."""
        if not self.legacy or not isinstance(data, dict):
            return False
        legacy_only, current_only = self._shape_names
        if legacy_only.isdisjoint(data):  # the usual answer, in C: no field only that shape has
            return False
        old_filled = False
        for k, v in data.items():
            if k in current_only:
                if not is_blank(v):
                    return False
            elif not old_filled and k in legacy_only and not is_blank(v):
                old_filled = True
        return old_filled

    @cached_property
    def _shape_names(self) -> tuple[frozenset[str], frozenset[str]]:
        """(names only the legacy shape has, names only the current form has), computed once:
        ``is_legacy`` runs several times per record of an imported bundle."""
        now, old = frozenset(self.names), frozenset(f.name for f in self.legacy)
        return old - now, now - old

    def fields_for(self, data: Any) -> tuple[Field, ...]:
        """The fields ``data`` is validated, shown and edited with."""
        return self.legacy if self.is_legacy(data) else self.fields

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def text_field(
    name: str, label: str, *, required: bool = True, multiline: bool = False, max_len: int | None = None
) -> Field:
    return Field(
        name,
        label,
        TEXT,
        required=required,
        multiline=multiline,
        max_len=max_len if max_len is not None else (2000 if multiline else 200),
    )


def long_field(name: str, label: str, *, required: bool = True) -> Field:
    return text_field(name, label, required=required, multiline=True)


def date_field(name: str, label: str, *, past: bool = True, required: bool = True) -> Field:
    return Field(name, label, DATE, required=required, past=past)


def choice_field(
    name: str, label: str, choices: tuple[str, ...], *, labels: tuple[str, ...] = (), default: str = ""
) -> Field:
    return Field(name, label, CHOICE, choices=choices, choice_labels=labels, default=default)


def assessment_fields(name: str, label: str, choices: tuple[str, ...]) -> tuple[Field, Field]:
    """A visit's 思想状况 (工作, 生活, 家庭情况): a choice starting at its normal answer (the first),
    and a short note, which ``core.record_checks`` requires when the answer is not the normal one."""
    return (
        choice_field(f"{name}_state", label, choices, default=choices[0]),
        text_field(f"{name}_note", f"{label}说明", required=False, max_len=200),
    )


def fingerprint_field(name: str, label: str) -> Field:
    return Field(name, label, TEXT, max_len=30, pattern=FINGERPRINT_RE, pattern_hint=",应为30位数字")


def record_ref_field(name: str, label: str) -> Field:
    return Field(name, label, TEXT, max_len=64)


# Subject particulars, shared by the subject register, the notice that copies them and the
# helper's registration form.
NAME = text_field("name", "姓名", max_len=40)
GENDER = choice_field("gender", "性别", GENDERS)
BIRTH = Field("birth", "出生年月", YEARMONTH, past=True)
HOUSEHOLD = text_field("household", "户籍地")
RESIDENCE = text_field("residence", "居住地")
JUDGMENT_DATE = date_field("judgment_date", "判决日期")
CRIME = text_field("crime", "罪名", max_len=100)
COURT = text_field("court", "法院", max_len=100)
SENTENCE = text_field("sentence", "判处", max_len=200)
CATEGORY = choice_field("category", "矫正类别", CATEGORIES)
TERM_START = date_field("term_start", "矫正期限起", past=False)
TERM_END = date_field("term_end", "矫正期限止", past=False)
COMMITTEE = text_field("committee", "村(居)民委员会", max_len=100)
TOWN = text_field("town", "乡镇(街道)", max_len=100)
PARTICULARS = (
    NAME,
    GENDER,
    BIRTH,
    HOUSEHOLD,
    RESIDENCE,
    JUDGMENT_DATE,
    CRIME,
    COURT,
    SENTENCE,
    CATEGORY,
    TERM_START,
    TERM_END,
)
