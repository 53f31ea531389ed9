"""The record checks compiled: each field's rule as one small function of (value, today).

A compiled test answers True only where the record checks' full check of that field
(``core.record_checks._check_field``) adds no error; a field type with no test written here is
checked in full. ``core.record_checks.validate`` takes this path first: a record whose every
field passes skips the per-field sentences (an import checks ten thousand records), any other is
checked field by field. The tests hold the two equal for every kind and shape.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from core import validation as v
from core.schemas import BOOL, CHOICE, DATE, INT, STRS, TEXT, Field

FieldTest = Callable[[Any, "date | None"], bool]
# ``_check_field(f, value, key, errors, today)``: adds the field's error sentences to ``errors``
FullCheck = Callable[[Field, Any, str, dict[str, str], "date | None"], None]


def _blank_ok(f: Field) -> bool:
    """What ``_check_field`` says of a blank value: fine unless the field is required."""
    return not (f.required or f.min_items)


def _text_test(f: Field) -> FieldTest:
    blank_ok, max_len, pattern = _blank_ok(f), f.max_len, f.pattern
    search = (v.CONTROL_MULTILINE_RE if f.multiline else v.CONTROL_RE).search

    def test(value: Any, day: date | None) -> bool:
        if type(value) is not str:
            return value is None and blank_ok
        stripped = value.strip()
        if not stripped:
            return blank_ok
        if len(value) > max_len or search(value) is not None:
            return False
        return pattern is None or pattern.fullmatch(stripped) is not None

    return test


def _date_test(f: Field) -> FieldTest:
    blank_ok, past = _blank_ok(f), f.past

    def test(value: Any, day: date | None) -> bool:
        if type(value) is not str:
            return value is None and blank_ok
        if not value.strip():
            return blank_ok
        d = v.parse_date(value)
        if d is None or not v.MIN_YEAR <= d.year <= v.MAX_YEAR:
            return False
        return not (past and day is not None and d > day)

    return test


def _choice_test(f: Field) -> FieldTest:
    blank_ok = _blank_ok(f)
    allowed = frozenset(c for c in f.choices if c.strip())

    def test(value: Any, day: date | None) -> bool:
        if type(value) is not str:
            return value is None and blank_ok
        if value in allowed:
            return True
        return not value.strip() and blank_ok

    return test


def _int_test(f: Field) -> FieldTest:
    blank_ok, lo, hi = _blank_ok(f), f.lo, f.hi

    def test(value: Any, day: date | None) -> bool:
        if type(value) is not int:
            return value is None and blank_ok
        return (lo is None or value >= lo) and (hi is None or value <= hi)

    return test


def _bool_test(f: Field) -> FieldTest:
    blank_ok = _blank_ok(f)

    def test(value: Any, day: date | None) -> bool:
        return type(value) is bool or (value is None and blank_ok)

    return test


def _strs_test(f: Field) -> FieldTest:
    blank_ok, lo, hi, max_len, pattern = _blank_ok(f), f.min_items, f.max_items, f.max_len, f.pattern
    allowed = frozenset(f.choices) if f.choices else None
    search = v.CONTROL_RE.search  # an item is one line

    def test(value: Any, day: date | None) -> bool:
        if type(value) is not list:
            return value is None and blank_ok
        n = len(value)
        if not n:
            return blank_ok
        if n < lo or (hi is not None and n > hi):
            return False
        for item in value:
            if type(item) is not str or len(item) > max_len or search(item) is not None:
                return False
            if allowed is not None:
                if item not in allowed or not item.strip():
                    return False
            elif not item.strip():
                return False
            if pattern is not None and pattern.fullmatch(item.strip()) is None:
                return False
        return True

    return test


_TESTS: dict[str, Callable[[Field], FieldTest]] = {
    TEXT: _text_test,
    DATE: _date_test,
    CHOICE: _choice_test,
    INT: _int_test,
    BOOL: _bool_test,
    STRS: _strs_test,
}


class Compiled:
    """A shape's fields as compiled checks (``passes``), and its field names."""

    def __init__(self, fields: tuple[Field, ...], full_check: FullCheck) -> None:
        self._full_check = full_check
        self.known = frozenset(f.name for f in fields)
        self.tests: dict[str, FieldTest] = {f.name: _TESTS[f.type](f) for f in fields if f.type in _TESTS}
        # Every test passes a field that is absent (None) exactly when the field may be blank:
        # only the fields present, and the presence of those that may not be blank, are asked.
        self.needed = frozenset(f.name for f in fields if f.type in _TESTS and not _blank_ok(f))
        # fields with no compiled test: their own full check, alone
        self.others = tuple(f for f in fields if f.type not in _TESTS)

    def passes(self, data: dict[str, Any], day: date | None) -> bool:
        """True only if the full rules would find nothing (False: they have to be asked)."""
        if not self.known.issuperset(data) or not data.keys() >= self.needed:
            return False
        tests = self.tests
        for name, value in data.items():
            test = tests.get(name)
            if test is not None and not test(value, day):
                return False
        get = data.get
        if self.others:
            scratch: dict[str, str] = {}
            for f in self.others:
                self._full_check(f, get(f.name), f.name, scratch, day)
            return not scratch
        return True


_COMPILED: dict[int, tuple[tuple[Field, ...], Compiled]] = {}


def compiled_for(fields: tuple[Field, ...], full_check: FullCheck) -> Compiled:
    """The compiled checks of one shape (a kind's fields or its legacy fields), made once;
    ``full_check`` is the record checks' own check of one field (always the same function)."""
    hit = _COMPILED.get(id(fields))
    if hit is None or hit[0] is not fields:
        hit = _COMPILED[id(fields)] = (fields, Compiled(fields, full_check))
    return hit[1]
