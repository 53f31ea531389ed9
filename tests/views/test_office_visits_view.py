"""The office sees a visit's answers on the subject page (an old visit's paragraphs as typed) and
the visits with an unusual answer of the last 30 days on its dashboard (issue 17)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flet as ft
from fake_shell import FakeShell
from test_office import SUBJECT, Clock, _controls, clock, deliver, enrol, make_helper, osvc  # noqa: F401  (fixtures)

from core.routes import Screen
from sync import exchange
from sync.app import office
from sync.app.session import Service
from views.office.dashboard import dashboard_view
from views.office.subject_page import subject_page_view

LEGACY = {
    "date": "2026-11-01",
    "place": "家中",
    "present": "本人及其母亲",
    "thinking": "思想稳定,认罪悔罪",
    "work": "在家务农",
    "life": "生活正常",
    "family": "家庭和睦",
    "notes": "了解近况,未发现异常",
}
ABNORMAL = {
    "date": "2026-11-20",
    "place": "家中",
    "present_who": ["本人", "家属"],
    "thinking_state": "稳定",
    "work_state": "正常",
    "life_state": "正常",
    "family_state": "异常",
    "family_note": "与妻子争吵后分居",
    "notes": "已劝导",
}


def _lines(view: Any) -> list[str]:
    """Every Text under ``view`` as read: its value, or its spans joined."""
    out = []
    for c in _controls(view):
        if isinstance(c, ft.Text):
            out.append(
                c.value if isinstance(c.value, str) and c.value else "".join(s.text or "" for s in c.spans or [])
            )
    return out


def test_subject_page_and_dashboard_show_new_answers_and_old_paragraphs(
    tmp_path: Path, clock: Clock, osvc: Service
) -> None:  # noqa: F811  (test_office's fixtures)
    h, req = make_helper(tmp_path, clock, osvc)
    enrol(osvc, h, req)
    s = office.save_subject(osvc, SUBJECT)
    office.assign(osvc, s.id, h.me.fingerprint)
    deliver(osvc, h, tmp_path)
    h.save_record("visit", LEGACY, subject=s.id)
    h.save_record("visit", ABNORMAL, subject=s.id)
    bundle = tmp_path / "in.xtb"
    bundle.write_bytes(exchange.export_bundle(h.store, h.me, osvc.me.fingerprint, clock=clock))
    assert office.batch_import(osvc, [str(bundle)])[0]["status"] == "accepted"
    shell = FakeShell(osvc)

    page = _lines(subject_page_view(shell, Screen.of("office_subject", id=s.id)))
    for line in (
        "家庭情况:异常(与妻子争吵后分居)",
        "在场人员:本人、家属",
        "走访记录:已劝导",
        "思想状况:思想稳定,认罪悔罪",
        "在场人员:本人及其母亲",
        "走访记录:了解近况,未发现异常",
    ):
        assert line in page, line
    assert "家中 · 家庭情况异常" in page

    board = _lines(dashboard_view(shell, Screen.of("office_dashboard")))
    assert "近30天走访发现的变化和异常" in board and "家庭情况异常(与妻子争吵后分居)" in board
    assert "30天内走访有异常" in board
