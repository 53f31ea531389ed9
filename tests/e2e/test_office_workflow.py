"""Issue 14's main path at the office, in headless Chromium: 王五's 外出 request arrives in his
bundle; the officer sees it on the 工作台 among the requests waiting, writes a note and taps 批准;
the decision is in the store, addressed to go back to 王五's phone in the next bundle."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import PASS
from office_seed import cheap_kdf, seed_office
from ui import replace_text, shot, tap_until, unlock

pytestmark = pytest.mark.e2e

NOTE = "E2E按期返回后报告"


@pytest.fixture
def request_home(home: Path, tmp_path: Path) -> str:
    """The console's seed with 王五's travel request imported; returns the request's id."""
    from sync import exchange
    from sync.app import office
    from sync.app.session import Service

    o = seed_office(home, tmp_path)
    svc = Service(home)
    svc.unlock(PASS)
    office.batch_import(svc, o.inbox)
    wang = Service(o.phones["王五"], kdf=cheap_kdf())
    wang.unlock(PASS)
    blob = exchange.export_bundle(svc.store, svc.me, wang.me.fingerprint, clock=svc.clock)
    assert exchange.import_bundle(wang.store, wang.me, blob, clock=wang.clock).status == "accepted"
    today = date.today()
    travel = wang.save_record(
        "movement",
        {
            "type": "外出",
            "channel": "经协助人员提出",
            "applied": today.isoformat(),
            "start": (today + timedelta(days=2)).isoformat(),
            "end": (today + timedelta(days=6)).isoformat(),
            "destination": "E2E成都市武侯区",
            "reason": "探望住院的母亲",
        },
        subject=o.subject,
    )
    bundle = tmp_path / "王五-申请.xtb"
    bundle.write_bytes(exchange.export_bundle(wang.store, wang.me, svc.me.fingerprint, clock=wang.clock))
    wang.lock()
    assert office.batch_import(svc, [bundle])[0]["status"] == "accepted"
    svc.lock()
    return travel.id


def test_officer_approves_a_travel_request_on_the_dashboard(request_home: str, home: Path, page) -> None:  # type: ignore[no-untyped-def]
    from sync.app import office
    from sync.app.session import Service

    page.set_viewport_size({"width": 1600, "height": 1000})
    unlock(page, PASS, page.get_by_text("待审批的外出、居住地变更申请"))
    page.get_by_text("E2E成都市武侯区").first.wait_for()
    replace_text(page, page.get_by_role("textbox", name="审批意见"), NOTE)  # the column header bears the name too
    shot(page, "70_office_travel_request.png")
    tap_until(page, page.get_by_role("button", name="批准", exact=True), page.get_by_text("没有待审批的申请。"))
    shot(page, "71_office_travel_approved.png")

    def decided(svc: Any) -> list[Any]:
        return [(r.data["request"], r.data["outcome"], r.data.get("note")) for r in svc.store.list("decision")]

    page.get_by_label("立即锁定", exact=True).click()
    page.get_by_text("协通已锁定").wait_for()
    svc = Service(home)
    svc.unlock(PASS)
    try:
        assert decided(svc) == [(request_home, "批准", NOTE)]
        assert office.pending_requests(svc) == []
    finally:
        svc.lock()
