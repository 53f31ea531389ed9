"""Summaries extended by the records an import adds (``Index.appended``, ``core.rules.extend_summary``)
are those of the whole partition summarised again, whatever happened in between: updates,
deletions, purges, acknowledgements, checkpoints, a reopen that replays the journal."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from store_helpers import TickClock

from core import rules
from core.records import Record
from core.rules import summarise_subject
from storage import Store, index

SUBJECT = {"name": "赵六", "gender": "男", "category": "缓刑", "term_start": "2026-01-01", "term_end": "2027-01-31"}


def _summaries_from_scratch(store: Store) -> dict[str, dict[str, object]]:
    out = {}
    for sid in store.summaries():
        records = store.list(subject=sid, include_deleted=True)
        out[sid] = summarise_subject(sid, records)
    return out


def test_summaries_after_mixed_changes_equal_a_full_recompute(
    make_store: Callable[..., Store], clock: TickClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    extended: list[bool] = []

    def counted(summary: dict[str, object], added: list[Record]) -> dict[str, object] | None:
        out = rules.extend_summary(summary, added)
        extended.append(out is not None)
        return out

    monkeypatch.setattr(index, "extend_summary", counted)
    rng = random.Random(4)
    store = make_store()
    subjects = [Record.new("subject", SUBJECT, author="o" * 30, clock=clock) for _ in range(3)]
    store.apply(subjects, actor="t")
    live: list[Record] = []
    for step in range(40):
        sid = rng.choice(subjects).id
        op = rng.randrange(8)
        if op < 4 or not live:  # an import's worth of new visits (some unusual), maybe a report
            batch = []
            for _ in range(rng.randrange(1, 6)):
                data = {"date": f"2026-0{rng.randrange(1, 5)}-{rng.randrange(1, 28):02d}", "place": "家中"}
                if rng.random() < 0.3:
                    data.update({"thinking_state": "波动", "thinking_note": "情绪低落"})
                batch.append(Record.new("visit", data, author="h" * 30, subject=sid, clock=clock))
            if rng.random() < 0.2:
                batch.append(Record.new("report", {"urgency": "紧急"}, author="h" * 30, subject=sid, clock=clock))
            store.apply(batch, actor="t")
            live += batch
        elif op == 4:
            r = rng.choice(live)
            new = r.revise({**r.data, "date": "2026-04-30"}, clock=clock)
            store.put(new, actor="t")
            live[live.index(r)] = new
        elif op == 5:
            r = rng.choice(live)
            store.put(r.revise(r.data, clock=clock, deleted=True), actor="t")
            live.remove(r)
        elif op == 6:
            r = rng.choice(live)
            store.apply([], actor="t", purge=[r.id])
            live.remove(r)
        else:
            store.checkpoint()
        if step % 7 == 6:
            assert store.summaries() == _summaries_from_scratch(store)
    assert store.summaries() == _summaries_from_scratch(store)
    assert any(extended)  # the extending path was taken
    store.apply(
        [Record.new("visit", {"date": "2026-04-29"}, author="h" * 30, subject=subjects[0].id, clock=clock)], actor="t"
    )
    store.close()
    again = make_store(reopen=True)
    assert again.summaries() == _summaries_from_scratch(again)
    again.checkpoint()
    assert again.summaries() == _summaries_from_scratch(again)
