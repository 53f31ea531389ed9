"""The office reviews a helper's later change to a record it had acknowledged: the change is
listed with who, which subject and what changed, until the officer marks it looked at; the
record's history keeps the acknowledged version throughout."""

from __future__ import annotations

from pathlib import Path

from pipeline_setup import PASS, TickClock, setup_pair, visit

from sync.app import office as office_actions
from sync.app.session import Service
from sync.exchange import export_bundle, import_bundle


def test_a_flagged_change_is_listed_for_the_officer_until_looked_at(tmp_path: Path) -> None:
    clock = TickClock()
    office, helper, subject = setup_pair(tmp_path, clock)
    v = visit(helper, subject.id, clock)
    helper.store.put(v, actor=helper.me.fingerprint)
    import_bundle(
        office.store, office.me, export_bundle(helper.store, helper.me, office.me.fingerprint, clock=clock), clock=clock
    )
    import_bundle(
        helper.store, helper.me, export_bundle(office.store, office.me, helper.me.fingerprint, clock=clock), clock=clock
    )
    helper.store.put(v.revise({**v.data, "notes": "改过的记录"}, clock=clock), actor=helper.me.fingerprint)
    out = import_bundle(
        office.store, office.me, export_bundle(helper.store, helper.me, office.me.fingerprint, clock=clock), clock=clock
    )
    assert out.status == "accepted" and out.warnings
    office.store.close()

    svc = Service(office.home, clock=clock)
    svc.unlock(PASS)
    [row] = office_actions.flagged_rows(svc)
    assert (row["helper_name"], row["subject_name"], row["kind_label"]) == ("王五", subject.data["name"], "走访记录")
    assert (row["acked_revision"], row["revision"], row["deleted"]) == (1, 2, False)
    assert office_actions.dismiss_flagged(svc, row["helper"], row["record"], 2) is True
    assert office_actions.flagged_rows(svc) == []
    assert office_actions.dismiss_flagged(svc, row["helper"], row["record"], 2) is False
    assert [r.revision for r in svc.store.history(v.id)] == [1, 2]
