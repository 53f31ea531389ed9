"""Demo data: valid, deterministic, realistic in shape."""

from __future__ import annotations

import itertools
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date

import pytest

from core import demo
from core.numbering import parse_number
from core.record_checks import validate
from core.records import HELPER_KINDS, OFFICE_KINDS, Record

TODAY = date(2026, 5, 20)
OFFICE = "9" * 30
HELPERS = [f"{i:030d}" for i in range(1, 6)]


def counter() -> Callable[[], str]:
    """Record ids for runs that must come out identical."""
    numbers = itertools.count(1)
    return lambda: f"{next(numbers):032x}"


def _generate(
    seed: int = 7,
    subjects: int = 40,
    per: int = 12,
    helpers: list[str] | None = None,
    ids: Callable[[], str] | None = None,
) -> list[Record]:
    return demo.generate(
        random.Random(seed),
        subjects=subjects,
        records_per_subject=per,
        office_fp=OFFICE,
        helper_fps=HELPERS if helpers is None else helpers,
        today=TODAY,
        ids=ids or counter(),
    )


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return _generate()


def test_every_generated_record_passes_validation(records: list[Record]) -> None:
    problems = {r.id: validate(r.kind, r.data, today=TODAY) for r in records}
    assert {rid: e for rid, e in problems.items() if e} == {}


def test_same_seed_gives_identical_records_and_another_seed_does_not() -> None:
    a = [r.to_dict() for r in _generate(seed=3)]
    b = [r.to_dict() for r in _generate(seed=3)]
    c = [r.to_dict() for r in _generate(seed=4)]
    assert a == b
    assert a != c


def test_all_working_kinds_are_produced(records: list[Record]) -> None:
    kinds = Counter(r.kind for r in records)
    expected = (HELPER_KINDS | OFFICE_KINDS) - {"revocation", "resolution"}
    assert expected <= set(kinds), expected - set(kinds)
    assert kinds["subject"] == kinds["notice"] == kinds["team"] == 40
    assert kinds["helper"] == len(HELPERS) and kinds["office"] == 1


def test_each_subject_gets_exactly_the_requested_helper_records(records: list[Record]) -> None:
    per_subject = Counter(r.subject for r in records if r.kind in HELPER_KINDS)
    subjects = [r for r in records if r.kind == "subject"]
    assert {per_subject[s.id] for s in subjects} == {12}


def test_helper_records_are_authored_by_an_assigned_helper_within_the_term(records: list[Record]) -> None:
    subjects = {r.id: r for r in records if r.kind == "subject"}
    for r in records:
        if r.kind not in HELPER_KINDS:
            continue
        s = subjects[r.subject or ""]
        assert r.author in s.data["helpers"]
        if r.kind == "visit":
            assert s.data["term_start"] <= r.data["date"] <= TODAY.isoformat()


def test_subjects_are_their_own_subject_and_assigned_round_robin(records: list[Record]) -> None:
    subjects = [r for r in records if r.kind == "subject"]
    assert all(s.subject == s.id and s.author == OFFICE for s in subjects)
    first_helpers = Counter(s.data["helpers"][0] for s in subjects)
    assert set(first_helpers) == set(HELPERS) and set(first_helpers.values()) == {8}


def test_notice_numbers_are_unique_and_consecutive_per_year_in_issue_order(records: list[Record]) -> None:
    notices = sorted((r for r in records if r.kind == "notice"), key=lambda r: (r.data["issue_date"], r.data["seq"]))
    by_year: dict[int, list[int]] = defaultdict(list)
    for n in notices:
        assert parse_number(n.data["number"]) == (n.data["year"], n.data["seq"])
        by_year[n.data["year"]].append(n.data["seq"])
    for seqs in by_year.values():
        assert seqs == list(range(1, len(seqs) + 1))


def test_notice_copies_the_subject_particulars(records: list[Record]) -> None:
    subjects = {r.id: r.data for r in records if r.kind == "subject"}
    for n in (r for r in records if r.kind == "notice"):
        s = subjects[n.subject or ""]
        assert all(n.data[k] == s[k] for k in ("name", "birth", "crime", "term_start", "term_end", "committee"))


