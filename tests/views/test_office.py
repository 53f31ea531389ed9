"""Office operations (sync/office.py) against real encrypted stores with cheap scrypt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fake_shell import FakeShell as _Shell  # the view tests' one fake shell
from fake_shell import click
from fakes import CHEAP, PASS

from core import routes
from core.demo import SAMPLE_SUBJECT
from core.errors import NotFound, PermissionDenied, ValidationError
from core.kinds import KINDS
from core.records import Record
from sync import exchange
from sync.app import files, office
from sync.app.errors import FileMissing, FileUnreadable
from sync.app.office import overview
from sync.app.session import Service
from sync.protocol.errors import FingerprintMismatch
from sync.protocol.identity import make_enrolment_request, make_office_card

SUBJECT = dict(SAMPLE_SUBJECT)
URGENT = {"category": "家庭重大变故", "urgency": "紧急", "occurred": "2026-11-20", "description": "父亲病重住院"}


class Clock:
    """Aware UTC, one second later per call; ``advance`` jumps days ahead."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now

    def advance(self, days: int) -> None:
        self.now += timedelta(days=days)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def osvc(tmp_path: Path, clock: Clock) -> Service:
    s = Service(tmp_path / "office", clock=clock, kdf=CHEAP)
    s.setup("office", "青山镇司法所", PASS)
    return s


def make_helper(tmp_path: Path, clock: Clock, osvc: Service, name: str = "王五") -> tuple[Service, Path]:
    """A helper that pinned the office, and its enrolment request file."""
    h = Service(tmp_path / f"helper-{name}", clock=clock, kdf=CHEAP)
    h.setup("helper", name, PASS)
    exchange.pin_office(h.store, make_office_card(osvc.me), osvc.me.public().grouped)
    req = tmp_path / f"{name}.req"
    req.write_bytes(make_enrolment_request(h.me, "青山村民委员会", "13800138000"))
    return h, req


def enrol(osvc: Service, h: Service, req: Path) -> dict[str, Any]:
    return office.enrol_from_request(
        osvc,
        req,
        h.me.public().grouped,
        committee="青山村民委员会",
        conditions=[1, 2, 3, 4],
        reviewer="赵六",
        review_date="2026-11-20",
    )


def helper_bundle(h: Service, osvc: Service, out: Path, clock: Clock, **report: Any) -> Path:
    """The helper saves an urgent report on its assigned subject and exports a bundle to ``out``."""
    store = h.store
    if report:
        sid = next(iter(store.summaries()))
        h.save_record("report", {**URGENT, **report}, subject=sid)
    out.write_bytes(exchange.export_bundle(store, h.me, osvc.me.fingerprint, clock=clock))
    return out


def deliver(osvc: Service, h: Service, tmp_path: Path) -> None:
    """Office -> helper: export all and let the helper import its own bundle."""
    for row in office.export_all(osvc, tmp_path / "out"):
        if row["fingerprint"] == h.me.fingerprint:
            outcome = exchange.import_bundle(h.store, h.me, Path(row["file"]).read_bytes(), clock=h.clock)
            assert outcome.status == "accepted", outcome.message


def test_enrolled_helper_appears_in_roster_as_active_without_bundle(
    tmp_path: Path, clock: Clock, osvc: Service
) -> None:
    h, req = make_helper(tmp_path, clock, osvc)
    preview = office.enrolment_preview(osvc, req)
    assert preview["name"] == "王五" and len(preview["fingerprint_groups"]) == 6
    enrol(osvc, h, req)
    [row] = office.helper_rows(osvc)
    assert (row["name"], row["committee"], row["phone"]) == ("王五", "青山村民委员会", "13800138000")
    assert row["status_label"] == "在册" and row["enrolled_date"] == "2026-11-23"
    assert row["last_bundle"] == "" and row["fingerprint"] == h.me.fingerprint


def test_enrolment_with_wrong_digits_or_missing_condition_is_refused_and_roster_empty(
    tmp_path: Path, clock: Clock, osvc: Service
) -> None:
    h, req = make_helper(tmp_path, clock, osvc)
    wrong = "12345 " * 6
    with pytest.raises(FingerprintMismatch, match="指纹"):
        office.enrol_from_request(
            osvc,
            req,
            wrong,
            committee="青山村民委员会",
            conditions=[1, 2, 3, 4],
            reviewer="赵六",
            review_date="2026-11-20",
        )
    with pytest.raises(ValidationError) as exc:
        office.enrol_from_request(
            osvc,
            req,
            h.me.public().grouped,
            committee="青山村民委员会",
            conditions=[1, 2, 3],
            reviewer="赵六",
            review_date="2026-11-20",
        )
    assert "conditions" in exc.value.errors
    with pytest.raises(FileUnreadable, match="missing.req"):
        office.enrol_from_request(
            osvc,
            tmp_path / "missing.req",
            h.me.public().grouped,
            committee="青山村民委员会",
            conditions=[1, 2, 3, 4],
            reviewer="赵六",
            review_date="2026-11-20",
        )
    assert office.helper_rows(osvc) == []


def test_helper_device_cannot_use_office_operations(tmp_path: Path, clock: Clock, osvc: Service) -> None:
    h, _req = make_helper(tmp_path, clock, osvc)
    with pytest.raises(PermissionDenied):
        office.dashboard(h)


