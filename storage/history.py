"""Version history of one record: how an arriving version merges with what is stored.

A stored document is ``{"versions": [...], "current": [revision, hash], "conflicts": {...}}``.
Versions are kept oldest first (by revision, then arrival). Rules (DESIGN §5): a newer
revision supersedes; the same revision and content again is a no-op, as is an older revision
whose content is already stored at or after it; the same revision with different content is a
conflict (both kept, the first-seen stays current until resolved); an older revision arriving
late joins history without replacing the current version. Nothing is ever dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.records import Record
from storage import doctext
from storage.doctext import content_hash
from storage.errors import UnknownVersion

Doc = dict[str, Any]

NEW = "new"
UPDATED = "updated"
DUPLICATE = "duplicate"
CONFLICT = "conflict"
HISTORICAL = "historical"


@dataclass(frozen=True)
class Merge:
    status: str
    doc: Doc  # the document after the merge (the same object when nothing changed)
    old: tuple[int, str] | None  # current (revision, hash) before
    new: tuple[int, str]  # the arriving version's (revision, hash)
    text: bytes | None = None  # ``doc`` spelled (``jsontext.text``, in UTF-8) when that came for free


def _version(record: Record, content_hash: str) -> dict[str, Any]:
    return {"rev": record.revision, "hash": content_hash, "record": record.to_dict()}


def new_doc(record: Record, hashed: str | None = None) -> Doc:
    h = hashed or content_hash(record)
    return {"versions": [_version(record, h)], "current": [record.revision, h], "conflicts": {}}


def current_record(doc: Doc) -> Record:
    rev, h = doc["current"]
    for v in reversed(doc["versions"]):
        if v["rev"] == rev and v["hash"] == h:
            return Record.from_dict(v["record"])
    raise KeyError("current version missing")


def current_dict(doc: Doc) -> dict[str, Any]:
    rev, h = doc["current"]
    for v in reversed(doc["versions"]):
        if v["rev"] == rev and v["hash"] == h:
            return v["record"]
    raise KeyError("current version missing")


def first_version(record: Record) -> tuple[Doc, str, bytes | None]:
    """A record new to the store: its document, content hash and the document spelled in UTF-8
    (None where that did not come free), what ``merge(None, record)`` gives."""
    in_order = doctext.keys_sorted(record.data)
    h, data = doctext.hash_and_data(record, in_order)
    return new_doc(record, h), h, doctext.new_doc_text(record, h, data, in_order)


def merge(doc: Doc | None, record: Record) -> Merge:
    """Merge ``record`` into ``doc`` without mutating ``doc``."""
    rev = record.revision
    if doc is None:
        first, h, text = first_version(record)
        return Merge(NEW, first, None, (rev, h), text)
    h = content_hash(record)
    cur_rev, cur_hash = doc["current"]
    old = (cur_rev, cur_hash)
    versions = doc["versions"]
    if any(v["rev"] >= rev and v["hash"] == h for v in versions):
        return Merge(DUPLICATE, doc, old, (rev, h))
    pos = len(versions)
    while pos > 0 and versions[pos - 1]["rev"] > rev:
        pos -= 1
    new_versions = versions[:pos] + [_version(record, h)] + versions[pos:]
    conflicts = {k: list(v) for k, v in doc.get("conflicts", {}).items()}
    rivals = [v["hash"] for v in versions if v["rev"] == rev]
    if rev > cur_rev:
        status, current = UPDATED, [rev, h]
    else:
        current = [cur_rev, cur_hash]
        if rivals:
            status = CONFLICT
            seen = conflicts.get(str(rev)) or list(dict.fromkeys(rivals))
            conflicts[str(rev)] = seen + [h]
        else:
            status = HISTORICAL
    return Merge(status, {"versions": new_versions, "current": current, "conflicts": conflicts}, old, (rev, h))


def resolve(doc: Doc, chosen_hash: str) -> tuple[Doc, int]:
    """Close the conflict containing ``chosen_hash``; returns the new doc and the revision resolved.

    When the conflict is at the current revision the chosen version becomes current.
    """
    for rev_key, hashes in doc.get("conflicts", {}).items():
        if chosen_hash in hashes:
            rev = int(rev_key)
            conflicts = {k: list(v) for k, v in doc["conflicts"].items() if k != rev_key}
            current = list(doc["current"])
            if current[0] == rev:
                current = [rev, chosen_hash]
            return {"versions": doc["versions"], "current": current, "conflicts": conflicts}, rev
    raise UnknownVersion()


def history(doc: Doc) -> list[Record]:
    return [Record.from_dict(v["record"]) for v in doc["versions"]]


@dataclass(frozen=True)
class Conflict:
    """Two or more contents at one revision of a record, waiting for the officer."""

    record_id: str
    kind: str
    subject: str | None
    revision: int
    hashes: tuple[str, ...]
    versions: tuple[Record, ...]  # the rival versions, in arrival order
    current_hash: str  # content hash of the current version


def conflicts(record_id: str, doc: Doc) -> list[Conflict]:
    """The record's open conflicts, oldest revision first; the rivals are copies."""
    cur = current_dict(doc)
    out: list[Conflict] = []
    for rev_key, hashes in sorted(doc["conflicts"].items(), key=lambda kv: int(kv[0])):
        rivals = tuple(
            fresh(Record.from_dict(v["record"]))
            for h in hashes
            for v in doc["versions"]
            if v["rev"] == int(rev_key) and v["hash"] == h
        )
        rev = int(rev_key)
        out.append(Conflict(record_id, cur["kind"], cur.get("subject"), rev, tuple(hashes), rivals, doc["current"][1]))
    return out


def fresh(record: Record) -> Record:
    """A copy the caller may mutate without touching the cache."""
    return Record(
        record.id,
        record.kind,
        record.subject,
        record.author,
        record.revision,
        record.created,
        record.updated,
        record.deleted,
        json_copy(record.data),
    )


_SCALARS = frozenset({str, int, float, bool, type(None)})


def json_copy(value: Any) -> Any:
    """Deep copy of JSON-shaped data (dicts, lists, scalars): several times faster than
    ``copy.deepcopy``, which matters when listing thousands of records (and for an import's
    ten thousand acknowledgements kept in one setting). Tuples are copied as lists, as JSON
    reads them back."""
    if isinstance(value, dict):
        return {k: v if type(v) in _SCALARS else json_copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [v if type(v) in _SCALARS else json_copy(v) for v in value]
    return value