def test_data_is_varied_and_uses_rare_characters(records: list[Record]) -> None:
    names = [r.data["name"] for r in records if r.kind == "subject"]
    assert len(set(names)) > 30
    all_names = "".join(names + [m["name"] for r in records if r.kind == "team" for m in r.data["members"]])
    assert set(all_names) & set("堃喆昇曌犇")
    urgencies = Counter(r.data["urgency"] for r in records if r.kind == "report")
    assert urgencies["紧急"] > 0 and urgencies["一般"] > 0
    sizes = {len(r.data["evaluators"]) for r in records if r.kind == "evaluation"}
    assert sizes <= {3, 4, 5} and len(sizes) > 1
    assert any(r.data["family"] for r in records if r.kind == "registration")


def test_acks_point_at_reports_of_the_same_subject(records: list[Record]) -> None:
    reports = {r.id: r for r in records if r.kind == "report"}
    acks = [r for r in records if r.kind == "ack"]
    assert acks
    for a in acks:
        assert reports[a.data["report"]].subject == a.subject and a.author == OFFICE


def test_without_helpers_subjects_are_unassigned_and_still_valid() -> None:
    records = _generate(subjects=5, per=4, helpers=[])
    assert all(r.data["helpers"] == [] for r in records if r.kind == "subject")
    assert all(not validate(r.kind, r.data, today=TODAY) for r in records)


def test_generate_for_helper_makes_only_helper_kinds_by_that_helper() -> None:
    subjects = [r for r in _generate(subjects=6, per=0) if r.kind == "subject"]
    mine = demo.generate_for_helper(random.Random(1), subjects, HELPERS[0], 9, TODAY)
    assert len(mine) == 6 * 9
    assert {r.kind for r in mine} <= HELPER_KINDS and {r.author for r in mine} == {HELPERS[0]}
    assert {r.subject for r in mine} == {s.id for s in subjects}
    assert all(not validate(r.kind, r.data, today=TODAY) for r in mine)
    first = demo.generate_for_helper(random.Random(1), subjects, HELPERS[0], 9, TODAY, ids=counter())
    again = demo.generate_for_helper(random.Random(1), subjects, HELPERS[0], 9, TODAY, ids=counter())
    assert [r.to_dict() for r in again] == [r.to_dict() for r in first]


def test_two_installations_filled_from_the_same_seed_share_no_record_id() -> None:
    """The default seed on the office and on a phone used to give both the same ids, so the
    phone's bundle was refused at the office as 记录属于他人."""
    office = demo.generate(
        random.Random(2026), subjects=5, records_per_subject=4, office_fp=OFFICE, helper_fps=HELPERS[:1], today=TODAY
    )
    again = demo.generate(
        random.Random(2026), subjects=5, records_per_subject=4, office_fp=OFFICE, helper_fps=HELPERS[:1], today=TODAY
    )

    def content(r: Record) -> dict[str, object]:  # an ack names its report by id
        return {k: v for k, v in r.data.items() if not (r.kind == "ack" and k == "report")}

    assert [content(r) for r in office] == [content(r) for r in again]  # seeded content
    assert not {r.id for r in office} & {r.id for r in again}  # random ids
    subjects = [r for r in office if r.kind == "subject"]
    phone = demo.generate_for_helper(random.Random(2026), subjects, HELPERS[0], 6, TODAY)
    assert not {r.id for r in phone} & {r.id for r in office}


def test_no_helper_record_is_dated_before_its_helpers_enrolment(records: list[Record]) -> None:
    enrolled = {r.data["fingerprint"]: r.data["enrolled_date"] for r in records if r.kind == "helper"}
    mine = [r for r in records if r.kind in HELPER_KINDS and r.author in enrolled]
    assert mine
    early = [(r.kind, r.created[:10], enrolled[r.author]) for r in mine if r.created[:10] < enrolled[r.author]]
    assert early == []
    subjects = [r for r in records if r.kind == "subject"]
    joined = date(2026, 3, 1)
    phone = demo.generate_for_helper(random.Random(5), subjects, HELPERS[0], 8, TODAY, enrolled=joined)
    assert phone and min(r.created[:10] for r in phone) >= joined.isoformat()
    assert "declaration" not in {
        r.kind for r in phone if r.subject in {s.id for s in subjects if s.data["term_start"] < joined.isoformat()}
    }


@pytest.mark.parametrize(
    "months,text", [(6, "六个月"), (12, "一年"), (18, "一年六个月"), (24, "二年"), (120, "十年"), (11, "十一个月")]
)
def test_sentence_durations_read_as_written(months: int, text: str) -> None:
    assert demo.cn_duration(months) == text


