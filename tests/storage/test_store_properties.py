"""Property tests: any sequence of versions keeps every version, the right current one, and survives reopen."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_helpers import CHEAP_KDF, PASS

from core.records import Record
from storage import Store, StoreOptions

IDS = ["a", "b", "c"]
SUBJECTS = ["s1", "s2", None]

version = st.tuples(
    st.sampled_from(IDS),
    st.integers(min_value=1, max_value=4),  # revision
    st.sampled_from(["甲", "乙", "丙"]),  # content
    st.sampled_from(SUBJECTS),
)
batches = st.lists(st.lists(version, min_size=1, max_size=4), min_size=1, max_size=8)


def _record(rid: str, rev: int, content: str, subject: str | None) -> Record:
    return Record(rid, "visit", subject, "helper-fp", rev, "2026-01-01", f"2026-01-{rev:02d}", False, {"n": content})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches=batches, checkpoint_every=st.sampled_from([1, 2, 1000]), cache=st.sampled_from([0, 1, 64]))
def test_any_sequence_of_versions_keeps_history_current_and_conflicts(
    batches: list[list[tuple[str, int, str, str | None]]], checkpoint_every: int, cache: int
) -> None:
    options = StoreOptions(checkpoint_every=checkpoint_every, cache_partitions=cache)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        store = Store.create(home, PASS, kdf=CHEAP_KDF, options=options)
        seen: dict[str, list[Record]] = {}  # distinct versions per id, in arrival order
        for batch in batches:
            records = [_record(*v) for v in batch]
            result = store.apply(records, actor="h")
            for rec in records:
                known = seen.setdefault(rec.id, [])
                if not any(k.revision >= rec.revision and k.content_hash() == rec.content_hash() for k in known):
                    known.append(rec)
            assert result.new + result.updated + result.duplicate + result.conflict + result.historical == len(batch)

        def expect(s: Store) -> None:
            for rid, known in seen.items():
                top = max(k.revision for k in known)
                current = s.get(rid)
                assert current is not None and current.revision == top
                first_at_top = next(k for k in known if k.revision == top)
                assert current == first_at_top  # the first seen at the newest revision, until resolved
                hist = s.history(rid)
                assert sorted((r.revision, r.content_hash()) for r in hist) == sorted(
                    (k.revision, k.content_hash()) for k in known
                )
                assert [r.revision for r in hist] == sorted(r.revision for r in hist)
                rivals = {
                    k.revision for k in known if len({x.content_hash() for x in known if x.revision == k.revision}) > 1
                }
                assert {c.revision for c in s.conflicts() if c.record_id == rid} == rivals
                if current.subject is not None:
                    assert rid in {r.id for r in s.list(subject=current.subject)}
            assert s.count() == len(seen)
            assert s.check() == []

        expect(store)
        store.close()
        reopened = Store.open(home, PASS, options=options)
        try:
            expect(reopened)
        finally:
            reopened.close()
