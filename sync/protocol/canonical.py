"""Canonical JSON: the one byte string that a given value may be written as.

Headers, office cards and enrolment requests are signed as bytes, so a reader must refuse
any other spelling of the same value (spaces, key order, escapes, duplicate keys, floats);
otherwise a file could be changed without breaking its signature's meaning. The rule is
simple to check: decoding and re-encoding must give back exactly the bytes read.
"""

from __future__ import annotations

import json
from typing import Any

MAX_INT = 2**63 - 1


class NotCanonical(ValueError):
    """Raised by ``loads``; callers convert it to their own user-facing error."""


def dumps(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8 (non-ASCII kept raw), no floats."""
    check_value(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def check_value(value: Any, depth: int = 0) -> None:
    """Only JSON types we can spell one way: dict (str keys), list, str, int, bool, None."""
    if depth > 32:
        raise NotCanonical("nested too deeply")
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if not -MAX_INT <= value <= MAX_INT:
            raise NotCanonical("integer out of range")
        return
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise NotCanonical("string is not valid Unicode") from exc
        return
    if isinstance(value, list):
        for item in value:
            check_value(item, depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise NotCanonical("object key is not a string")
            check_value(key, depth + 1)
            check_value(item, depth + 1)
        return
    raise NotCanonical(f"value of type {type(value).__name__} is not allowed")


def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """The object of ``pairs``; a key given twice is refused (built in C, then counted: a
    bundle's ten thousand records are twenty thousand objects)."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise NotCanonical(f"duplicate key {key!r}")
            seen.add(key)
    return out


def no_float(text: str) -> Any:
    raise NotCanonical("floats are not allowed")


def no_constant(text: str) -> Any:
    raise NotCanonical(f"{text} is not allowed")


def loads(data: bytes) -> Any:
    """Decode canonical JSON strictly, or raise ``NotCanonical``."""
    try:
        text = bytes(data).decode("utf-8")
        value = json.loads(
            text,
            object_pairs_hook=no_duplicates,
            parse_float=no_float,
            parse_constant=no_constant,
        )
    except NotCanonical:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise NotCanonical(str(exc)) from exc
    if dumps(value) != bytes(data):
        raise NotCanonical("not in canonical form")
    return value