def test_subject_validation_errors_name_fields_and_edit_keeps_assigned_helpers(
    tmp_path: Path, clock: Clock, osvc: Service
) -> None:
    with pytest.raises(ValidationError) as exc:
        office.save_subject(osvc, {**SUBJECT, "name": "", "term_end": "2025-01-01"})
    assert "name" in exc.value.errors and "term_end" in exc.value.errors
    h, req = make_helper(tmp_path, clock, osvc)
    enrol(osvc, h, req)
    rec = office.save_subject(osvc, SUBJECT)
    office.assign(osvc, rec.id, h.me.fingerprint)
    edited = office.save_subject(osvc, {**SUBJECT, "residence": "青山镇新村"}, rec.id)
    assert edited.revision == 3 and edited.data["helpers"] == [h.me.fingerprint]
    assert edited.data["residence"] == "青山镇新村"


def test_subject_rows_filter_by_committee_category_helper_and_term_ending(
    tmp_path: Path, clock: Clock, osvc: Service
) -> None:
    h, req = make_helper(tmp_path, clock, osvc)
    enrol(osvc, h, req)
    a = office.save_subject(osvc, SUBJECT)
    office.save_subject(osvc, {**SUBJECT, "name": "李四", "category": "假释", "committee": "绿水社区居民委员会"})
    office.save_subject(osvc, {**SUBJECT, "name": "王二", "term_end": "2026-12-10"})
    office.assign(osvc, a.id, h.me.fingerprint)
    names = lambda **kw: sorted(r["name"] for r in office.subject_rows(osvc, **kw))  # noqa: E731
    assert names() == ["张三", "李四", "王二"]
    assert names(committee="青山村民委员会") == ["张三", "王二"]
    assert names(category="假释") == ["李四"]
    assert names(helper=h.me.fingerprint) == ["张三"]
    assert names(helper="none") == ["李四", "王二"]
    assert names(ending_within=30) == ["王二"]
    assert office.subject_rows(osvc, helper=h.me.fingerprint)[0]["helper_names"] == ["王五"]


def test_roster_with_one_bad_row_imports_nothing_then_good_roster_imports_all(tmp_path: Path, osvc: Service) -> None:
    from openpyxl import Workbook

    from core.kinds import KINDS

    fields = [f for f in KINDS["subject"].fields if f.name in SUBJECT]

    def xlsx(path: Path, rows: list[dict[str, str]]) -> Path:
        wb = Workbook()
        ws = wb.active
        ws.append([f.label for f in fields])
        for r in rows:
            ws.append([r.get(f.name, "") for f in fields])
        wb.save(path)
        return path

    bad = xlsx(tmp_path / "bad.xlsx", [SUBJECT, {**SUBJECT, "gender": "未知"}])
    with pytest.raises(ValidationError) as exc:
        office.import_roster(osvc, bad)
    assert "第3行" in " ".join(exc.value.errors.values())
    assert office.subject_rows(osvc) == []
    good = xlsx(tmp_path / "good.xlsx", [SUBJECT, {**SUBJECT, "name": "李四"}])
    assert office.import_roster(osvc, good) == {"imported": 2, "added": 2, "updated": 0, "skipped": 0}
    assert sorted(r["name"] for r in office.subject_rows(osvc)) == ["张三", "李四"]
    assert office.import_roster(osvc, good) == {"imported": 0, "added": 0, "updated": 0, "skipped": 2}
    assert sorted(r["name"] for r in office.subject_rows(osvc)) == ["张三", "李四"]
    assert files.list_files(tmp_path, [".xlsx"]) == ["bad.xlsx", "good.xlsx"]


def test_notices_are_numbered_in_sequence_and_saved_as_docx(tmp_path: Path, osvc: Service) -> None:
    from docx import Document

    s = office.save_subject(osvc, SUBJECT)
    tasks = office.notice_tasks(["报告重要情况", "协助调查评估"], "每月走访一次\n")
    assert tasks == ["协助调查评估", "报告重要情况", "每月走访一次"]
    kw = dict(tasks=tasks, contact="李所长", contact_phone="13900001111", issuer="陈填发", approver="周批准")
    first = office.issue_notice(osvc, s.id, **kw)
    second = office.issue_notice(osvc, s.id, **kw)
    assert first.data["number"] == "(2026)协通字第1号" and second.data["number"] == "(2026)协通字第2号"
    assert first.data["name"] == "张三" and first.data["committee"] == "青山村民委员会"
    assert [r["number"] for r in office.notice_rows(osvc)] == ["(2026)协通字第2号", "(2026)协通字第1号"]
    with pytest.raises(ValidationError) as exc:
        office.issue_notice(osvc, s.id, **{**kw, "tasks": [f"事项{i}" for i in range(11)]})
    assert "tasks" in exc.value.errors
    with pytest.raises(ValidationError) as exc:
        office.issue_notice(osvc, s.id, **{**kw, "contact_phone": "abc"})
    assert "contact_phone" in exc.value.errors
    out = office.save_notice_docx(osvc, second.id, tmp_path / "notice")
    assert out.name == "notice.docx"
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "2026" in text and "协通字" in text and "张三" in text
    third = office.issue_notice(osvc, s.id, **kw)
    assert third.data["seq"] == 3  # refused attempts do not consume numbers


