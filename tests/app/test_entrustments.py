"""调查评估 before the register (issue 15 item 5): the office records a court's entrustment with
only what is known, records the assessment's result, and converts it into a register entry once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fakes import CHEAP, PASS, clock
from workflow_setup import ENTRUSTMENT, Clock, enrolled_helper, office_service

from core.errors import NotFound, ValidationError
from sync.app import office
from sync.app.session import Service

ENTRY: dict[str, Any] = dict(ENTRUSTMENT)
SENTENCE: dict[str, Any] = {
    "judgment_date": "2026-11-20",
    "crime": "危险驾驶罪",
    "court": "东岭县人民法院",
    "sentence": "拘役三个月,缓刑六个月",
    "category": "缓刑",
    "term_start": "2026-11-25",
    "term_end": "2027-05-24",
    "household": "东岭县青山村",
    "committee": "青山村民委员会",
    "town": "青山镇",
}


@pytest.fixture
def svc(tmp_path: Path) -> Service:
    s = Service(tmp_path / "office", kdf=CHEAP, clock=clock)
    s.setup("office", "东岭司法所", PASS)
    return s


def test_record_list_result_and_convert_once(svc: Service) -> None:
    rec = office.record_entrustment(svc, {**ENTRY, "birth": ""})
    assert rec.kind == "entrustment" and rec.subject == rec.id and "birth" not in rec.data
    rows = office.open_entrustments(svc)
    assert [r["id"] for r in rows] == [rec.id] and rows[0]["status"] == "被告人"

    done = office.record_assessment_result(svc, rec.id, "适合社区矫正", "居住稳定,家属愿意协助监管。")
    assert done.data["result"] == "适合社区矫正" and done.data["result_date"] == "2026-11-23"

    with pytest.raises(ValidationError) as no_birth:  # unknown at entrustment, the register needs it
        office.convert_entrustment(svc, rec.id, SENTENCE)
    assert set(no_birth.value.errors) == {"birth"}
    subject = office.convert_entrustment(svc, rec.id, {**SENTENCE, "birth": "1990-05"})
    assert subject.kind == "subject" and subject.data["birth"] == "1990-05"
    for k in ("name", "gender", "residence"):
        assert subject.data[k] == ENTRY[k]
    assert subject.data["crime"] == "危险驾驶罪" and "委托调查评估" in subject.data["notes"]
    assert office.open_entrustments(svc) == []
    (row,) = office.entrustment_rows(svc, open_only=False)
    assert row["converted_to"] == subject.id
    assert [r["id"] for r in office.subject_rows(svc)] == [subject.id]

    with pytest.raises(office.AlreadyConverted):
        office.convert_entrustment(svc, rec.id, {**SENTENCE, "birth": "1990-05"})
    with pytest.raises(office.AlreadyConverted):
        office.record_assessment_result(svc, rec.id, "不适合社区矫正", "再评")
    assert len(office.subject_rows(svc)) == 1


def test_required_fields_and_date_order_are_refused(svc: Service) -> None:
    with pytest.raises(ValidationError) as missing:
        office.record_entrustment(svc, {"name": "李四"})
    assert {"court", "due_date", "status", "residence"} <= set(missing.value.errors)
    with pytest.raises(ValidationError) as order:
        office.record_entrustment(svc, {**ENTRY, "due_date": "2026-11-01"})
    assert "due_date" in order.value.errors
    with pytest.raises(ValidationError) as status:
        office.record_entrustment(svc, {**ENTRY, "status": "嫌疑人"})
    assert "status" in status.value.errors
    assert office.open_entrustments(svc) == []


def test_a_result_needs_a_summary_and_a_known_result(svc: Service) -> None:
    rec = office.record_entrustment(svc, ENTRY)
    with pytest.raises(ValidationError) as bad:
        office.record_assessment_result(svc, rec.id, "可以", "x")
    assert "result" in bad.value.errors
    with pytest.raises(ValidationError) as empty:
        office.record_assessment_result(svc, rec.id, "适合社区矫正", " ")
    assert "summary" in empty.value.errors
    with pytest.raises(NotFound):
        office.record_assessment_result(svc, "nope", "适合社区矫正", "x")


def test_a_conversion_missing_the_sentence_writes_nothing(svc: Service) -> None:
    rec = office.record_entrustment(svc, ENTRY)
    with pytest.raises(ValidationError) as exc:
        office.convert_entrustment(svc, rec.id, {"crime": "盗窃罪"})
    assert {"judgment_date", "term_start", "term_end", "category"} <= set(exc.value.errors)
    assert office.subject_rows(svc) == [] and [r["id"] for r in office.open_entrustments(svc)] == [rec.id]


def test_a_helper_may_be_named_and_must_be_enrolled(tmp_path: Path) -> None:
    c = Clock()
    osvc = office_service(tmp_path / "office", c)
    h = enrolled_helper(tmp_path, c, osvc)
    rec = office.record_entrustment(osvc, {**ENTRY, "helper": h.me.fingerprint})
    assert office.open_entrustments(osvc)[0]["helper_name"] == "王五" and rec.data["helper"] == h.me.fingerprint
    with pytest.raises(ValidationError) as exc:
        office.record_entrustment(osvc, {**ENTRY, "helper": "1" * 30})
    assert "helper" in exc.value.errors
