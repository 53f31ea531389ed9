"""Issue 15's screens, wired to the same ``sync.app`` functions the CLI calls (fake shell)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import flet as ft
import pytest
from fake_shell import FakeShell, click

from core.demo import SAMPLE_SUBJECT
from core.routes import Screen
from storage import KdfParams
from sync import exchange
from sync.app import office
from sync.app.session import Service
from sync.protocol.identity import make_enrolment_request, make_office_card

CHEAP = KdfParams(n=2**4, r=8, p=1)
PASS = "correct horse 1"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def osvc(tmp_path: Path, clock: Clock) -> Service:
    s = Service(tmp_path / "office", clock=clock, kdf=CHEAP)
    s.setup("office", "青山镇司法所", PASS)
    return s


def helper_for(tmp_path: Path, clock: Clock, osvc: Service, name: str = "王五") -> Service:
    h = Service(tmp_path / f"helper-{name}", clock=clock, kdf=CHEAP)
    h.setup("helper", name, PASS)
    exchange.pin_office(h.store, make_office_card(osvc.me), osvc.me.public().grouped)
    req = tmp_path / f"{name}.req"
    req.write_bytes(make_enrolment_request(h.me, "青山村民委员会", "13800138000"))
    office.enrol_from_request(
        osvc,
        req,
        h.me.public().grouped,
        committee="青山村民委员会",
        conditions=[1, 2, 3, 4],
        reviewer="赵六",
        review_date="2026-11-20",
    )
    return h


def deliver(osvc: Service, h: Service, clock: Clock) -> Any:
    blob = exchange.export_bundle(osvc.store, osvc.me, h.me.fingerprint, clock=clock)
    out = exchange.import_bundle(h.store, h.me, blob, clock=clock)
    assert out.status == "accepted", out.message
    return out


def controls(control: Any) -> list[Any]:
    out = [control]
    for attr in ("controls", "content", "cells", "rows", "leading", "label", "title", "subtitle"):
        child = getattr(control, attr, None)
        for c in child if isinstance(child, list) else [child]:
            if c is not None and not isinstance(c, str) and hasattr(c, "__dict__"):
                out += controls(c)
    return out


def button(view: Any, text: str) -> Any:
    return next(c for c in controls(view) if callable(getattr(c, "on_click", None)) and text in str(c.content))


def texts(view: Any) -> str:
    return "\n".join(str(c.value) for c in controls(view) if isinstance(getattr(c, "value", None), str))


def test_close_out_from_the_subject_page_archives_the_case_and_the_phone_shows_it(
    tmp_path: Path, clock: Clock, osvc: Service
) -> None:
    from views.office.register import register_view
    from views.office.subject_page import subject_page_view
    from views.subjects import detail_view

    h = helper_for(tmp_path, clock, osvc)
    s = office.save_subject(osvc, dict(SAMPLE_SUBJECT))
    office.assign(osvc, s.id, h.me.fingerprint)
    deliver(osvc, h, clock)
    shell = FakeShell(osvc)
    view = subject_page_view(shell, Screen.of("office_subject", id=s.id))
    reason = next(c for c in controls(view) if isinstance(c, ft.Dropdown) and c.label == "解矫原因")
    reason.value = "迁出"
    click(button(view, "办理解矫").on_click)
    assert "迁往单位" in texts(view)  # refused: the field error and the message are shown
    assert office.closure(osvc, s.id) is None
    next(
        c for c in controls(view) if isinstance(c, ft.TextField) and "迁往单位" in (c.label or "")
    ).value = "红星镇司法所"
    click(button(view, "办理解矫").on_click)
    assert office.closure(osvc, s.id)["transfer_to"] == "红星镇司法所"  # type: ignore[index]

    after = subject_page_view(shell, Screen.of("office_subject", id=s.id))
    assert "解矫宣告(已归档)" in texts(after) and "迁往单位:红星镇司法所" in texts(after)
    archived = register_view(shell, Screen.of("office_subjects", status="archived"))
    assert "张三" in texts(archived) or any(
        "张三" in str(c.content) for c in controls(archived) if isinstance(c, ft.TextButton)
    )
    active = register_view(shell, Screen.of("office_subjects", status="active"))
    assert "没有符合条件的社区矫正对象。" in texts(active)

    deliver(osvc, h, clock)
    phone = detail_view(FakeShell(h), Screen.of("subject", id=s.id))
    assert "已解矫(迁出," in texts(phone) and "不能再新增或修改记录" in texts(phone)
    assert not any(
        callable(getattr(c, "on_click", None)) and "新增走访记录" in str(getattr(c, "content", ""))
        for c in controls(phone)
    )


def test_the_reports_screen_sets_the_subsidy_and_gives_a_reward(tmp_path: Path, clock: Clock, osvc: Service) -> None:
    from views.office.reports import reports_view

    h = helper_for(tmp_path, clock, osvc)
    shell = FakeShell(osvc)
    view = reports_view(shell, Screen.of("office_reports"))
    assert any("走访统计(补贴核算)" in str(getattr(c, "content", "")) for c in controls(view))
    field = {c.label: c for c in controls(view) if isinstance(c, ft.TextField)}
    field["每次有效走访补贴(元)"].value = "abc"
    click(button(view, "保存补贴标准").on_click)
    assert field["每次有效走访补贴(元)"].error and office.subsidy_settings(osvc)["rate_fen"] == 0
    field["每次有效走访补贴(元)"].value = "15.5"
    click(button(view, "保存补贴标准").on_click)
    assert office.subsidy_settings(osvc)["rate"] == "15.50"
    next(c for c in controls(view) if isinstance(c, ft.Dropdown) and c.label == "协助人员").value = h.me.fingerprint
    field["奖励金额(元)"].value = "100"
    field["奖励事由"].value = "协助调查评估"
    click(button(view, "发放专项奖励").on_click)
    assert office.reward_rows(osvc)[0]["reason"] == "协助调查评估"


def test_the_roster_screen_records_an_assessment_and_lists_it(tmp_path: Path, clock: Clock, osvc: Service) -> None:
    from views.office.helpers import helpers_view

    h = helper_for(tmp_path, clock, osvc)
    shell = FakeShell(osvc)
    view = helpers_view(shell, Screen.of("office_helpers"))
    drops = {c.label: c for c in controls(view) if isinstance(c, ft.Dropdown)}
    drops["协助人员"].value = h.me.fingerprint
    click(button(view, "保存考核结果").on_click)  # no evaluation typed: refused
    assert office.latest_assessments(osvc) == {}
    next(c for c in controls(view) if isinstance(c, ft.TextField) and c.label == "司法所评价").value = "履职到位"
    click(button(view, "保存考核结果").on_click)
    assert office.latest_assessments(osvc)[h.me.fingerprint]["result"] == "合格"
    after = helpers_view(shell, Screen.of("office_helpers"))
    assert "2026年度 合格" in texts(after)
