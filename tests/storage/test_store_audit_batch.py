"""A large transaction audits its records new to the store in one chained entry; every other
change keeps an entry of its own."""

from __future__ import annotations

from pathlib import Path

from store_helpers import CHEAP_KDF, PASS, TickClock, subject, visit

from storage import Store, audit
from storage.transaction import AUDIT_BATCH_FROM, NEW_MANY


def test_a_large_transaction_lists_each_new_record_in_one_entry_and_keeps_updates_apart(tmp_path: Path) -> None:
    clock = TickClock()
    store = Store.create(tmp_path / "s", PASS, kdf=CHEAP_KDF, clock=clock)
    s = subject(clock)
    store.put(s, actor="office")
    old = visit(clock, s.id)
    store.put(old, actor="helper")
    fresh = [visit(clock, s.id, notes=f"第{i}次") for i in range(AUDIT_BATCH_FROM)]
    changed = old.revise({**old.data, "notes": "已改"}, clock=clock)
    result = store.apply([*fresh, changed], actor="helper")
    assert result.counts()["new"] == AUDIT_BATCH_FROM and result.counts()["updated"] == 1

    store.checkpoint()
    entries = store.audit_entries()
    assert audit.verify(entries) == []
    singles = [(e["action"], e["record"]) for e in entries if e["action"] != NEW_MANY]
    assert singles == [("new", s.id), ("new", old.id), ("updated", changed.id)]
    (batch,) = [e for e in entries if e["action"] == NEW_MANY]
    assert batch["actor"] == "helper" and batch["record"] is None
    assert batch["new"] == [[r.id, "visit", 1, r.content_hash()] for r in fresh]
    store.close()


def test_a_transaction_just_under_the_batch_size_keeps_an_entry_per_record(tmp_path: Path) -> None:
    clock = TickClock()
    store = Store.create(tmp_path / "s", PASS, kdf=CHEAP_KDF, clock=clock)
    s = subject(clock)
    records = [s] + [visit(clock, s.id) for _ in range(AUDIT_BATCH_FROM - 2)]
    store.apply(records, actor="office")
    entries = store.audit_entries()
    assert [(e["action"], e["record"], e["new"]) for e in entries] == [
        ("new", r.id, [1, r.content_hash()]) for r in records
    ]
    store.close()


def test_a_batch_entry_survives_a_reopen_and_edits_to_it_break_the_chain(tmp_path: Path) -> None:
    clock = TickClock()
    home = tmp_path / "s"
    store = Store.create(home, PASS, kdf=CHEAP_KDF, clock=clock)
    s = subject(clock)
    store.apply([s] + [visit(clock, s.id) for _ in range(AUDIT_BATCH_FROM)], actor="office")
    store.close()
    store = Store.open(home, PASS, clock=clock)
    entries = store.audit_entries()
    assert [e["action"] for e in entries] == [NEW_MANY] and len(entries[0]["new"]) == AUDIT_BATCH_FROM + 1
    assert store.check() == []
    entries[0]["new"].pop()  # one record dropped from the list
    assert audit.verify(entries) != []
    store.close()


def test_a_record_created_and_changed_in_one_large_transaction_is_created_first_in_the_log(tmp_path: Path) -> None:
    clock = TickClock()
    store = Store.create(tmp_path / "s", PASS, kdf=CHEAP_KDF, clock=clock)
    s = subject(clock)
    store.put(s, actor="office")
    fresh = [visit(clock, s.id, notes=f"第{i}次") for i in range(AUDIT_BATCH_FROM)]
    again = fresh[3].revise({**fresh[3].data, "notes": "已改"}, clock=clock)
    store.apply([*fresh, again], actor="helper")
    entries = store.audit_entries()
    assert audit.verify(entries) == []
    assert [(e["action"], e["record"]) for e in entries] == [("new", s.id), (NEW_MANY, None), ("updated", again.id)]
    assert [fresh[3].id, "visit", 1, fresh[3].content_hash()] in entries[1]["new"]
    store.close()
