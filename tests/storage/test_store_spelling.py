"""Text encoded once and reused (``storage.jsontext``) is the very text ``json.dumps`` writes:
the journal frame, a partition file, an audit entry and its hash, a record's content hash. The
file format does not change; only how often the same record is encoded."""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from store_helpers import CHEAP_KDF, PASS, TickClock, subject, visit

from core.records import Record
from storage import Store, audit, doctext, history, jsontext, sealed
from storage.cache import PartitionCache
from storage.crypto import PARTITION, SubKeys, unseal
from storage.fold import PARALLEL_FROM
from storage.index import Index
from storage.partition import load
from storage.transaction import AUDIT_BATCH_FROM, Plan

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=24,
)


def dumps(value: Any, *, sort: bool = False) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort)


def utf8(value: Any) -> bytes:
    """What the store's files hold: ``dumps`` in UTF-8 (documents' texts are kept so)."""
    return dumps(value).encode("utf-8")


@given(JSON)
def test_the_reused_encoder_spells_every_value_as_json_dumps(value: Any) -> None:
    assert jsontext.text(value) == jsontext.value_text(value) == dumps(value)
    assert jsontext.sorted_text(value) == jsontext.sorted_value_text(value) == dumps(value, sort=True)


@given(st.dictionaries(st.text(max_size=6), JSON, max_size=5))
def test_an_object_joined_from_values_spelled_already_is_what_json_dumps_writes(obj: dict[str, Any]) -> None:
    assert jsontext.obj_text((k, dumps(v)) for k, v in obj.items()) == dumps(obj)
    assert jsontext.obj_bytes((k, utf8(v)) for k, v in obj.items()) == utf8(obj)


KEPT = ("members", "summaries", "meta")
BODIES = st.dictionaries(
    st.sampled_from(KEPT) | st.text(max_size=4),
    JSON | st.dictionaries(st.text(max_size=6), JSON, max_size=4),
    max_size=6,
)


@given(BODIES)
def test_a_file_read_back_keeps_the_text_of_each_entry_of_the_objects_asked_for(body: dict[str, Any]) -> None:
    text = dumps(body)
    got, texts = jsontext.loads_spelled(text, KEPT)
    assert got == json.loads(text)
    assert texts == {k: {e: dumps(v) for e, v in body[k].items()} for k in KEPT if isinstance(body.get(k), dict)}


SPELLINGS = [{"indent": 1}, {"separators": (", ", ": ")}, {"ensure_ascii": True}]


@given(BODIES, st.sampled_from(SPELLINGS))
def test_a_file_spelled_another_way_is_parsed_as_json_reads_it(body: dict[str, Any], how: dict[str, Any]) -> None:
    text = json.dumps(body, **how)
    got, texts = jsontext.loads_spelled(text, KEPT)
    assert got == json.loads(text)
    assert texts == {} or text == dumps(body)  # (an empty body spells alike every way)


@given(st.dictionaries(st.text(max_size=6), JSON, min_size=1, max_size=4), st.sampled_from(SPELLINGS))
def test_entries_spelled_another_way_inside_a_compact_file_keep_a_text_of_an_equal_value(
    meta: dict[str, Any], how: dict[str, Any]
) -> None:
    text = '{"gen":1,"meta":{' + ",".join(f"{dumps(k)}:{json.dumps(v, **how)}" for k, v in meta.items()) + "}}"
    got, texts = jsontext.loads_spelled(text, KEPT)
    assert got == json.loads(text)
    assert texts["meta"].keys() == meta.keys()
    assert all(json.loads(spelled) == meta[k] for k, spelled in texts["meta"].items())


def test_an_index_file_of_odd_shape_keeps_no_text_its_values_no_longer_spell(tmp_path: Path) -> None:
    """A setting given twice (the last not an object) or a partition's members given as pairs:
    the index keeps what ``from_body`` makes of them, and writes that back."""
    text = (
        '{"format":1,"gen":1,"members":{"p":[["r","visit"]],"q":{"s":"visit"}},"summaries":{},"conflicts":{},'
        '"meta":{"k":1,"j":[1]},"meta":[["k",2]],"audit":{"bytes":0,"last":null}}'
    )
    index = Index.from_text(text, tmp_path / "index.bin")
    assert index.meta == {"k": 2} and index.members == {"p": {"r": "visit"}, "q": {"s": "visit"}}
    assert set(index.spelled["members"]) == {"q"} and index.spelled["meta"] == {}  # only what was kept as read
    args: dict[str, Any] = {"gen": 1, "audit_bytes": 0, "audit_last": None, "fmt": 1, "journals": []}
    assert index.body_text(**args) == dumps(index.body(**args))


