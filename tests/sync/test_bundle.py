"""Sealing and opening bundles: round trips, stage order, header and payload codecs."""

from __future__ import annotations

import hashlib
import itertools
import zlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from fakes import bare_store, enrol, pin, set_last_seq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sync.exchange.importing as importing_mod
import sync.protocol.bundle as bundle_mod
from storage import Store
from sync.exchange.importing import Opened, open_bundle
from sync.protocol import canonical
from sync.protocol.bundle import check_recipient, decrypt, parse, seal, verify_signature
from sync.protocol.crypto import Rng
from sync.protocol.errors import (
    BadSignature,
    BundleRejected,
    Malformed,
    Replayed,
    Revoked,
    SchemaInvalid,
    TooLarge,
    UnknownSender,
    WrongRecipient,
)
from sync.protocol.format import CHUNK_SIZE, decode_payload, encode_payload, format_created
from sync.protocol.identity import Identity

pytestmark = pytest.mark.crypto

CREATED = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


def det_rng(seed: bytes) -> Rng:
    """Deterministic stand-in for os.urandom (SHA-256 in counter mode)."""
    counter = itertools.count()

    def rng(n: int) -> bytes:
        out = b""
        while len(out) < n:
            out += hashlib.sha256(seed + next(counter).to_bytes(8, "big")).digest()
        return out[:n]

    return rng


@pytest.fixture(scope="module")
def office() -> Identity:
    return Identity.generate("office", "花山区湖东路街道司法所", rng=det_rng(b"office"))


@pytest.fixture(scope="module")
def helper() -> Identity:
    return Identity.generate("helper", "王芳", rng=det_rng(b"helper"))


@pytest.fixture(scope="module")
def other_helper() -> Identity:
    return Identity.generate("helper", "李强", rng=det_rng(b"other-helper"))


@pytest.fixture(scope="module")
def office_store(tmp_path_factory: pytest.TempPathFactory, office: Identity, helper: Identity) -> Store:
    """The office's store with ``helper`` enrolled (the stages read who is enrolled from it)."""
    store = bare_store(tmp_path_factory.mktemp("office"), office)
    enrol(store, office, helper)
    return store


@pytest.fixture(scope="module")
def helper_store(tmp_path_factory: pytest.TempPathFactory, office: Identity, helper: Identity) -> Store:
    store = bare_store(tmp_path_factory.mktemp("helper"), helper)
    pin(store, office)
    return store


def fields(seq: int = 1, **extra: Any) -> dict[str, Any]:
    return {"seq": seq, "created": CREATED, **extra}


def test_sealed_bundle_opens_to_the_same_payload_and_header(
    office: Identity, helper: Identity, office_store: Store
) -> None:
    payload = encode_payload([{"id": "r1", "kind": "visit", "data": {"notes": "家中情况稳定"}}])
    ack = {"seq": 4, "records": [["abc", 2]]}
    blob = seal(helper, office.public(), fields(seq=5, ack=ack, counts={"visit": 1}), payload)
    opened = open_bundle(office_store, office, blob)
    assert isinstance(opened, Opened)
    assert opened.plaintext == payload
    assert decode_payload(opened.plaintext)[0]["data"]["notes"] == "家中情况稳定"
    assert opened.header.seq == 5
    assert opened.header.ack == ack
    assert opened.header.counts == {"visit": 1}
    assert opened.header.sender == helper.fingerprint
    assert opened.header.recipient == office.fingerprint
    assert opened.header.created == "2026-03-01T08:30:00.000000+00:00"
    assert opened.who.sender == helper.public()


@pytest.mark.parametrize("size", [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE, 2 * CHUNK_SIZE + 7])
def test_payload_of_any_size_round_trips_across_chunk_edges(
    office: Identity, helper: Identity, size: int, helper_store: Store
) -> None:
    payload = det_rng(b"payload")(size)
    blob = seal(office, helper.public(), fields(), payload)
    assert open_bundle(helper_store, helper, blob).plaintext == payload


def test_sealing_is_deterministic_given_randomness_and_fresh_otherwise(office: Identity, helper: Identity) -> None:
    a = seal(helper, office.public(), fields(), b"same", rng=det_rng(b"r"))
    b = seal(helper, office.public(), fields(), b"same", rng=det_rng(b"r"))
    c = seal(helper, office.public(), fields(), b"same")
    d = seal(helper, office.public(), fields(), b"same")
    assert a == b
    assert c != d
    assert parse(c).header.bundle_id != parse(d).header.bundle_id
    assert parse(c).eph_pub != parse(d).eph_pub