def test_recent_visits_are_choices_and_old_ones_free_text_with_some_unusual_answers(records: list[Record]) -> None:
    from core import visits

    shown = [r for r in records if r.kind == "visit"]
    legacy = [r for r in shown if visits.is_legacy(r.data)]
    assert legacy and len(legacy) < len(shown), "an upgraded installation holds both shapes"
    assert all((TODAY - date.fromisoformat(r.data["date"])).days > demo.LEGACY_VISIT_DAYS for r in legacy)
    assert any(visits.unusual(r.data) for r in shown), "the dashboard's list of unusual visits has something"


def test_every_twentieth_case_has_ended_and_is_closed_with_nothing_dated_after_its_closure(
    records: list[Record],
) -> None:
    from core import rules
    from core.closeout import closure_of

    by_subject: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        if r.subject:
            by_subject[r.subject].append(r)
    closures = [r for r in records if r.kind == "closure"]
    assert len(closures) == 40 // demo.CLOSE_EVERY
    for c in closures:
        own = by_subject[c.subject or ""]
        subject = next(r for r in own if r.kind == "subject")
        assert c.data["reason"] == "期满" and c.data["date"] == subject.data["term_end"] < TODAY.isoformat()
        assert closure_of(own) == c and c.author == OFFICE
        assert rules.summarise_subject(subject.id, own)["closed"]["date"] == c.data["date"]  # archived
        assert len(subject.data["helpers"]) == 1, "a closed case was never handed over"
        later = [(r.kind, r.created[:10]) for r in own if r.created[:10] > c.data["date"]]
        assert later == []
    open_ = [s for s in records if s.kind == "subject" and s.id not in {c.subject for c in closures}]
    assert all(s.data["term_end"] >= TODAY.isoformat() for s in open_)


def test_each_helper_is_assessed_for_the_last_full_quarter_with_figures_from_its_records(
    records: list[Record],
) -> None:
    found = {r.data["helper"]: r for r in records if r.kind == "assessment"}
    assert set(found) == set(HELPERS)
    for fp, a in found.items():
        assert (a.data["period"], a.data["period_start"], a.data["period_end"]) == (
            "2026年第1季度",
            "2026-01-01",
            "2026-03-31",
        )
        assert a.subject is None and a.author == OFFICE and "2026-04-01" <= a.data["date"] <= TODAY.isoformat()
        visits = [
            r
            for r in records
            if r.kind == "visit" and r.author == fp and "2026-01-01" <= r.data["date"] <= "2026-03-31"
        ]
        subjects = [r for r in records if r.kind == "subject" and fp in r.data["helpers"]]
        assert a.data["visits_done"] == len(visits) and a.data["visits_due"] == 3 * len(subjects)
        assert a.data["reports_on_time"] == a.data["reports_total"]  # the demo reports the same day
        assert a.data["result"] == ("合格" if 3 * len(visits) >= a.data["visits_due"] else "不合格")
    assert {a.data["result"] for a in found.values()} <= {"合格", "不合格"}


def test_rewards_and_the_open_entrustment_name_enrolled_helpers_and_are_not_dated_before_them(
    records: list[Record],
) -> None:
    enrolled = {r.data["fingerprint"]: r.data["enrolled_date"] for r in records if r.kind == "helper"}
    rewards = [r for r in records if r.kind == "reward"]
    assert len(rewards) == 2 and {r.data["helper"] for r in rewards} == {HELPERS[0], HELPERS[2]}
    assert all(enrolled[r.data["helper"]] <= r.data["date"] <= TODAY.isoformat() for r in rewards)
    assert all(isinstance(r.data["amount"], int) and r.data["amount"] > 0 for r in rewards)
    (entrusted,) = [r for r in records if r.kind == "entrustment"]
    assert entrusted.data["helper"] == HELPERS[0] and entrusted.subject == entrusted.id  # its own partition
    assert "result" not in entrusted.data and "converted_to" not in entrusted.data  # still open
    assert entrusted.data["entrusted_date"] <= entrusted.data["due_date"]
    assert entrusted.data["entrusted_date"] <= TODAY.isoformat()


def test_social_support_is_by_the_subjects_helper_and_every_phone_gets_one_besides_a_visit(
    records: list[Record],
) -> None:
    subjects = {r.id: r for r in records if r.kind == "subject"}
    support = [r for r in records if r.kind == "social_support"]
    assert support and all(r.author in subjects[r.subject or ""].data["helpers"] for r in support)
    for seed in range(5):
        mine = demo.generate_for_helper(
            random.Random(seed), list(subjects.values())[:2], HELPERS[0], 4, TODAY, enrolled=TODAY
        )
        assert {"social_support", "visit"} <= {r.kind for r in mine}
