"""调查评估 with the helper taking part on the phone (issue 15 item 5, 三(一)1): the entrustment
travels only to the helper it names; that helper records the investigation on the phone and it
comes back; once the office has the result, the phone takes no more and, after acknowledging,
the task leaves the phone without losing an unsent investigation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from workflow_setup import ENTRUSTMENT, Clock, enrolled_helper, office_service, to_helper, to_office

from core.entrustment import EntrustmentFinished
from core.errors import NotFound, ValidationError
from core.records import Record
from core.vocabularies import SUPPORT_ORGS, SUPPORT_TYPES
from sync import exchange
from sync.app import helper_entrustments as tasks
from sync.app import office
from sync.app.session import Service
from sync.protocol.errors import OutOfScope

ENTRY: dict[str, Any] = dict(ENTRUSTMENT)
INVESTIGATION: dict[str, Any] = {
    "date": "2026-11-23",
    "requested_by": "东岭县人民法院",
    "residence": "与父母同住青山村三组,居住稳定",
    "family": "父母健在,愿意协助监管",
    "social": "无不良交往",
    "community_opinion": "村委会同意接收",
    "opinion": "建议适用社区矫正",
}

SUPPORT: dict[str, Any] = {
    "date": "2026-11-23",
    "organisation": "青山村志愿者服务队",
    "org_type": SUPPORT_ORGS[0],
    "help_type": SUPPORT_TYPES[0],
    "content": "协助联系就业",
}


def _setup(tmp_path: Path) -> tuple[Service, Service, Service, Record]:
    c = Clock()
    osvc = office_service(tmp_path / "office", c)
    named = enrolled_helper(tmp_path, c, osvc, "王五")
    other = enrolled_helper(tmp_path, c, osvc, "赵六")
    rec = office.record_entrustment(osvc, {**ENTRY, "helper": named.me.fingerprint})
    to_helper(osvc, named, tmp_path)
    to_helper(osvc, other, tmp_path)
    return osvc, named, other, rec


def test_the_named_helper_investigates_on_the_phone_and_the_office_reads_it(tmp_path: Path) -> None:
    osvc, named, other, rec = _setup(tmp_path)
    assert tasks.entrustment_tasks(other) == [] and other.store.get(rec.id) is None  # only its helper
    (row,) = tasks.entrustment_tasks(named)
    assert row["name"] == "李四" and row["court"] == "东岭县人民法院" and row["finished"] == ""
    page = tasks.entrustment_task(named, rec.id)
    assert page["open"] and {p["label"] for p in page["particulars"]} >= {"姓名", "委托机关", "完成期限", "委托事项"}
    assert named.subject_rows() == []  # not a subject: not on the register, nor in the subject list
    values = tasks.new_values(named, "investigation", rec.id)
    assert values["requested_by"] == "东岭县人民法院" and values["date"] == "2026-11-23"

    with pytest.raises(NotFound):  # only an investigation belongs in an entrustment
        named.save_record("social_support", SUPPORT, subject=rec.id)
    with pytest.raises(ValidationError):
        named.save_record("investigation", {**INVESTIGATION, "opinion": ""}, subject=rec.id)
    saved = named.save_record("investigation", INVESTIGATION, subject=rec.id)
    assert [t["id"] for t in tasks.entrustment_task(named, rec.id)["timeline"]] == [saved.id]

    to_office(named, osvc, tmp_path)
    (got,) = office.investigations(osvc, rec.id)
    assert got["helper_name"] == "王五" and got["opinion"] == "建议适用社区矫正"
    assert office.open_entrustments(osvc)[0]["investigations"] == 1
    assert office.subject_rows(osvc) == []  # the entrustment's partition is not a register entry


def test_another_helper_cannot_write_into_an_entrustment(tmp_path: Path) -> None:
    osvc, named, other, rec = _setup(tmp_path)
    forged = Record.new("investigation", INVESTIGATION, author=other.me.fingerprint, subject=rec.id, clock=other.clock)
    other.store.put(forged, actor=other.me.fingerprint)
    blob = exchange.export_bundle(other.store, other.me, osvc.me.fingerprint, clock=other.clock)
    before = office.investigations(osvc, rec.id)
    outcome = exchange.import_bundle(osvc.store, osvc.me, blob, clock=osvc.clock)
    assert outcome.status == "rejected" and outcome.code == OutOfScope.code
    assert office.investigations(osvc, rec.id) == before == []


def test_after_the_result_the_phone_is_read_only_and_the_task_leaves_once_acknowledged(tmp_path: Path) -> None:
    osvc, named, _other, rec = _setup(tmp_path)
    unsent = named.save_record("investigation", INVESTIGATION, subject=rec.id)  # not yet exported
    office.record_assessment_result(osvc, rec.id, "适合社区矫正", "协助人员王五调查:居住稳定。")
    to_helper(osvc, named, tmp_path)
    (row,) = tasks.entrustment_tasks(named)
    assert row["finished"].startswith("已评估:适合社区矫正") and not tasks.entrustment_task(named, rec.id)["open"]
    with pytest.raises(EntrustmentFinished):
        named.save_record("investigation", INVESTIGATION, subject=rec.id)

    to_office(named, osvc, tmp_path)  # acknowledges the result, and carries the unsent investigation
    assert [i["id"] for i in office.investigations(osvc, rec.id)] == [unsent.id]
    to_helper(osvc, named, tmp_path)  # withdraws the task
    assert tasks.entrustment_tasks(named) == [] and named.store.get(unsent.id) is None
    with pytest.raises(NotFound):
        tasks.entrustment_task(named, rec.id)
    assert office.investigations(osvc, rec.id)[0]["id"] == unsent.id  # kept at the office


def test_naming_another_helper_moves_the_task(tmp_path: Path) -> None:
    osvc, named, other, rec = _setup(tmp_path)
    office.assign_entrustment_helper(osvc, rec.id, other.me.fingerprint)
    to_helper(osvc, named, tmp_path)
    to_helper(osvc, other, tmp_path)
    assert tasks.entrustment_tasks(named) == [] and named.store.get(rec.id) is None
    assert [r["id"] for r in tasks.entrustment_tasks(other)] == [rec.id]
    with pytest.raises(ValidationError) as bad:
        office.assign_entrustment_helper(osvc, rec.id, "12345")
    assert "“12345”" in bad.value.errors["helper"]


def test_an_entrustment_recorded_before_it_travelled_becomes_its_own_partition_when_assigned(
    tmp_path: Path,
) -> None:
    c = Clock()
    osvc = office_service(tmp_path / "office", c)
    named = enrolled_helper(tmp_path, c, osvc)
    old = Record.new("entrustment", ENTRY, author=osvc.me.fingerprint, clock=c)  # as the last version wrote it
    osvc.store.put(old, actor=osvc.me.fingerprint)
    to_helper(osvc, named, tmp_path)
    assert tasks.entrustment_tasks(named) == []
    moved = office.assign_entrustment_helper(osvc, old.id, named.me.fingerprint)
    assert moved.subject == old.id and osvc.store.list(subject=old.id)[0].id == old.id
    to_helper(osvc, named, tmp_path)
    assert [r["id"] for r in tasks.entrustment_tasks(named)] == [old.id]


def test_a_revoked_helper_cannot_be_named(tmp_path: Path) -> None:
    c = Clock()
    osvc = office_service(tmp_path / "office", c)
    h = enrolled_helper(tmp_path, c, osvc)
    office.revoke(osvc, h.me.fingerprint, "解聘")
    with pytest.raises(ValidationError) as exc:
        office.record_entrustment(osvc, {**ENTRY, "helper": h.me.fingerprint})
    assert "已被撤销" in exc.value.errors["helper"]
