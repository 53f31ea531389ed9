"""Shared set-up for the pipeline tests: an office and an enrolled helper, each with a store."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from core.demo import SAMPLE_SUBJECT
from core.records import Record
from storage import KdfParams, Store
from sync.exchange import assign, enroll_helper, pin_office
from sync.protocol.identity import Identity, make_enrolment_request, make_office_card

CHEAP_KDF = KdfParams(n=2**10, r=8, p=1)
PASS = "correct horse 马"

SUBJECT = SAMPLE_SUBJECT
VISIT = {
    "date": "2026-03-02",
    "place": "家中",
    "present": "本人、母亲",
    "thinking": "思想稳定",
    "work": "务农",
    "life": "正常",
    "family": "和睦",
    "notes": "情绪稳定",
}
TEAM = {"members": [{"slot": "office_staff", "name": "李四"}]}


class TickClock:
    """Deterministic aware-UTC clock: one second later at every call."""

    def __init__(self) -> None:
        self._ticks = itertools.count()

    def __call__(self) -> datetime:
        return datetime(2026, 3, 1, 8, 0, tzinfo=UTC) + timedelta(seconds=next(self._ticks))


@dataclass
class Side:
    home: Path
    me: Identity
    store: Store

    def reopen(self, clock: TickClock) -> None:
        self.store.close()
        self.store = Store.open(self.home, PASS, clock=clock)


def make_side(home: Path, role: str, name: str, clock: TickClock) -> Side:
    store = Store.create(home, PASS, clock=clock, kdf=CHEAP_KDF)
    me = Identity.generate(role, name)
    store.meta_set("identity", me.to_private_dict())
    store.meta_set("role", role)
    store.meta_set("name", name)
    return Side(home, me, store)


def visit(helper: Side, subject_id: str, clock: TickClock, **data: Any) -> Record:
    return Record.new("visit", {**VISIT, **data}, author=helper.me.fingerprint, subject=subject_id, clock=clock)


def setup_pair(tmp: Path, clock: TickClock) -> tuple[Side, Side, Record]:
    """Office and helper paired in person, one subject assigned to the helper."""
    office = make_side(tmp / "office", "office", "青山镇司法所", clock)
    helper = make_side(tmp / "helper", "helper", "王五", clock)
    pin_office(helper.store, make_office_card(office.me), office.me.public().grouped)
    request = make_enrolment_request(helper.me, "青山村民委员会", "13800138000")
    enroll_helper(
        office.store,
        office.me,
        request,
        helper.me.public().grouped,
        committee="青山村民委员会",
        conditions=[1, 2, 3, 4],
        reviewer="赵六",
        review_date="2026-02-20",
        clock=clock,
    )
    subject = Record.new("subject", dict(SUBJECT), author=office.me.fingerprint, clock=clock)
    office.store.put(subject, actor=office.me.fingerprint)
    subject = assign(office.store, office.me, subject.id, helper.me.fingerprint, clock)
    return office, helper, subject


def content(store: Store) -> list[dict[str, Any]]:
    """Every current record, comparable across stores."""
    return sorted((r.to_dict() for r in store.list(include_deleted=True)), key=lambda d: d["id"])