def test_a_file_cut_short_or_damaged_is_refused_as_json_refuses_it() -> None:
    text = dumps({"gen": 1, "members": {"甲": {"r1": "visit"}, "乙": {}}, "meta": {"k": [1, "二"]}, "x": None})
    for bad in [text[:n] for n in range(len(text))] + [text + "x", text.replace(":", ";", 1), " " + text + "]"]:
        with pytest.raises(ValueError):
            json.loads(bad)
        with pytest.raises(ValueError):
            jsontext.loads_spelled(bad, KEPT)


def test_a_value_json_cannot_write_is_refused_with_type_error() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        jsontext.text({"when": object()})


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


@given(
    st.dictionaries(st.text(max_size=8), JSON, max_size=6),
    st.booleans(),
    st.none() | st.text(max_size=8),
    st.booleans(),
)
def test_a_records_hash_and_new_document_come_from_one_encoding_of_its_data(
    data: dict[str, Any], deleted: bool, subj: str | None, as_in_a_bundle: bool
) -> None:
    if as_in_a_bundle:
        data = _sorted(data)  # a bundle's payload is written with sorted keys
    record = Record("r1", "visit", subj, "author", 3, "t0", "t1", deleted, data)
    merged = history.merge(None, record)
    assert history.content_hash(record) == merged.new[1] == record.content_hash()
    if as_in_a_bundle:
        assert merged.text == utf8(merged.doc)
    else:
        assert merged.text is None or merged.text == utf8(merged.doc)


def test_data_whose_keys_are_out_of_order_anywhere_is_encoded_again() -> None:
    clock = TickClock()
    family = [{"name": "李四", "relation": "父亲"}]
    nested = Record.new("visit", {"date": "2026-03-02", "family": family}, author="h", subject="s", clock=clock)
    assert history.merge(None, nested).text == utf8(history.new_doc(nested))
    inner = Record.from_dict(
        {**nested.to_dict(), "data": {"date": "2026-03-02", "family": [dict(reversed(family[0].items()))]}}
    )
    assert history.merge(None, inner).text is None
    outer = Record.from_dict({**nested.to_dict(), "data": dict(reversed(nested.data.items()))})
    assert history.merge(None, outer).text is None
    not_bool = replace(nested, deleted=0)  # type: ignore[arg-type]
    assert history.merge(None, not_bool).text is None


@pytest.mark.parametrize(
    "data",
    [
        {"family": ({"relation": "父亲", "name": "李四"},)},  # a tuple of rows, not a list
        OrderedDict([("b", 1), ("a", 2)]),
        {"x": OrderedDict([("b", 1), ("a", 2)])},
        {"x": [("b", {"d": 1, "c": 2})]},
    ],
)
def test_data_of_types_json_does_not_parse_to_is_hashed_as_the_record_hashes_itself(data: Any) -> None:
    record = Record("r1", "visit", "s", "author", 1, "t0", "t1", False, data)
    merged = history.merge(None, record)
    assert merged.new[1] == record.content_hash()
    assert merged.text is None or merged.text == utf8(merged.doc)


def test_a_tombstone_spelled_false_or_zero_hashes_as_each_record_hashes_itself() -> None:
    plain = Record("r1", "visit", "s", "author", 1, "t0", "t1", False, {})
    for deleted in (False, 0, True, 1):  # the cached end of the hashed text tells them apart
        record = replace(plain, deleted=deleted)
        assert doctext.content_hash(record) == record.content_hash(), deleted


def test_an_index_naming_a_partition_that_lacks_the_record_moves_it_as_a_merge_would() -> None:
    clock = TickClock()
    lost = visit(clock, "s1")
    moved = Record.from_dict({**lost.to_dict(), "subject": "s2", "revision": 2})
    for filler in (0, AUDIT_BATCH_FROM):  # alone, and in a transaction with a new-many entry
        index = Index(where={lost.id: "s1"}, members={"s1": {lost.id: "visit"}})
        plan = Plan(index, lambda pkey: {}, None, lambda: "2026-03-01T08:00:00")  # s1's file is lost
        others = [visit(clock, "s3") for _ in range(filler)]
        result, _ = plan.records([moved, *others], "officer")
        assert result.new_ids[0] == moved.id
        assert plan.tx.parts["s1"] == {moved.id: None} and plan.tx.members["s1"] == {moved.id: None}
        assert plan.tx.members["s2"] == {moved.id: "visit"}


