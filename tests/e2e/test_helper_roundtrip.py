"""A helper's whole round trip in the real app: first run, office card, enrolment, import the
office's bundle, a visit and an urgent report, export; the office, working with the CLI
(``main.py <command>`` in its own process, as an officer types it), receives it all."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import PASS, SCREENSHOTS, launch_seconds
from test_helper_forms import REGISTRATION_TEXT, fill_registration
from ui import chip, fill_checked, fingerprint_digits, nav, press, settle, shot, shown_value, tap, tap_until

from core.demo import SAMPLE_SUBJECT
from core.kinds import KINDS

pytestmark = pytest.mark.e2e

SUBJECT = SAMPLE_SUBJECT


def open_by(page, button: str, expect_label: str) -> None:  # type: ignore[no-untyped-def]
    """Tap ``button`` until the screen with field ``expect_label`` is there (a tap on a screen
    still being built is lost)."""
    tap_until(
        page, page.get_by_role("button", name=button).first, page.get_by_label(expect_label, exact=True), attempts=4
    )
    settle(page)


def office_cli(office: Path, *args: str) -> str:
    """One office command through ``main.py``; the passphrase comes from the environment, as the
    README says. Fails the test with what the CLI printed when it exits non-zero."""
    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "XIETONG_PASSPHRASE": PASS, "XIETONG_SCRYPT_N": "1024", "PYTHONPATH": str(repo)}
    done = subprocess.run(
        [sys.executable, str(repo / "main.py"), "--home", str(office), *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"xietong {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def test_helper_round_trip_from_empty_home_to_office(tmp_path: Path, home: Path, page) -> None:  # type: ignore[no-untyped-def]
    try:
        _round_trip(tmp_path, home, page)
    except Exception:
        page.screenshot(path=str(SCREENSHOTS / "4x_round_trip_failed.png"))
        raise


def _round_trip(tmp_path: Path, home: Path, page) -> None:  # type: ignore[no-untyped-def]
    usb = tmp_path / "usb"
    usb.mkdir()
    back = tmp_path / "back"
    back.mkdir()
    office = tmp_path / "office"
    said = office_cli(office, "init", "--role", "office", "--name", "青山镇司法所")
    office_fp = re.search(r"本机指纹:([\d ]+)", said).group(1).strip()  # type: ignore[union-attr]
    card = usb / "青山镇司法所.card"
    office_cli(office, "identity", "--card", str(card))

    # --- first run in the browser
    page.get_by_text("欢迎使用协通").wait_for()
    print(f"\nlaunch -> usable first-run screen: {launch_seconds():.1f} s")
    settle(page)  # let the first screen finish building before typing
    fill_checked(page, "姓名(或司法所名称)", "李协助")
    fill_checked(page, "设置口令", PASS)
    fill_checked(page, "再次输入口令", PASS)
    press(page, "完成设置")
    page.get_by_text("设置完成").wait_for()
    page.get_by_text("导入司法所身份卡").first.wait_for()
    shot(page, "40_first_run_fingerprint.png")
    mine = fingerprint_digits(page.inner_text("body"))

    # --- pin the office card: read it, type the digits the officer reads aloud
    fill_checked(page, "司法所身份卡文件路径", str(card))
    press(page, "读取身份卡")
    page.get_by_text("文件中的指纹").wait_for()
    fill_checked(page, "司法所念出的指纹数字", office_fp)
    press(page, "核对并信任司法所")
    page.get_by_text("已信任司法所").first.wait_for()

    # --- enrolment request to the USB stick
    fill_checked(page, "所在村(居)委会", "青山村民委员会")
    fill_checked(page, "联系电话", "13800138000")
    fill_checked(page, "登记申请保存位置", str(usb))
    press(page, "导出登记申请")
    page.get_by_text("登记申请已保存").wait_for()
    shot(page, "41_first_run_enrolled.png")
    requests = list(usb.glob("*.xtreq"))
    assert len(requests) == 1

    # --- the office (CLI) enrols the helper after comparing the digits shown on the phone,
    # imports its roster (one subject), assigns it and writes the bundle for the phone
    helper_fp = mine
    office_cli(
        office,
        "enroll",
        str(requests[0]),
        "--fingerprint",
        mine,
        "--committee",
        "青山村民委员会",
        "--qualified",
        "1,2,3,4",
        "--reviewer",
        "赵六",
    )
    roster = tmp_path / "名册.csv"
    with roster.open("w", encoding="utf-8", newline="") as f:  # columns named by their field codes
        writer = csv.DictWriter(f, fieldnames=list(SUBJECT))
        writer.writeheader()
        writer.writerow(SUBJECT)
    office_cli(office, "subjects", "import", str(roster))
    subject_id = json.loads(office_cli(office, "list", "subject", "--json").splitlines()[0])["id"]
    office_cli(office, "assign", subject_id, helper_fp)
    office_cli(office, "export", "--to", helper_fp, "--out", str(usb / "至李协助.xtb"))
    good = (usb / "至李协助.xtb").read_bytes()
    (usb / "被改动.xtb").write_bytes(good[:-40] + bytes(b ^ 1 for b in good[-40:]))

    # --- import the office bundle on the sync screen
    press(page, "开始使用")
    page.get_by_text("还没有分配给您的社区矫正对象").wait_for()
    nav(page, "同步")
    page.get_by_text("导入司法所数据包").wait_for()
    fill_checked(page, "数据包所在文件夹", str(usb))
    press(page, "刷新文件列表")
    # a changed file is refused with its reason, moved to quarantine, nothing imported
    press(page, "被改动.xtb")
    press(page, "导入数据包")
    page.get_by_text("已拒绝该数据包").wait_for()
    assert "本机数据没有任何改变" in page.inner_text("body")
    shot(page, "42_sync_rejected.png")
    assert not (usb / "被改动.xtb").exists()
    assert [q.name for q in (home / "quarantine").iterdir()] == ["被改动.xtb"]
    press(page, "至李协助.xtb")
    press(page, "导入数据包")
    page.get_by_text("导入完成").wait_for()
    assert "新增 " in page.inner_text("body")
    shot(page, "43_sync_imported.png")

    # --- a visit and an urgent report for the subject
    today = date.today().isoformat()
    nav(page, "矫正对象")
    row = page.get_by_role("button", name=re.compile("张三")).first  # the list fills in batches
    row.wait_for()
    shot(page, "44_subjects.png")
    tap(page, row)
    page.get_by_text("工作记录").wait_for()
    open_by(page, "新增走访记录", "走访日期")
    tap(page, chip(page, "本人"))
    fill_checked(page, "走访记录(选填)", "E2E往返走访")  # every answer normal: 走访记录 is optional
    tap_until(page, page.get_by_role("button", name="保存").first, page.get_by_text(f"{today} 走访记录").first)

    open_by(page, "报告重要情况", "情况描述")
    tap(page, page.get_by_role("radio", name="其他"))
    tap(page, page.get_by_role("radio", name="紧急"))
    fill_checked(page, "发生日期", today)
    fill_checked(page, "情况描述", "E2E紧急情况:夜间外出未归")
    shot(page, "45_urgent_report.png")
    tap_until(page, page.get_by_role("button", name="保存").first, page.get_by_text(f"{today} 重要情况报告").first)

    # --- the registration form (附件2) with two family members, as the forms test fills it
    open_by(page, "新增社区矫正对象基本情况登记表", "填表人")
    fill_registration(page)
    tap_until(
        page,
        page.get_by_role("button", name="保存").first,
        page.get_by_text(f"{today} 社区矫正对象基本情况登记表").first,
    )
    shot(page, "46_subject_timeline.png")

    # --- export from the sync screen: the preview first, then the file
    nav(page, "同步")
    page.get_by_text("下次导出将包含").wait_for()
    body = page.inner_text("body")
    assert "走访记录:1 条" in body and "重要情况报告:1 条" in body, body
    assert "社区矫正对象基本情况登记表:1 条" in body, body
    assert "紧急的重要情况报告:1 份" in body, body
    shot(page, "47_sync_preview.png")
    # the screen, built again, starts in the folder the bundle came from (kept in the store)
    assert shown_value(page, page.get_by_label("数据包所在文件夹", exact=True), str(usb)) == str(usb)
    fill_checked(page, "导出到(文件夹或文件)", str(back))
    press(page, "导出数据包")
    page.get_by_text("已导出 3 条记录").wait_for()
    shot(page, "48_sync_exported.png")

    # --- settings: both fingerprints, retention days of delivered records
    nav(page, "设置")
    page.get_by_text("司法所指纹").first.wait_for()
    assert office_fp in page.inner_text("body")
    fill_checked(page, "已送达记录在本机保留(天)", "30")
    press(page, "保存设置")
    page.get_by_text("设置已保存").first.wait_for()  # the snack bar is also announced
    shot(page, "49_settings.png")

    bundles = list(back.glob("*.xtb"))
    assert len(bundles) == 1
    raw = bundles[0].read_bytes()
    assert "夜间外出未归".encode() not in raw and "张三".encode() not in raw

    # --- the office imports it with the CLI and lists every record
    office_cli(office, "import", str(bundles[0]))
    got = {}
    for kind in ("visit", "report", "registration"):
        rows = [
            json.loads(line)
            for line in office_cli(office, "list", kind, "--subject", subject_id, "--json").splitlines()
        ]
        got[kind] = [r for r in rows if r.get("author") == helper_fp]
        assert len(got[kind]) == 1, (kind, rows)
    visit, report, registration = (got[k][0]["data"] for k in ("visit", "report", "registration"))
    assert visit["notes"] == "E2E往返走访" and visit["place"] == "家中"
    assert report["urgency"] == "紧急"
    assert report["description"] == "E2E紧急情况:夜间外出未归"
    # every typed value in its own field, and nothing typed where it was not meant to go
    typed = dict(REGISTRATION_TEXT)
    fields = KINDS["registration"].fields
    assert {f.label: str(registration.get(f.name)) for f in fields if f.label in typed} == typed
    assert [f.label for f in fields if f.label not in typed and registration.get(f.name)] == [
        "性别",
        "家庭主要成员",
        "家庭关系是否存在问题",
    ]
    family = [{k: v for k, v in m.items() if v} for m in registration["family"]]
    assert family == [{"name": "张淼", "relation": "妻子"}, {"name": "李玥", "relation": "女儿"}], family