def test_ciphertext_does_not_contain_the_plaintext(office: Identity, helper: Identity) -> None:
    secret = "张三 身份证 340504199001011234".encode() * 20
    blob = seal(helper, office.public(), fields(), secret)
    assert secret[:30] not in blob
    assert "张三".encode() not in blob


def test_header_is_canonical_json_with_exactly_the_defined_fields(office: Identity, helper: Identity) -> None:
    blob = seal(helper, office.public(), fields(ack={"z": 1, "a": [1, "二"]}), b"x")
    env = parse(blob)
    assert canonical.loads(env.header_bytes) == env.header.to_dict()
    assert env.header_bytes == canonical.dumps(env.header.to_dict())
    assert b" " not in env.header_bytes
    assert sorted(env.header.to_dict()) == [
        "ack",
        "bundle_id",
        "counts",
        "created",
        "format",
        "recipient",
        "sender",
        "seq",
    ]


def test_only_the_recipient_can_decrypt(office: Identity, helper: Identity, other_helper: Identity) -> None:
    blob = seal(office, helper.public(), fields(), b"for helper only")
    env = parse(blob)
    verified = verify_signature(env, office.public())
    assert decrypt(verified, helper) == b"for helper only"
    with pytest.raises(WrongRecipient):
        decrypt(verified, other_helper)


def test_decrypt_refuses_an_envelope_whose_signature_was_not_checked(office: Identity, helper: Identity) -> None:
    env = parse(seal(helper, office.public(), fields(), b"x"))
    with pytest.raises(TypeError):
        decrypt(env, office)  # type: ignore[arg-type]