FIELD = (
    st.none()
    | st.text(max_size=6)
    | st.integers()
    | st.lists(st.integers() | st.text(max_size=4), max_size=2)
    | st.tuples(st.integers() | st.booleans(), st.text(max_size=4)).map(list)  # (revision, hash) as stored
    | st.lists(st.lists(st.text(max_size=4) | st.integers(), max_size=4), max_size=3)  # a new-many list
    | st.lists(st.dictionaries(st.sampled_from(["b", "a", "{"]), st.text(max_size=2), max_size=2), max_size=2)
)


SHAPE = st.sampled_from(["store", "reordered", "fewer"])


RECORD = st.none() | st.text(max_size=6)


@given(st.lists(st.tuples(st.text(max_size=6), RECORD, FIELD, FIELD, FIELD, SHAPE), max_size=6))
def test_audit_entries_spelled_directly_chain_and_read_as_json_dumps(rows: list[tuple[Any, ...]]) -> None:
    entries = []
    prev = None
    for at, record, kind, old, new, shape in rows:
        fields = {"at": at, "actor": "a", "action": "new", "record": record, "kind": kind, "old": old, "new": new}
        if shape == "reordered":  # any other shape than the store's takes the general path
            fields = dict(reversed(list(fields.items())))
        elif shape == "fewer":
            fields = {"actor": "a", "record": kind}
        entry, text = audit.chained_text(prev, fields)
        assert entry["hash"] == audit.entry_hash(entry)
        assert text == dumps(entry)
        entries.append(entry)
        prev = entry
    assert audit.verify(entries) == []


def test_a_transaction_frame_is_spelled_as_json_dumps_with_removals_meta_and_audit() -> None:
    clock = TickClock()
    subj = subject(clock)
    moved = visit(clock, subj.id)
    index = Index(where={moved.id: "old-partition", "gone": "old-partition"}, meta={"kept": 1})
    stored = {moved.id: history.new_doc(moved), "gone": history.new_doc(visit(clock, "x"))}
    plan = Plan(index, lambda pkey: stored if pkey == "old-partition" else {}, None, lambda: "2026-03-01T08:00:00")
    again = Record.from_dict({**moved.to_dict(), "subject": subj.id, "revision": 2, "data": {"notes": "换\n行"}})
    plan.records([subj, again], "officer")
    plan.set_meta({"peers/x": {"acked": {"r": 2}}, "kept": 1}, "officer")
    plan.delete_meta("old", "officer")
    plan.purge(["gone"], "officer")
    tx = plan.tx
    assert tx.parts["old-partition"][moved.id] is None  # moved out: a removal spelled as null
    chunks, docs = tx.spell()
    frame = b"".join(chunks)
    assert frame == utf8(tx.to_dict())
    doc, text = docs[subj.id][again.id]
    assert doc is tx.parts[subj.id][again.id] and text == utf8(doc)
    tx.audit_texts.clear()  # a replayed transaction has no texts: the entries are encoded then
    assert b"".join(tx.spell()[0]) == frame


def _plaintext(store: Store, pkey: str) -> bytes:
    path = store._parts.path(pkey)
    blob = path.read_bytes()
    return unseal(store._require_keys().partition, blob[4:], sealed.aad_for(PARTITION, store._parts.role(pkey)))


def test_a_partition_file_written_from_reused_texts_is_what_json_dumps_writes(tmp_path: Path) -> None:
    clock = TickClock()
    with Store.create(tmp_path / "s", PASS, clock=clock, kdf=CHEAP_KDF) as store:
        subj = subject(clock)
        store.apply([subj] + [visit(clock, subj.id, notes=f"第{i}次") for i in range(5)], actor="officer")
        first = store.get(subj.id)
        assert first is not None
        store.put(first.revise({**first.data, "name": "李四"}, clock=clock), actor="officer")
        store.checkpoint()
        plain = _plaintext(store, subj.id)
        body = json.loads(plain)
        assert plain.decode("utf-8") == dumps(body)
        assert len(body["records"]) == 6 and body["_file"]["gen"] == 1
        assert history.current_record(body["records"][subj.id]).data["name"] == "李四"


def test_a_text_kept_for_a_document_is_used_only_for_that_very_document(tmp_path: Path) -> None:
    clock = TickClock()
    (tmp_path / "parts").mkdir()
    cache = PartitionCache(tmp_path, SubKeys.derive(os.urandom(32), "store"), os.urandom, 4)
    v1 = visit(clock, "s")
    doc1, stand_in = history.new_doc(v1), history.new_doc(visit(clock, "s", notes="别的"))
    cache.absorb({"s": {v1.id: doc1}}, {"s": {v1.id: (doc1, utf8(stand_in))}})
    cache.write("s", [])
    written = load(cache.path("s"), cache._key().partition, cache.role("s"), os.urandom).docs
    assert written[v1.id] == stand_in  # the kept text was written, not encoded again

    doc2 = history.merge(doc1, v1.revise({"notes": "二"}, clock=clock)).doc
    cache.absorb({"s": {v1.id: doc1}}, {"s": {v1.id: (doc1, utf8(stand_in))}})
    cache.absorb({"s": {v1.id: doc2}})  # replaced without a text (a replayed frame)
    cache.write("s", [])
    written = load(cache.path("s"), cache._key().partition, cache.role("s"), os.urandom).docs
    assert written[v1.id] == doc2


