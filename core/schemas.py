"""One schema per record kind, as in docs/fields.md: its fields, their types, labels and limits.

Views render forms from these schemas, documents print their labels, and
``core.record_checks`` validates a record's ``data`` against them. Labels use the seed
documents' wording.
"""

from __future__ import annotations

from core.fields import (
    BOOL,
    CHOICE,
    COPY,
    DATE,
    FIELD_TYPES,
    INT,
    INTS,
    PHONE,
    ROWS,
    STRS,
    TEXT,
    YEARMONTH,
    Field,
    KindSchema,
)
from core.schemas_helper import HELPER_SCHEMAS
from core.schemas_office import OFFICE_SCHEMAS
from core.vocabularies import KIND_LABELS

__all__ = [
    "BOOL",
    "CHOICE",
    "COPY",
    "DATE",
    "FIELD_TYPES",
    "INT",
    "INTS",
    "KINDS",
    "PHONE",
    "ROWS",
    "SECTIONS",
    "STRS",
    "TEXT",
    "YEARMONTH",
    "Field",
    "KindSchema",
    "label",
    "section_of",
]

# In the register's order (that of ``KIND_LABELS``), which forms and lists follow.
_ORDER = tuple(KIND_LABELS)
KINDS: dict[str, KindSchema] = {
    s.kind: s for s in sorted((*OFFICE_SCHEMAS, *HELPER_SCHEMAS), key=lambda s: _ORDER.index(s.kind))
}

# Headings the seed's form prints over a run of consecutive fields (附件2 groups 性格特点, 能力专长
# and 其他特征 under 个体特征): kind -> ((heading, field names in form order), ...). A table field
# (家庭主要成员) carries its own heading as its label.
SECTIONS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "registration": (("个体特征", ("personality", "skills", "other_traits")),),
}


def section_of(kind: str, name: str) -> tuple[str, tuple[str, ...]] | None:
    """The (heading, field names) of the section field ``name`` of ``kind`` belongs to, or None."""
    for heading, names in SECTIONS.get(kind, ()):
        if name in names:
            return heading, names
    return None


def label(kind: str, name: str) -> str:
    """The Chinese label of a field (dotted names reach into rows), or the name itself."""
    schema = KINDS.get(kind)
    if schema is None:
        return name
    head, _, rest = name.partition(".")
    try:
        f = schema.field(head)
    except KeyError:
        return name
    col = rest.split(".")[-1] if rest else ""
    if col and f.row:
        try:
            return f.column(col).label
        except KeyError:
            return f.label
    return f.label
