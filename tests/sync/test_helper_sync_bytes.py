"""The helper's sync actions on bytes from a file dialog (the browser gives bytes, no path)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest
from helper_sync_setup import SUBJECT, VISIT, Office, clock

from core.records import Record
from core.sync_wording import import_lines
from storage import snapshot_bytes
from sync.app import helper_sync as hs
from sync.app.errors import FileUnwritable
from sync.app.session import Service
from sync.exchange import assign, enroll_helper, export_bundle, import_bundle
from sync.protocol.errors import FingerprintMismatch
from sync.protocol.identity import make_office_card, parse_enrolment_request


def enrolled(office: Office, helper: Service) -> str:
    """Pin the office from the card's bytes, enrol from the request's bytes, assign one subject."""
    hs.pin_office_from_bytes(helper, make_office_card(office.me), office.me.public().grouped)
    _, request = hs.enrolment_request_bytes(helper, committee="青山村民委员会", phone="13800138000")
    enroll_helper(
        office.store,
        office.me,
        request,
        helper.me.public().grouped,
        committee="青山村民委员会",
        conditions=[1, 2, 3, 4],
        reviewer="赵六",
        review_date="2026-11-01",
        clock=clock,
    )
    subject = Record.new("subject", dict(SUBJECT), author=office.me.fingerprint, clock=clock)
    office.store.put(subject, actor=office.me.fingerprint)
    assign(office.store, office.me, subject.id, helper.me.fingerprint, clock)
    return subject.id


def store_bytes(home: Path) -> dict[str, bytes]:
    """Every byte of the store itself (the quarantine folder beside it is not the store)."""
    return {k: v for k, v in snapshot_bytes(home).items() if not k.startswith("quarantine/")}


def test_card_bytes_preview_shows_the_office_and_pinning_needs_the_right_digits(
    office: Office, helper: Service
) -> None:
    card = make_office_card(office.me)
    assert hs.office_card_preview_bytes(card) == {"name": "青山镇司法所", "fingerprint": office.me.public().grouped}
    real = office.me.public().fingerprint
    with pytest.raises(FingerprintMismatch):
        hs.pin_office_from_bytes(helper, card, ("1" if real[0] != "1" else "2") + real[1:])
    assert hs.fingerprints(helper)["office"] is None
    pinned = hs.pin_office_from_bytes(helper, card, real)
    assert pinned["name"] == "青山镇司法所"
    assert hs.fingerprints(helper)["office"] == office.me.public().grouped


def test_garbage_card_bytes_are_refused_with_a_chinese_message(helper: Service) -> None:
    from sync.protocol.errors import BadCard

    with pytest.raises(BadCard) as info:
        hs.office_card_preview_bytes(b"not a card at all")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.message)


def test_enrolment_request_bytes_carry_this_helper_and_change_nothing_until_remembered(helper: Service) -> None:
    name, blob = hs.enrolment_request_bytes(helper, committee="青山村民委员会", phone="13800138000")
    assert name == "登记申请-王五.xtreq"
    req = parse_enrolment_request(blob, expected_fingerprint=helper.me.fingerprint)
    assert req.name == "王五"
    assert hs.saved_contact(helper) == {"committee": "", "phone": ""}  # a cancelled save dialog keeps nothing
    hs.remember_contact(helper, committee="青山村民委员会", phone="13800138000")
    assert hs.saved_contact(helper) == {"committee": "青山村民委员会", "phone": "13800138000"}


def test_bundle_bytes_import_like_a_file_and_leave_no_staging_behind(office: Office, helper: Service) -> None:
    sid = enrolled(office, helper)
    blob = export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock)
    seen: list[float] = []
    summary = hs.import_bundle_bytes(helper, "至王五.xtb", blob, progress=lambda f, text: seen.append(f))
    assert summary.status == "accepted", summary
    assert summary.new >= 1 and seen[-1] == 1.0
    assert [r["id"] for r in helper.subject_rows()] == [sid]
    assert not [p for p in helper.home.iterdir() if p.name.startswith(".incoming-")]
    assert not (helper.home / "quarantine").exists()
    assert hs.import_bundle_bytes(helper, "至王五.xtb", blob).status == "already"


def test_tampered_bundle_bytes_are_refused_quarantined_under_the_picked_name_and_store_unchanged(
    office: Office, helper: Service
) -> None:
    enrolled(office, helper)
    blob = bytearray(export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock))
    blob[-5] ^= 0x01
    before = store_bytes(helper.home)
    summary = hs.import_bundle_bytes(helper, "../../被改动.xtb", bytes(blob))
    assert summary.status == "rejected"
    assert any("本机数据没有任何改变" in line for line in import_lines(asdict(summary)))
    assert store_bytes(helper.home) == before
    assert summary.quarantined == str(helper.home / "quarantine" / "被改动.xtb")
    assert Path(summary.quarantined).read_bytes() == bytes(blob)
    # a second refused bundle of the same name is kept beside the first, never over it
    again = hs.import_bundle_bytes(helper, "被改动.xtb", bytes(blob))
    assert again.status == "rejected" and Path(again.quarantined or "").name == "被改动.1.xtb"
    assert (helper.home / "quarantine" / "被改动.xtb").read_bytes() == bytes(blob)
    assert helper.subject_rows() == []


def test_bundle_bytes_need_a_pinned_office(helper: Service) -> None:
    with pytest.raises(hs.NoOffice):
        hs.import_bundle_bytes(helper, "x.xtb", b"whatever")
    with pytest.raises(hs.NoOffice):
        hs.export_bytes(helper)


def test_export_bytes_is_a_bundle_the_office_imports_and_marks_records_exported(
    office: Office, helper: Service
) -> None:
    sid = enrolled(office, helper)
    hs.import_bundle_bytes(helper, "in.xtb", export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock))
    helper.save_record("visit", dict(VISIT), subject=sid)
    assert hs.export_preview(helper)["resend"] == 0
    name, blob = hs.export_bytes(helper)
    assert name == "协助人员数据包-20261123-090000.xtb"
    assert "情绪稳定".encode() not in blob
    again = hs.export_preview(helper)
    assert again["total"] == 1 and again["resend"] == 1  # marked exported, as export_to marks it
    outcome = import_bundle(office.store, office.me, blob, clock=clock)
    assert outcome.status == "accepted", outcome
    assert [r.kind for r in office.store.list(subject=sid) if r.kind == "visit"] == ["visit"]


@pytest.mark.parametrize(
    "name, expected", [("a/b/c.xtb", "c.xtb"), ("C:\\Users\\d.xtb", "d.xtb"), ("", "数据包.xtb"), ("..", "数据包.xtb")]
)
def test_picked_names_lose_their_folders(name: str, expected: str) -> None:
    assert hs.picked_name(name) == expected


def test_a_cancelled_save_leaves_the_records_unexported_and_correctable(office: Office, helper: Service) -> None:
    """The phone's save dialog came back cancelled: the sealed bundle was never committed."""
    from sync.exchange import ExportSuperseded

    sid = enrolled(office, helper)
    hs.import_bundle_bytes(helper, "in.xtb", export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock))
    visit = helper.save_record("visit", dict(VISIT), subject=sid)
    _, cancelled = hs.seal_export(helper)
    assert helper.record_sync_status(visit.id) == "未导出" and helper.record_lock_reason(visit.id) is None
    assert hs.export_preview(helper)["resend"] == 0
    helper.save_record("visit", {**VISIT, "notes": "更正:情绪平稳"}, subject=sid, record_id=visit.id)

    _, saved = hs.seal_export(helper)  # the next try, saved this time
    assert saved.seq == cancelled.seq + 1  # never two bundles with one number
    saved.commit()
    assert helper.record_sync_status(visit.id) == "已导出" and helper.record_lock_reason(visit.id)
    with pytest.raises(ExportSuperseded):  # a stale bundle cannot mark anything afterwards
        cancelled.commit()
    assert import_bundle(office.store, office.me, saved.blob, clock=clock).status == "accepted"
    got = office.store.get(visit.id)
    assert got is not None and got.revision == 2 and got.data["notes"] == "更正:情绪平稳"


