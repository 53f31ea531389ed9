"""Issue 15's people path in the office console, in headless Chromium: the officer sets the visit
subsidy (rate and monthly cap, 报表) and finds the amounts in 走访统计与补贴核算; assesses 王五 on
the 协助人员 screen and sees the result on the roster; sets how much history a new helper
receives, and moves 张三 from 王五 to 赵七 (改派), which hands that history over. Each step is
then checked in the store, read with ``sync.app.office`` once the console has let go of it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import PASS
from office_seed import Office, cheap_kdf, seed_office
from openpyxl import load_workbook
from ui import fill_checked, nav, settle, shot, tap, tap_until, unlock

pytestmark = pytest.mark.e2e

EVALUATION = "E2E走访按时,重要情况报告及时"
VISIT = {
    "place": "家中",
    "present_who": ["本人"],
    "thinking_state": "稳定",
    "work_state": "正常",
    "life_state": "正常",
    "family_state": "正常",
}


@pytest.fixture
def people_home(home: Path, tmp_path: Path) -> Office:
    """The console's seed with 赵七 enrolled and the helpers' bundles imported: 王五 visited 张三
    twice today (his urgent report came with the seed); 钱八's tampered bundle was refused."""
    from sync import exchange
    from sync.app import office
    from sync.app.session import Service

    o = seed_office(home, tmp_path)
    svc = Service(home)
    svc.unlock(PASS)
    today = date.today().isoformat()
    office.enrol_from_request(
        svc, o.request, o.typed, committee="青山村民委员会", conditions=[1, 2, 3, 4], reviewer="所长", review_date=today
    )
    wang = Service(o.phones["王五"], kdf=cheap_kdf())
    wang.unlock(PASS)
    blob = exchange.export_bundle(svc.store, svc.me, wang.me.fingerprint, clock=svc.clock)
    assert exchange.import_bundle(wang.store, wang.me, blob, clock=wang.clock).status == "accepted"
    for notes in ("E2E上午走访", "E2E下午再次走访"):
        wang.save_record("visit", {**VISIT, "date": today, "notes": notes}, subject=o.subject)
    (o.inbox / "4-王五.xtb").write_bytes(
        exchange.export_bundle(wang.store, wang.me, svc.me.fingerprint, clock=wang.clock)
    )
    wang.lock()
    results = {r["file"]: r["status"] for r in office.batch_import(svc, o.inbox)}
    assert results["4-王五.xtb"] == "accepted" and results[o.tampered] == "rejected", results
    svc.lock()
    return o


def said(page, text: str):  # type: ignore[no-untyped-def]
    """The snack bar saying ``text`` (Flutter also announces it to screen readers: two nodes)."""
    return page.get_by_text(text, exact=True).first


def choose(page, dropdown, option: str, expect) -> None:  # type: ignore[no-untyped-def]
    """Open ``dropdown`` (a button), tap ``option`` in its menu and wait for ``expect``."""
    item = page.get_by_role("group").get_by_role("button", name=option, exact=True)
    tap_until(page, dropdown, item, wait_ms=10_000, attempts=4)
    tap_until(page, item, expect)
    settle(page, 500)


