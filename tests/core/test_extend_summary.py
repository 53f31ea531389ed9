"""``core.rules.extend_summary`` gives the summary of the whole partition, or declines (None)."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from datetime import date
from typing import Any

from core import demo
from core.records import Record
from core.rules import extend_summary, summarise_subject

TODAY = date(2026, 5, 20)


def _partitions() -> dict[str, list[Record]]:
    records = demo.generate(
        random.Random(11), subjects=10, records_per_subject=40, office_fp="0" * 30, helper_fps=["1" * 30], today=TODAY
    )
    out: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        if r.subject is not None:
            out[r.subject].append(r)
    return out


def _stored(summary: dict[str, Any]) -> dict[str, Any]:
    """As the index file gives it back."""
    result: dict[str, Any] = json.loads(json.dumps(summary, ensure_ascii=False))
    return result


def test_extended_summary_equals_the_whole_partition_summarised_again() -> None:
    rng = random.Random(2)
    extended = declined = 0
    for sid, records in _partitions().items():
        for _ in range(30):
            shuffled = records[:]
            rng.shuffle(shuffled)
            old = [r for r in shuffled if r.id == sid] + [r for r in shuffled if r.id != sid][: rng.randrange(0, 40)]
            added = [r for r in shuffled if r not in old]
            if rng.random() < 0.5:  # mostly visits: what an import brings
                added = [r for r in added if r.kind == "visit"]
            got = extend_summary(_stored(summarise_subject(sid, old)), added)
            if got is None:
                declined += 1
                continue
            extended += 1
            want = summarise_subject(sid, old + added)
            assert json.dumps(got, ensure_ascii=False) == json.dumps(want, ensure_ascii=False)
    assert extended > 100 and declined > 10


def test_declined_for_what_changes_more_than_counts() -> None:
    sid = "s" * 32
    subject = Record.new("subject", {"name": "张三"}, author="o", subject=sid, record_id=sid)
    base = _stored(summarise_subject(sid, [subject]))
    visit = Record.new("visit", {"date": "2026-05-01"}, author="h", subject=sid)
    assert extend_summary(base, [visit]) is not None
    for kind in ("report", "ack", "closure", "subject"):
        assert extend_summary(base, [Record.new(kind, {}, author="h", subject=sid)]) is None
    assert extend_summary(base, [visit.revise({}, deleted=True)]) is None
    assert extend_summary({**base, "extra": 1}, [visit]) is None
    older = {k: v for k, v in base.items() if k != "unusual_visits"}
    assert extend_summary(older, [visit]) is None