def test_export_all_writes_one_bundle_per_active_helper_readable_by_that_helper(
    tmp_path: Path, clock: Clock, osvc: Service
) -> None:
    h1, r1 = make_helper(tmp_path, clock, osvc, "王五")
    h2, r2 = make_helper(tmp_path, clock, osvc, "赵七")
    enrol(osvc, h1, r1)
    enrol(osvc, h2, r2)
    s = office.save_subject(osvc, SUBJECT)
    office.assign(osvc, s.id, h1.me.fingerprint)
    office.revoke(osvc, h2.me.fingerprint, "设备丢失")
    calls: list[tuple[int, int, str]] = []
    rows = office.export_all(osvc, tmp_path / "out", progress=lambda i, n, name: calls.append((i, n, name)))
    assert [r["helper"] for r in rows] == ["王五"] and calls[-1][:2] == (1, 1)
    assert files.list_files(tmp_path / "out", [".xtb"]) == [Path(rows[0]["file"]).name]
    outcome = exchange.import_bundle(h1.store, h1.me, Path(rows[0]["file"]).read_bytes(), clock=clock)
    assert outcome.status == "accepted"
    assert [r["name"] for r in h1.subject_rows()] == ["张三"]
    assert [r["status_label"] for r in office.helper_rows(osvc)] == ["在册", "已撤销"]


def test_export_all_goes_on_past_a_file_it_cannot_write_and_that_helper_gets_it_next_time(
    tmp_path: Path, clock: Clock, osvc: Service
) -> None:
    h1, r1 = make_helper(tmp_path, clock, osvc, "王五")
    h2, r2 = make_helper(tmp_path, clock, osvc, "赵七")
    s = office.save_subject(osvc, SUBJECT)
    for h, req in ((h1, r1), (h2, r2)):
        enrol(osvc, h, req)
        office.assign(osvc, s.id, h.me.fingerprint)
    out = tmp_path / "out"
    blocker = out / f"至王五-{h1.me.fingerprint[:5]}.xtb"
    blocker.mkdir(parents=True)  # a folder where his file should go: it cannot be written
    rows = {r["helper"]: r for r in office.export_all(osvc, out)}
    assert rows["王五"]["file"] == "" and rows["王五"]["error"].startswith(f"无法写入文件“{blocker}”"), rows
    assert rows["赵七"]["error"] == "" and Path(rows["赵七"]["file"]).is_file()
    blocker.rmdir()
    again = {r["helper"]: r for r in office.export_all(osvc, out)}
    outcome = exchange.import_bundle(h1.store, h1.me, Path(again["王五"]["file"]).read_bytes(), clock=clock)
    assert outcome.status == "accepted" and [r["name"] for r in h1.subject_rows()] == ["张三"]


