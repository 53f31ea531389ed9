"""The peers are the freshness anchor: bundle headers carry the sender's audit head, and a
rollback of a whole store shows up on the other side."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pipeline_setup import PASS, TickClock, setup_pair, visit

from storage import Store
from sync.exchange import export_bundle, import_bundle
from sync.protocol.bundle import parse

pytestmark = pytest.mark.crypto


def test_bundle_header_carries_the_senders_audit_head(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    blob = export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock)
    audit = parse(blob).header.audit
    assert audit is not None
    # the head as it was at sealing: that entry of the office's log, by number and hash
    (entry,) = [e for e in office.store.audit_entries() if e["seq"] == audit["seq"]]
    assert entry["hash"][:32] == audit["hash"] and audit["seq"] > 0


def test_helper_store_rolled_back_is_flagged_by_its_shorter_audit_log(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    helper.store.close()
    shutil.copytree(helper.home, tmp_path / "helper-copy")
    helper.store = Store.open(helper.home, PASS, clock=clock)
    for i in range(10):
        helper.store.put(visit(helper, subject.id, clock, notes=f"第{i}次"), actor=helper.me.fingerprint)
    first = export_bundle(helper.store, helper.me, office.me.fingerprint, clock=clock)
    assert import_bundle(office.store, office.me, first, clock=clock).warnings == []
    # the phone is put back to its old copy; it exports again (its seq 1 again would be a replay,
    # so the old copy's next bundle uses a fresh number after another export attempt)
    helper.store.close()
    shutil.rmtree(helper.home)
    shutil.copytree(tmp_path / "helper-copy", helper.home)
    helper.store = Store.open(helper.home, PASS, clock=clock)
    export_bundle(helper.store, helper.me, office.me.fingerprint, clock=clock)  # seq 1 again: lost
    again = export_bundle(helper.store, helper.me, office.me.fingerprint, clock=clock)  # seq 2
    out = import_bundle(office.store, office.me, again, clock=clock)
    assert out.status == "accepted"
    assert any("审计记录比上次收到时更少" in w for w in out.warnings), out.warnings