def test_officer_sets_subsidy_assesses_a_helper_and_hands_a_subject_over(  # type: ignore[no-untyped-def]
    people_home: Office, home: Path, tmp_path: Path, page
) -> None:
    page.set_viewport_size({"width": 1600, "height": 1000})
    unlock(page, PASS, page.get_by_text("紧急的重要情况报告(待处理)"))

    # 报表: 25 元 per valid visit, at most one visit per subject a month counts
    nav(page, "报表")
    page.get_by_text("导出报表(XLSX)").wait_for()
    settle(page)
    fill_checked(page, "每次有效走访补贴(元)", "25")
    fill_checked(page, "每名对象每月计补贴次数上限(0为不限)", "1")
    tap_until(page, page.get_by_role("button", name="保存补贴标准"), said(page, "已保存。走访统计表将按此计算补贴。"))
    settle(page)
    out = tmp_path / "报表"
    fill_checked(page, "保存到文件夹", str(out))
    sheet = out / "走访统计.xlsx"
    tap_until(page, page.get_by_role("button", name="走访统计(补贴核算)", exact=True), page.get_by_text(str(sheet)))
    shot(page, "70_office_subsidy.png")
    rows = [list(r) for r in load_workbook(sheet).active.iter_rows(values_only=True)]
    assert rows[0][0].endswith("每次25.00元,每名对象每月至多计1次)"), rows[0][0]
    head, body, total = rows[1], rows[2:-1], rows[-1]
    amounts = {(r[0], r[2].strftime("%Y-%m")): dict(zip(head, r, strict=True)) for r in body}
    wang = amounts[("王五", date.today().strftime("%Y-%m"))]
    assert (wang["走访次数"], wang["计补贴次数"], wang["走访补贴(元)"], wang["合计(元)"]) == (2, 1, "25.00", "25.00")
    assert wang["签名"] in (None, "") and head[-1] == "签名"
    assert total[0] == "合计" and total[head.index("合计(元)")] == "25.00"

    # 协助人员: assess 王五 for this year so far, and see it on the roster
    nav(page, "协助人员")
    page.get_by_text("协助人员名册").wait_for()
    settle(page)
    period = page.get_by_label("考核期间", exact=True)
    choose(page, period.locator("xpath=preceding::flt-semantics[@role='button'][1]"), "王五", page.get_by_text("王五"))
    fill_checked(page, "司法所评价", EVALUATION)
    today = date.today()
    due = max(1, ((today - date(today.year, 1, 1)).days + 1) // 30)  # 张三, one visit a month
    toast = f"已保存考核:走访2/{due}次,按时报告1/1次,合格。"
    tap_until(page, page.get_by_role("button", name="保存考核结果"), said(page, toast))
    year = f"{date.today().year}年度"
    roster_row = page.get_by_role("row").filter(has_text="王五").filter(has_text=f"{year} 合格")
    roster_row.wait_for()
    assert f"{year} 合格" not in page.get_by_role("row").filter(has_text="赵七").inner_text()
    shot(page, "71_office_assessed.png")

    # 移交材料: a new helper receives the last 5 visits and evaluations
    fill_checked(page, "移交最近的走访记录和社区评议各几条", "5")
    tap_until(
        page,
        page.get_by_role("button", name="保存移交条数"),
        said(page, "已保存:更换协助人员时移交最近 5 条走访记录和社区评议。"),
    )

    # 矫正对象: 张三 moves from 王五 to 赵七 (改派)
    nav(page, "矫正对象")
    page.get_by_text("从名册导入").wait_for()
    settle(page)
    tap_until(page, page.get_by_role("button", name="张三", exact=True), page.get_by_text("基本情况", exact=True))
    settle(page)
    tap_until(page, page.get_by_role("button", name="修改基本情况、分配协助人员"), page.get_by_text("协助人员分配"))
    settle(page)
    assign = page.get_by_role("button", name="分配", exact=True)
    replace = page.get_by_role("button", name="改派(替换王五)")
    choose(page, assign.locator("xpath=preceding::flt-semantics[@role='button'][1]"), "赵七(青山村民委员会)", replace)
    tap_until(page, replace, page.get_by_role("checkbox", name="赵七"))
    page.get_by_role("checkbox", name="王五").wait_for(state="detached")
    shot(page, "72_office_handed_over.png")

    tap(page, page.get_by_label("立即锁定", exact=True))  # the console lets go of the store
    page.get_by_text("协通已锁定").wait_for()
    _saved(home, people_home)


def _saved(home: Path, o: Office) -> None:
    """What the console saved: the subsidy, the assessment, the handover setting and record."""
    from sync.app import office
    from sync.app.session import Service

    svc = Service(home)
    svc.unlock(PASS)
    try:
        fp = {h["name"]: h["fingerprint"] for h in office.helper_rows(svc)}
        assert office.subsidy_settings(svc) == {"rate_fen": 2500, "cap": 1, "rate": "25.00"}
        assessed = office.latest_assessments(svc)
        assert set(assessed) == {fp["王五"]}
        a = assessed[fp["王五"]]
        today = date.today()
        assert (a["period"], a["period_start"], a["period_end"]) == (
            f"{today.year}年度",
            f"{today.year}-01-01",
            today.isoformat(),
        )
        assert (a["visits_done"], a["reports_total"], a["result"], a["evaluation"]) == (2, 1, "合格", EVALUATION)
        assert office.handover_keep(svc) == 5
        subject = svc.record(o.subject)
        assert sorted(subject.data["helpers"]) == sorted([fp["钱八"], fp["赵七"]])
        handed: list[Any] = [r for r in svc.store.list("handover", o.subject) if r.data["helper"] == fp["赵七"]]
        assert len(handed) == 1 and handed[0].data["from_name"] == "王五"
        items = handed[0].data["items"]
        assert sorted(i["data"].get("notes", "") for i in items if i["kind"] == "visit") == sorted(
            ["E2E上午走访", "E2E下午再次走访"]
        )
        assert [i["data"]["description"] for i in items if i["kind"] == "report"] == ["E2E父亲病重住院"]
    finally:
        svc.lock()
