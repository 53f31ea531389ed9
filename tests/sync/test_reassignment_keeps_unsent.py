"""A subject moved to another helper never costs the old phone a record it had not sent: the
phone that learns of the move keeps its own unacknowledged records (the subject itself leaves),
sends them with its next bundle, and drops them once the office has acknowledged them. The
office takes them only until the phone has acknowledged the withdrawal."""

from __future__ import annotations

from pathlib import Path

from helper_sync_setup import VISIT
from workflow_setup import Clock, case, enrolled_helper, to_helper, to_office

from core.records import Record
from sync import exchange
from sync.app import helper_sync as hs
from sync.app import office
from sync.protocol.errors import OutOfScope


def test_a_visit_written_before_the_move_reaches_the_office_and_then_leaves_the_phone(tmp_path: Path) -> None:
    c = Clock()
    osvc, wang, sid = case(tmp_path, c)
    zhao = enrolled_helper(tmp_path, c, osvc, "赵六")
    visit = wang.save_record("visit", dict(VISIT), subject=sid)  # not yet exported
    office.assign(osvc, sid, zhao.me.fingerprint, replace=wang.me.fingerprint)

    to_helper(osvc, wang, tmp_path)  # the move reaches 王五's phone
    assert wang.subject_rows() == [] and wang.store.get(sid) is None  # the subject left the phone
    assert wang.store.get(visit.id) is not None  # but not the visit nobody has yet
    assert hs.export_preview(wang)["total"] == 1

    to_office(wang, osvc, tmp_path)  # carries the visit and acknowledges the withdrawal
    got = osvc.store.get(visit.id)
    assert got is not None and got.author == wang.me.fingerprint and got.subject == sid
    to_helper(osvc, wang, tmp_path)  # acknowledges the visit
    assert wang.store.get(visit.id) is None and hs.export_preview(wang)["total"] == 0


def test_after_the_withdrawal_is_acknowledged_the_old_phone_writes_nothing_more_for_the_subject(
    tmp_path: Path,
) -> None:
    c = Clock()
    osvc, wang, sid = case(tmp_path, c)
    zhao = enrolled_helper(tmp_path, c, osvc, "赵六")
    office.assign(osvc, sid, zhao.me.fingerprint, replace=wang.me.fingerprint)
    to_helper(osvc, wang, tmp_path)
    to_office(wang, osvc, tmp_path)  # the withdrawal is acknowledged
    late = Record.new("visit", dict(VISIT), author=wang.me.fingerprint, subject=sid, clock=c)
    wang.store.put(late, actor=wang.me.fingerprint)  # forged: the app no longer offers the subject
    blob = exchange.export_bundle(wang.store, wang.me, osvc.me.fingerprint, clock=c)
    outcome = exchange.import_bundle(osvc.store, osvc.me, blob, clock=c)
    assert outcome.status == "rejected" and outcome.code == OutOfScope.code
    assert osvc.store.get(late.id) is None
