"""Helper assessment (四.2): figures from the records, the office's result, listed on the roster."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_setup import PASS, VISIT, TickClock, setup_pair

from core.errors import ValidationError
from core.records import Record
from sync.app import office
from sync.app.session import Service
from sync.exchange import export_bundle, import_bundle


def test_an_assessment_counts_visits_against_due_and_reports_on_time(tmp_path: Path) -> None:
    clock = TickClock()  # 2026-03-01
    o, h, subject = setup_pair(tmp_path, clock)
    for day in ("2026-01-10", "2026-02-10", "2025-12-01"):
        h.store.put(
            Record.new("visit", {**VISIT, "date": day}, author=h.me.fingerprint, subject=subject.id, clock=clock),
            actor=h.me.fingerprint,
        )
    for occurred in ("2026-02-28", "2026-01-02"):  # saved 2026-03-01: one on time, one late
        h.store.put(
            Record.new(
                "report",
                {"category": "外出", "urgency": "一般", "occurred": occurred, "description": "外出务工"},
                author=h.me.fingerprint,
                subject=subject.id,
                clock=clock,
            ),
            actor=h.me.fingerprint,
        )
    import_bundle(o.store, o.me, export_bundle(h.store, h.me, o.me.fingerprint, clock=clock), clock=clock)
    o.store.close()
    svc = Service(o.home, clock=clock)
    svc.unlock(PASS)
    fp = h.me.fingerprint
    figures = office.assessment_figures(svc, fp, "2026-01-01", "2026-03-01")
    assert figures == {"visits_done": 2, "visits_due": 2, "reports_on_time": 1, "reports_total": 2}
    with pytest.raises(ValidationError):
        office.assess_helper(svc, fp, "2026年第一季度", "2026-01-01", "2026-03-01", result="优秀", evaluation="好")
    with pytest.raises(ValidationError):
        office.assess_helper(svc, fp, "2026年第一季度", "2026-03-01", "2026-01-01", result="合格", evaluation="好")
    rec = office.assess_helper(
        svc, fp, "2026年第一季度", "2026-01-01", "2026-03-01", result="合格", evaluation="走访按时,报告及时"
    )
    assert rec.subject is None and rec.data["visits_done"] == 2
    assert office.latest_assessments(svc)[fp]["result"] == "合格"
    # the assessment stays at the office: it never goes to the helper
    blob = export_bundle(svc.store, svc.me, fp, clock=clock)
    h.reopen(clock)
    out = import_bundle(h.store, h.me, blob, clock=clock)
    assert "assessment" not in out.counts


def test_revocation_reasons_are_worded_for_each_case() -> None:
    from core.vocabularies import REVOKE_REASONS

    assert set(REVOKE_REASONS) == {"设备丢失", "解聘", "不再担任"}
    assert "丢失" in REVOKE_REASONS["设备丢失"] and "解聘" in REVOKE_REASONS["解聘"]
    assert "不再担任" in REVOKE_REASONS["不再担任"]
