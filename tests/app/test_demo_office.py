"""``xietong demo`` on an office: issue 15's records are there and the app agrees with each.

The demo builds its records in ``core`` (no app there); these tests hold it to the app's own
functions, so the demo cannot show something the console would refuse or count differently.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fakes import CHEAP, PASS

from core.closeout import AlreadyClosed
from core.record_checks import validate
from sync.app import office
from sync.app.demo import DEMO_CAP, DEMO_RATE, fill_demo
from sync.app.session import Service

NOW = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)


def clock() -> datetime:
    return NOW


@pytest.fixture(scope="module")
def demo_office(tmp_path_factory: pytest.TempPathFactory) -> Service:
    svc = Service(tmp_path_factory.mktemp("office") / "home", clock=clock, kdf=CHEAP)
    svc.setup("office", "东岭司法所", PASS)
    fill_demo(svc, subjects=40, records=12, seed=2026)
    return svc


def test_every_demo_record_of_the_new_kinds_is_valid_for_its_kind(demo_office: Service) -> None:
    kinds = ("closure", "assessment", "reward", "social_support", "entrustment")
    found = {k: demo_office.store.list(k) for k in kinds}
    assert all(found.values()), {k: len(v) for k, v in found.items()}
    problems = {r.id: validate(r.kind, r.data, today=NOW.date()) for k in kinds for r in found[k]}
    assert {rid: e for rid, e in problems.items() if e} == {}


def test_closed_demo_cases_are_archived_and_the_app_refuses_to_close_them_again(demo_office: Service) -> None:
    archived = office.archived_rows(demo_office)
    assert len(archived) == 2 and all(r["closed"]["reason"] == "期满" for r in archived)
    assert len(office.subject_rows(demo_office, status="active")) == 38
    for row in archived:
        assert office.closure(demo_office, row["id"])["date"] == row["term_end"]  # type: ignore[index]
        with pytest.raises(AlreadyClosed):
            office.close_case(demo_office, row["id"], "期满", row["term_end"])


def test_demo_assessments_hold_the_figures_the_app_counts_for_their_period(demo_office: Service) -> None:
    assessments = demo_office.store.list("assessment")
    helpers = {h["fingerprint"] for h in office.helper_rows(demo_office)}
    assert {a.data["helper"] for a in assessments} == helpers
    assert any(a.data["visits_done"] for a in assessments), "some helper visited in the quarter"
    for a in assessments:
        d = a.data
        app = office.assessment_figures(demo_office, d["helper"], d["period_start"], d["period_end"])
        assert app == {k: d[k] for k in app}, d["helper"]
    latest = office.latest_assessments(demo_office)
    assert {fp: a["period"] for fp, a in latest.items()} == dict.fromkeys(helpers, "2026年第1季度")


def test_demo_sets_the_subsidy_through_the_app_and_keeps_an_office_own_setting(
    demo_office: Service, tmp_path: Path
) -> None:
    settings = office.subsidy_settings(demo_office)
    assert settings["rate"] == f"{DEMO_RATE}.00" and settings["cap"] == DEMO_CAP
    rewards = office.reward_rows(demo_office)
    assert rewards and all(r["helper"] and r["amount"] > 0 and r["reason"] for r in rewards)
    own = Service(tmp_path / "own", clock=clock, kdf=CHEAP)
    own.setup("office", "西岭司法所", PASS)
    office.set_subsidy(own, "35.5", 4)
    fill_demo(own, subjects=3, records=3, seed=1)
    assert office.subsidy_settings(own) == {"rate_fen": 3550, "cap": 4, "rate": "35.50"}


def test_the_open_demo_entrustment_names_a_helper_and_the_app_would_record_it_as_it_is(
    demo_office: Service,
) -> None:
    (row,) = office.open_entrustments(demo_office)
    names = {h["fingerprint"]: h["name"] for h in office.helper_rows(demo_office)}
    assert row["helper_name"] == names[row["helper"]] and not row["result"] and not row["converted_to"]
    (rec,) = demo_office.store.list("entrustment")
    again = office.record_entrustment(demo_office, dict(rec.data))  # the app's checks accept it
    assert again.data == rec.data
    demo_office.store.put(again.revise(again.data, clock=clock, deleted=True), actor=demo_office.me.fingerprint)
    assert len(office.open_entrustments(demo_office)) == 1