def test_the_index_spelled_from_kept_parts_is_the_index_as_it_stands(tmp_path: Path) -> None:
    clock = TickClock()
    store = Store.create(tmp_path / "s", PASS, clock=clock, kdf=CHEAP_KDF)
    index = store._ledger.index

    def same() -> None:
        args: dict[str, Any] = {"gen": 3, "audit_bytes": 9, "audit_last": None, "fmt": 1, "journals": [[3, 1]]}
        assert index.body_text(**args) == dumps(index.body(**args))

    a, b = subject(clock, "甲"), subject(clock, "乙")
    store.apply([a, b, visit(clock, a.id), visit(clock, b.id)], actor="officer")
    store.checkpoint()
    index = store._ledger.index
    same()
    store.close()
    store = Store.open(tmp_path / "s", PASS, clock=clock)  # unlocked: texts as the index file spells them
    index = store._ledger.index
    for key in ("members", "summaries"):
        assert index.spelled[key].keys() == getattr(index, key).keys() == {a.id, b.id}
        for pkey, (value, text) in index.spelled[key].items():
            assert value is getattr(index, key)[pkey] and text == dumps(value)
    many = [subject(clock, f"对象{i}") for i in range(PARALLEL_FROM + 2)]  # a fold written from threads,
    store.apply([r for s in many for r in (s, visit(clock, s.id))], actor="officer")  # spelling meanwhile
    store.checkpoint()
    index = store._ledger.index
    same()
    store.put(visit(clock, many[0].id), actor="officer")  # members spelled in the fold, changed in place
    same()
    moved = visit(clock, a.id)
    store.put(moved, actor="officer")  # members of a changed in place
    same()
    store.put(Record.from_dict({**moved.to_dict(), "subject": b.id, "revision": 2}), actor="officer")
    same()
    store.purge([r.id for r in store.list(subject=a.id)], actor="officer")  # a's partition is gone
    store.checkpoint()
    index = store._ledger.index
    same()
    assert a.id not in index.members and a.id not in index.spelled["members"]
    store.meta_set("peers/x/pending_ack", {"r1": 1, "r2": 3})  # a setting spelled once, when set
    same()
    store.meta_set("peers/x/pending_ack", {"r1": 2})
    store.meta_set("other", [1, "二", None])
    same()
    store.meta_delete("peers/x/pending_ack")
    store.checkpoint()
    index = store._ledger.index
    same()
    assert "peers/x/pending_ack" not in index.spelled["meta"]
    store.close()


def test_a_setting_json_cannot_hold_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    from storage.errors import StoreError
    from storage.fsio import snapshot_bytes

    store = Store.create(tmp_path / "s", PASS, clock=TickClock(), kdf=CHEAP_KDF)
    before = snapshot_bytes(tmp_path / "s")
    looped: list[Any] = []
    looped.append(looped)
    for bad in ({"a", "b"}, looped, {"when": object()}, {"note": "\ud800"}):  # ...a lone surrogate: no UTF-8
        with pytest.raises(StoreError, match="设置值无法保存"):
            store.meta_set("bad", bad)
    assert snapshot_bytes(tmp_path / "s") == before and store.meta_get("bad") is None
    store.meta_set("tuple", ("一", ["二"]))  # read back as JSON reads it
    assert store.meta_get("tuple") == ["一", ["二"]]
    store.close()


def test_a_frame_of_many_partitions_is_encoded_in_pieces_that_join_to_json_dumps() -> None:
    clock = TickClock()
    plan = Plan(Index(), lambda pkey: {}, None, lambda: "2026-03-01T08:00:00")
    subjects = [subject(clock, f"对象{i}") for i in range(120)]  # far more fragments than one piece holds
    plan.records([r for s in subjects for r in (s, visit(clock, s.id, notes=f"第{s.id}次,“引号”\\\\"))], "officer")
    chunks, docs = plan.tx.spell()
    frame = list(chunks)
    assert len(frame) > 1 and b"".join(frame) == dumps(plan.tx.to_dict()).encode("utf-8")
    assert sum(len(d) for d in docs.values()) == 240
