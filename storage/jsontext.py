"""The store's JSON spelling (compact, non-ASCII kept raw), and objects assembled from parts
already spelled.

Every file the store writes holds JSON as ``json.dumps(obj, ensure_ascii=False,
separators=(",", ":"))`` spells it (hashes: the same with sorted keys). A large import encodes
ten thousand records, each several times over (content hash, journal, partition file, audit
log); two things make that cheaper without changing a byte of any file:

- one C encoder made once and reused (``json.dumps`` with options builds a new encoder per
  call, which was as costly as encoding a small object);
- ``obj_text``: an object whose values are spelled already, joined as ``json.dumps`` would have
  written it, so a document encoded for the journal is not encoded again for its partition;
  ``obj_bytes`` the same in UTF-8 (a document's text is kept as the bytes every file holds);
- ``loads_spelled``: reading such a file back keeps the text of each entry of the objects asked
  for, so the index read at unlock is not spelled again, whole, at the first checkpoint.

The encoder does not look for reference cycles: everything encoded here is built by the store
from parsed JSON (a settings value is checked with ``json.dumps`` before it is accepted).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable
from typing import Any

# The C encoder behind ``json.dumps`` (None without the C accelerator, which CPython always has).
c_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)

# The function ``json`` itself uses for strings when ``ensure_ascii=False`` (C where available).
string_text: Callable[[str], str] = json.encoder.encode_basestring


def _default(value: Any) -> Any:
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def _encoder(sort_keys: bool) -> Callable[[Any], str]:
    if c_make_encoder is None:  # pragma: no cover
        return json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys).encode
    # Arguments as json.JSONEncoder.iterencode passes them (markers None: no cycle check).
    make = c_make_encoder(None, _default, string_text, None, ":", ",", sort_keys, False, True)

    def encode(value: Any) -> str:
        if isinstance(value, str):
            return string_text(value)
        return "".join(make(value, 0))

    return encode


text: Callable[[Any], str] = _encoder(False)
"""``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``."""

sorted_text: Callable[[Any], str] = _encoder(True)
"""The same with ``sort_keys=True`` (what the store hashes)."""


def dumps(value: Any) -> bytes:
    return text(value).encode("utf-8")


def obj_text(items: Iterable[tuple[str, str]]) -> str:
    """The JSON object whose (string) keys map to values already spelled, in this order."""
    out = ["{"]
    comma = ""
    for k, v in items:
        out += (comma, string_text(k), ":", v)
        comma = ","
    out.append("}")
    return "".join(out)


def obj_bytes(items: Iterable[tuple[str, bytes]]) -> bytes:
    """``obj_text(...).encode("utf-8")`` for values spelled already in UTF-8."""
    out = [b"{"]
    comma = b""
    for k, v in items:
        out += (comma, string_text(k).encode("utf-8"), b":", v)
        comma = b","
    out.append(b"}")
    return b"".join(out)


# json.loads's own scanner and string reader (C where available), untyped in typeshed
_scan_once: Callable[[str, int], tuple[Any, int]] = json.decoder.JSONDecoder().scan_once  # type: ignore[attr-defined]
_scan_string: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]


def loads_spelled(text: str, keep: Collection[str]) -> tuple[Any, dict[str, dict[str, str]]]:
    """``json.loads(text)``, and for each key of ``keep`` whose value is an object, the text of
    each of its entries' values as ``text`` spells them: exactly ``text(value)`` when this
    module wrote ``text``, otherwise a spelling of an equal value. Only the compact spelling this
    module writes is read in parts; anything else is simply parsed, with no texts kept. Bad JSON
    raises what ``json.loads`` raises."""
    texts: dict[str, dict[str, str]] = {}
    try:
        body, end = _object(text, 0, keep, texts, None) if text[:1] == "{" else (None, -1)
    except (IndexError, ValueError, StopIteration, RecursionError):  # StopIteration: no value found
        body, end = None, -1
    if end != len(text):  # not the compact spelling (or not JSON): json.loads decides
        return json.loads(text), {}
    return body, texts


def _object(
    s: str, i: int, keep: Collection[str], texts: dict[str, dict[str, str]], spans: dict[str, str] | None
) -> tuple[dict[str, Any], int]:
    """The compact object at ``s[i]`` and where it ends; each entry's value text goes to
    ``spans`` (unless None), and the values named in ``keep`` are read the same way, their
    entries' texts kept in ``texts`` under that name."""
    out: dict[str, Any] = {}
    i += 1
    if s[i] == "}":
        return out, i + 1
    while True:
        if s[i] != '"':
            raise ValueError(i)
        key, i = _scan_string(s, i + 1)
        if s[i] != ":":
            raise ValueError(i)
        start = i + 1
        if key in keep and s[start] == "{":
            inner = texts[key] = {}
            value, end = _object(s, start, (), texts, inner)
        else:
            value, end = _scan_once(s, start)
            if key in keep:  # given again, not as an object: the last one counts, as in json.loads
                texts.pop(key, None)
        if spans is not None:
            spans[key] = s[start:end]
        out[key] = value
        if s[end] == "}":
            return out, end + 1
        if s[end] != ",":
            raise ValueError(end)
        i = end + 1


def value_text(value: Any) -> str:
    """``text(value)``, with the common scalars spelled without the encoder's call overhead."""
    kind = type(value)
    if kind is str:
        return string_text(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    return text(value)


def sorted_value_text(value: Any) -> str:
    """``sorted_text(value)``, likewise."""
    kind = type(value)
    if kind is str:
        return string_text(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    return sorted_text(value)