def test_wrong_recipient_is_refused_before_the_sender_is_looked_up(
    office: Identity, helper: Identity, other_helper: Identity, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = bare_store(tmp_path / "other", other_helper)
    pin(store, office)
    looked_up: list[str] = []
    real = importing_mod.sender_for_import
    monkeypatch.setattr(importing_mod, "sender_for_import", lambda *a: looked_up.append(a[2]) or real(*a))
    blob = seal(office, helper.public(), fields(), b"x")
    with pytest.raises(WrongRecipient) as err:
        open_bundle(store, other_helper, blob)
    assert looked_up == []
    assert err.value.code == "wrong_recipient"
    assert "不是发给本机" in str(err.value)


def test_unknown_and_revoked_senders_are_refused_before_signature_and_decryption(
    office: Identity, helper: Identity, other_helper: Identity, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sync import exchange

    calls: list[str] = []
    monkeypatch.setattr(importing_mod, "verify_signature", lambda *a: calls.append("verify"))
    monkeypatch.setattr(importing_mod, "decrypt", lambda *a: calls.append("decrypt"))
    blob = seal(helper, office.public(), fields(), b"x")
    store = bare_store(tmp_path / "office", office)
    enrol(store, office, other_helper)
    with pytest.raises(UnknownSender):
        open_bundle(store, office, blob)
    enrol(store, office, helper)
    exchange.revoke_helper(store, office, helper.fingerprint, "设备丢失", lambda: CREATED)
    with pytest.raises(Revoked):
        open_bundle(store, office, blob)
    assert calls == []


def test_replayed_bundle_is_refused_after_signature_and_never_decrypted(
    office: Identity, helper: Identity, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    decrypted: list[int] = []
    real = importing_mod.decrypt
    monkeypatch.setattr(importing_mod, "decrypt", lambda *a: decrypted.append(1) or real(*a))
    store = bare_store(tmp_path / "office", office)
    enrol(store, office, helper)
    set_last_seq(store, helper.fingerprint, 7)
    old = seal(helper, office.public(), fields(seq=7), b"old")
    new = seal(helper, office.public(), fields(seq=8), b"new")
    with pytest.raises(Replayed) as err:
        open_bundle(store, office, old)
    assert err.value.code == "replayed"
    assert decrypted == []
    assert open_bundle(store, office, new).plaintext == b"new"
    assert decrypted == [1]


def test_replay_check_runs_only_after_the_signature_is_valid(office: Identity, helper: Identity, tmp_path: Any) -> None:
    store = bare_store(tmp_path / "office", office)
    enrol(store, office, helper)
    set_last_seq(store, helper.fingerprint, 7)
    blob = bytearray(seal(helper, office.public(), fields(seq=3), b"x"))
    blob[-1] ^= 1
    with pytest.raises(BadSignature):  # not Replayed: the replay check comes after the signature
        open_bundle(store, office, bytes(blob))


def test_size_limit_is_checked_before_anything_is_parsed(office: Identity, helper: Identity) -> None:
    blob = seal(helper, office.public(), fields(), bytes(5000))
    with pytest.raises(TooLarge) as err:
        parse(blob, max_size=len(blob) - 1)
    assert err.value.code == "too_large"
    assert parse(blob, max_size=len(blob)).header.seq == 1
    with pytest.raises(TooLarge):
        parse(b"garbage" * 100, max_size=10)
    with pytest.raises(TooLarge):
        bundle_mod.check_size(10**9)


def test_verify_signature_refuses_a_sender_other_than_the_header_names(
    office: Identity, helper: Identity, other_helper: Identity
) -> None:
    env = parse(seal(helper, office.public(), fields(), b"x"))
    with pytest.raises(BadSignature):
        verify_signature(env, other_helper.public())
    check_recipient(env, office.fingerprint)
    with pytest.raises(WrongRecipient):
        check_recipient(env, helper.fingerprint)


@pytest.mark.parametrize(
    "bad",
    [
        {"seq": 0},
        {"seq": -1},
        {"seq": True},
        {"seq": "1"},
        {"created": datetime(2026, 3, 1)},
        {"created": "2026-03-01"},
        {"ack": {"x": 1.5}},
        {"ack": {1: "x"}},
        {"counts": {"visit": -1}},
        {"counts": {"visit": "1"}},
        {"bundle_id": "ABCDEF" * 5 + "00"},
        {"bundle_id": "00"},
        {"colour": "red"},
    ],
)
def test_seal_refuses_header_fields_a_reader_would_refuse(
    office: Identity, helper: Identity, bad: dict[str, Any]
) -> None:
    with pytest.raises(ValueError):
        seal(helper, office.public(), {**fields(), **bad}, b"x")


def test_created_time_is_written_in_utc_whatever_the_offset(office: Identity, helper: Identity) -> None:
    shanghai = timezone(timedelta(hours=8))
    blob = seal(helper, office.public(), fields(created=datetime(2026, 3, 1, 16, 30, tzinfo=shanghai)), b"")
    assert parse(blob).header.created == format_created(CREATED)


# --- Hypothesis: round trips and mutations --------------------------------------------------

json_scalars = st.none() | st.booleans() | st.integers(-(2**63) + 1, 2**63 - 1) | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
headers = st.fixed_dictionaries(
    {
        "seq": st.integers(1, 2**63 - 1),
        "created": st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)),
        "ack": st.dictionaries(st.text(max_size=8), json_values, max_size=4),
        "counts": st.dictionaries(st.text(max_size=12), st.integers(0, 10**6), max_size=5),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=headers, payload=st.binary(max_size=3000))
def test_any_header_and_payload_round_trip(
    office: Identity, helper: Identity, header: dict[str, Any], payload: bytes, office_store: Store
) -> None:
    blob = seal(helper, office.public(), header, payload)
    opened = open_bundle(office_store, office, blob)
    assert opened.plaintext == payload
    assert opened.header.seq == header["seq"]
    assert opened.header.ack == header["ack"]
    assert opened.header.counts == header["counts"]
    assert opened.header.created == format_created(header["created"])


@pytest.fixture(scope="module")
def small_blob(office: Identity, helper: Identity) -> bytes:
    payload = encode_payload([{"id": f"r{i}", "kind": "visit", "data": {"notes": "走访" * 10}} for i in range(5)])
    return seal(helper, office.public(), fields(ack={"seq": 2}), payload, rng=det_rng(b"small"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_single_byte_change_is_refused(
    office: Identity, helper: Identity, small_blob: bytes, data: st.DataObject, office_store: Store
) -> None:
    pos = data.draw(st.integers(0, len(small_blob) - 1))
    xor = data.draw(st.integers(1, 255))
    bad = bytearray(small_blob)
    bad[pos] ^= xor
    with pytest.raises(BundleRejected):
        open_bundle(office_store, office, bytes(bad))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_insertion_or_deletion_is_refused(
    office: Identity, helper: Identity, small_blob: bytes, data: st.DataObject, office_store: Store
) -> None:
    pos = data.draw(st.integers(0, len(small_blob)))
    delete = data.draw(st.integers(0, 40))
    insert = data.draw(st.binary(max_size=40))
    bad = small_blob[:pos] + insert + small_blob[pos + delete :]
    if bad == small_blob:
        return
    with pytest.raises(BundleRejected):
        open_bundle(office_store, office, bad)


# --- payload codec ----------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(records=st.lists(st.dictionaries(st.text(max_size=10), json_values, max_size=5), max_size=10))
def test_payload_codec_round_trips_records(records: list[dict[str, Any]]) -> None:
    assert decode_payload(encode_payload(records)) == records


def test_payload_zip_bomb_is_refused_without_inflating_it_all() -> None:
    bomb = b"XTP1" + zlib.compress(b"[" + b" " * (50 * 1024 * 1024) + b"]", 9)
    assert len(bomb) < 100_000
    with pytest.raises(TooLarge):
        decode_payload(bomb, max_bytes=1024 * 1024)


def test_payload_with_too_many_records_is_refused() -> None:
    with pytest.raises(TooLarge):
        decode_payload(encode_payload([{}] * 11), max_records=10)
    assert len(decode_payload(encode_payload([{}] * 10), max_records=10)) == 10


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"XTP2" + zlib.compress(b"[]"), Malformed),
        (b"XTP1not zlib", Malformed),
        (b"XTP1" + zlib.compress(b"[]") + b"trailing", Malformed),
        (b"XTP1" + zlib.compress(b"[]")[:-3], Malformed),
        (b"XTP1" + zlib.compress(b'[{"a":1,"a":2}]'), Malformed),
        (b"XTP1" + zlib.compress(b'[{"a":{"b":1,"c":2,"b":1}}]'), Malformed),  # even the same value again
        (b"XTP1" + zlib.compress(b"[NaN]"), Malformed),
        (b"XTP1" + zlib.compress(b"\xff\xfe"), Malformed),
        (b"XTP1" + zlib.compress(b'{"records":[]}'), SchemaInvalid),
        (b"XTP1" + zlib.compress(b"[1,2]"), SchemaInvalid),
    ],
)
def test_payload_decoder_refuses_odd_encodings(data: bytes, error: type[BundleRejected]) -> None:
    with pytest.raises(error):
        decode_payload(data)


def test_a_key_given_twice_is_named_and_a_single_one_kept_in_order() -> None:
    from sync.protocol.canonical import NotCanonical, no_duplicates

    assert list(no_duplicates([("b", 1), ("a", 2)]).items()) == [("b", 1), ("a", 2)]
    with pytest.raises(NotCanonical, match="duplicate key 'a'"):
        no_duplicates([("a", 1), ("b", 2), ("a", 1)])


def test_every_rejection_reason_has_a_stable_code_and_a_chinese_remedy() -> None:
    from sync.protocol.errors import REJECTION_CODES

    assert set(REJECTION_CODES) == {
        "too_large",
        "malformed",
        "truncated",
        "wrong_recipient",
        "unknown_sender",
        "revoked",
        "bad_signature",
        "replayed",
        "decrypt_failed",
        "out_of_scope",
        "schema_invalid",
    }
    for code, cls in REJECTION_CODES.items():
        err = cls(detail="第3块")
        assert isinstance(err, BundleRejected) and err.code == code
        assert "请" in str(err) and "未导入" in str(err)
        assert str(err).endswith("(第3块)")


def test_an_import_holds_the_collector_off_only_while_it_runs(
    office: Identity, helper: Identity, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    store = bare_store(tmp_path / "office", office)
    enrol(store, office, helper)
    seen: list[bool] = []
    real = importing_mod.decode_payload
    monkeypatch.setattr(importing_mod, "decode_payload", lambda data: seen.append(gc.isenabled()) or real(data))
    gc.enable()
    good = seal(helper, office.public(), fields(seq=1), encode_payload([]))
    bad = seal(helper, office.public(), fields(seq=2), b"not a payload")
    assert importing_mod.import_bundle(store, office, good, clock=lambda: CREATED).status == "accepted"
    assert importing_mod.import_bundle(store, office, bad, clock=lambda: CREATED).status == "rejected"
    assert seen == [False, False] and gc.isenabled()


_ELEMENTS = st.sampled_from(['{"a":1}', "{}", '{"a":1,"a":2}', "1", '"x"', "[]", '{"b":{"c":[{}]}}', "NaN", "{", ""])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_ELEMENTS, max_size=8),
    st.sampled_from(["", " ", "\n", "x", "]", ",{}"]),
    st.sampled_from(["[", " [", "{", ""]),
    st.integers(0, 9),
)
def test_a_payload_decoded_whole_answers_as_one_read_element_by_element(
    elements: list[str], tail: str, head: str, limit: int
) -> None:
    from sync.protocol import format as fmt

    text = head + ",".join(elements) + ("]" if head.strip() == "[" else "") + tail

    def outcome(read: Any) -> Any:
        try:
            return read(text, limit)
        except (BundleRejected, ValueError, RecursionError) as exc:
            return type(exc)

    assert outcome(fmt._records) == outcome(fmt._records_one_by_one)
