"""One transaction holding several versions of a record new to the store (even moved to
another subject) leaves what applying them one by one leaves."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_helpers import CHEAP_KDF, PASS, TickClock

from core.records import Record
from storage import Store

SUBJECTS = ["s1", "s2", None]


def _version(rid: str, rev: int, subject: str | None, note: str) -> Record:
    return Record(rid, "visit", subject, "h", rev, "t", f"t{rev}", False, {"notes": note})


STEPS = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(1, 3), st.sampled_from(SUBJECTS), st.sampled_from("xy")),
    min_size=1,
    max_size=8,
)


def _state(store: Store) -> dict[str, object]:
    out: dict[str, object] = {}
    for rid in ("a", "b", "c"):
        pkey = store._ledger.index.where.get(rid)
        doc = store._parts.docs(pkey).get(rid) if pkey is not None else None
        out[rid] = (pkey, doc)
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(STEPS)
def test_versions_in_one_transaction_end_as_they_do_one_by_one(tmp_path: Path, steps: list[tuple]) -> None:
    records = [_version(rid, rev, subject, note) for rid, rev, subject, note in steps]
    together = Store.create(tmp_path / f"t{len(list(tmp_path.iterdir()))}", PASS, kdf=CHEAP_KDF, clock=TickClock())
    apart = Store.create(tmp_path / f"a{len(list(tmp_path.iterdir()))}", PASS, kdf=CHEAP_KDF, clock=TickClock())
    together.apply(records, actor="h")
    for r in records:
        apart.apply([r], actor="h")
    assert _state(together) == _state(apart)
    for store in (together, apart):
        members = store._ledger.index.members
        assert all(store._ledger.index.where[rid] == p for p, m in members.items() for rid in m)
        store.checkpoint()
        assert store.check() == []
    assert _state(together) == _state(apart)
    together.close()
    apart.close()
