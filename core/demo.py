"""Fictional but realistic records of every kind, for demos, tests and benchmarks.

Everything comes from an injected ``random.Random`` and ``today``, so a seed always yields
the same content; record ids come from ``ids`` (random by default), so two installations
filled from the same seed never share a record id (pass a counter for identical runs). No
helper-authored record is dated before its helper's enrolment. Every generated record passes
``core.record_checks.validate``.

Issue 15's kinds are in every run large enough: one case in ``CLOSE_EVERY`` has ended and is
closed (解矫, 期满), some subjects have an 引导社会力量 record, each helper has an assessment for
the last full quarter, one or two have a special reward, and one 委托调查评估 is still open.
The subsidy rate and cap are settings, not records: ``sync.app.demo`` sets them.

This module assembles whole runs; the place and its people are in ``core.demo_people``, the
per-kind data in ``core.demo_office`` and ``core.demo_helper``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from core.demo_helper import LEGACY_VISIT_DAYS, helper_records
from core.demo_office import (
    assessments,
    closure_data,
    entrustment,
    handovers,
    helper_data,
    notice_data,
    rewards,
    subject_data,
    team_data,
)
from core.demo_people import COMMITTEES, OFFICE_NAME, cn_duration, full_name, pick, record, world
from core.numbering import next_seq
from core.records import Record, new_id

__all__ = ["CLOSE_EVERY", "LEGACY_VISIT_DAYS", "SAMPLE_SUBJECT", "cn_duration", "generate", "generate_for_helper"]

CLOSE_EVERY = 20  # the 20th, 40th... subject's term has ended and its case is closed (解矫)
SUPPORT_SHARE = 0.3  # subjects with an 引导社会力量 record among their helper's records

# One fixed, fictional subject (every required particular of the register) for examples, tests
# and benchmarks that need a subject but not a random one.
SAMPLE_SUBJECT: dict[str, str] = {
    "name": "张三",
    "gender": "男",
    "birth": "1980-05",
    "household": "四川省某县",
    "residence": "四川省某县某镇",
    "judgment_date": "2025-06-01",
    "crime": "盗窃罪",
    "court": "某县人民法院",
    "sentence": "有期徒刑一年,缓刑二年",
    "category": "缓刑",
    "term_start": "2025-07-01",
    "term_end": "2027-06-30",
    "committee": "青山村民委员会",
    "town": "青山镇",
}


def generate(
    rng: random.Random,
    *,
    subjects: int,
    records_per_subject: int,
    office_fp: str,
    helper_fps: list[str],
    today: date,
    ids: Callable[[], str] = new_id,
) -> list[Record]:
    """A whole office's data: office, committees, helpers, subjects with notices and teams,
    ``records_per_subject`` helper-authored records per subject, acks for some reports, and
    issue 15's office records (a closed case, assessments, rewards, an open entrustment).

    Subjects are assigned round-robin to ``helper_fps`` (some get a second helper, never a
    closed case); without helpers, subjects are unassigned and helper kinds are authored by the
    office.
    """
    w = world(rng, today, ids)
    out: list[Record] = []
    first = today - timedelta(days=900)
    out.append(record(w, "office", {"name": OFFICE_NAME, "fingerprint": office_fp}, office_fp, None, first))
    for name, town in COMMITTEES:
        out.append(record(w, "committee", {"name": name, "town": town}, office_fp, None, first))
    helper_info: list[tuple[str, str, str]] = []  # (fingerprint, name, committee)
    enrolled_on: dict[str, date] = {}
    for i, fp in enumerate(helper_fps):
        committee = COMMITTEES[i % len(COMMITTEES)][0]
        data = helper_data(w, fp, committee)
        out.append(record(w, "helper", data, office_fp, None, date.fromisoformat(data["enrolled_date"])))
        helper_info.append((fp, data["name"], committee))
        enrolled_on[fp] = date.fromisoformat(data["enrolled_date"])
    town_of = dict(COMMITTEES)

    subject_records: list[tuple[Record, list[str]]] = []
    closed: set[int] = set()
    for i in range(subjects):
        ended = (i + 1) % CLOSE_EVERY == 0
        if ended:
            closed.add(i)
        if helper_info:
            fp, hname, committee = helper_info[i % len(helper_info)]
            assigned, names = [fp], [hname]
            if not ended and len(helper_info) > 1 and rng.random() < 0.25:
                other = helper_info[(i + 1) % len(helper_info)]
                assigned.append(other[0])
                names.append(other[1])
        else:
            committee = COMMITTEES[rng.randrange(len(COMMITTEES))][0]
            assigned, names = [], []
        data = subject_data(w, committee, town_of[committee], assigned, ended=ended)
        start = date.fromisoformat(data["term_start"])
        subject = record(w, "subject", data, office_fp, None, start)
        subject_records.append((subject, names))

    # Notices are numbered in issue order, per year, as the office would have issued them.
    issued = [
        (min(today, date.fromisoformat(s.data["term_start"]) + timedelta(days=rng.randrange(0, 4))), idx)
        for idx, (s, _) in enumerate(subject_records)
    ]
    last_seq: dict[int, int] = {}
    notice_of: dict[int, Record] = {}
    for on, idx in sorted(issued):
        seq = next_seq([(on.year, last_seq.get(on.year, 0))], on.year)
        last_seq[on.year] = seq
        subject = subject_records[idx][0]
        notice_of[idx] = record(w, "notice", notice_data(w, subject.data, on, seq), office_fp, subject.id, on)

    for idx, (subject, names) in enumerate(subject_records):
        out.append(subject)
        out.append(notice_of[idx])
        start = date.fromisoformat(subject.data["term_start"])
        out.append(record(w, "team", team_data(w, subject.data, names), office_fp, subject.id, start))
        helpers = subject.data["helpers"]
        author = helpers[0] if helpers else office_fp
        helper_name = names[0] if names else full_name(rng)
        until = date.fromisoformat(subject.data["term_end"]) if idx in closed else today
        records = helper_records(
            w,
            subject,
            author,
            helper_name,
            records_per_subject,
            enrolled_on.get(author),
            until=until,
            support=rng.random() < SUPPORT_SHARE,
        )
        out.extend(records)
        for r in records:
            if r.kind == "movement":  # the office approved each demo request within two days
                on = min(until, date.fromisoformat(r.data["applied"]) + timedelta(days=1))
                decision = {
                    "request": r.id,
                    "outcome": "批准",
                    "note": "同意外出,按期返回后及时报告",
                    "by": w.director,
                    "date": on.isoformat(),
                }
                out.append(record(w, "decision", decision, office_fp, subject.id, on))
            if r.kind == "report" and rng.random() < 0.6:
                occurred = date.fromisoformat(r.data["occurred"])
                on = min(until, occurred + timedelta(days=rng.randrange(0, 4)))
                ack = {
                    "report": r.id,
                    "note": pick(rng, ("已知悉,请继续关注", "已安排专人上门核实", "已约谈本人")),
                    "by": pick(rng, w.officers),
                    "date": on.isoformat(),
                }
                out.append(record(w, "ack", ack, office_fp, subject.id, on))
        if idx in closed:  # 解矫 on the term's last day: the case is archived at the office
            out.append(record(w, "closure", closure_data(w, subject.data), office_fp, subject.id, until))
    out.extend(handovers(w, out, subject_records, office_fp))  # issue 15: after the rest
    if subjects:
        by_date = [(fp, enrolled_on[fp]) for fp, _name, _committee in helper_info]
        out.extend(assessments(w, out, by_date, office_fp))
        out.extend(rewards(w, by_date, office_fp))
        fp, _name, committee = helper_info[0] if helper_info else ("", "", COMMITTEES[0][0])
        out.append(entrustment(w, fp, committee, town_of[committee], office_fp))
    return out


def generate_for_helper(
    rng: random.Random,
    subjects: list[Record],
    helper_fp: str,
    records_per_subject: int,
    today: date,
    *,
    enrolled: date | None = None,
    ids: Callable[[], str] = new_id,
) -> list[Record]:
    """Only helper-authored records, by ``helper_fp``, for the given subject records, none dated
    before ``enrolled`` (when the phone first heard from its office, say)."""
    w = world(rng, today, ids)
    helper_name = full_name(rng)
    out: list[Record] = []
    for n, subject in enumerate(s for s in subjects if s.kind == "subject"):
        support = n == 0 or rng.random() < SUPPORT_SHARE  # every phone has an 引导社会力量 record
        out.extend(helper_records(w, subject, helper_fp, helper_name, records_per_subject, enrolled, support=support))
    return out
