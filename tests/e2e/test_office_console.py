"""The office console in headless Chromium: enrol, import a roster, issue a notice, sync, acknowledge.

The office store and three helper phones are made with cheap scrypt before the app starts (the
set-up screen itself is covered by the helper first-run test); everything after unlocking is
done through the console.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from conftest import PASS
from office_seed import Office, seed_office
from ui import fill_checked, nav, press, settle, shot, tap, unlock

pytestmark = pytest.mark.e2e


@pytest.fixture
def office_home(home: Path, tmp_path: Path) -> Office:
    """An office store with two enrolled helpers, one request to enrol, a roster and three bundles."""
    return seed_office(home, tmp_path)


def test_office_enrols_imports_issues_syncs_and_acknowledges(office_home: Office, tmp_path: Path, page) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1440, "height": 1000})
    unlock(page, PASS, page.get_by_text("紧急的重要情况报告(待处理)"))
    shot(page, "30_office_dashboard.png")

    # enrol 赵七 from the request file made in Python, after comparing the digits
    nav(page, "协助人员")
    page.get_by_text("登记新的协助人员").wait_for()
    settle(page)
    fill_checked(page, "登记申请文件路径", str(office_home.request))
    press(page, "读取申请")
    page.get_by_text("申请人:赵七").wait_for()
    settle(page)
    fill_checked(page, "协助人员念出的指纹数字", office_home.typed)
    for box in page.get_by_role("checkbox").all():
        tap(page, box)
    press(page, "核对无误,登记")
    page.get_by_text("协助人员名册").wait_for()
    page.get_by_text("赵七", exact=True).first.wait_for()
    shot(page, "31_office_helper_enrolled.png")
    assert page.inner_text("body").count("在册") >= 3

    # import the roster from an XLSX file
    nav(page, "矫正对象")
    page.get_by_text("从名册导入").wait_for()
    settle(page)
    fill_checked(page, "名册文件路径(XLSX 或 CSV)", str(office_home.roster))
    press(page, "预览")
    page.get_by_text("导入预览(尚未写入)").wait_for()
    page.get_by_text("新增 2 名", exact=False).first.wait_for()
    shot(page, "32_office_roster_preview.png")
    press(page, "确认导入")
    page.get_by_text("共 3 名").wait_for()
    page.get_by_text("孙六").first.wait_for()
    shot(page, "32b_office_roster_imported.png")

    # issue a notice for 李四 and save it as DOCX
    nav(page, "通知单")
    page.get_by_text("填发通知单").first.wait_for()
    settle(page)
    fill_checked(page, "查找社区矫正对象(姓名)", "李四")
    press(page, "李四(青山村民委员会)")
    page.get_by_text("对象:李四").wait_for()
    settle(page)
    fill_checked(page, "联系人", "陈所长")
    fill_checked(page, "电话", "13900001111")
    fill_checked(page, "批准人", "周批准")
    press(page, "填发")
    number = f"({date.today().year})协通字第1号"
    page.get_by_text(number).first.wait_for()
    settle(page)
    docs = tmp_path / "docs"
    docs.mkdir()
    fill_checked(page, "DOCX 保存文件夹", str(docs))
    press(page, "保存DOCX")
    page.get_by_text("已保存通知单(含存根)").wait_for()
    shot(page, "33_office_notice_saved.png")
    saved = list(docs.glob("*.docx"))
    assert len(saved) == 1 and saved[0].stat().st_size > 5000

    # export one bundle per helper, then batch-import three bundles, one tampered
    nav(page, "同步")
    page.get_by_text("导出给协助人员").wait_for()
    settle(page)
    out = tmp_path / "usb"
    fill_checked(page, "导出到文件夹(如U盘)", str(out))
    press(page, "全部导出")
    page.get_by_text("已导出 3 个数据包").wait_for()
    assert len(list(out.glob("*.xtb"))) == 3
    fill_checked(page, "数据包所在文件夹", str(office_home.inbox))
    press(page, "批量导入")
    page.get_by_text("完成:共 3 个文件,已导入 2,已拒绝 1,重复 0").wait_for()
    shot(page, "34_office_batch_import.png")
    body = page.inner_text("body")
    assert office_home.tampered in body and "已拒绝" in body and "隔离区" in body, body
    assert not (office_home.inbox / office_home.tampered).exists()

    # the urgent report from 王五 is on the dashboard until acknowledged
    nav(page, "工作台")
    page.get_by_text("E2E父亲病重住院").wait_for()
    shot(page, "35_office_urgent_report.png")
    press(page, "确认处理")
    page.get_by_text("没有待处理的紧急报告。").wait_for()
    shot(page, "36_office_acknowledged.png")


def test_office_set_up_from_an_empty_home_then_its_card_for_helpers(tmp_path: Path, page) -> None:  # type: ignore[no-untyped-def]
    """First run as 司法所: keys made in the app, the console opens, the card file carries the
    same fingerprint the screen shows (what helpers compare)."""
    from sync.protocol.identity import parse_office_card

    page.set_viewport_size({"width": 1440, "height": 1000})
    page.get_by_text("欢迎使用协通").wait_for()
    settle(page)
    tap(page, page.get_by_role("radio", name="司法所"))
    settle(page, 400)
    for label, value in (("姓名(或司法所名称)", "东岭镇司法所"), ("设置口令", PASS), ("再次输入口令", PASS)):
        fill_checked(page, label, value)
    press(page, "完成设置")
    page.get_by_text("设置完成").wait_for()
    shown = re.findall(r"(?<!\d)\d{5}(?!\d)", page.inner_text("body"))
    assert len(shown) >= 6
    shot(page, "37_office_first_run.png")
    press(page, "开始使用")
    page.get_by_text("紧急的重要情况报告(待处理)").wait_for()
    shot(page, "38_office_empty_dashboard.png")

    nav(page, "协助人员")
    page.get_by_text("登记新的协助人员").wait_for()
    out = tmp_path / "card"
    out.mkdir()
    fill_checked(page, "身份卡保存位置(文件夹或文件)", str(out))
    press(page, "导出身份卡")
    page.get_by_text("已导出司法所身份卡").wait_for()
    (card,) = list(out.iterdir())
    public = parse_office_card(card.read_bytes())
    assert public.name == "东岭镇司法所" and public.fingerprint == "".join(shown[:6])
