"""Issue 15's 调查评估 before the register, on the phone, in headless Chromium: the office named
李协助 on a court's entrustment for 李四 and its bundle reached the phone. 李协助 finds it under
调查评估任务 above the subjects, opens it, taps 填写调查评估 (委托机关 is filled in), types the
findings and saves; the task's page lists the investigation, and the phone's next bundle brings
it to the office beside the entrustment."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fakes import PASS  # workflow_setup's stores use it
from ui import nav, replace_text, settle, shot, shown_value, tap_until, unlock

pytestmark = pytest.mark.e2e

FINDINGS = (
    ("居住情况", "与父母同住青山村三组"),
    ("家庭情况", "父母愿意协助监管"),
    ("社会交往", "无不良交往"),
    ("社区意见", "村委会同意接收"),
    ("评估意见", "建议适用社区矫正"),
)


@pytest.fixture
def task_home(home: Path, tmp_path: Path) -> dict[str, Any]:
    """李协助's phone in the app's home, with the entrustment delivered; the office beside it."""
    from workflow_setup import Clock, enrolled_helper, office_service, to_helper

    from sync.app import office

    c = Clock()
    c.now = c.now.replace(year=date.today().year, month=date.today().month, day=date.today().day)
    osvc = office_service(tmp_path / "office", c)
    helper = enrolled_helper(tmp_path, c, osvc, "李协助", home=home)
    today = date.today().isoformat()
    entry = {
        "name": "李四",
        "gender": "男",
        "residence": "青山村三组",
        "status": "被告人",
        "court": "东岭县人民法院",
        "entrusted_date": today,
        "due_date": today,
        "request": "调查被告人的居住情况、家庭和社会关系",
        "helper": helper.me.fingerprint,
    }
    eid = office.record_entrustment(osvc, entry).id
    to_helper(osvc, helper, tmp_path)
    helper.lock()
    osvc.lock()
    return {"id": eid, "office": tmp_path / "office", "tmp": tmp_path}


def test_helper_investigates_an_entrustment_on_the_phone(task_home: dict[str, Any], home: Path, page) -> None:  # type: ignore[no-untyped-def]
    unlock(page, PASS, page.get_by_text("调查评估任务(1)"))
    shot(page, "80_helper_tasks.png")
    tap_until(page, page.get_by_text("李四(被告人)"), page.get_by_text("委托情况", exact=True))
    page.get_by_text("调查被告人的居住情况、家庭和社会关系").wait_for()
    settle(page)
    tap_until(page, page.get_by_role("button", name="填写调查评估"), page.get_by_label("评估意见", exact=True))
    settle(page)
    assert shown_value(page, page.get_by_label("委托机关", exact=True), "东岭县人民法院") == "东岭县人民法院"
    for label, value in FINDINGS:
        replace_text(page, page.get_by_label(label, exact=True), value)
    shot(page, "81_helper_investigation_form.png")
    tap_until(page, page.get_by_role("button", name="保存"), page.get_by_text("调查记录", exact=True))
    page.get_by_text(f"{date.today().isoformat()} 调查评估").wait_for()
    page.get_by_text("建议适用社区矫正").first.wait_for()  # the timeline's headline: its 评估意见
    shot(page, "82_helper_task_with_investigation.png")
    nav(page, "设置")
    tap_until(page, page.get_by_role("button", name="立即锁定"), page.get_by_text("协通已锁定"))  # lets go of the store
    _arrives_at_the_office(home, task_home)


def _arrives_at_the_office(home: Path, task_home: dict[str, Any]) -> None:
    from fakes import CHEAP

    from sync import exchange
    from sync.app import office
    from sync.app.session import Service

    helper = Service(home, kdf=CHEAP)
    helper.unlock(PASS)
    osvc = Service(task_home["office"], kdf=CHEAP)
    osvc.unlock(PASS)
    try:
        (saved,) = helper.store.list("investigation", subject=task_home["id"])
        assert saved.data["requested_by"] == "东岭县人民法院" and saved.data["opinion"] == "建议适用社区矫正"
        blob = exchange.export_bundle(helper.store, helper.me, osvc.me.fingerprint, clock=helper.clock)
        assert exchange.import_bundle(osvc.store, osvc.me, blob, clock=osvc.clock).status == "accepted"
        (got,) = office.investigations(osvc, task_home["id"])
        assert (got["helper_name"], got["family"]) == ("李协助", "父母愿意协助监管")
    finally:
        helper.lock()
        osvc.lock()
