"""The helper's file dialogs in the real app: the office card and the office's bundle are picked
in the browser's file chooser (bytes, no path), the enrolment request and the bundle for the
office are browser downloads; the office (plain Python) reads what was downloaded."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from conftest import PASS
from ui import button, fill_checked, fingerprint_digits, press, settle, shot, tap

from core.demo import SAMPLE_SUBJECT

pytestmark = pytest.mark.e2e

SUBJECT = SAMPLE_SUBJECT


def choose_file(page, name: str, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Tap the button that opens the file chooser and answer it with ``path``."""
    with page.expect_file_chooser(timeout=60_000) as chooser:
        tap(page, button(page, name))
    chooser.value.set_files(str(path))


def download(page, name: str, into: Path) -> Path:  # type: ignore[no-untyped-def]
    """Tap the button that saves a file; in the browser that is a download, kept in ``into``."""
    with page.expect_download(timeout=120_000) as got:
        tap(page, button(page, name))
    target = into / got.value.suggested_filename
    got.value.save_as(str(target))
    return target


def test_card_and_bundle_picked_in_the_file_chooser_and_exports_downloaded(  # type: ignore[no-untyped-def]
    tmp_path: Path, home: Path, page
) -> None:
    from core.records import Record
    from storage import KdfParams
    from sync import exchange
    from sync.app.session import Service
    from sync.protocol.identity import make_office_card

    usb, downloads = tmp_path / "usb", tmp_path / "downloads"
    usb.mkdir()
    downloads.mkdir()
    office = Service(tmp_path / "office", kdf=KdfParams(n=2**4, r=8, p=1))
    office.setup("office", "青山镇司法所", PASS)
    ostore, ome, clock = office.store, office.me, office.clock
    card = usb / "青山镇司法所.xtcard"
    card.write_bytes(make_office_card(ome))

    # --- first run
    page.get_by_text("欢迎使用协通").wait_for()
    settle(page)
    fill_checked(page, "姓名(或司法所名称)", "李协助")
    fill_checked(page, "设置口令", PASS)
    fill_checked(page, "再次输入口令", PASS)
    press(page, "完成设置")
    page.get_by_text("设置完成").wait_for()
    page.get_by_text("导入司法所身份卡").first.wait_for()
    settle(page)
    mine = fingerprint_digits(page.inner_text("body"))

    # --- the office card, picked in the file chooser: its fingerprint is shown, then pinned
    choose_file(page, "选择身份卡文件…", card)
    page.get_by_text("已选择:青山镇司法所.xtcard").wait_for()
    assert ome.public().grouped in page.inner_text("body")
    fill_checked(page, "司法所念出的指纹数字", ome.public().grouped)
    shot(page, "60_files_card_picked.png")
    press(page, "核对并信任司法所")
    page.get_by_text("已信任司法所").first.wait_for()

    # --- the enrolment request, downloaded; the office enrols the helper from that very file
    fill_checked(page, "所在村(居)委会", "青山村民委员会")
    fill_checked(page, "联系电话", "13800138000")
    request = download(page, "保存登记申请文件…", downloads)
    page.get_by_text(re.compile("登记申请已保存")).first.wait_for()
    shot(page, "61_files_request_downloaded.png")
    assert request.name == "登记申请-李协助.xtreq"
    exchange.enroll_helper(
        ostore,
        ome,
        request.read_bytes(),
        mine,
        committee="青山村民委员会",
        conditions=[1, 2, 3, 4],
        reviewer="赵六",
        review_date=date.today().isoformat(),
        clock=clock,
    )
    subject = Record.new("subject", dict(SUBJECT), author=ome.fingerprint, clock=clock)
    ostore.put(subject, actor=ome.fingerprint)
    exchange.assign(ostore, ome, subject.id, mine, clock)
    good = exchange.export_bundle(ostore, ome, mine, clock=clock)
    (usb / "至李协助.xtb").write_bytes(good)
    bad = good[:-40] + bytes(b ^ 1 for b in good[-40:])
    (usb / "被改动.xtb").write_bytes(bad)

    # --- a changed bundle picked in the chooser: refused, kept in quarantine, nothing imported
    press(page, "开始使用")
    page.get_by_text("还没有分配给您的社区矫正对象").wait_for()
    tap(page, page.get_by_role("tab", name="同步"))
    page.get_by_text("导入司法所数据包").wait_for()
    settle(page)
    choose_file(page, "选择数据包文件…", usb / "被改动.xtb")
    page.get_by_text("已拒绝该数据包").wait_for()
    assert "本机数据没有任何改变" in page.inner_text("body")
    shot(page, "62_files_bundle_refused.png")
    assert [q.name for q in (home / "quarantine").iterdir()] == ["被改动.xtb"]
    assert (home / "quarantine" / "被改动.xtb").read_bytes() == bad
    assert (usb / "被改动.xtb").exists()  # the browser only read it

    # --- the office's bundle picked in the chooser: imported, the subject is there
    choose_file(page, "选择数据包文件…", usb / "至李协助.xtb")
    page.get_by_text("导入完成").wait_for()
    assert "新增 " in page.inner_text("body")
    assert not [p for p in home.iterdir() if p.name.startswith(".incoming-")]
    shot(page, "63_files_bundle_imported.png")

    # --- export: a download the office imports (it carries the receipts for what came in)
    page.get_by_text("下次导出将包含").wait_for()
    assert re.search(r"接收回执 [1-9]\d* 条", page.inner_text("body")), page.inner_text("body")
    bundle = download(page, "导出并保存数据包…", downloads)
    done = page.get_by_text("已导出数据包(没有新的记录,只有接收回执)")  # this phone has written nothing yet
    done.wait_for()
    page.mouse.move(200, 500)
    page.mouse.wheel(0, 3000)  # Flutter scrolls on the wheel, not on the DOM: show the result
    shot(page, "64_files_bundle_downloaded.png")
    assert bundle.suffix == ".xtb" and bundle.name.startswith("协助人员数据包-")
    assert f"文件:{bundle.name}" in page.inner_text("body")
    assert "张三".encode() not in bundle.read_bytes()
    outcome = exchange.import_bundle(ostore, ome, bundle.read_bytes(), clock=clock)
    assert outcome.status == "accepted", outcome
    assert exchange.peer_info(ostore, mine)["in_seq"] == 1
    assert subject.id in ostore.meta_get(f"peers/{mine}/acked", {})  # the helper's receipt arrived
