"""A helper's first run in the real app, driven through Chromium's accessibility tree."""

from __future__ import annotations

import pytest

from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"

pytestmark = pytest.mark.e2e

PASS = "qingshi-2026-xt"


def test_helper_first_run_shows_fingerprint_then_subject_list(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_text("欢迎使用协通").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "01_setup.png"))
    page.get_by_label("姓名(或司法所名称)").fill("李协助")
    page.get_by_label("设置口令").fill("short")
    page.get_by_label("再次输入口令").fill("short")
    page.get_by_role("button", name="完成设置").click()
    page.get_by_text("口令至少需要8个字符").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "02_setup_short_passphrase.png"))

    page.get_by_label("设置口令").fill(PASS)
    page.get_by_label("再次输入口令").fill(PASS)
    page.get_by_role("button", name="完成设置").click()
    page.get_by_text("设置完成").wait_for(timeout=60_000)
    page.get_by_text("身份指纹").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "03_fingerprint.png"))
    body = page.inner_text("body")
    groups = [g for g in body.split() if len(g) == 5 and g.isdigit()]
    assert len(groups) >= 6, body
    page.screenshot(path=str(SCREENSHOTS / "03_fingerprint.png"))

    page.get_by_role("button", name="开始使用").click()
    page.get_by_text("还没有分配给您的社区矫正对象").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "04_subjects_empty.png"))
