"""Two screens issue 12 needs a person for: the phone's in-person check of the office's new key
(设置 and 同步 show it while a rotation waits), and the office's list of later changes to
records it had acknowledged (同步, with 已核查)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flet as ft
from fake_shell import FakeShell, click
from fakes import CHEAP, PASS, clock

from core.demo import SAMPLE_SUBJECT
from core.routes import Screen
from sync.app import helper_sync, office
from sync.app.session import Service
from views.settings import settings_view
from views.sync_screen import sync_view


def controls(control: Any) -> list[Any]:
    out = [control]
    for attr in ("controls", "content", "cells", "rows", "leading", "label"):
        child = getattr(control, attr, None)
        for c in child if isinstance(child, list) else [child]:
            if c is not None and not isinstance(c, str) and hasattr(c, "__dict__"):
                out += controls(c)
    return out


def texts(view: Any) -> list[str]:
    return [c.value for c in controls(view) if isinstance(getattr(c, "value", None), str)]


def button(view: Any, label: str) -> Any:
    return next(c for c in controls(view) if callable(getattr(c, "on_click", None)) and label in str(c.content))


def field(view: Any, label: str) -> ft.TextField:
    return next(c for c in controls(view) if isinstance(c, ft.TextField) and label in (c.label or ""))


def rotated_pair(tmp_path: Path, *, rotate: bool = True) -> tuple[Service, Service, str]:
    """An office and an enrolled phone with one subject; the office rotates its key (unless
    told not to) and the phone imports the bundle announcing it. Returns (office, phone, the
    office's grouped fingerprint now)."""
    osvc = Service(tmp_path / "office", kdf=CHEAP, clock=clock)
    osvc.setup("office", "东岭司法所", PASS)
    phone = Service(tmp_path / "phone", kdf=CHEAP, clock=clock)
    phone.setup("helper", "王五", PASS)
    card = office.write_office_card(osvc, tmp_path / "card.xtcard")
    helper_sync.pin_office_from_file(phone, card, osvc.me.public().grouped)
    request = helper_sync.write_enrolment_request(
        phone, tmp_path / "req.xtreq", committee="青山村民委员会", phone="13800138000"
    )
    office.enrol_from_request(
        osvc, request, phone.me.public().grouped, committee="青山村民委员会", conditions=[1, 2, 3, 4], reviewer="赵六"
    )
    subject = office.save_subject(osvc, dict(SAMPLE_SUBJECT))
    office.assign(osvc, subject.id, phone.me.fingerprint)
    new = office.rotate_key(osvc) if rotate else osvc.me.public().grouped
    sent = office.export_to_helper(osvc, phone.me.fingerprint, tmp_path / "to.xtb")
    assert helper_sync.import_bundle_file(phone, sent["file"]).status == "accepted"
    return osvc, phone, new


def test_the_phone_asks_for_the_new_office_fingerprint_in_person_and_only_a_match_moves_it(tmp_path: Path) -> None:
    _osvc, phone, new = rotated_pair(tmp_path)
    shell = FakeShell(phone)
    view = settings_view(shell, Screen.of("settings"))
    assert "司法所更换了密钥,请当面核对" in texts(view)
    assert not any(group in " ".join(texts(view)) for group in new.split()[1:3])  # the new digits are not shown
    typed = field(view, "当面念出的新指纹")
    typed.value = "12345 " * 6
    click(button(view, "核对新指纹").on_click)
    assert helper_sync.pending_office_rotation(phone) is not None
    assert any("不一致" in t for t in texts(view)), texts(view)  # said beside the field, the pin unchanged
    typed.value = new
    click(button(view, "核对新指纹").on_click)
    assert helper_sync.pending_office_rotation(phone) is None
    assert helper_sync.fingerprints(phone)["office"] == new
    assert shell.went[-1] == "/settings"
    sync = sync_view(FakeShell(phone), Screen.of("sync"))
    assert "司法所更换了密钥,请当面核对" not in texts(sync)


def test_the_sync_screen_shows_the_waiting_key_check_too(tmp_path: Path) -> None:
    _osvc, phone, _new = rotated_pair(tmp_path)
    view = sync_view(FakeShell(phone), Screen.of("sync"))
    assert "司法所更换了密钥,请当面核对" in texts(view)


def test_the_office_lists_a_later_change_to_an_acknowledged_record_until_it_is_looked_at(tmp_path: Path) -> None:
    from views.office.sync_screen import sync_view as office_sync_view

    osvc, phone, _ = rotated_pair(tmp_path, rotate=False)
    sid = phone.subject_rows()[0]["id"]
    visit = phone.save_record(
        "visit",
        {
            "date": "2026-11-20",
            "place": "家中",
            "present": "本人",
            "thinking": "稳定",
            "work": "务农",
            "life": "正常",
            "family": "和睦",
            "notes": "情况正常",
        },
        subject=sid,
    )
    office.batch_import(osvc, helper_sync.export_to(phone, tmp_path / "1.xtb")["path"])
    helper_sync.import_bundle_file(
        phone, office.export_to_helper(osvc, phone.me.fingerprint, tmp_path / "2.xtb")["file"]
    )
    # The app refuses this correction (the record has left the phone); a tampered phone does not.
    phone.store.put(visit.revise({**visit.data, "notes": "事后改写"}, clock=clock), actor=phone.me.fingerprint)
    [row] = office.batch_import(osvc, helper_sync.export_to(phone, tmp_path / "3.xtb")["path"])
    assert row["status"] == "accepted" and row["warnings"]

    shell = FakeShell(osvc)
    view = office_sync_view(shell, Screen.of("office_sync"))
    shown = " ".join(texts(view))
    assert "已确认记录的后续修改(待核查)" in shown and "司法所已确认第1版,对方修改为第2版" in shown
    click(button(view, "已核查").on_click)
    assert "没有待核查的修改。" in texts(view)
    assert office.flagged_rows(osvc) == []
