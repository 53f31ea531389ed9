"""The helper's sync actions against real office and helper stores (cheap scrypt)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest
from helper_sync_setup import REPORT, SUBJECT, VISIT, Office, clock

from core.errors import ValidationError
from core.kinds import KIND_LABELS
from core.records import Record
from core.sync_wording import import_lines
from sync.app import helper_sync as hs
from sync.app.session import Service
from sync.exchange import assign, enroll_helper, export_bundle, import_bundle
from sync.protocol.errors import FingerprintMismatch
from sync.protocol.identity import make_office_card, parse_enrolment_request


@pytest.fixture
def card(tmp_path: Path, office: Office) -> Path:
    path = tmp_path / "office.card"
    path.write_bytes(make_office_card(office.me))
    return path


def enrol(tmp_path: Path, office: Office, helper: Service, card: Path) -> str:
    """Pin the office, hand the request over, enrol and assign one subject; returns the subject id."""
    hs.pin_office_from_file(helper, card, office.me.public().grouped)
    req = hs.write_enrolment_request(helper, tmp_path / "req", committee="青山村民委员会", phone="13800138000")
    fp = helper.me.fingerprint
    enroll_helper(
        office.store,
        office.me,
        Path(req).read_bytes(),
        helper.me.public().grouped,
        committee="青山村民委员会",
        conditions=[1, 2, 3, 4],
        reviewer="赵六",
        review_date="2026-11-01",
        clock=clock,
    )
    subject = Record.new("subject", dict(SUBJECT), author=office.me.fingerprint, clock=clock)
    office.store.put(subject, actor=office.me.fingerprint)
    assign(office.store, office.me, subject.id, fp, clock)
    return subject.id


def office_bundle(tmp_path: Path, office: Office, helper: Service, name: str = "to-helper.xtb") -> Path:
    path = tmp_path / "usb" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock))
    return path


def test_fingerprints_show_no_office_until_pinned_then_the_office(
    tmp_path: Path, office: Office, helper: Service, card: Path
) -> None:
    before = hs.fingerprints(helper)
    assert before["office"] is None
    assert before["mine"] == helper.me.public().grouped
    assert hs.office_card_preview(card) == {"name": "青山镇司法所", "fingerprint": office.me.public().grouped}
    hs.pin_office_from_file(helper, card, office.me.public().grouped.replace(" ", ""))
    after = hs.fingerprints(helper)
    assert after["office"] == office.me.public().grouped
    assert after["office_name"] == "青山镇司法所"


def test_pin_with_wrong_digits_is_refused_and_nothing_pinned(office: Office, helper: Service, card: Path) -> None:
    real = office.me.public().fingerprint
    wrong = ("1" if real[0] != "1" else "2") + real[1:]
    with pytest.raises(FingerprintMismatch):
        hs.pin_office_from_file(helper, card, wrong)
    assert hs.fingerprints(helper)["office"] is None


def test_missing_card_file_is_a_readable_error(tmp_path: Path, helper: Service) -> None:
    with pytest.raises(hs.FileUnreadable) as info:
        hs.office_card_preview(tmp_path / "nope.card")
    assert "无法读取文件" in info.value.message


def test_enrolment_request_file_carries_this_helper_and_contact(tmp_path: Path, helper: Service) -> None:
    out = hs.write_enrolment_request(helper, tmp_path, committee="青山村民委员会", phone="13800138000")
    req = parse_enrolment_request(Path(out).read_bytes(), expected_fingerprint=helper.me.fingerprint)
    assert req.name == "王五"
    assert hs.saved_contact(helper) == {"committee": "青山村民委员会", "phone": "13800138000"}


def test_enrolment_request_with_bad_phone_is_refused_and_no_file(tmp_path: Path, helper: Service) -> None:
    with pytest.raises(ValidationError):
        hs.write_enrolment_request(helper, tmp_path / "r.xtreq", committee="青山村民委员会", phone="abc")
    assert not (tmp_path / "r.xtreq").exists()


def test_export_needs_a_pinned_office(tmp_path: Path, helper: Service) -> None:
    with pytest.raises(hs.NoOffice):
        hs.export_preview(helper)
    with pytest.raises(hs.NoOffice):
        hs.export_to(helper, tmp_path / "out.xtb")


def test_import_reports_new_records_and_subject_appears(
    tmp_path: Path, office: Office, helper: Service, card: Path
) -> None:
    sid = enrol(tmp_path, office, helper, card)
    path = office_bundle(tmp_path, office, helper)
    assert hs.bundle_files(path.parent) == [str(path)]
    seen: list[float] = []
    summary = hs.import_bundle_file(helper, path, progress=lambda f, text: seen.append(f))
    assert summary.status == "accepted", summary
    assert summary.new >= 1 and summary.status == "accepted"
    assert seen[-1] == 1.0 and seen == sorted(seen)
    assert [r["id"] for r in helper.subject_rows()] == [sid]
    again = hs.import_bundle_file(helper, path)
    assert again.status == "already"


def test_tampered_bundle_is_quarantined_and_store_unchanged(
    tmp_path: Path, office: Office, helper: Service, card: Path
) -> None:
    enrol(tmp_path, office, helper, card)
    path = office_bundle(tmp_path, office, helper)
    blob = bytearray(path.read_bytes())
    blob[-5] ^= 0x01
    path.write_bytes(bytes(blob))
    summary = hs.import_bundle_file(helper, path)
    assert summary.status == "rejected"
    assert not path.exists()
    assert summary.quarantined and Path(summary.quarantined).parent == helper.home / "quarantine"
    assert Path(summary.quarantined).read_bytes() == bytes(blob)
    assert helper.subject_rows() == []
    assert any("本机数据没有任何改变" in line for line in import_lines(asdict(summary)))


def test_gap_in_office_bundles_is_explained(tmp_path: Path, office: Office, helper: Service, card: Path) -> None:
    enrol(tmp_path, office, helper, card)
    office_bundle(tmp_path, office, helper, "1.xtb")  # lost on the way
    second = office_bundle(tmp_path, office, helper, "2.xtb")
    summary = hs.import_bundle_file(helper, second)
    assert summary.status == "accepted"
    assert summary.gap == (1, 1)
    assert any("第1至1号" in line for line in import_lines(asdict(summary)))


def test_preview_counts_match_the_exported_bundle_and_export_is_encrypted(
    tmp_path: Path, office: Office, helper: Service, card: Path
) -> None:
    sid = enrol(tmp_path, office, helper, card)
    hs.import_bundle_file(helper, office_bundle(tmp_path, office, helper))
    helper.save_record("visit", dict(VISIT), subject=sid)
    helper.save_record("report", dict(REPORT), subject=sid)
    preview = hs.export_preview(helper)
    assert preview["counts"] == {KIND_LABELS["visit"]: 1, KIND_LABELS["report"]: 1}
    assert preview["urgent"] == 1 and preview["total"] == 2 and preview["resend"] == 0
    assert preview["receipts"] >= 1  # the office's records just imported are acknowledged in it
    out = tmp_path / "out" / "back"
    result = hs.export_to(helper, out)
    written = Path(result["path"])
    assert written.suffix == ".xtb" and written.exists()
    raw = written.read_bytes()
    for secret in ("夜间外出未归".encode(), "情绪稳定".encode(), "张三".encode()):
        assert secret not in raw
    assert not [p for p in written.parent.iterdir() if p != written]  # no temp file left behind
    outcome = import_bundle(office.store, office.me, raw, clock=clock)
    assert outcome.status == "accepted", outcome
    kinds = sorted(r.kind for r in office.store.list(subject=sid) if r.kind in ("visit", "report"))
    assert kinds == ["report", "visit"]
    # until the office acknowledges them, the next bundle carries them again, and says so
    again = hs.export_preview(helper)
    assert again["total"] == 2 and again["resend"] == 2 and again["receipts"] == 0
    # the office's reply acknowledges them: nothing left to send
    reply = export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock)
    (tmp_path / "usb" / "reply.xtb").write_bytes(reply)
    assert hs.import_bundle_file(helper, tmp_path / "usb" / "reply.xtb").status == "accepted"
    after = hs.export_preview(helper)
    assert after["total"] == 0 and after["counts"] == {} and after["urgent"] == 0


def test_export_into_a_folder_names_the_file(tmp_path: Path, office: Office, helper: Service, card: Path) -> None:
    enrol(tmp_path, office, helper, card)
    folder = tmp_path / "usb2"
    folder.mkdir()
    result = hs.export_to(helper, folder)
    assert Path(result["path"]).parent == folder
    assert hs.bundle_files(folder) == [result["path"]]
