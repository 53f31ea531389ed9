"""Office screens driven in headless Chromium as an officer would on a laptop.

Resolving a conflict on the dashboard, editing a subject in the register, assigning a helper through
the dropdown (and taking one off), revoking a helper and exporting the 报表 files. After each action the
console is locked (which releases the store) and the store is read with ``sync.app.office``, then
unlocked again, so each check is on what was really saved.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import PASS
from office_seed import Office, seed_office
from ui import fill_checked, nav, settle, shot, shown_value, tap, tap_until, unlock

pytestmark = pytest.mark.e2e

KEPT_NOTES = "E2E家中走访,情绪稳定"  # what the helper wrote on the phone
NEW_RESIDENCE = "四川省某县某镇新村12号"
RIVAL_NOTES = "E2E电话联系,外出务工"  # what the same visit says on the phone restored from a backup


@dataclass
class Screens:
    office: Office
    visit: str  # the visit whose revision 2 exists in two versions
    fp: dict[str, str]  # helper name -> fingerprint
    office_fp: str  # the office's fingerprint in groups of five, as the card prints it


def _restored_phone_conflict(svc: Any, o: Office, tmp_path: Path) -> str:
    """A conflict as it arises in the field, made with the real functions: 王五 records a visit,
    his phone is backed up, the visit is corrected on the phone and, differently, on the phone
    restored from the backup; both phones' bundles reach the office. Returns the visit's id."""
    from sync import exchange
    from sync.app import office
    from sync.app.session import Service

    wang = Service(o.phones["王五"])
    wang.unlock(PASS)
    me = svc.me
    blob = exchange.export_bundle(svc.store, me, wang.me.fingerprint, clock=svc.clock)
    assert exchange.import_bundle(wang.store, wang.me, blob, clock=wang.clock).status == "accepted"
    visit = {
        "date": date.today().isoformat(),
        "place": "家中",
        "present": "本人",
        "thinking": "稳定",
        "work": "务农",
        "life": "正常",
        "family": "和睦",
        "notes": "E2E初次走访",
    }
    rid = wang.save_record("visit", visit, subject=o.subject).id
    wang.lock()
    backup = tmp_path / "phone-王五-备份"
    shutil.copytree(o.phones["王五"], backup)
    outs = {}
    for home, notes in ((backup, RIVAL_NOTES), (o.phones["王五"], KEPT_NOTES)):
        phone = Service(home)
        phone.unlock(PASS)
        phone.save_record("visit", {**visit, "notes": notes}, subject=o.subject, record_id=rid)
        if home != backup:  # the original phone exported once more: that stick was lost
            exchange.export_bundle(phone.store, phone.me, me.fingerprint, clock=phone.clock)
        outs[notes] = o.exchange / f"王五-{'备份' if home == backup else '原机'}.xtb"
        outs[notes].write_bytes(exchange.export_bundle(phone.store, phone.me, me.fingerprint, clock=phone.clock))
        phone.lock()
    results = office.batch_import(svc, [outs[RIVAL_NOTES], outs[KEPT_NOTES]])
    assert [r["status"] for r in results] == ["accepted", "accepted"], results
    return rid


@pytest.fixture
def screens_home(home: Path, tmp_path: Path) -> Screens:
    """The console's seed, with 赵七 enrolled, the helpers' bundles imported and one open conflict."""
    from sync.app import office
    from sync.app.session import Service

    o = seed_office(home, tmp_path)
    svc = Service(home)
    svc.unlock(PASS)
    office.enrol_from_request(
        svc,
        o.request,
        o.typed,
        committee="青山村民委员会",
        conditions=[1, 2, 3, 4],
        reviewer="所长",
        review_date=date.today().isoformat(),
    )
    office.batch_import(svc, o.inbox)  # 王五's urgent report, 赵七's empty bundle; 钱八's (tampered) refused
    rid = _restored_phone_conflict(svc, o, tmp_path)
    assert [c["record_id"] for c in office.conflict_rows(svc)] == [rid]
    fps = {h["name"]: h["fingerprint"] for h in office.helper_rows(svc)}
    grouped = " ".join(svc.identity()["fingerprint_groups"])
    svc.lock()
    return Screens(o, rid, fps, grouped)


def unlock_console(page) -> None:  # type: ignore[no-untyped-def]
    unlock(page, PASS, page.get_by_text("紧急的重要情况报告(待处理)"))


def in_store(page, home: Path, read: Callable[[Any], Any]) -> Any:  # type: ignore[no-untyped-def]
    """Lock the console (it lets go of the store), read the store here, unlock the console again."""
    from sync.app.session import Service

    tap(page, page.get_by_label("立即锁定", exact=True))  # the rail's lock icon, named by its tooltip
    page.get_by_text("协通已锁定").wait_for()
    svc = Service(home)
    svc.unlock(PASS)
    try:
        return read(svc)
    finally:
        svc.lock()
        unlock_console(page)


def test_office_resolves_edits_assigns_revokes_and_exports_reports(
    screens_home: Screens, home: Path, tmp_path: Path, page
) -> None:  # type: ignore[no-untyped-def]
    from core.kinds import KINDS
    from sync.app import office

    page.set_viewport_size({"width": 1440, "height": 1000})
    unlock_console(page)

    # 工作台: the conflict names the subject, who wrote it and what differs, in the form's words
    page.get_by_text("数据冲突", exact=True).first.wait_for()
    body = page.inner_text("body")
    assert "张三的走访记录(填写人:王五)第2版有 2 个不同内容" in body, body
    notes = next(f.label for f in KINDS["visit"].fields if f.name == "notes")  # 走访记录
    kept = re.search(rf"版本(\d):{notes}:" + re.escape(KEPT_NOTES), body)
    assert kept and re.search(rf"版本\d:{notes}:" + re.escape(RIVAL_NOTES), body), body
    assert "notes=" not in body and "date=" not in body
    shot(page, "40_office_conflict.png")
    tap(page, page.get_by_role("button", name=re.compile(f"^采用版本{kept.group(1)}")))
    page.get_by_text("没有冲突。").wait_for()
    shot(page, "41_office_conflict_resolved.png")

    def resolved(svc: Any) -> tuple[str, list[Any], list[str]]:
        return (
            svc.record(screens_home.visit).data["notes"],
            office.conflict_rows(svc),
            [r.data["record"] for r in svc.store.list("resolution")],
        )

    assert in_store(page, home, resolved) == (KEPT_NOTES, [], [screens_home.visit])

    # 矫正对象: open 张三 from the register, then edit his particulars
    nav(page, "矫正对象")
    page.get_by_text("从名册导入").wait_for()
    settle(page)
    tap(page, page.get_by_role("button", name="张三", exact=True))
    page.get_by_text("基本情况", exact=True).wait_for()
    settle(page)
    tap(page, page.get_by_role("button", name="修改基本情况、分配协助人员"))
    page.get_by_text("修改:张三").wait_for()
    settle(page)
    fill_checked(page, "居住地", NEW_RESIDENCE)
    fill_checked(page, "联系电话(选填)", "13700001234")
    shot(page, "42_office_edit_subject.png")
    tap(page, page.get_by_role("button", name="保存", exact=True))
    settle(page, 1500)  # the snack bar 已保存 is not always in the accessibility tree: check the form itself
    residence = page.get_by_label("居住地", exact=True)
    assert shown_value(page, residence, NEW_RESIDENCE) == NEW_RESIDENCE  # the form, built again from the store

    def particulars(svc: Any) -> dict[str, Any]:
        rec = svc.record(screens_home.office.subject)
        return {
            "revision": rec.revision,
            "residence": rec.data["residence"],
            "phone": rec.data.get("phone"),
            "helpers": sorted(rec.data.get("helpers") or []),
            "name": rec.data["name"],
        }

    fp = screens_home.fp
    assert in_store(page, home, particulars) == {
        "revision": 4,
        "residence": NEW_RESIDENCE,
        "phone": "13700001234",
        "helpers": sorted([fp["王五"], fp["钱八"]]),
        "name": "张三",
    }

    # 协助人员分配: 赵七 from the dropdown, 钱八 taken off by the cross on his chip
    nav(page, "矫正对象")
    tap(page, page.get_by_role("button", name="张三", exact=True))
    page.get_by_text("基本情况", exact=True).wait_for()
    settle(page)
    tap(page, page.get_by_role("button", name="修改基本情况、分配协助人员"))
    page.get_by_text("协助人员分配").wait_for()
    settle(page)
    assign = page.get_by_role("button", name="分配", exact=True)
    tap(page, assign.locator("xpath=preceding::flt-semantics[@role='button'][1]"))  # the dropdown beside it
    settle(page, 500)
    shot(page, "43_office_assign_dropdown.png")
    tap(page, page.get_by_role("button", name="赵七(青山村民委员会)"))
    settle(page, 500)
    tap(page, assign)
    page.get_by_role("checkbox", name="赵七").wait_for()  # his chip beside 王五's and 钱八's
    settle(page)
    tap(page, page.get_by_role("button", name="取消分配钱八"))
    page.get_by_role("checkbox", name="钱八").wait_for(state="detached")
    settle(page)
    body = page.inner_text("body")
    assert "Delete" not in body, body
    assert "王五、赵七" in body or "赵七、王五" in body, body  # the register row names both
    shot(page, "44_office_assigned.png")

    def assigned(svc: Any) -> tuple[list[str], list[str], list[str]]:
        rec = svc.record(screens_home.office.subject)
        return (
            sorted(rec.data.get("helpers") or []),
            [r["name"] for r in office.subject_rows(svc, helper=fp["赵七"])],
            [r["name"] for r in office.subject_rows(svc, helper=fp["钱八"])],
        )

    assert in_store(page, home, assigned) == (sorted([fp["王五"], fp["赵七"]]), ["张三"], [])

    # 协助人员: 钱八's phone is lost; his device is revoked with the reason chosen (设备丢失, the first)
    nav(page, "协助人员")
    page.get_by_text("协助人员名册").wait_for()
    settle(page)
    tap(page, page.get_by_role("row").filter(has_text="钱八").get_by_role("button", name="撤销"))
    page.get_by_text("撤销协助人员 钱八?").wait_for()
    settle(page, 500)
    shot(page, "45_office_revoke_dialog.png")
    tap_until(
        page,
        page.get_by_role("button", name="确认撤销"),
        page.get_by_role("row").filter(has_text="钱八").get_by_text("已撤销"),
    )
    settle(page)
    rows = {r.inner_text().split("\n")[0]: r.inner_text() for r in page.get_by_role("row").all()[1:]}
    assert "已撤销" in rows["钱八"] and "在册" in rows["王五"] and "在册" in rows["赵七"], rows
    assert page.get_by_role("row").filter(has_text="钱八").get_by_role("button", name="撤销").count() == 0
    shot(page, "46_office_revoked.png")

    def revoked(svc: Any) -> tuple[dict[str, str], list[tuple[str, str]]]:
        status = {h["name"]: h["status"] for h in office.helper_rows(svc)}
        return status, [(r.data["helper"], r.data["reason"]) for r in svc.store.list("revocation")]

    assert in_store(page, home, revoked) == (
        {"王五": "active", "赵七": "active", "钱八": "revoked"},
        [(fp["钱八"], "设备丢失")],
    )

    # 报表: every spreadsheet into a folder typed by the officer (not there yet), then the card
    from docx import Document
    from openpyxl import load_workbook

    nav(page, "报表")
    page.get_by_text("导出报表(XLSX)").wait_for()
    settle(page)
    out = tmp_path / "报表" / "十一月"
    fill_checked(page, "保存到文件夹", str(out))
    written = {}
    for label, name in (
        ("走访统计(补贴核算)", "走访统计.xlsx"),
        ("社区评议", "社区评议.xlsx"),
        ("社区矫正对象名册", "社区矫正对象名册.xlsx"),
        ("协助人员名册", "协助人员名册.xlsx"),
    ):
        tap(page, page.get_by_role("button", name=label, exact=True))
        page.get_by_text(str(out / name)).wait_for()  # 已生成 and the file's path
        written[name] = [list(r) for r in load_workbook(out / name).active.iter_rows(values_only=True)]
    shot(page, "47_office_reports.png")
    # Each report: a title row (with the period), the header row, then the rows; dates are date cells.
    titles = {name: rows[0][0] for name, rows in written.items()}
    assert titles["走访统计.xlsx"].startswith("走访统计") and titles["协助人员名册.xlsx"] == "协助人员名册"
    table = {name: rows[1:] for name, rows in written.items()}
    first_of_month = datetime.combine(date.today().replace(day=1), datetime.min.time())
    visits = {(r[0], r[2]): r[:5] for r in table["走访统计.xlsx"][1:-1]}  # the last row is 合计
    assert table["走访统计.xlsx"][0][:5] == ["协助人员", "村(居)委会", "月份", "走访次数", "走访对象数"]
    assert table["走访统计.xlsx"][0][-1] == "签名" and table["走访统计.xlsx"][-1][0] == "合计"
    assert visits[("王五", first_of_month)] == ["王五", "青山村民委员会", first_of_month, 1, 1]
    assert all(r[3] == 0 for (name, _), r in visits.items() if name != "王五")  # the months nobody visited
    assert "钱八" not in {name for name, _ in visits}  # a revoked helper has no months to account for
    assert table["社区评议.xlsx"][0][:2] == ["对象姓名", "评议期间"] and len(table["社区评议.xlsx"]) == 1
    [head, zhang] = table["社区矫正对象名册.xlsx"]
    assert dict(zip(head, zhang, strict=True)) == {
        "姓名": "张三",
        "性别": "男",
        "出生年月": datetime(1980, 5, 1),
        "矫正类别": "缓刑",
        "罪名": "盗窃罪",
        "矫正期限起": datetime(2025, 7, 1),
        "矫正期限止": datetime(2027, 6, 30),
        "村(居)委会": "青山村民委员会",
        "协助人员": "王五、赵七",
        "状态": "在矫",
    }
    roster = {r[0]: dict(zip(table["协助人员名册.xlsx"][0], r, strict=True)) for r in table["协助人员名册.xlsx"][1:]}
    assert {n: r["状态"] for n, r in roster.items()} == {"王五": "在册", "赵七": "在册", "钱八": "已撤销"}
    today = datetime.combine(date.today(), datetime.min.time())
    assert roster["王五"]["最近收到数据"] == today and roster["钱八"]["最近收到数据"] is None
    assert roster["钱八"]["指纹"].replace(" ", "") == fp["钱八"]

    tap(page, page.get_by_role("button", name="打印司法所身份卡(DOCX)"))
    page.get_by_text(str(out / "司法所身份卡.docx")).wait_for()
    card = Document(str(out / "司法所身份卡.docx"))
    text = "\n".join(
        [p.text for p in card.paragraphs] + [c.text for t in card.tables for row in t.rows for c in row.cells]
    )
    assert "青山镇司法所" in text and all(g in text for g in screens_home.office_fp.split())
    shot(page, "48_office_card_printed.png")
