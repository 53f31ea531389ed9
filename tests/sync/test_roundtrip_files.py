"""A complete office <-> helper exchange through files, twice in each direction, with receipts."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_setup import TEAM, TickClock, setup_pair, visit

from core.records import Record
from sync.exchange import (
    STATUS_DELIVERED,
    STATUS_EXPORTED,
    STATUS_UNSENT,
    assign,
    export_bundle,
    import_file,
    record_status,
    revoke_helper,
    unassign,
)

pytestmark = pytest.mark.crypto


def _send(src, dst, tmp: Path, name: str, clock: TickClock):
    path = tmp / "usb" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(export_bundle(src.store, src.me, dst.me.fingerprint, clock=clock))
    return import_file(dst.store, dst.me, path, tmp / "quarantine", clock=clock)


def test_round_trip_twice_each_way_ends_with_every_record_delivered(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    team = Record.new("team", TEAM, author=office.me.fingerprint, subject=subject.id, clock=clock)
    office.store.put(team, actor=office.me.fingerprint)

    out = _send(office, helper, tmp_path, "o1.xtb", clock)
    assert out.status == "accepted" and out.counts["new"] == 2 and out.gap is None
    assert helper.store.get(subject.id) == subject
    assert helper.store.get(team.id) == team

    v1 = visit(helper, subject.id, clock)
    helper.store.put(v1, actor=helper.me.fingerprint)
    assert record_status(helper.store, v1.id) == STATUS_UNSENT
    out = _send(helper, office, tmp_path, "h1.xtb", clock)
    assert out.status == "accepted" and out.counts["new"] == 1
    assert record_status(helper.store, v1.id) == STATUS_EXPORTED
    assert office.store.get(v1.id) == v1

    # the helper edits its visit before the office answers; the office answers with receipts
    v1b = v1.revise({**v1.data, "notes": "情绪稳定,已就业"}, clock=clock)
    helper.store.put(v1b, actor=helper.me.fingerprint)
    out = _send(office, helper, tmp_path, "o2.xtb", clock)
    assert out.status == "accepted" and sum(out.counts.values()) == 0
    assert record_status(helper.store, v1.id) == STATUS_UNSENT  # revision 2 not yet sent

    out = _send(helper, office, tmp_path, "h2.xtb", clock)
    assert out.status == "accepted" and out.counts["updated"] == 1 and out.counts["duplicate"] == 0
    assert office.store.get(v1.id) == v1b
    assert [r.revision for r in office.store.history(v1.id)] == [1, 2]
    assert record_status(helper.store, v1.id) == STATUS_EXPORTED

    out = _send(office, helper, tmp_path, "o3.xtb", clock)
    assert out.status == "accepted"
    assert record_status(helper.store, v1.id) == STATUS_DELIVERED

    # receipts stop resending: the next helper bundle carries nothing
    out = _send(helper, office, tmp_path, "h3.xtb", clock)
    assert out.status == "accepted" and sum(out.counts.values()) == 0
    assert not (tmp_path / "quarantine").exists()


def test_state_survives_reopening_both_stores(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    v = visit(helper, subject.id, clock)
    helper.store.put(v, actor=helper.me.fingerprint)
    assert _send(helper, office, tmp_path, "h1.xtb", clock).status == "accepted"
    office.reopen(clock)
    helper.reopen(clock)
    assert _send(office, helper, tmp_path, "o1.xtb", clock).status == "accepted"
    assert record_status(helper.store, v.id) == STATUS_DELIVERED
    out = _send(helper, office, tmp_path, "h2.xtb", clock)
    assert out.status == "accepted" and out.seq == 2 and sum(out.counts.values()) == 0
    office.store.close()
    helper.store.close()


def test_withdrawn_subject_is_removed_from_the_phone(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    assert _send(office, helper, tmp_path, "o1.xtb", clock).status == "accepted"
    assert helper.store.get(subject.id) is not None
    unassign(office.store, office.me, subject.id, helper.me.fingerprint, clock)
    out = _send(office, helper, tmp_path, "o2.xtb", clock)
    assert out.status == "accepted" and out.withdrawn == [subject.id]
    assert helper.store.get(subject.id) is None
    # once the helper acknowledges, the office stops announcing the withdrawal
    assert _send(helper, office, tmp_path, "h1.xtb", clock).status == "accepted"
    assert _send(office, helper, tmp_path, "o3.xtb", clock).withdrawn == []


def test_revoked_helper_bundles_after_last_seq_are_refused(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    helper.store.put(visit(helper, subject.id, clock), actor=helper.me.fingerprint)
    assert _send(helper, office, tmp_path, "h1.xtb", clock).status == "accepted"
    revocation = revoke_helper(office.store, office.me, helper.me.fingerprint, "手机遗失", clock)
    assert revocation.data["last_seq"] == 1
    helper.store.put(visit(helper, subject.id, clock), actor=helper.me.fingerprint)
    out = _send(helper, office, tmp_path, "h2.xtb", clock)
    assert out.status == "rejected" and out.code == "revoked"
    assert out.quarantined is not None and Path(out.quarantined).exists()


def test_reassigned_subject_is_sent_again_after_withdrawal(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    assert _send(office, helper, tmp_path, "o1.xtb", clock).status == "accepted"
    assert _send(helper, office, tmp_path, "h1.xtb", clock).status == "accepted"  # acks the subject
    unassign(office.store, office.me, subject.id, helper.me.fingerprint, clock)
    assert _send(office, helper, tmp_path, "o2.xtb", clock).withdrawn == [subject.id]
    assert helper.store.get(subject.id) is None
    assign(office.store, office.me, subject.id, helper.me.fingerprint, clock)
    out = _send(office, helper, tmp_path, "o3.xtb", clock)
    assert out.status == "accepted" and out.withdrawn == []
    assert helper.store.get(subject.id) == office.store.get(subject.id)
    # and the helper may write for it again
    v = visit(helper, subject.id, clock)
    helper.store.put(v, actor=helper.me.fingerprint)
    assert _send(helper, office, tmp_path, "h2.xtb", clock).counts["new"] == 1


def test_deleted_record_travels_as_a_tombstone_and_history_is_kept(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    v = visit(helper, subject.id, clock)
    helper.store.put(v, actor=helper.me.fingerprint)
    assert _send(helper, office, tmp_path, "h1.xtb", clock).status == "accepted"
    helper.store.put(v.revise({}, clock=clock, deleted=True), actor=helper.me.fingerprint)
    out = _send(helper, office, tmp_path, "h2.xtb", clock)
    assert out.status == "accepted" and out.counts["updated"] == 1
    assert office.store.get(v.id).deleted
    assert office.store.list("visit") == []
    assert office.store.history(v.id)[0] == v


def test_receipts_over_the_per_bundle_limit_arrive_in_later_bundles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sync.exchange.export as pipeline

    monkeypatch.setattr(pipeline, "MAX_ACK", 2)
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    visits = [visit(helper, subject.id, clock, notes=f"第{i}次") for i in range(5)]
    helper.store.apply(visits, actor=helper.me.fingerprint)
    assert _send(helper, office, tmp_path, "h1.xtb", clock).counts["new"] == 5
    delivered = []
    for n in range(3):
        assert _send(office, helper, tmp_path, f"o{n}.xtb", clock).status == "accepted"
        delivered.append(sum(record_status(helper.store, v.id) == STATUS_DELIVERED for v in visits))
    assert delivered == [2, 4, 5]


def test_office_remembers_when_each_helper_last_sent_a_bundle(tmp_path: Path) -> None:
    from sync.exchange import peer_info

    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    fp = helper.me.fingerprint
    assert peer_info(office.store, fp)["last_in"] is None
    helper.store.put(visit(helper, subject.id, clock), actor=fp)
    out = _send(helper, office, tmp_path, "h1.xtb", clock)
    info = peer_info(office.store, fp)
    assert info["in_seq"] == out.seq == 1
    assert info["last_in"]["seq"] == 1 and info["last_in"]["records"] == 1
    assert info["last_in"]["at"].startswith("2026-03-01T08:")
    # a refused bundle does not count as received
    bad = tmp_path / "usb" / "bad.xtb"
    bad.write_bytes(b"XTB" + b"\0" * 40)
    assert import_file(office.store, office.me, bad, tmp_path / "q", clock=clock).status == "rejected"
    assert peer_info(office.store, fp)["last_in"]["seq"] == 1


def test_delivered_records_leave_the_phone_after_the_retention_period_and_others_stay(tmp_path: Path) -> None:
    from datetime import timedelta

    from sync.exchange import drop_delivered

    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    _send(office, helper, tmp_path, "o1.xtb", clock)
    delivered = visit(helper, subject.id, clock, date="2026-02-20")
    # the newest visit stays for the rules (dated within the office's day plus one of slack:
    # a later date would now be refused)
    latest = visit(helper, subject.id, clock, date="2026-03-02")
    helper.store.apply([delivered, latest], actor=helper.me.fingerprint)
    _send(helper, office, tmp_path, "h1.xtb", clock)
    _send(office, helper, tmp_path, "o2.xtb", clock)  # receipt
    assert record_status(helper.store, delivered.id) == STATUS_DELIVERED
    only_exported = visit(helper, subject.id, clock, notes="已导出未送达")
    helper.store.put(only_exported, actor=helper.me.fingerprint)
    _send(helper, office, tmp_path, "h2.xtb", clock)
    unsent = visit(helper, subject.id, clock, notes="未导出")
    helper.store.put(unsent, actor=helper.me.fingerprint)

    assert drop_delivered(helper.store, helper.me, 90, clock) == 0  # too recent
    later = lambda: clock() + timedelta(days=91)  # noqa: E731
    assert drop_delivered(helper.store, helper.me, 90, later) == 1
    assert helper.store.get(delivered.id) is None and helper.store.history(delivered.id) == []
    assert helper.store.get(only_exported.id) == only_exported and helper.store.get(unsent.id) == unsent
    assert helper.store.get(latest.id) == latest
    assert helper.store.summaries()[subject.id]["last_visit"] == "2026-03-02"
    assert helper.store.get(subject.id) == subject  # office records are the office's business
    assert office.store.get(delivered.id) == delivered  # the office keeps its copy
    assert drop_delivered(office.store, office.me, 0, later) == 0  # never on the office
