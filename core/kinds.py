"""The record kinds in one import: vocabularies, schemas and validation, re-exported.

Kept so the many ``core.kinds`` importers read unchanged. New code imports from where each
name lives: ``core.vocabularies`` (choice lists and labels), ``core.schemas`` (``Field``,
``KindSchema``, ``KINDS``) and ``core.record_checks`` (``validate``, ``check``).
"""

from __future__ import annotations

from core.record_checks import CROSS_CHECKS, CrossCheck, check, validate
from core.schemas import (
    BOOL,
    CHOICE,
    DATE,
    FIELD_TYPES,
    INT,
    INTS,
    KINDS,
    PHONE,
    ROWS,
    SECTIONS,
    STRS,
    TEXT,
    YEARMONTH,
    Field,
    KindSchema,
    label,
    section_of,
)
from core.vocabularies import (
    CATEGORIES,
    DECLARATION_TYPES,
    DUTIES,
    GENDERS,
    HELPER_CONDITIONS,
    HELPER_STATUSES,
    KIND_LABELS,
    RATINGS,
    REPORT_CATEGORIES,
    TEAM_SLOTS,
    URGENCIES,
    YES_NO,
)

__all__ = [
    "BOOL",
    "CATEGORIES",
    "CHOICE",
    "CROSS_CHECKS",
    "CrossCheck",
    "DATE",
    "DECLARATION_TYPES",
    "DUTIES",
    "FIELD_TYPES",
    "Field",
    "GENDERS",
    "HELPER_CONDITIONS",
    "HELPER_STATUSES",
    "INT",
    "INTS",
    "KINDS",
    "KIND_LABELS",
    "KindSchema",
    "PHONE",
    "RATINGS",
    "REPORT_CATEGORIES",
    "ROWS",
    "SECTIONS",
    "STRS",
    "TEAM_SLOTS",
    "TEXT",
    "URGENCIES",
    "YEARMONTH",
    "YES_NO",
    "check",
    "label",
    "section_of",
    "validate",
]