def test_a_failed_write_marks_nothing_exported(office: Office, helper: Service, tmp_path: Path) -> None:
    sid = enrolled(office, helper)
    hs.import_bundle_bytes(helper, "in.xtb", export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock))
    visit = helper.save_record("visit", dict(VISIT), subject=sid)
    (tmp_path / "不是文件夹").write_text("x")
    with pytest.raises(FileUnwritable, match="不是文件夹"):
        hs.export_to(helper, tmp_path / "不是文件夹" / "out.xtb")
    assert helper.record_sync_status(visit.id) == "未导出"
    assert hs.export_preview(helper)["total"] == 1  # still to go, with the office's receipts
    assert hs.export_preview(helper)["receipts"] > 0


def test_receipts_for_what_came_in_while_a_save_dialog_was_open_are_kept(office: Office, helper: Service) -> None:
    enrolled(office, helper)
    hs.import_bundle_bytes(helper, "in.xtb", export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock))
    _, sealed = hs.seal_export(helper)  # carries the receipts for the first office bundle
    second = Record.new("subject", {**SUBJECT, "name": "李四"}, author=office.me.fingerprint, clock=clock)
    office.store.put(second, actor=office.me.fingerprint)
    assign(office.store, office.me, second.id, helper.me.fingerprint, clock)
    hs.import_bundle_bytes(
        helper, "in2.xtb", export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock)
    )
    sealed.commit()
    assert hs.export_preview(helper)["receipts"] > 0  # the second bundle's receipts go next time
