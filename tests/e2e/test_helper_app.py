"""A helper's first run in the real app, driven through Chromium's accessibility tree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import PASS, launch_seconds
from ui import SCREENSHOTS, chip, fill_checked, press, settle, shown_value, tap, tap_until, unlock

pytestmark = pytest.mark.e2e


def test_helper_first_run_shows_fingerprint_then_subject_list(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_text("欢迎使用协通").wait_for()
    settle(page)
    page.screenshot(path=str(SCREENSHOTS / "01_setup.png"))
    fill_checked(page, "姓名(或司法所名称)", "李协助")
    fill_checked(page, "设置口令", "short")
    fill_checked(page, "再次输入口令", "short")
    press(page, "完成设置")
    page.get_by_text("口令至少需要8个字符").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "02_setup_short_passphrase.png"))

    fill_checked(page, "设置口令", PASS)
    fill_checked(page, "再次输入口令", PASS)
    press(page, "完成设置")
    page.get_by_text("设置完成").wait_for()
    page.get_by_text("身份指纹").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "03_fingerprint.png"))
    body = page.inner_text("body")
    groups = [g for g in body.split() if len(g) == 5 and g.isdigit()]
    assert len(groups) >= 6, body
    page.screenshot(path=str(SCREENSHOTS / "03_fingerprint.png"))

    press(page, "开始使用")
    page.get_by_text("还没有分配给您的社区矫正对象").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "04_subjects_empty.png"))


def test_unlock_then_subject_page_and_visit_form_with_inline_errors(seeded: Path, page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_text("协通已锁定").wait_for()
    print(f"\nlaunch -> usable lock screen: {launch_seconds():.1f} s")
    settle(page)
    fill_checked(page, "口令", "wrong passphrase")
    tap_until(page, page.get_by_role("button", name="解锁"), page.get_by_text("口令不正确,请重新输入。"))
    settle(page)
    page.screenshot(path=str(SCREENSHOTS / "10_lock_wrong.png"))
    first = page.get_by_role("button", name=re.compile("最近走访")).first  # the list fills in batches
    unlock(page, PASS, first)
    page.screenshot(path=str(SCREENSHOTS / "11_subjects.png"))
    tap_until(page, first, page.get_by_text("工作记录"))
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / "12_subject_page.png"))
    tap(page, page.get_by_role("button", name="新增走访记录"))
    page.get_by_text("新增走访记录").first.wait_for()
    settle(page)
    fill_checked(page, "走访地点", "家中")
    settle(page)
    tap_until(page, page.get_by_role("button", name="保存"), page.get_by_text("处需要修改"))
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / "13_visit_errors.png"))
    assert "请选择在场人员" in page.inner_text("body")

    # Leave the form: the typed place survives as an (encrypted) draft and comes back.
    tap(page, page.get_by_role("button", name="稍后再填"))
    page.get_by_text("工作记录").wait_for()
    settle(page)
    tap(page, page.get_by_role("button", name="新增走访记录"))
    page.get_by_text("已恢复上次未保存的草稿").wait_for()
    settle(page)
    assert shown_value(page, page.get_by_label("走访地点", exact=True), "家中") == "家中"

    from datetime import date as _date

    today = _date.today().isoformat()
    fill_checked(page, "走访日期", today)  # replaces what the form filled in (today's date)
    tap(page, chip(page, "本人"))
    tap(page, chip(page, "家属"))
    tap_until(page, page.get_by_role("button", name="保存"), page.get_by_text(f"{today} 走访记录").first)
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / "14_visit_saved.png"))


def test_a_second_tab_shows_nothing_until_its_own_passphrase(seeded: Path, page, app_url: str) -> None:  # type: ignore[no-untyped-def]
    """Both tabs talk to the one app and its store, which the first tab has unlocked."""
    first = page.get_by_role("button", name=re.compile("最近走访")).first
    unlock(page, PASS, first)

    tab = page.context.new_page()
    tab.set_default_timeout(120_000)
    tab.goto(app_url)
    tab.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=60_000)
    tab.evaluate("document.querySelector('flt-semantics-placeholder').click()")
    tab.get_by_text("协通已锁定").wait_for()
    settle(tab)
    tab.screenshot(path=str(SCREENSHOTS / "15_second_tab_locked.png"))
    assert "最近走访" not in tab.inner_text("body") and "社区矫正对象" not in tab.inner_text("body")
    unlock(tab, PASS, tab.get_by_role("button", name=re.compile("最近走访")))
    assert first.is_visible()  # the first tab was not disturbed
    tab.close()
