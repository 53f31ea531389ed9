"""Issue 15's main path, close-out (解矫), in headless Chromium: the officer opens 张三 from the
register, gives his 解矫宣告 in the subject page's 解矫 section and sees it archived; the register
lists him under 状态 已解矫 and no longer under 在矫. The office's next bundle then reaches 王五's
phone (moved with ``sync.exchange``, as a USB stick would), where 张三's page says the case is
closed and any new record is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PASS
from office_seed import cheap_kdf, seed_office
from ui import nav, replace_text, settle, shot, tap, tap_until, unlock

pytestmark = pytest.mark.e2e

NOTE = "E2E刑期届满,宣告解除社区矫正"


@pytest.fixture
def closeout_home(home: Path, tmp_path: Path) -> dict[str, Path | str]:
    """The console's seed with the helpers' bundles imported and 张三 on 王五's phone; the case is open."""
    from sync import exchange
    from sync.app import office
    from sync.app.session import Service

    o = seed_office(home, tmp_path)
    svc = Service(home)
    svc.unlock(PASS)
    office.batch_import(svc, o.inbox)
    assert office.closure(svc, o.subject) is None
    wang = Service(o.phones["王五"], kdf=cheap_kdf())  # 张三 reaches the phone while his case is open
    wang.unlock(PASS)
    blob = exchange.export_bundle(svc.store, svc.me, wang.me.fingerprint, clock=svc.clock)
    assert exchange.import_bundle(wang.store, wang.me, blob, clock=wang.clock).status == "accepted"
    assert wang.subject_detail(o.subject)["closed"] == ""
    wang.lock()
    svc.lock()
    return {"subject": o.subject, "phone": o.phones["王五"]}


def test_officer_closes_a_case_and_the_phone_keeps_it_read_only(closeout_home, home: Path, page) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1600, "height": 1000})
    unlock(page, PASS, page.get_by_text("紧急的重要情况报告(待处理)"))
    nav(page, "矫正对象")
    page.get_by_text("从名册导入").wait_for()
    settle(page)
    tap_until(page, page.get_by_role("button", name="张三", exact=True), page.get_by_text("基本情况", exact=True))
    settle(page)
    page.get_by_role("button", name="办理解矫").wait_for()
    replace_text(page, page.get_by_label("备注(选填)", exact=True), NOTE)
    tap_until(page, page.get_by_role("button", name="办理解矫"), page.get_by_text("解矫宣告(已归档)"))
    page.get_by_text(f"备注:{NOTE}").wait_for()
    page.get_by_text("解矫原因:期满", exact=True).wait_for()
    page.get_by_text(f"备注:{NOTE}").scroll_into_view_if_needed()
    assert page.get_by_role("button", name="办理解矫").count() == 0
    shot(page, "60_office_closeout.png")
    nav(page, "矫正对象")
    page.get_by_text("从名册导入").wait_for()
    settle(page)
    # the register: 张三 is filed under 已解矫, no longer under 在矫
    filter_status(page, "在矫", page.get_by_text("没有符合条件的社区矫正对象。"))
    filter_status(page, "已解矫", page.get_by_role("row").filter(has_text="张三"))
    row = page.get_by_role("row").filter(has_text="张三").inner_text()
    assert "已解矫" in row, row
    shot(page, "61_office_register_archived.png")

    tap(page, page.get_by_label("立即锁定", exact=True))  # the rail's lock icon; the console lets go of the store
    page.get_by_text("协通已锁定").wait_for()
    _closed_at_office_and_on_the_phone(home, closeout_home["phone"], str(closeout_home["subject"]))


def filter_status(page, word: str, expect) -> None:  # type: ignore[no-untyped-def]
    """Choose ``word`` in the register's 状态 dropdown (the button just before 搜索姓名) and wait
    for ``expect`` on the register it leads to."""
    status = page.get_by_label("搜索姓名", exact=True).locator("xpath=preceding::flt-semantics[@role='button'][1]")
    option = page.get_by_role("group").get_by_role("button", name=word, exact=True)
    tap_until(page, status, option, wait_ms=10_000, attempts=4)
    tap_until(page, option, expect)
    settle(page)


def _closed_at_office_and_on_the_phone(home: Path, phone: Path, sid: str) -> None:
    """The closure as the office stored it; then the office's bundle to 王五 and his phone's view."""
    from datetime import date

    from core.closeout import CaseClosed
    from sync import exchange
    from sync.app import office
    from sync.app.session import Service

    svc = Service(home)
    svc.unlock(PASS)
    wang = Service(phone, kdf=cheap_kdf())
    wang.unlock(PASS)
    try:
        today = date.today().isoformat()
        closure = office.closure(svc, sid)
        assert closure is not None
        assert (closure["reason"], closure["date"], closure["note"]) == ("期满", today, NOTE)
        assert [r["name"] for r in office.archived_rows(svc)] == ["张三"]
        assert [r["name"] for r in office.subject_rows(svc, status="active")] == []
        blob = exchange.export_bundle(svc.store, svc.me, wang.me.fingerprint, clock=svc.clock)
        assert exchange.import_bundle(wang.store, wang.me, blob, clock=wang.clock).status == "accepted"
        detail = wang.subject_detail(sid)
        assert detail["closed"] == f"已解矫(期满,{today})", detail["closed"]
        with pytest.raises(CaseClosed):
            wang.save_record(
                "report",
                {"category": "其他", "urgency": "一般", "occurred": today, "description": "E2E解矫后的报告"},
                subject=sid,
            )
    finally:
        wang.lock()
        svc.lock()
