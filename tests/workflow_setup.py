"""Set-up shared by the workflow tests (teams, first meeting, travel and residence change): an
office with one enrolled helper assigned one subject, and the two bundle directions.

Imported as ``workflow_setup`` (``tests/`` is on the path through the root conftest).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fakes import CHEAP, PASS

from core.demo import SAMPLE_SUBJECT
from sync import exchange
from sync.app import office
from sync.app.session import Service
from sync.protocol.identity import make_enrolment_request, make_office_card

SUBJECT = dict(SAMPLE_SUBJECT)
# A court's 委托调查评估 as an officer records it (issue 15), with no helper named yet.
ENTRUSTMENT: dict[str, Any] = {
    "name": "李四",
    "gender": "男",
    "residence": "青山村三组",
    "status": "被告人",
    "court": "东岭县人民法院",
    "entrusted_date": "2026-11-20",
    "due_date": "2026-12-04",
    "request": "调查被告人的居住情况、家庭和社会关系、一贯表现及对所居住社区的影响",
}
COMMITTEE = "青山村民委员会"


class Clock:
    """Aware UTC, one second later per call; ``advance`` jumps days ahead."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now

    def advance(self, days: int) -> None:
        self.now += timedelta(days=days)


def office_service(home: Path, clock: Clock) -> Service:
    svc = Service(home, clock=clock, kdf=CHEAP)
    svc.setup("office", "青山镇司法所", PASS)
    return svc


def enrolled_helper(tmp: Path, clock: Clock, osvc: Service, name: str = "王五", *, home: Path | None = None) -> Service:
    """A helper that pinned the office and that the office enrolled (in ``home`` if given)."""
    h = Service(home or tmp / f"helper-{name}", clock=clock, kdf=CHEAP)
    h.setup("helper", name, PASS)
    exchange.pin_office(h.store, make_office_card(osvc.me), osvc.me.public().grouped)
    req = tmp / f"{name}.req"
    req.write_bytes(make_enrolment_request(h.me, COMMITTEE, "13800138000"))
    office.enrol_from_request(
        osvc,
        req,
        h.me.public().grouped,
        committee=COMMITTEE,
        conditions=[1, 2, 3, 4],
        reviewer="赵六",
        review_date="2026-11-20",
    )
    return h


def case(tmp: Path, clock: Clock, **subject: Any) -> tuple[Service, Service, str]:
    """(office, helper, subject id): the subject assigned to the helper and delivered to it."""
    osvc = office_service(tmp / "office", clock)
    h = enrolled_helper(tmp, clock, osvc)
    s = office.save_subject(osvc, {**SUBJECT, **subject})
    office.assign(osvc, s.id, h.me.fingerprint)
    to_helper(osvc, h, tmp)
    return osvc, h, s.id


def to_helper(osvc: Service, h: Service, tmp: Path) -> None:
    """Office -> helper: export all and let the helper import its own bundle."""
    for row in office.export_all(osvc, tmp / "out"):
        if row["fingerprint"] == h.me.fingerprint:
            outcome = exchange.import_bundle(h.store, h.me, Path(row["file"]).read_bytes(), clock=h.clock)
            assert outcome.status == "accepted", outcome.message


def to_office(h: Service, osvc: Service, tmp: Path) -> None:
    """Helper -> office: the helper's bundle imported in the office's batch."""
    bundle = tmp / f"in-{h.clock().timestamp()}.xtb"
    bundle.write_bytes(exchange.export_bundle(h.store, h.me, osvc.me.fingerprint, clock=h.clock))
    [row] = office.batch_import(osvc, [str(bundle)])
    assert row["status"] == "accepted", row
