"""``uv run main.py --demo``: the throw-away homes a newcomer looks around in, office and phone."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from sync import exchange
from sync.app import office
from sync.app.demo import demo_homes
from sync.app.session import Service


def test_demo_homes_give_an_office_with_work_waiting_and_a_helper_phone_with_subjects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XIETONG_SCRYPT_N", "1024")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    demo = demo_homes()
    assert demo.office.is_relative_to(tmp_path)

    phone = Service(demo.helper)
    phone.unlock(demo.passphrase)
    try:
        assert phone.identity()["role"] == "helper" and phone.identity()["name"] == demo.helper_name
        rows = phone.subject_rows()
        assert rows, "the phone shows the subjects the office assigned"
        detail = phone.subject_detail(rows[0]["id"])
        assert any(r["urgent"] for r in detail["timeline"]), "and the urgent report it made"
        store = phone.store
        mine = [r for r in store.list() if r.author == phone.me.fingerprint]
        assert set(exchange.record_statuses(store, mine).values()) == {
            exchange.STATUS_DELIVERED,
            exchange.STATUS_EXPORTED,
            exchange.STATUS_UNSENT,
        }, "work of every status"
        assert {r.kind for r in mine} >= {"visit", "report"}
        assert len(store.list_drafts()) == 1, "and a visit half typed"
    finally:
        phone.lock()

    svc = Service(demo.office)
    svc.unlock(demo.passphrase)
    try:
        assert svc.identity()["role"] == "office"
        assert len(office.subject_rows(svc)) == 40
        waiting = sorted(p.name for p in (demo.exchange / "来自协助人员").iterdir())
        assert len(waiting) == 2 and all(name.endswith(".xtb") for name in waiting)
        assert len(list((demo.exchange / "登记申请").glob("*.xtreq"))) == 1
        # issue 15's kinds are in the demo office, and the phones' bundles import without refusal
        assert office.archived_rows(svc) and office.open_entrustments(svc) and office.reward_rows(svc)
        assert office.latest_assessments(svc) and office.subsidy_settings(svc)["rate_fen"] > 0
        enrolled = {h["fingerprint"]: h["enrolled_date"] for h in office.helper_rows(svc)}
        phones = [fp for fp, h in enrolled.items() if h == svc.today().isoformat()]
        before = {fp: len([r for r in svc.store.list() if r.author == fp]) for fp in phones}
        rows = office.batch_import(svc, demo.exchange / "来自协助人员")
        assert [(r["status"], r["message"]) for r in rows if r["status"] != "accepted"] == []
        assert {r["sender"] for r in rows} == set(phones)
        theirs = [r for r in svc.store.list() if r.author in phones]
        assert len(theirs) > sum(before.values())
        assert "social_support" in {r.kind for r in theirs}, "a phone's 引导社会力量 reached the office"
        early = [(r.kind, r.created[:10]) for r in theirs if r.created[:10] < enrolled[r.author]]
        assert early == [], "no phone record is dated before the phone was enrolled"
        archived = {r["id"] for r in office.archived_rows(svc)}
        assert not any(set(r.get("helpers") or []) & set(phones) for r in office.subject_rows(svc, status="archived"))
        assert not {r.subject for r in theirs} & archived
    finally:
        svc.lock()