def test_batch_import_reports_each_file_and_quarantines_the_tampered_one(
    tmp_path: Path, clock: Clock, osvc: Service
) -> None:
    helpers = [make_helper(tmp_path, clock, osvc, n) for n in ("王五", "赵七", "钱八")]
    s = office.save_subject(osvc, SUBJECT)
    for h, req in helpers:
        enrol(osvc, h, req)
        office.assign(osvc, s.id, h.me.fingerprint)
    for h, _ in helpers:
        deliver(osvc, h, tmp_path)
    inbox = tmp_path / "usb"
    inbox.mkdir()
    files = [
        helper_bundle(h, osvc, inbox / f"{i}.xtb", clock, description=f"情况{i}") for i, (h, _) in enumerate(helpers)
    ]
    blob = bytearray(files[1].read_bytes())
    blob[len(blob) // 2] ^= 0x01
    files[1].write_bytes(bytes(blob))
    progress: list[tuple[int, int, str]] = []
    results = office.batch_import(osvc, inbox, progress=lambda i, n, name: progress.append((i, n, name)))
    assert [r["status"] for r in results] == ["accepted", "rejected", "accepted"]
    assert [p[0] for p in progress] == [1, 2, 3] and all(p[1] == 3 for p in progress)
    assert results[0]["sender_name"] == "王五" and results[0]["counts"]["new"] == 1
    assert results[1]["message"] and Path(results[1]["quarantined"]).exists() and not files[1].exists()
    assert results[1]["sender_name"] == "赵七"  # claimed in the (unauthenticated) header, for the officer
    assert len(office.dashboard(osvc)["urgent_reports"]) == 2
    again = office.batch_import(osvc, [str(files[0])])
    assert again[0]["status"] == "already"
    roster = {r["name"]: r["last_bundle"] for r in office.helper_rows(osvc)}
    assert roster == {"王五": "2026-11-23", "赵七": "", "钱八": "2026-11-23"}


def test_dashboard_lists_urgent_report_until_acknowledged_and_ack_goes_back_to_helper(
    tmp_path: Path, clock: Clock, osvc: Service
) -> None:
    h, req = make_helper(tmp_path, clock, osvc)
    enrol(osvc, h, req)
    s = office.save_subject(osvc, {**SUBJECT, "term_end": "2026-12-10"})
    office.assign(osvc, s.id, h.me.fingerprint)
    deliver(osvc, h, tmp_path)
    office.batch_import(osvc, [str(helper_bundle(h, osvc, tmp_path / "h1.xtb", clock, description="父亲病重"))])
    board = office.dashboard(osvc)
    [urgent] = board["urgent_reports"]
    assert urgent["name"] == "张三" and urgent["description"] == "父亲病重"
    assert [r["name"] for r in board["ending_soon"]] == ["张三"]
    assert [r["name"] for r in board["overdue"]] == ["张三"]  # never visited since the term began
    assert board["silent_helpers"] == [] and board["conflicts"] == []
    ack = office.acknowledge(osvc, urgent["id"], "已电话联系,情况属实")
    assert office.acknowledge(osvc, urgent["id"]).id == ack.id  # a second click changes nothing
    assert office.dashboard(osvc)["urgent_reports"] == []
    with pytest.raises(NotFound):
        office.acknowledge(osvc, s.id)
    deliver(osvc, h, tmp_path)
    detail = h.subject_detail(s.id)
    assert [t["handling"] for t in detail["timeline"] if t["kind"] == "report"] == ["已处理"]


def test_helper_without_bundle_for_thirty_days_is_listed_as_silent(tmp_path: Path, clock: Clock, osvc: Service) -> None:
    h, req = make_helper(tmp_path, clock, osvc)
    enrol(osvc, h, req)
    clock.advance(29)
    assert office.dashboard(osvc)["silent_helpers"] == []
    clock.advance(2)
    [silent] = office.dashboard(osvc)["silent_helpers"]
    assert silent["name"] == "王五" and silent["days"] == 31


def test_reassigning_moves_the_subject_to_the_new_helper(tmp_path: Path, clock: Clock, osvc: Service) -> None:
    (h1, r1), (h2, r2) = make_helper(tmp_path, clock, osvc, "王五"), make_helper(tmp_path, clock, osvc, "赵七")
    enrol(osvc, h1, r1)
    enrol(osvc, h2, r2)
    s = office.save_subject(osvc, SUBJECT)
    office.assign(osvc, s.id, h1.me.fingerprint)
    rec = office.assign(osvc, s.id, h2.me.fingerprint, replace=h1.me.fingerprint)
    assert rec.data["helpers"] == [h2.me.fingerprint]
    with pytest.raises(exchange.NotEnrolled):
        office.assign(osvc, s.id, "1" * 30)


def test_conflict_is_listed_then_resolved_with_a_resolution_record(tmp_path: Path, clock: Clock, osvc: Service) -> None:
    store = osvc.store
    s = office.save_subject(osvc, SUBJECT)
    author = "2" * 30
    visit = {
        "date": "2026-11-01",
        "place": "家中",
        "present": "本人",
        "thinking": "稳定",
        "work": "务农",
        "life": "正常",
        "family": "和睦",
        "notes": "甲",
    }
    a = Record.new("visit", visit, author=author, subject=s.id, clock=clock)
    b = Record(a.id, a.kind, a.subject, a.author, a.revision, a.created, a.updated, False, {**visit, "notes": "乙"})
    store.apply([a], actor=author)
    store.apply([b], actor=author)
    [row] = office.dashboard(osvc)["conflicts"]
    assert row["record_id"] == a.id and len(row["versions"]) == 2
    chosen = next(v["hash"] for v in row["versions"] if v["data"]["notes"] == "乙")
    current = office.resolve_conflict(osvc, a.id, chosen)
    assert current.data["notes"] == "乙"
    assert office.conflict_rows(osvc) == []
    assert [r.data["record"] for r in store.list("resolution")] == [a.id]


def test_dashboard_counts_every_open_urgent_report_but_lists_only_the_most_active_subjects(
    osvc: Service, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(overview, "URGENT_DETAIL_SUBJECTS", 1)
    store = osvc.store
    author = "2" * 30
    subjects = [office.save_subject(osvc, {**SUBJECT, "name": n}) for n in ("甲", "乙")]
    for s in subjects:
        store.apply([Record.new("report", URGENT, author=author, subject=s.id, clock=clock)], actor=author)
    board = office.dashboard(osvc)
    assert board["urgent_total"] == 2
    assert [r["name"] for r in board["urgent_reports"]] == ["乙"]  # the one updated last


def test_missing_folders_list_nothing_and_a_missing_bundle_path_is_a_clear_error(tmp_path: Path, osvc: Service) -> None:
    assert files.list_files(tmp_path / "nowhere", [".xtb"]) == []
    with pytest.raises(FileMissing, match="找不到文件或文件夹"):
        office.batch_import(osvc, tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    assert office.batch_import(osvc, tmp_path / "empty") == []


REGISTRATION = {
    "committee": "青山村民委员会",
    "filler": "王五",
    "fill_date": "2026-11-21",
    "name": "张三",
    "gender": "男",
    "age": 46,
    "ethnicity": "汉族",
    "education": "初中",
    "health": "良好",
    "political": "群众",
    "marital": "已婚",
    "contact": "13812345678",
    "residence": "四川省某县某镇",
    "household": "四川省某县",
    "prior_record": "无",
    "remorse": "认罪悔罪",
    "experience": "务农",
    "living": "与妻子同住",
    "workplace": "务农",
    "work_status": "正常",
    "personality": "内向",
    "skills": "种植",
    "other_traits": "无",
    "family": [{"name": "李梅", "relation": "妻子", "phone": "13812345678"}],
    "family_problem": "否",
}
EVALUATION = {
    "period": "2026年第三季度",
    "date": "2026-09-30",
    "evaluators": [{"name": "甲"}, {"name": "乙", "identity": "村干部"}, {"name": "丙"}],
    "law_abiding": "好",
    "community_service": "较好",
    "daily_conduct": "好",
    "grade": "好",
    "comments": "表现良好",
}
VISIT = {
    "date": "2026-11-10",
    "place": "家中",
    "present": "本人",
    "thinking": "稳定",
    "work": "务农",
    "life": "正常",
    "family": "和睦",
    "notes": "情绪稳定",
}


def test_subject_page_shows_every_helpers_records_newest_first_and_urgent_report_until_acknowledged(
    tmp_path: Path, clock: Clock, osvc: Service
) -> None:
    from docx import Document

    h, req = make_helper(tmp_path, clock, osvc)
    enrol(osvc, h, req)
    s = office.save_subject(osvc, SUBJECT)
    other = office.save_subject(osvc, {**SUBJECT, "name": "李四"})
    office.assign(osvc, s.id, h.me.fingerprint)
    office.assign(osvc, other.id, h.me.fingerprint)
    office.issue_notice(
        osvc,
        s.id,
        tasks=["报告重要情况"],
        contact="李所长",
        contact_phone="13900001111",
        issuer="陈填发",
        approver="周批准",
    )
    deliver(osvc, h, tmp_path)
    h.save_record("visit", VISIT, subject=s.id)
    h.save_record("visit", {**VISIT, "date": "2026-11-15"}, subject=other.id)
    h.save_record("evaluation", EVALUATION, subject=s.id)
    h.save_record(
        "evaluation",
        {
            **EVALUATION,
            "date": "2026-06-30",
            "grade": "较好",
            "evaluators": EVALUATION["evaluators"] + [{"name": "丁"}],
        },
        subject=s.id,
    )
    h.save_record("registration", REGISTRATION, subject=s.id)
    h.save_record("report", URGENT, subject=s.id)
    bundle = tmp_path / "in.xtb"
    bundle.write_bytes(exchange.export_bundle(h.store, h.me, osvc.me.fingerprint, clock=clock))
    assert office.batch_import(osvc, [str(bundle)])[0]["status"] == "accepted"

    page = office.subject_page(osvc, s.id)
    assert page["name"] == "张三" and page["helpers"] == [{"fingerprint": h.me.fingerprint, "name": "王五"}]
    shown = {p["label"]: p["value"] for p in page["particulars"]}
    assert shown["罪名"] == "盗窃罪" and shown["矫正期限止"] == "2027-06-30"
    timeline = page["timeline"]
    assert [r["date"] for r in timeline] == sorted((r["date"] for r in timeline), reverse=True)
    assert sorted(r["kind"] for r in timeline) == [
        "evaluation",
        "evaluation",
        "notice",
        "registration",
        "report",
        "visit",
    ]  # 李四's visit is not here
    [report] = [r for r in timeline if r["kind"] == "report"]
    assert report["urgent"] and report["acknowledged"] is False and report["author_name"] == "王五"
    assert report["detail"]["description"] == "父亲病重住院"
    assert next(r for r in timeline if r["kind"] == "notice")["author_name"] == "青山镇司法所"
    assert [(e["date"], e["grade"], e["evaluators"]) for e in page["evaluations"]] == [
        ("2026-09-30", "好", 3),
        ("2026-06-30", "较好", 4),
    ]
    assert page["registration"]["data"]["filler"] == "王五"
    assert [n["number"] for n in page["notices"]] == ["(2026)协通字第1号"]

    office.acknowledge(osvc, report["id"], "已电话联系")
    after = office.subject_page(osvc, s.id)
    assert next(r for r in after["timeline"] if r["id"] == report["id"])["acknowledged"] is True
    assert any(r["kind"] == "ack" for r in after["timeline"])

    out = office.save_registration_docx(osvc, s.id, tmp_path)
    assert out.name == "登记表-张三.docx"
    text = "\n".join(c.text for t in Document(str(out)).tables for row in t.rows for c in row.cells)
    assert "李梅" in text


def test_subject_page_of_unknown_subject_or_on_helper_device_is_refused(
    tmp_path: Path, clock: Clock, osvc: Service
) -> None:
    h, _req = make_helper(tmp_path, clock, osvc)
    with pytest.raises(NotFound):
        office.subject_page(osvc, "nosuchsubject")
    s = office.save_subject(osvc, SUBJECT)
    with pytest.raises(PermissionDenied):
        office.subject_page(h, s.id)


def test_registration_docx_without_a_form_is_prefilled_from_the_register(tmp_path: Path, osvc: Service) -> None:
    from docx import Document

    s = office.save_subject(osvc, SUBJECT)
    assert office.subject_page(osvc, s.id)["registration"] is None
    out = office.save_registration_docx(osvc, s.id, tmp_path / "reg")
    assert out.suffix == ".docx"
    text = "\n".join(c.text for t in Document(str(out)).tables for row in t.rows for c in row.cells)
    assert "张三" in text


def _controls(control: Any) -> list[Any]:
    """Every control under ``control`` (depth first)."""
    out = [control]
    for attr in ("controls", "content", "cells", "rows", "leading", "label"):
        child = getattr(control, attr, None)
        for c in child if isinstance(child, list) else [child]:
            if c is not None and not isinstance(c, str) and hasattr(c, "__dict__"):
                out += _controls(c)
    return out


def _button(view: Any, text: str) -> Any:
    return next(c for c in _controls(view) if callable(getattr(c, "on_click", None)) and text in str(c.content))


def test_register_name_opens_subject_page_whose_buttons_acknowledge_and_print(
    tmp_path: Path, clock: Clock, osvc: Service
) -> None:
    import flet as ft

    from core.routes import Screen
    from views.office.helpers import helpers_view
    from views.office.register import register_view
    from views.office.subject_page import subject_page_view

    h, req = make_helper(tmp_path, clock, osvc)
    enrol(osvc, h, req)
    s = office.save_subject(osvc, SUBJECT)
    office.assign(osvc, s.id, h.me.fingerprint)
    deliver(osvc, h, tmp_path)
    h.save_record("registration", REGISTRATION, subject=s.id)
    office.batch_import(osvc, [str(helper_bundle(h, osvc, tmp_path / "h.xtb", clock, description="父亲病重"))])
    shell = _Shell(osvc)

    click(_button(register_view(shell, Screen.of("office_subjects")), "张三").on_click)
    assert shell.went[-1] == routes.office_subject(s.id)

    view = subject_page_view(shell, Screen.of("office_subject", id=s.id))
    texts = {c.value for c in _controls(view) if isinstance(getattr(c, "value", None), str)}
    assert {"基本情况", "协助人员", "社区评议", "协助社区矫正工作通知单", "王五"} <= texts
    red = [c for c in _controls(view) if isinstance(c, ft.Container) and c.bgcolor == ft.Colors.RED_50]
    assert len(red) == 1
    click(_button(view, "确认处理").on_click)
    assert office.subject_page(osvc, s.id)["timeline"][0]["kind"] == "ack"
    assert shell.went[-1] == routes.office_subject(s.id)

    after = subject_page_view(shell, Screen.of("office_subject", id=s.id))
    assert not any(isinstance(c, ft.FilledButton) and "确认处理" in str(c.content) for c in _controls(after))
    field = next(c for c in _controls(after) if isinstance(c, ft.TextField) and "登记表" in (c.label or ""))
    field.value = str(tmp_path / "printed")
    click(_button(after, "打印登记表").on_click)
    assert (tmp_path / "printed.docx").is_file()

    helpers = helpers_view(shell, Screen.of("office_helpers"))
    card = next(c for c in _controls(helpers) if isinstance(c, ft.TextField) and "身份卡" in (c.label or ""))
    card.value = str(tmp_path)
    click(_button(helpers, "打印身份卡").on_click)
    assert (tmp_path / "司法所身份卡-青山镇司法所.docx").is_file()


def test_subject_page_of_a_deleted_or_unknown_subject_says_so_and_offers_the_way_back(osvc: Service) -> None:
    from core.routes import Screen
    from views.shell import build_screen

    shell = _Shell(osvc)
    view = build_screen(shell, Screen.of("office_subject", id="nosuchsubject"))
    texts = " ".join(c.value for c in _controls(view) if isinstance(getattr(c, "value", None), str))
    assert "找不到该社区矫正对象" in texts
    click(_button(view, "返回").on_click)
    assert shell.went == [routes.route("office_subjects")]


def _rival_visits(osvc: Service, clock: Clock) -> tuple[Record, str]:
    """Revision 1 of a visit in two contents (a phone restored from a backup), as the store keeps them."""
    store = osvc.store
    s = office.save_subject(osvc, SUBJECT)
    author = "2" * 30
    visit = {
        "date": "2026-11-01",
        "place": "家中",
        "present": "本人",
        "thinking": "稳定",
        "work": "务农",
        "life": "正常",
        "family": "和睦",
        "notes": "甲",
    }
    a = Record.new("visit", visit, author=author, subject=s.id, clock=clock)
    b = Record(
        a.id,
        a.kind,
        a.subject,
        a.author,
        a.revision,
        a.created,
        a.updated,
        False,
        {**visit, "notes": "乙", "place": "村委会"},
    )
    store.apply([a], actor=author)
    store.apply([b], actor=author)
    return a, s.id


def test_conflict_rows_name_subject_author_and_only_the_differing_fields_by_their_form_labels(
    clock: Clock, osvc: Service
) -> None:
    a, sid = _rival_visits(osvc, clock)
    [row] = office.conflict_rows(osvc)
    assert row["subject_name"] == "张三" and row["author_name"] == "22222"  # not enrolled: first digits
    labels = {f.name: f.label for f in KINDS["visit"].fields}
    assert [[(d["label"], d["value"]) for d in v["differences"]] for v in row["versions"]] == [
        [(labels["place"], "家中"), (labels["notes"], "甲")],
        [(labels["place"], "村委会"), (labels["notes"], "乙")],
    ]


def test_dashboard_conflict_shows_labels_not_field_codes_and_chosen_version_becomes_current(
    clock: Clock, osvc: Service
) -> None:
    from core.routes import Screen
    from views.office.dashboard import dashboard_view

    a, _sid = _rival_visits(osvc, clock)
    shell = _Shell(osvc)
    view = dashboard_view(shell, Screen.of("office_dashboard"))
    texts = " ".join(c.value for c in _controls(view) if isinstance(getattr(c, "value", None), str))
    notes = next(f.label for f in KINDS["visit"].fields if f.name == "notes")
    assert "张三的走访记录" in texts and "版本2:" in texts and f"{notes}:乙" in texts
    assert "notes=" not in texts and "date=" not in texts
    click(_button(view, "采用版本2").on_click)
    assert osvc.record(a.id).data["notes"] == "乙" and office.conflict_rows(osvc) == []
    assert shell.toasts == ["已采用所选版本。"]


def test_register_chip_cross_is_named_in_chinese_and_unassigns(tmp_path: Path, clock: Clock, osvc: Service) -> None:
    import flet as ft

    from core.routes import Screen
    from views.office.register import register_view

    h, req = make_helper(tmp_path, clock, osvc)
    enrol(osvc, h, req)
    s = office.save_subject(osvc, SUBJECT)
    office.assign(osvc, s.id, h.me.fingerprint)
    shell = _Shell(osvc)
    view = register_view(shell, Screen.of("office_subjects", id=s.id))
    [chip] = [c for c in _controls(view) if isinstance(c, ft.Chip)]
    assert chip.delete_icon_tooltip == "取消分配王五"
    click(chip.on_delete)
    assert osvc.record(s.id).data.get("helpers") in (None, [])
    assert shell.toasts == ["已取消分配王五;下次导出时通知协助人员。"]


def test_revoke_dialog_closes_before_the_roster_is_shown_again(tmp_path: Path, clock: Clock, osvc: Service) -> None:
    import flet as ft

    from core.routes import Screen
    from views.office.helpers import helpers_view

    h, req = make_helper(tmp_path, clock, osvc)
    enrol(osvc, h, req)
    shell = _Shell(osvc)
    click(_button(helpers_view(shell, Screen.of("office_helpers")), "撤销").on_click)
    [dialog] = shell.page.dialogs
    reason = next(c for c in _controls(dialog.content) if isinstance(c, ft.Dropdown))
    assert [o.key for o in reason.options] == ["设备丢失", "解聘", "不再担任"]  # each worded for its case
    reason.value = "解聘"
    click(next(a for a in dialog.actions if "确认撤销" in str(a.content)).on_click)
    assert shell.page.dialogs == [] and shell.went == []  # closed; the roster waits for the dismissal
    assert [(r["name"], r["status_label"]) for r in office.helper_rows(osvc)] == [("王五", "已撤销")]
    assert [r.data["reason"] for r in osvc.store.list("revocation")] == ["解聘"]
    dialog.on_dismiss(None)
    assert shell.went == [routes.route("office_helpers")] and "已撤销 王五(经考核不合格" in shell.toasts[0]
    assert "重新指定" not in shell.toasts[0]  # 王五 had no subjects


def test_revoking_a_helper_with_subjects_says_they_need_another_helper(
    tmp_path: Path, clock: Clock, osvc: Service
) -> None:
    import flet as ft

    from core.routes import Screen
    from views.office.helpers import helpers_view

    h, req = make_helper(tmp_path, clock, osvc)
    enrol(osvc, h, req)
    sid = office.save_subject(osvc, SUBJECT).id
    office.assign(osvc, sid, h.me.fingerprint)
    shell = _Shell(osvc)
    click(_button(helpers_view(shell, Screen.of("office_helpers")), "撤销").on_click)
    [dialog] = shell.page.dialogs
    said = [c.value for c in _controls(dialog.content) if isinstance(c, ft.Text)]
    assert (
        "王五仍负责 1 名社区矫正对象。撤销后,其中没有其他在册协助人员的对象列在“工作台”,请为他们重新指定协助人员。"
        in said
    )
    click(next(a for a in dialog.actions if "确认撤销" in str(a.content)).on_click)
    dialog.on_dismiss(None)
    assert "重新指定协助人员" in shell.toasts[0]
    assert [(r["name"], r["revoked"]) for r in office.dashboard(osvc)["unassisted"]] == [("张三", ["王五"])]


def test_the_dashboard_lists_subjects_without_a_helper_on_the_roster_until_one_is_assigned(
    tmp_path: Path, clock: Clock, osvc: Service
) -> None:
    (h1, r1), (h2, r2) = make_helper(tmp_path, clock, osvc, "王五"), make_helper(tmp_path, clock, osvc, "赵七")
    enrol(osvc, h1, r1)
    enrol(osvc, h2, r2)
    both = office.save_subject(osvc, SUBJECT).id
    alone = office.save_subject(osvc, {**SUBJECT, "name": "李四"}).id
    office.save_subject(osvc, {**SUBJECT, "name": "孙六"})  # never assigned
    office.save_subject(
        osvc,
        {
            **SUBJECT,
            "name": "周八",
            "judgment_date": "2024-06-01",
            "term_start": "2024-07-01",
            "term_end": "2025-12-31",
        },
    )
    for sid in (both, alone):
        office.assign(osvc, sid, h1.me.fingerprint)
    office.assign(osvc, both, h2.me.fingerprint)

    def listed() -> list[tuple[str, list[str]]]:
        return [(r["name"], r["revoked"]) for r in office.dashboard(osvc)["unassisted"]]

    assert listed() == [("孙六", [])]  # 周八's term is over
    office.revoke(osvc, h1.me.fingerprint, "设备丢失")
    assert listed() == [("孙六", []), ("李四", ["王五"])]  # 张三 still has 赵七
    from core.routes import Screen
    from views.office.dashboard import dashboard_view

    shell = _Shell(osvc)
    view = dashboard_view(shell, Screen.of("office_dashboard"))
    texts = {c.value for c in _controls(view) if isinstance(getattr(c, "value", None), str)}
    assert {"没有在册协助人员的对象", "王五", "从未分配"} <= texts
    click(_button(view, "李四").on_click)  # opens the subject's page, where the officer assigns
    assert shell.went[-1] == routes.office_subject(alone)
    office.assign(osvc, alone, h2.me.fingerprint)
    assert listed() == [("孙六", [])]


def test_helper_roster_xlsx_says_yi_chexiao_and_when_data_last_arrived(
    tmp_path: Path, clock: Clock, osvc: Service
) -> None:
    from openpyxl import load_workbook

    h, req = make_helper(tmp_path, clock, osvc)
    enrol(osvc, h, req)
    q, req2 = make_helper(tmp_path, clock, osvc, "钱八")
    enrol(osvc, q, req2)
    office.batch_import(osvc, [str(helper_bundle(h, osvc, tmp_path / "h.xtb", clock))])
    office.revoke(osvc, q.me.fingerprint, "手机丢失")
    out = office.write_report(osvc, "helpers", tmp_path / "roster")
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    table = {r[0]: dict(zip(rows[1], r, strict=False)) for r in rows[2:]}  # row 1 is the title, row 2 the header
    assert {n: r["状态"] for n, r in table.items()} == {"王五": "在册", "钱八": "已撤销"}
    assert table["王五"]["最近收到数据"].date() == clock.now.date() and table["钱八"]["最近收到数据"] is None


def test_reports_into_a_new_folder_are_four_files_not_one_overwritten(tmp_path: Path, osvc: Service) -> None:
    import flet as ft

    from core.routes import Screen
    from views.office.reports import REPORTS, reports_view

    office.save_subject(osvc, SUBJECT)
    shell = _Shell(osvc)
    view = reports_view(shell, Screen.of("office_reports"))
    folder = next(c for c in _controls(view) if isinstance(c, ft.TextField) and c.label == "保存到文件夹")
    folder.value = str(tmp_path / "new" / "reports")
    for _kind, label in REPORTS:
        click(_button(view, label).on_click)
    names = sorted(p.name for p in (tmp_path / "new" / "reports").iterdir())
    assert names == sorted(f"{label.split('(')[0]}.xlsx" for _k, label in REPORTS)
    listed = {c.content for c in _controls(view) if isinstance(c, ft.TextButton) and str(c.content).endswith(".xlsx")}
    assert listed == set(names)  # the folder's listing shows what was just written
    folder.value = str(tmp_path / "名册.xlsx")  # a file named outright is written as named
    click(
        next(
            c for c in _controls(view) if isinstance(c, ft.OutlinedButton) and c.content == "社区矫正对象名册"
        ).on_click
    )
    assert (tmp_path / "名册.xlsx").is_file()


def test_a_path_field_starts_in_the_folder_last_used_in_it(tmp_path: Path, osvc: Service) -> None:
    import flet as ft

    from core.routes import Screen
    from views.office.reports import reports_view
    from views.office.sync_screen import sync_view

    def field(view: Any, label: str) -> Any:
        return next(c for c in _controls(view) if isinstance(c, ft.TextField) and c.label == label)

    shell = _Shell(osvc)
    stick = tmp_path / "U盘"
    stick.mkdir()
    before = field(reports_view(shell, Screen.of("office_reports")), "保存到文件夹").value
    typed = field(reports_view(shell, Screen.of("office_reports")), "保存到文件夹")
    typed.value = str(stick)
    typed.on_blur(object())  # the officer typed the folder and moved on
    assert field(reports_view(shell, Screen.of("office_reports")), "保存到文件夹").value == str(stick) != before
    sync = sync_view(shell, Screen.of("office_sync"))  # another field keeps its own folder
    assert field(sync, "数据包所在文件夹").value == before


def test_roster_import_in_the_console_previews_first_then_imports_what_it_showed(tmp_path: Path, osvc: Service) -> None:
    import flet as ft
    from openpyxl import Workbook

    from core.routes import Screen
    from views.office.register import register_view

    fields = [f for f in KINDS["subject"].fields if f.name in SUBJECT]
    wb = Workbook()
    ws = wb.active
    ws.append(["2026年名册"])  # a title row above the header
    ws.append([f.label for f in fields] + ["籍贯"])
    ws.append([SUBJECT[f.name] for f in fields] + ["四川"])
    ws.append([{**SUBJECT, "name": "李四", "judgment_date": "2025/6/1"}[f.name] for f in fields] + ["四川"])
    wb.save(tmp_path / "名册.xlsx")

    shell = _Shell(osvc)

    def fresh() -> tuple[Any, Any]:
        view = register_view(shell, Screen.of("office_subjects"))
        field = next(c for c in _controls(view) if isinstance(c, ft.TextField) and "名册文件路径" in (c.label or ""))
        field.value = str(tmp_path / "名册.xlsx")
        return view, next(c for c in _controls(view) if isinstance(c, ft.FilledButton) and "确认导入" in str(c.content))

    view, confirm = fresh()
    assert confirm.disabled
    click(_button(view, "预览").on_click)
    shown = [c.value for c in _controls(view) if isinstance(getattr(c, "value", None), str)]
    assert "导入预览(尚未写入)" in shown
    assert "新增 2 名,更新 0 名,无变化跳过 0 名,有问题 0 行。" in shown
    assert "新增:第3行 张三" in shown and "新增:第4行 李四" in shown
    assert any("“籍贯”" in t for t in shown)
    assert not confirm.disabled
    assert office.subject_rows(osvc) == []  # a preview writes nothing

    click(confirm.on_click)
    assert sorted(r["name"] for r in office.subject_rows(osvc)) == ["张三", "李四"]
    assert shell.toasts[-1] == "已导入:新增 2 名,更新 0 名,跳过 0 名。"

    view, confirm = fresh()
    click(_button(view, "预览").on_click)
    shown = [c.value for c in _controls(view) if isinstance(getattr(c, "value", None), str)]
    assert "新增 0 名,更新 0 名,无变化跳过 2 名,有问题 0 行。" in shown
    assert confirm.disabled  # nothing to add or update
