"""Close-out (解矫): the office closes a case, the phone keeps it read-only until its last
records reached the office, then the case leaves the phone; the office keeps it archived."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_setup import PASS, VISIT, TickClock, setup_pair

from core.closeout import AlreadyClosed, CaseClosed
from core.errors import ValidationError
from sync.app import office
from sync.app.session import Service
from sync.exchange import export_bundle, import_bundle


def _services(tmp_path: Path, clock: TickClock) -> tuple[Service, Service, str]:
    o, h, subject = setup_pair(tmp_path, clock)
    o.store.close()
    h.store.close()
    osvc, hsvc = Service(o.home, clock=clock), Service(h.home, clock=clock)
    osvc.unlock(PASS)
    hsvc.unlock(PASS)
    return osvc, hsvc, subject.id


def _send(src: Service, dst: Service, clock: TickClock):  # type: ignore[no-untyped-def]
    blob = export_bundle(src.store, src.me, dst.me.fingerprint, clock=clock)
    out = import_bundle(dst.store, dst.me, blob, clock=clock)
    assert out.status == "accepted", out.message
    return out


def test_a_closed_case_leaves_the_phone_only_after_its_last_records_reached_the_office(tmp_path: Path) -> None:
    clock = TickClock()
    osvc, hsvc, sid = _services(tmp_path, clock)
    _send(osvc, hsvc, clock)  # the phone has the case
    late = hsvc.save_record(
        "visit", {**VISIT, "date": "2026-02-28"}, subject=sid
    )  # written before it learns of the close-out

    office.close_case(osvc, sid, "期满", "2026-03-01")
    _send(osvc, hsvc, clock)
    detail = hsvc.subject_detail(sid)
    assert detail["closed"] == "已解矫(期满,2026-03-01)"
    assert "已解矫" in hsvc.subject_rows()[0]["badges"]
    with pytest.raises(CaseClosed):
        hsvc.save_record("visit", {**VISIT, "date": "2026-02-28"}, subject=sid)
    with pytest.raises(CaseClosed):
        hsvc.save_record("visit", {**VISIT, "date": "2026-02-28", "notes": "补充"}, subject=sid, record_id=late.id)

    _send(hsvc, osvc, clock)  # the late visit and the phone's receipt of the closure
    assert osvc.store.get(late.id) is not None
    out = _send(osvc, hsvc, clock)  # acknowledges the visit and withdraws the case
    assert out.withdrawn == [sid]
    assert hsvc.store.list(subject=sid, include_deleted=True) == []

    _send(hsvc, osvc, clock)
    again = export_bundle(osvc.store, osvc.me, hsvc.me.fingerprint, clock=clock)
    out = import_bundle(hsvc.store, hsvc.me, again, clock=clock)
    assert out.counts.get("subject", 0) == 0 and hsvc.store.get(sid) is None  # never sent again

    [row] = office.subject_rows(osvc, status="archived")
    assert row["id"] == sid and row["status_label"] == "已解矫(期满,2026-03-01)"
    assert office.subject_rows(osvc, status="active") == []
    assert office.archived_rows(osvc)[0]["id"] == sid
    assert office.subject_page(osvc, sid)["closure"]["reason"] == "期满"
    board = office.dashboard(osvc)
    assert all(r["subject"] != sid for key in ("overdue", "ending_soon", "unassisted") for r in board[key])


def test_the_closure_is_validated_and_given_once(tmp_path: Path) -> None:
    clock = TickClock()
    osvc, _hsvc, sid = _services(tmp_path, clock)
    with pytest.raises(ValidationError) as bad:
        office.close_case(osvc, sid, "迁出", "2026-03-01")
    assert "transfer_to" in bad.value.errors
    with pytest.raises(ValidationError) as bad:
        office.close_case(osvc, sid, "释放", "2026-03-01")
    assert "reason" in bad.value.errors
    rec = office.close_case(osvc, sid, "迁出", "2026-03-01", transfer_to="红星镇司法所")
    assert rec.data["transfer_to"] == "红星镇司法所" and rec.author == osvc.me.fingerprint
    with pytest.raises(AlreadyClosed):
        office.close_case(osvc, sid, "期满", "2026-03-02")


def test_a_closed_case_is_never_sent_to_a_phone_that_did_not_have_it(tmp_path: Path) -> None:
    clock = TickClock()
    osvc, hsvc, sid = _services(tmp_path, clock)
    office.close_case(osvc, sid, "死亡", "2026-03-01")
    out = _send(osvc, hsvc, clock)
    assert out.counts.get("subject", 0) == 0 and hsvc.store.get(sid) is None


def test_the_subjects_report_prints_archived_cases_with_their_status(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    clock = TickClock()
    osvc, _hsvc, sid = _services(tmp_path, clock)
    office.close_case(osvc, sid, "收监执行", "2026-03-01")
    path = office.write_report(osvc, "subjects", tmp_path / "名册.xlsx")
    cells = [c for row in load_workbook(path).active.iter_rows(values_only=True) for c in row]
    assert "已解矫(收监执行,2026-03-01)" in cells


def test_no_notice_is_issued_for_a_closed_case(tmp_path: Path) -> None:
    clock = TickClock()
    osvc, _hsvc, sid = _services(tmp_path, clock)
    office.close_case(osvc, sid, "期满", "2026-03-01")
    before = office.notice_rows(osvc)
    with pytest.raises(ValidationError) as refused:
        office.issue_notice(
            osvc,
            sid,
            tasks=["报告重要情况"],
            contact="王喆",
            contact_phone="0555-2426309",
            issuer="王喆",
            approver="周昇",
        )
    assert "已解矫" in refused.value.errors["subject"]
    assert office.notice_rows(osvc) == before
