"""The audit log: every change, encrypted, hash-chained, append-only.

Each entry names who (actor), when, which record (id, kind) and the old and new
(revision, content hash); a large transaction's records new to the store share one entry
(action ``new-many``, no record, "new" listing [id, kind, revision, hash] for each). ``hash = sha256(canonical entry without "hash")`` and each entry
carries the previous entry's hash, so removing, reordering or editing entries breaks the chain.
Frames are sealed with the audit key and bound to the sequence number of their first entry;
a frame holds the entries of one checkpoint (older stores: one entry per frame).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from storage import jsontext
from storage.crypto import AUDIT, DecryptError, Entropy, seal, unseal
from storage.fsio import AppendFile, scan_frames

GENESIS = "0" * 64
AUDIT_FILE = "audit.bin"


def entry_hash(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(jsontext.sorted_text(body).encode("utf-8")).hexdigest()


def chained(prev: dict[str, Any] | None, fields: dict[str, Any]) -> dict[str, Any]:
    """The next entry after ``prev`` (None for the first)."""
    return chained_text(prev, fields)[0]


# The fields the store writes in every entry, in the order it writes them.
FIELDS = ("at", "actor", "action", "record", "kind", "old", "new")


def chained_text(prev: dict[str, Any] | None, fields: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """``chained``, and the entry spelled (``jsontext.text(entry)``) for the journal and the log.

    For ``FIELDS`` in their order (what the store always writes) this is ``chained_entry``."""
    if tuple(fields) == FIELDS:
        return chained_entry(prev, *(fields[name] for name in FIELDS))
    entry = dict(fields)
    entry["seq"] = 0 if prev is None else prev["seq"] + 1
    entry["prev"] = GENESIS if prev is None else prev["hash"]
    entry["hash"] = entry_hash(entry)
    return entry, jsontext.text(entry)


def _pair_text(value: Any) -> str | None:
    """The spelling of a ``record``, ``kind``, ``old`` or ``new`` value (a string, None, a
    (revision, hash) pair, a ``new-many`` list) that ``jsontext.text`` and ``sorted_text``
    both write; None for anything else."""
    kind = type(value)
    if kind is str:
        return jsontext.string_text(value)
    if value is None:
        return "null"
    if kind is list:
        if len(value) == 2 and type(value[0]) is int and type(value[1]) is str:
            return f"[{int.__repr__(value[0])},{jsontext.string_text(value[1])}]"
        text = jsontext.text(value)
        return text if "{" not in text else None  # no object in it: no keys to sort
    return None


def chained_entry(
    prev: dict[str, Any] | None, at: Any, actor: Any, action: Any, record: Any, kind: Any, old: Any, new: Any
) -> tuple[dict[str, Any], str]:
    """The entry after ``prev`` with ``FIELDS`` in their order, and its text.

    An import writes an entry per record: the hashed body and the text are spelled straight
    from the values, the same bytes ``entry_hash`` and ``jsontext.text`` produce (the tests
    hold them equal); values of unusual types go through the encoder."""
    seq = 0 if prev is None else prev["seq"] + 1
    prev_hash = GENESIS if prev is None else prev["hash"]
    entry = {
        "at": at,
        "actor": actor,
        "action": action,
        "record": record,
        "kind": kind,
        "old": old,
        "new": new,
        "seq": seq,
        "prev": prev_hash,
    }
    names = (at, actor, action, prev_hash)
    if type(seq) is not int or any(type(n) is not str for n in names) or not (record is None or type(record) is str):
        entry["hash"] = entry_hash(entry)
        return entry, jsontext.text(entry)
    at_t, actor_t, action_t, prev_t = map(jsontext.string_text, names)
    record_t = "null" if record is None else jsontext.string_text(record)
    kind_t, old_t, new_t = _pair_text(kind), _pair_text(old), _pair_text(new)
    if kind_t is None or old_t is None or new_t is None:
        kind_s, old_s, new_s = map(jsontext.sorted_value_text, (kind, old, new))
        kind_t, old_t, new_t = map(jsontext.value_text, (kind, old, new))
    else:
        kind_s, old_s, new_s = kind_t, old_t, new_t
    body = (
        f'{{"action":{action_t},"actor":{actor_t},"at":{at_t},"kind":{kind_s},"new":{new_s},'
        f'"old":{old_s},"prev":{prev_t},"record":{record_t},"seq":{seq}}}'
    )
    h = entry["hash"] = hashlib.sha256(body.encode("utf-8")).hexdigest()
    spelled = (
        f'{{"at":{at_t},"actor":{actor_t},"action":{action_t},"record":{record_t},"kind":{kind_t},'
        f'"old":{old_t},"new":{new_t},"seq":{seq},"prev":{prev_t},"hash":"{h}"}}'
    )
    return entry, spelled


def verify(entries: list[dict[str, Any]]) -> list[str]:
    """Problems in the chain, in Chinese (empty when every link holds)."""
    problems: list[str] = []
    prev_hash, expected = GENESIS, 0
    for entry in entries:
        if entry.get("seq") != expected:
            problems.append(f"审计日志第 {expected} 条缺失或顺序被改动。")
            break
        if entry.get("prev") != prev_hash:
            problems.append(f"审计日志第 {expected} 条与前一条不衔接,日志可能被篡改。")
            break
        if entry.get("hash") != entry_hash(entry):
            problems.append(f"审计日志第 {expected} 条内容被改动。")
            break
        prev_hash, expected = entry["hash"], expected + 1
    return problems


def _aad(seq: int) -> bytes:
    return AUDIT + b"|" + AUDIT_FILE.encode() + b"|" + str(seq).encode()


class AuditLog:
    """The on-disk part of the log (entries up to the last checkpoint)."""

    def __init__(self, path: Path, key: bytes, entropy: Entropy) -> None:
        self.path = path
        self._key = key
        self._entropy = entropy

    def forget(self) -> None:
        """Drop the key (the store is locking)."""
        self._key = b""

    def read(self, upto: int) -> tuple[list[dict[str, Any]], list[str]]:
        """Entries in the first ``upto`` bytes (bytes after that are not yet committed)."""
        problems: list[str] = []
        try:
            data = self.path.read_bytes()[:upto] if upto else b""
        except OSError:
            return [], [f"审计日志无法读取:{self.path}。"]
        if len(data) < upto:
            problems.append(f"审计日志被截短:{self.path}。")
        scan = scan_frames(data)
        entries: list[dict[str, Any]] = []
        for blob in scan.frames:
            seq = len(entries)  # a frame is bound to the sequence number of its first entry
            try:
                body = json.loads(unseal(self._key, blob, _aad(seq)).decode("utf-8"))
            except (DecryptError, ValueError):
                problems.append(f"审计日志第 {seq} 条已损坏或被篡改:{self.path}。")
                break
            # one entry per frame (format 1) or, since checkpoints batch them, a list of entries
            entries.extend(body if isinstance(body, list) else [body])
        if scan.torn and not problems:
            problems.append(f"审计日志末尾不完整:{self.path}。")
        return entries, problems

    def append(self, entries: list[dict[str, Any]], valid_end: int, texts: list[str | None] | None = None) -> int:
        """Append after ``valid_end`` (cutting anything past it); returns the new end.

        ``texts``: entries already spelled (``jsontext.text(entry)``; None where not)."""
        if not self.path.exists():
            self.path.touch(mode=0o600)
        log = AppendFile(self.path, valid_end)
        try:
            # One frame per checkpoint: sealing thousands of tiny frames dominated large imports.
            spelled = texts or [None] * len(entries)
            body = ("[" + ",".join(t or jsontext.text(e) for e, t in zip(entries, spelled, strict=True)) + "]").encode()
            payloads = [seal(self._key, body, _aad(entries[0]["seq"]), self._entropy)] if entries else []
            log.append(payloads)
            return log.end
        finally:
            log.close()
