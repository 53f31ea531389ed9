"""A record's content hash and its first document's text, from one encoding of its data.

The content hash is SHA-256 of ``{"data", "deleted", "kind", "subject"}`` spelled with sorted
keys (``Record.content_hash``). A bundle's records arrive with their data's keys in sorted order
(the payload is written with sorted keys), so the text hashed already spells the data as the
journal writes it; a new record's document (``history.new_doc``) is then joined around it
instead of being encoded again. Data in any other order is simply encoded again by the journal.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from core.records import Record
from storage import jsontext


def hash_and_data(record: Record, in_order: bool = False) -> tuple[str, bytes]:
    """``record.content_hash()`` and ``jsontext.sorted_text(record.data)`` in UTF-8: the hashed
    text is fed in parts (its end is the same for every record of a subject and kind).
    ``in_order``: the caller found every key of the data in order (``keys_sorted``), so the
    encoder need not sort them (a bundle's records)."""
    data = (jsontext.text if in_order else jsontext.sorted_text)(record.data).encode("utf-8")
    h = hashlib.sha256(b'{"data":')
    h.update(data)
    try:
        tail = _known_tail(record.deleted, record.kind, record.subject)
    except TypeError:  # a field of a type that cannot be a key (never one the store writes)
        tail = _hashed_tail(record.deleted, record.kind, record.subject)
    h.update(tail)
    return h.hexdigest(), data


def _hashed_tail(deleted: Any, kind: Any, subject: Any) -> bytes:
    s = jsontext.sorted_value_text
    return f',"deleted":{s(deleted)},"kind":{s(kind)},"subject":{s(subject)}}}'.encode()


_known_tail = lru_cache(maxsize=4096, typed=True)(_hashed_tail)  # typed: True and 1 spell apart


def content_hash(record: Record) -> str:
    """``Record.content_hash()``, spelled by the store's reusable encoder (tests hold them equal)."""
    return hash_and_data(record)[0]


def keys_sorted(value: Any) -> bool:
    """Whether every object in ``value`` has string keys in sorted order (so that ``text`` and
    ``sorted_text`` spell it alike). Only parsed JSON's own types are looked into: anything else
    (a tuple, a dict or list of another class) answers False, and is encoded with sorting."""
    kind = type(value)
    if kind is dict:
        prev = None
        for key in value:
            if type(key) is not str or (prev is not None and not prev < key):
                return False
            prev = key
        items: Any = value.values()
    elif kind is list:
        items = value
    else:
        return _is_leaf(value)
    for item in items:
        kind = type(item)
        if kind is str:  # most values: checked inline, no call
            continue
        if kind is dict or kind is list:
            if not keys_sorted(item):
                return False
        elif not _is_leaf(item):
            return False
    return True


def _is_leaf(value: Any) -> bool:
    kind = type(value)
    return kind is str or kind is int or kind is bool or value is None or kind is float


def new_doc_text(record: Record, content_hash: str, data: bytes, in_order: bool | None = None) -> bytes | None:
    """``jsontext.text(history.new_doc(record, content_hash))`` in UTF-8, from ``data`` (the
    data with sorted keys, in UTF-8), or None when that would not be the same text (data in
    another order, or an envelope field of an unusual type)."""
    r = record
    if not (
        type(r.revision) is int
        and type(r.deleted) is bool
        and type(r.id) is str
        and type(r.kind) is str
        and (r.subject is None or type(r.subject) is str)
        and type(r.author) is str
        and type(r.created) is str
        and type(r.updated) is str
        and (keys_sorted(r.data) if in_order is None else in_order)
    ):
        return None
    s = jsontext.string_text
    rev, h = int.__repr__(r.revision), s(content_hash)
    subject = "null" if r.subject is None else s(r.subject)
    # UTF-8 bytes, joined once: a record's text is a kilobyte, half the memory of a str holding
    # Chinese, and the journal and the partition file take it as it is (no encoding again)
    head = (
        f'{{"versions":[{{"rev":{rev},"hash":{h},"record":'
        f'{{"id":{s(r.id)},"kind":{s(r.kind)},"subject":{subject},"author":{s(r.author)},"revision":{rev},'
        f'"created":{s(r.created)},"updated":{s(r.updated)},"deleted":{"true" if r.deleted else "false"},'
        '"data":'
    )
    return b"".join((head.encode("utf-8"), data, f'}}}}],"current":[{rev},{h}],"conflicts":{{}}}}'.encode()))
