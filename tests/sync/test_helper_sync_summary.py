"""What the sync screen tells the helper: export counts are records (corrections apart), and an
import names the subjects assigned and withdrawn and the notices that came in."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from helper_sync_setup import CHEAP, PASS, REPORT, SUBJECT, VISIT, clock
from workflow_setup import ENTRUSTMENT

from core.kinds import KIND_LABELS
from core.sync_wording import import_lines
from sync.app import helper_sync as hs
from sync.app import office as off
from sync.app.session import Service
from sync.exchange import enroll_helper, export_bundle, import_bundle
from sync.protocol.identity import make_enrolment_request, make_office_card
from views.sync_screen import exported_lines, preview_lines  # the wording is the screen's

VISIT_LABEL, REPORT_LABEL = KIND_LABELS["visit"], KIND_LABELS["report"]


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Service, Service]:
    """An office and its enrolled helper, the office card pinned; no subject yet."""
    office = Service(tmp_path / "office", clock=clock, kdf=CHEAP)
    office.setup("office", "青山镇司法所", PASS)
    helper = Service(tmp_path / "helper", clock=clock, kdf=CHEAP)
    helper.setup("helper", "王五", PASS)
    ome, hme = office.me, helper.me
    hs.pin_office_from_bytes(helper, make_office_card(ome), ome.public().grouped)
    enroll_helper(
        office.store,
        ome,
        make_enrolment_request(hme, "青山村民委员会", "13800138000"),
        hme.public().grouped,
        committee="青山村民委员会",
        conditions=[1, 2, 3, 4],
        reviewer="赵六",
        review_date="2026-11-01",
        clock=clock,
    )
    return office, helper


def subject(office: Service, helper: Service, name: str) -> str:
    sid = off.save_subject(office, {**SUBJECT, "name": name}).id
    off.assign(office, sid, helper.me.fingerprint)
    return sid


def notice(office: Service, sid: str, tasks: list[str]) -> Any:
    return off.issue_notice(
        office, sid, tasks=tasks, contact="李所长", contact_phone="13800138000", issuer="赵六", approver="钱七"
    )


def deliver(office: Service, helper: Service) -> hs.ImportSummary:
    blob = export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock)
    return hs.import_bundle_bytes(helper, "to-helper.xtb", blob)


def send_back(office: Service, helper: Service) -> None:
    _, blob = hs.export_bytes(helper)
    assert import_bundle(office.store, office.me, blob, clock=clock).status == "accepted"


# ------------------------------------------------------------------ export counts


def test_a_visit_corrected_twice_counts_as_one_record_with_two_corrections(pair: tuple[Service, Service]) -> None:
    office, helper = pair
    sid = subject(office, helper, "张三")
    deliver(office, helper)
    visit = helper.save_record("visit", dict(VISIT), subject=sid)
    for notes in ("情绪稳定,已更正", "情绪稳定,再次更正"):
        helper.save_record("visit", {**VISIT, "notes": notes}, subject=sid, record_id=visit.id)
    helper.save_record("report", dict(REPORT), subject=sid)
    pv = hs.export_preview(helper)
    assert pv["counts"] == {VISIT_LABEL: 1, REPORT_LABEL: 1}
    assert pv["corrections"] == {VISIT_LABEL: 2}
    assert pv["total"] == 2 and pv["versions"] == 4 and pv["urgent"] == 1
    lines = preview_lines(pv)
    assert f"{VISIT_LABEL}:1 条(含2次更正)" in lines
    assert f"{REPORT_LABEL}:1 条" in lines
    assert "其中紧急的重要情况报告:1 份" in lines
    assert any(line.startswith("共 2 条") for line in lines)
    # the bundle really holds one visit with its three versions
    send_back(office, helper)
    visits = [r for r in office.store.list(subject=sid) if r.kind == "visit"]
    assert len(visits) == 1 and len(office.store.history(visits[0].id)) == 3


def test_an_uncorrected_record_has_no_correction_note_and_resend_counts_records(pair: tuple[Service, Service]) -> None:
    office, helper = pair
    sid = subject(office, helper, "张三")
    deliver(office, helper)
    visit = helper.save_record("visit", dict(VISIT), subject=sid)
    helper.save_record("visit", {**VISIT, "notes": "更正"}, subject=sid, record_id=visit.id)
    helper.save_record("visit", {**VISIT, "place": "田间"}, subject=sid)
    hs.export_bytes(helper)  # lost on the way: not acknowledged, so carried again
    pv = hs.export_preview(helper)
    assert pv["counts"] == {VISIT_LABEL: 2} and pv["corrections"] == {VISIT_LABEL: 1}
    assert pv["resend"] == 2  # two records, although three versions
    assert preview_lines(pv)[0] == f"{VISIT_LABEL}:2 条(含1次更正)"


def test_the_export_result_repeats_the_urgent_reports_and_the_corrections(
    pair: tuple[Service, Service], tmp_path: Path
) -> None:
    office, helper = pair
    sid = subject(office, helper, "张三")
    deliver(office, helper)
    report = helper.save_record("report", dict(REPORT), subject=sid)
    helper.save_record("report", {**REPORT, "action": "已电话联系"}, subject=sid, record_id=report.id)
    done = hs.export_to(helper, tmp_path / "usb")
    title, lines = exported_lines(done, done["path"])
    assert title == "已导出 1 条记录"
    assert lines[0] == f"{REPORT_LABEL}:1 条(含1次更正)"
    assert "其中紧急的重要情况报告:1 份" in lines
    assert f"文件:{done['path']}" in lines


def test_an_export_with_only_receipts_says_so() -> None:
    pv = {"counts": {}, "corrections": {}, "urgent": 0, "total": 0, "versions": 0, "resend": 0, "receipts": 3}
    title, lines = exported_lines(pv, "a.xtb")
    assert title == "已导出数据包(没有新的记录,只有接收回执)"
    assert lines[0] == "给司法所的接收回执:3 条"
    assert preview_lines(pv)[0] == "没有新的记录。"


# ------------------------------------------------------------------ import summary


def test_an_import_names_the_new_subjects_and_the_notices_with_their_tasks(pair: tuple[Service, Service]) -> None:
    office, helper = pair
    zhang = subject(office, helper, "张三")
    li = subject(office, helper, "李四")
    notice(office, zhang, ["报告重要情况", "参加矫正宣告"])
    notice(office, li, ["协助困难帮扶"])
    summary = deliver(office, helper)
    assert summary.status == "accepted"
    assert summary.new_subjects == sorted(["张三", "李四"])
    assert [(n["subject"], n["tasks"]) for n in summary.new_notices] == [("张三", 2), ("李四", 1)]
    assert summary.new_notices[0]["number"] == "(2026)协通字第1号"
    assert "新分配的矫正对象:" + "、".join(summary.new_subjects) in import_lines(asdict(summary))
    assert "新的协助通知:2 份" in import_lines(asdict(summary))
    assert "· 张三 (2026)协通字第1号,协助事项 2 项" in import_lines(asdict(summary))
    assert summary.withdrawn_subjects == []
    assert not any(line.startswith("已撤回") for line in import_lines(asdict(summary)))


def test_a_second_import_names_only_what_is_new_in_it(pair: tuple[Service, Service]) -> None:
    office, helper = pair
    zhang = subject(office, helper, "张三")
    notice(office, zhang, ["报告重要情况"])
    deliver(office, helper)
    send_back(office, helper)  # the office learns the helper has them
    off.save_subject(office, {**SUBJECT, "name": "张三", "phone": "13700137000"}, zhang)  # an update, not new
    subject(office, helper, "赵七")
    notice(office, zhang, ["协助调查评估", "协助困难帮扶", "引导社会力量参与"])
    summary = deliver(office, helper)
    assert summary.new_subjects == ["赵七"]
    assert [(n["subject"], n["tasks"]) for n in summary.new_notices] == [("张三", 3)]
    assert "新的协助通知:1 份" in import_lines(asdict(summary))


def test_a_withdrawn_subject_is_named_although_its_records_leave_the_phone(pair: tuple[Service, Service]) -> None:
    office, helper = pair
    zhang = subject(office, helper, "张三")
    subject(office, helper, "李四")
    deliver(office, helper)
    send_back(office, helper)
    off.unassign(office, zhang, helper.me.fingerprint)
    summary = deliver(office, helper)
    assert summary.status == "accepted" and summary.withdrawn == 1
    assert summary.withdrawn_subjects == ["张三"]
    assert any(line.startswith("已撤回:张三") for line in import_lines(asdict(summary)))
    assert summary.new_subjects == [] and summary.new_notices == []
    assert [r["name"] for r in helper.subject_rows()] == ["李四"]  # the purge still happened


def test_a_repeated_or_refused_bundle_names_nothing(pair: tuple[Service, Service], tmp_path: Path) -> None:
    office, helper = pair
    subject(office, helper, "张三")
    blob = export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock)
    assert hs.import_bundle_bytes(helper, "a.xtb", blob).new_subjects == ["张三"]
    again = hs.import_bundle_bytes(helper, "a.xtb", blob)
    assert again.status == "already" and again.new_subjects == [] and again.new_notices == []
    bad = bytearray(export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock))
    bad[-5] ^= 1
    refused = hs.import_bundle_bytes(helper, "b.xtb", bytes(bad))
    assert refused.status == "rejected" and refused.new_subjects == [] and refused.withdrawn_subjects == []


def test_an_import_names_a_new_entrustment_task_and_its_withdrawal(pair: tuple[Service, Service]) -> None:
    office, helper = pair
    eid = off.record_entrustment(office, {**ENTRUSTMENT, "name": "孙八", "helper": helper.me.fingerprint}).id
    summary = deliver(office, helper)
    assert summary.new_tasks == ["孙八"] and summary.new_subjects == []
    assert "新的调查评估任务:孙八(在矫正对象列表上方)" in import_lines(asdict(summary))
    off.assign_entrustment_helper(office, eid, "")  # no longer this helper's
    summary = deliver(office, helper)
    assert summary.new_tasks == [] and summary.withdrawn_subjects == ["孙八(调查评估任务)"]
