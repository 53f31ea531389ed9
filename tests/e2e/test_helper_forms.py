"""A helper fills the 附件2 registration form with two family members in the real app."""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path

import pytest
from conftest import PASS
from ui import SCREENSHOTS, replace_text, settle, shown_value, tap, tap_until, toast_gone, unlock

pytestmark = pytest.mark.e2e

# Every required field of the registration form outside the family table, as a person types it.
REGISTRATION_TEXT = (
    ("村(居)民委员会", "河口村民委员会"), ("填表人", "李协助"), ("填表日期", date.today().isoformat()),
    ("姓名", "李堃"), ("年龄", "39"), ("民族", "汉族"), ("文化程度", "初中"), ("健康状况", "良好"),
    ("原政治面貌", "群众"), ("婚姻状况", "已婚"), ("联系方式", "13912345678"), ("居住地址", "河口村三组12号"),
    ("户籍地址", "河口村三组12号"), ("前科记录", "无"), ("悔罪表现", "认罪悔罪"), ("主要经历", "务工"),
    ("生活情况", "与妻女同住"), ("所在工作单位或就读学校", "个体货运"), ("工作或在校学习情况", "正常出车"),
    ("性格特点", "外向"), ("能力专长", "驾驶"), ("其他特征", "无"),
)


def fill_registration(page, *, wife_phone: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Type every required field of an open 附件2 form and two family members, 张淼 (妻子) and
    李玥 (女儿), as a person does; not saved."""
    for label, value in REGISTRATION_TEXT:
        replace_text(page, page.get_by_label(label, exact=True).first, value)
    tap(page, page.get_by_role("radio", name="男"))
    tap_until(page, page.get_by_role("button", name="添加一行"), page.get_by_text("家庭主要成员 第1人"))
    tap_until(page, page.get_by_role("button", name="添加一行"), page.get_by_text("家庭主要成员 第2人"))
    settle(page)
    # "姓名" is also the subject's own name (index 0); the family rows follow it.
    replace_text(page, page.get_by_label("姓名", exact=True).nth(1), "张淼")
    replace_text(page, page.get_by_label("关系", exact=True).nth(0), "妻子")
    if wife_phone:
        replace_text(page, page.get_by_label("联系电话(选填)", exact=True).nth(0), wife_phone)
    replace_text(page, page.get_by_label("姓名", exact=True).nth(2), "李玥")
    replace_text(page, page.get_by_label("关系", exact=True).nth(1), "女儿")
    tap(page, page.get_by_role("radio", name="否"))


def test_registration_with_two_family_members_is_saved_and_shown(seeded: Path, page) -> None:  # type: ignore[no-untyped-def]
    first = page.get_by_role("button", name=re.compile("最近走访")).first
    unlock(page, PASS, first)
    tap_until(page, first, page.get_by_text("工作记录"))
    settle(page)
    tap_until(page, page.get_by_role("button", name="新增社区矫正对象基本情况登记表"),
              page.get_by_text("新增社区矫正对象基本情况登记表").first)
    settle(page)

    fill_registration(page, wife_phone="13812345678")

    today = date.today().isoformat()
    saved = page.get_by_text(f"{today} 社区矫正对象基本情况登记表").first
    tap_until(page, page.get_by_role("button", name="保存"), saved)
    saved.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    page.screenshot(path=str(SCREENSHOTS / "20_registration.png"))

    # Open it again: the two family members come back as rows.
    toast_gone(page, "社区矫正对象基本情况登记表已保存")
    # The entry can sit under the bottom navigation bar, which then takes a pointer click:
    # deliver the tap to the entry itself (Flutter's semantics node listens for "click").
    page.get_by_text(f"{today} 社区矫正对象基本情况登记表").first.dispatch_event("click")
    page.get_by_text("修改社区矫正对象基本情况登记表").wait_for()
    settle(page)
    page.get_by_text("家庭主要成员 第2人").wait_for()
    for label, nth, value in (("姓名", 2, "李玥"), ("关系", 0, "妻子")):
        assert shown_value(page, page.get_by_label(label, exact=True).nth(nth), value) == value


class Taps:
    """Counts the taps a person makes; typing and the Enter key are not taps."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.page, self.count = page, 0

    def tap(self, target) -> None:  # type: ignore[no-untyped-def]
        tap(self.page, target)  # scrolling it into view is not a tap
        self.count += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.page.wait_for_timeout(400)  # the value travels to the app before the next key


def test_visit_recorded_from_the_subject_list_in_six_taps_with_date_focus_and_enter(seeded: Path, page) -> None:  # type: ignore[no-untyped-def]
    unlock(page, PASS, page.get_by_text("最近走访"))

    taps = Taps(page)
    taps.tap(page.get_by_label("新增走访记录", exact=True).first)  # the icon beside the subject
    page.get_by_text("新增走访记录").first.wait_for()
    settle(page)
    # No tap: 走访地点 has focus (the date is already today); Enter moves on to the next input.
    taps.type("家中")
    page.keyboard.press("Enter")
    page.wait_for_timeout(600)
    taps.type("本人及其母亲")
    page.keyboard.press("Enter")
    page.wait_for_timeout(600)
    taps.type("思想稳定")
    for label, value in (("工作情况", "在家务农"), ("生活情况", "生活正常"), ("家庭情况", "家庭和睦"),
                         ("走访记录", "E2E最短路径走访")):
        taps.tap(page.get_by_label(label, exact=True))
        taps.type(value)
    page.screenshot(path=str(SCREENSHOTS / "21_visit_shortest.png"))
    taps.tap(page.get_by_role("button", name="保存"))
    pressed = time.monotonic()
    # Polled every 50 ms so the figure means something (printed for the closing note, not asserted).
    page.get_by_text(date.today().isoformat() + " 走访记录").or_(page.get_by_text("处需要修改")).first.wait_for()
    print(f"\nsave pressed -> visit in the timeline: {time.monotonic() - pressed:.2f} s (includes the tap's "
          "round trip through Playwright)")

    saved_or_refused = page.get_by_text("工作记录").or_(page.get_by_text("处需要修改"))
    saved_or_refused.first.wait_for()
    settle(page)
    body = page.inner_text("body")
    assert "处需要修改" not in body, body
    today = date.today().isoformat()
    page.get_by_text(f"{today} 走访记录").first.wait_for()
    page.get_by_text(f"{today} 走访记录 未导出 家中").first.wait_for()  # the tile: date, kind, status, place
    print(f"\nvisit from the subject list: {taps.count} taps plus typing")
    assert taps.count <= 6

    # Every typed field reached its place: open the visit and read the two reached by Enter.
    toast_gone(page, "走访记录已保存")
    page.get_by_text(f"{today} 走访记录").first.dispatch_event("click")  # see the registration test
    page.get_by_text("修改走访记录").wait_for()
    settle(page)
    for label, value in (("在场人员", "本人及其母亲"), ("思想状况", "思想稳定"), ("走访日期", today)):
        assert shown_value(page, page.get_by_label(label, exact=True), value) == value, label
