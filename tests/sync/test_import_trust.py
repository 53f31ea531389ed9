"""Nothing imported is trusted beyond its scope: dates against the office's day, changes to
acknowledged records, payload limits, and no bundle sealed for a revoked helper."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from pipeline_setup import TickClock, content, setup_pair, visit

from core.rules import visit_overdue
from sync.exchange import export_bundle, import_bundle, revoke_helper
from sync.exchange.errors import NotEnrolled
from sync.protocol.errors import Malformed, TooLarge
from sync.protocol.format import DEFAULT_MAX_RECORDS, decode_payload

pytestmark = pytest.mark.crypto


def test_a_visit_dated_after_the_offices_day_plus_one_is_refused_and_the_overdue_rule_stands(tmp_path: Path) -> None:
    clock = TickClock()  # 2026-03-01
    office, helper, subject = setup_pair(tmp_path, clock)
    helper.store.put(visit(helper, subject.id, clock, date="2026-04-30"), actor=helper.me.fingerprint)
    before = content(office.store)
    out = import_bundle(
        office.store, office.me, export_bundle(helper.store, helper.me, office.me.fingerprint, clock=clock), clock=clock
    )
    assert out.status == "rejected" and out.code == "schema_invalid" and "不能晚于今天" in out.message
    assert content(office.store) == before
    last = office.store.summaries()[subject.id].get("last_visit")
    assert last is None or last < "2026-03-02"
    assert visit_overdue(None, clock().date(), term_start=None)


def test_a_visit_dated_tomorrow_is_within_the_slack(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    helper.store.put(visit(helper, subject.id, clock, date="2026-03-02"), actor=helper.me.fingerprint)
    out = import_bundle(
        office.store, office.me, export_bundle(helper.store, helper.me, office.me.fingerprint, clock=clock), clock=clock
    )
    assert out.status == "accepted", out.message


def test_deleting_a_record_the_office_acknowledged_is_flagged_never_silent(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    v = visit(helper, subject.id, clock)
    helper.store.put(v, actor=helper.me.fingerprint)
    assert (
        import_bundle(
            office.store,
            office.me,
            export_bundle(helper.store, helper.me, office.me.fingerprint, clock=clock),
            clock=clock,
        ).warnings
        == []
    )
    receipt = export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock)
    assert import_bundle(helper.store, helper.me, receipt, clock=clock).status == "accepted"
    helper.store.put(v.revise({}, clock=clock, deleted=True), actor=helper.me.fingerprint)  # after the receipt
    out = import_bundle(
        office.store, office.me, export_bundle(helper.store, helper.me, office.me.fingerprint, clock=clock), clock=clock
    )
    assert out.status == "accepted"
    assert any("删除了 1 条司法所已确认收到的记录" in w for w in out.warnings), out.warnings
    flagged = office.store.meta_get(f"peers/{helper.me.fingerprint}/flagged")
    assert flagged and flagged[0]["record"] == v.id and flagged[0]["deleted"] is True
    assert [r.revision for r in office.store.history(v.id)][0] == 1  # the acknowledged version is kept


def test_payload_parsing_stops_at_the_first_record_past_the_limit() -> None:
    # ten records, then bytes that are not JSON at all: only a parser that stopped says too_large
    text = b"[" + b"{}," * 10 + b"not json at all"
    with pytest.raises(TooLarge):
        decode_payload(b"XTP1" + zlib.compress(text), max_records=10)
    with pytest.raises(Malformed):
        decode_payload(b"XTP1" + zlib.compress(text), max_records=11)


def test_default_limits_are_realistic() -> None:
    assert DEFAULT_MAX_RECORDS == 50_000
    with pytest.raises(TooLarge):
        decode_payload(b"XTP1" + zlib.compress(b"[" + b"{}," * DEFAULT_MAX_RECORDS + b"{}]"))
    with pytest.raises(TooLarge):  # 65 MiB of spaces inflate past the byte limit
        decode_payload(b"XTP1" + zlib.compress(b"[" + b" " * (65 * 1024 * 1024) + b"]", 9))


def test_no_bundle_is_sealed_for_a_revoked_helper_at_the_exchange(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    revoke_helper(office.store, office.me, helper.me.fingerprint, "设备丢失", clock)
    with pytest.raises(NotEnrolled) as err:
        export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock)
    assert "撤销" in str(err.value)
