"""Visit subsidies (四.3): the rate and cap the office sets, rewards, and the visits report."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from pipeline_setup import PASS, VISIT, TickClock, setup_pair

from core.errors import ValidationError
from core.records import Record
from core.subsidy import amounts, counted_visits, parse_yuan, yuan
from sync.app import office
from sync.app.session import Service
from sync.exchange import export_bundle, import_bundle


def _visit(author: str, subject: str, day: str, **extra: object) -> Record:
    return Record.new("visit", {**VISIT, "date": day, **extra}, author=author, subject=subject)


def test_visits_count_per_subject_and_month_up_to_the_cap() -> None:
    a = "1" * 30
    visits = [
        _visit(a, "s1", "2026-03-02"),
        _visit(a, "s1", "2026-03-09"),
        _visit(a, "s1", "2026-03-20"),
        _visit(a, "s2", "2026-03-05"),
        _visit(a, "s1", "2026-04-01"),
    ]
    gone = _visit(a, "s2", "2026-03-06")
    visits += [gone, gone.revise(gone.data, deleted=True)]
    assert counted_visits(visits, cap=2) == {(a, "2026-03"): 3, (a, "2026-04"): 1}
    assert counted_visits(visits, cap=0) == {(a, "2026-03"): 4, (a, "2026-04"): 1}
    reward = Record.new(
        "reward", {"helper": a, "date": "2026-04-15", "amount": 100, "reason": "及时报告", "by": "李"}, author="office"
    )
    got = amounts(visits, [reward], rate_fen=2050, cap=2)
    assert got[(a, "2026-03")] == {"counted": 3, "subsidy": 6150, "reward": 0, "total": 6150}
    assert got[(a, "2026-04")]["total"] == 2050 + 10000


@pytest.mark.parametrize("bad", ["-1", "abc", "1.234", "nan"])
def test_a_rate_must_be_money(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_yuan(bad)
    assert parse_yuan("12.5") == 1250 and yuan(1250) == "12.50"


def test_the_visits_report_prints_amounts_totals_and_a_signature_column(tmp_path: Path) -> None:
    clock = TickClock()
    o, h, subject = setup_pair(tmp_path, clock)
    for day in ("2026-02-02", "2026-02-10", "2026-02-20"):
        h.store.put(_visit(h.me.fingerprint, subject.id, day), actor=h.me.fingerprint)
    import_bundle(o.store, o.me, export_bundle(h.store, h.me, o.me.fingerprint, clock=clock), clock=clock)
    o.store.close()
    svc = Service(o.home, clock=clock)
    svc.unlock(PASS)
    with pytest.raises(ValidationError):
        office.set_subsidy(svc, "20", "99")
    assert office.set_subsidy(svc, "20", "2") == {"rate_fen": 2000, "cap": 2, "rate": "20.00"}
    office.add_reward(svc, h.me.fingerprint, "50", "及时报告重要情况", "2026-02-25")
    with pytest.raises(ValidationError):
        office.add_reward(svc, h.me.fingerprint, "50", "", "2026-02-25")
    path = office.write_report(svc, "visits", tmp_path / "v.xlsx", date_from="2026-02-01", date_to="2026-02-28")
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][0].startswith("走访统计与补贴核算") and "每次20.00元" in rows[0][0]
    head = rows[1]
    assert head[-1] == "签名" and "走访补贴(元)" in head
    line = dict(zip(head, rows[2], strict=True))
    assert (line["走访次数"], line["计补贴次数"], line["走访补贴(元)"], line["专项奖励(元)"], line["合计(元)"]) == (
        3,
        2,
        "40.00",
        "50.00",
        "90.00",
    )
    assert rows[-1][0] == "合计" and rows[-1][head.index("合计(元)")] == "90.00"
