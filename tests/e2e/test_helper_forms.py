"""A helper fills the 附件2 registration form with two family members in the real app."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from conftest import PASS
from ui import SCREENSHOTS, chip, replace_text, settle, shown_value, tap, tap_until, toast_gone, unlock

pytestmark = pytest.mark.e2e

# Every required field of the registration form outside the family table, as a person types it.
REGISTRATION_TEXT = (
    ("村(居)民委员会", "河口村民委员会"),
    ("填表人", "李协助"),
    ("填表日期", date.today().isoformat()),
    ("姓名", "李堃"),
    ("年龄", "39"),
    ("民族", "汉族"),
    ("文化程度", "初中"),
    ("健康状况", "良好"),
    ("原政治面貌", "群众"),
    ("婚姻状况", "已婚"),
    ("联系方式", "13912345678"),
    ("居住地址", "河口村三组12号"),
    ("户籍地址", "河口村三组12号"),
    ("前科记录", "无"),
    ("悔罪表现", "认罪悔罪"),
    ("主要经历", "务工"),
    ("生活情况", "与妻女同住"),
    ("所在工作单位或就读学校", "个体货运"),
    ("工作或在校学习情况", "正常出车"),
    ("性格特点", "外向"),
    ("能力专长", "驾驶"),
    ("其他特征", "无"),
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
    tap_until(
        page,
        page.get_by_role("button", name="新增社区矫正对象基本情况登记表"),
        page.get_by_text("新增社区矫正对象基本情况登记表").first,
    )
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
        self.page, self.count, self.typed = page, 0, 0

    def tap(self, target) -> None:  # type: ignore[no-untyped-def]
        tap(self.page, target)  # scrolling it into view is not a tap
        self.count += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.typed += len(text)
        self.page.wait_for_timeout(400)  # the value travels to the app before the next key


def open_new_visit(page, taps: Taps) -> None:  # type: ignore[no-untyped-def]
    """Unlocked, on the subject list: the icon beside the first subject opens a new visit (one tap)."""
    taps.tap(page.get_by_label("新增走访记录", exact=True).first)
    page.get_by_text("新增走访记录").first.wait_for()
    page.get_by_text("与上次相同").wait_for()
    settle(page)


def saved_visit(page, headline: str) -> None:  # type: ignore[no-untyped-def]
    """Wait for the subject's page to list today's visit (not yet exported) under ``headline``."""
    today = date.today().isoformat()
    page.get_by_text("工作记录").or_(page.get_by_text("处需要修改")).first.wait_for()
    settle(page)
    body = page.inner_text("body")
    assert "处需要修改" not in body, body
    page.get_by_text(f"{today} 走访记录 未导出 {headline}").first.wait_for()


def test_a_routine_visit_from_the_subject_list_takes_at_most_4_taps_and_no_typing(seeded: Path, page) -> None:  # type: ignore[no-untyped-def]
    unlock(page, PASS, page.get_by_text("最近走访"))
    taps = Taps(page)
    open_new_visit(page, taps)
    page.screenshot(path=str(SCREENSHOTS / "21_visit_new_form.png"))
    # 走访日期 today, 走访地点 家中, every answer the normal one: only who was present is asked.
    taps.tap(chip(page, "本人"))
    page.screenshot(path=str(SCREENSHOTS / "22_visit_routine_ready.png"))
    taps.tap(page.get_by_role("button", name="保存"))
    saved_visit(page, "家中")
    print(f"\nroutine visit from the subject list: {taps.count} taps, {taps.typed} characters typed")
    assert taps.typed == 0
    assert taps.count <= 4


def test_a_visit_with_one_abnormal_answer_asks_for_its_note_and_a_line_of_record(seeded: Path, page) -> None:  # type: ignore[no-untyped-def]
    unlock(page, PASS, page.get_by_text("最近走访"))
    taps = Taps(page)
    open_new_visit(page, taps)
    taps.tap(chip(page, "本人"))
    # The fourth 异常 is 家庭情况's (思想, 工作, 生活, 家庭 in form order). Its note appears with the
    # keyboard on it, and 报告重要情况 is offered beneath.
    taps.tap(chip(page, "异常", 3))
    note = page.get_by_label("家庭情况说明", exact=True)
    note.wait_for()
    page.get_by_role("button", name="报告重要情况").wait_for()
    settle(page)
    page.screenshot(path=str(SCREENSHOTS / "23_visit_abnormal_note.png"))
    replace_text(page, note, NOTE)  # the note has the focus: typing, no tap (replace_text checks it arrived)
    taps.typed += len(NOTE)
    page.keyboard.press("Enter")  # on to 走访记录, now required (no longer 选填)
    page.wait_for_timeout(600)
    replace_text(page, page.get_by_label("走访记录", exact=True), RECORD_LINE)
    taps.typed += len(RECORD_LINE)
    page.screenshot(path=str(SCREENSHOTS / "24_visit_abnormal_filled.png"))
    taps.tap(page.get_by_role("button", name="保存"))
    saved_visit(page, "家中 · 家庭情况异常")
    print(f"\nvisit with one abnormal answer: {taps.count} taps, {taps.typed} characters typed")
    assert taps.count <= 5

    # The note reached the record: open it again.
    toast_gone(page, "走访记录已保存")
    page.get_by_text(f"{date.today().isoformat()} 走访记录").first.dispatch_event("click")  # see the registration test
    page.get_by_text("修改走访记录").wait_for()
    settle(page)
    assert shown_value(page, page.get_by_label("家庭情况说明", exact=True), NOTE) == NOTE


NOTE = "与妻子争吵后分居,情绪低落"
RECORD_LINE = "已劝导"
