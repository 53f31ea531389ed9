"""The record envelope shared by the store, bundles and the UI.

Every piece of data is a ``Record``: an envelope (id, kind, subject, author, revision,
timestamps, tombstone) around a plain ``data`` dict whose keys are the code names of the
kind's fields (see ``core.schemas``). A record has exactly one author (an installation
fingerprint); a newer revision from its author supersedes the older one, and superseded
versions stay in history.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Default clock; code below the composition root receives a clock instead of calling this."""
    return datetime.now(UTC)


def iso(ts: datetime) -> str:
    return ts.astimezone(UTC).isoformat(timespec="microseconds")


def new_id() -> str:
    return uuid.uuid4().hex


# Office-authored kinds travel office -> helper; helper-authored kinds travel helper -> office.
OFFICE_KINDS = frozenset(
    {"office", "committee", "helper", "subject", "notice", "team", "ack", "revocation", "resolution"}
)
HELPER_KINDS = frozenset(
    {"registration", "visit", "report", "evaluation", "assistance", "meeting", "declaration", "investigation"}
)
# Issue 15: close-out, assessment and rewards (office);
# 引导社会力量 (helper). Kept apart so other branches' additions merge cleanly.
OFFICE_KINDS = OFFICE_KINDS | {"closure", "assessment", "reward"}
HELPER_KINDS = HELPER_KINDS | {"social_support"}
# Issue 14: the first meeting (见面), travel / residence-change requests and returns from the
# helper; the office's decision on a request.
HELPER_KINDS = HELPER_KINDS | {"first_meeting", "movement", "travel_return"}
OFFICE_KINDS = OFFICE_KINDS | {"decision"}
OFFICE_KINDS = OFFICE_KINDS | {"handover"}  # issue 15: the history a new helper receives
OFFICE_KINDS = OFFICE_KINDS | {"entrustment"}  # issue 15: 委托调查评估 before the register (stays here)
ALL_KINDS = OFFICE_KINDS | HELPER_KINDS


@dataclass(frozen=True)
class Record:
    id: str
    kind: str
    subject: str | None
    author: str
    revision: int
    created: str
    updated: str
    deleted: bool = False
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def new(
        cls,
        kind: str,
        data: dict[str, Any],
        *,
        author: str,
        subject: str | None = None,
        clock: Clock = utc_now,
        record_id: str | None = None,
    ) -> Record:
        now = iso(clock())
        rid = record_id or new_id()
        if kind == "subject" and subject is None:
            subject = rid
        return cls(rid, kind, subject, author, 1, now, now, False, dict(data))

    def revise(self, data: dict[str, Any], *, clock: Clock = utc_now, deleted: bool = False) -> Record:
        """The next revision by the same author; the caller keeps this one in history."""
        return replace(self, revision=self.revision + 1, updated=iso(clock()), deleted=deleted, data=dict(data))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "subject": self.subject,
            "author": self.author,
            "revision": self.revision,
            "created": self.created,
            "updated": self.updated,
            "deleted": self.deleted,
            "data": self.data,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Record:
        return cls(
            id=str(d["id"]),
            kind=str(d["kind"]),
            subject=None if d.get("subject") is None else str(d["subject"]),
            author=str(d["author"]),
            revision=int(d["revision"]),
            created=str(d["created"]),
            updated=str(d["updated"]),
            deleted=bool(d.get("deleted", False)),
            data=dict(d.get("data") or {}),
        )

    @classmethod
    def of_fields(cls, d: dict[str, Any]) -> Record:
        """The record whose fields ``d`` holds exactly: its keys are the field names and each
        value is of its field's type already (a bundle's record checked field by field, a version
        the store wrote with ``to_dict``). Nothing is converted or copied, not even ``data``, so
        ``d`` must be the caller's own; ``from_dict`` for anything else. Ten thousand records
        of an import are built in a fifth of the constructor's time (a frozen dataclass sets
        each field through ``object.__setattr__``)."""
        record = object.__new__(cls)
        record.__dict__.update(d)
        return record

    def content_hash(self) -> str:
        """Hash of what the author said (kind, subject, tombstone, data) at this revision.

        Two versions with the same revision but different content hashes are a conflict.
        """
        body = {"kind": self.kind, "subject": self.subject, "deleted": self.deleted, "data": self.data}
        blob = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
        return hashlib.sha256(blob).hexdigest()
