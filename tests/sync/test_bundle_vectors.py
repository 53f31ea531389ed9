"""Replay the frozen vectors in tests/vectors/: each file must give exactly its ``expect``.

They run through the import the app runs (``sync.exchange.importing``), on a real store set up
as the manifest says: the recipient's keys, the helpers it enrolled or revoked, the office a
helper pinned, the last sequence number taken. A failure here means the bundle format changed:
files written by an older build would no longer open (or, worse, a refused file would now be
accepted).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from fakes import bare_store, clock, enrol, pin, set_last_seq

from core.fingerprint import fingerprint
from core.records import Record
from storage import Store, snapshot_bytes
from sync import exchange
from sync.exchange.importing import open_bundle
from sync.exchange.scope import validate_records
from sync.protocol.errors import REJECTION_CODES, BundleRejected
from sync.protocol.format import DEFAULT_MAX_PAYLOAD, DEFAULT_MAX_SIZE, decode_payload
from sync.protocol.identity import Identity

pytestmark = pytest.mark.crypto

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
MANIFEST = json.loads((VECTORS / "vectors.json").read_text(encoding="utf-8"))
IDS = {name: Identity.from_private_dict(d) for name, d in MANIFEST["identities"].items()}


def recipient_store(home: Path, v: dict[str, Any]) -> Store:
    """The recipient's store as the vector describes it."""
    me = IDS[v["recipient"]]
    store = bare_store(home, me)
    if me.role == "helper":
        for name in v["known"]:
            pin(store, IDS[name])
            set_last_seq(store, IDS[name].fingerprint, v["last_seq"])
        return store
    for name in v["known"]:
        enrol(store, me, IDS[name])
        set_last_seq(store, IDS[name].fingerprint, v["last_seq"])
    legacy = v.get("legacy_enrolled")
    if legacy:  # a helper enrolled before small-order keys were refused at parsing
        fp = fingerprint(bytes.fromhex(legacy["sign_pub"]), bytes.fromhex(legacy["enc_pub"]))
        data = {
            "name": legacy["name"],
            "committee": "青山村民委员会",
            "phone": "13800138000",
            "fingerprint": fp,
            "sign_pub": legacy["sign_pub"],
            "enc_pub": legacy["enc_pub"],
            "conditions": [1, 2, 3, 4],
            "reviewer": "审查人",
            "review_date": "2026-11-01",
            "enrolled_date": "2026-11-01",
            "status": "active",
        }
        store.put(Record.new("helper", data, author=me.fingerprint, clock=clock), actor=me.fingerprint)
        set_last_seq(store, fp, v["last_seq"])
    for name in v["revoked"]:
        exchange.revoke_helper(store, me, IDS[name].fingerprint, "设备丢失", clock)
    return store


def run_vector(store: Store, v: dict[str, Any]) -> tuple[Any, list[Any] | None]:
    """The app's import stages up to decryption, then (for ``decode`` vectors) its payload
    decoding and record validation."""
    blob = (VECTORS / v["file"]).read_bytes()
    opened = open_bundle(store, IDS[v["recipient"]], blob, max_size=v.get("max_size", DEFAULT_MAX_SIZE))
    if v.get("decode"):
        raw = decode_payload(opened.plaintext, max_bytes=v.get("max_payload", DEFAULT_MAX_PAYLOAD))
        return opened, raw
    return opened, None


@pytest.mark.parametrize("v", MANIFEST["vectors"], ids=[v["file"] for v in MANIFEST["vectors"]])
def test_vector_gives_its_expected_outcome(v: dict[str, Any], tmp_path: Path) -> None:
    store = recipient_store(tmp_path / "store", v)
    if v["expect"] == "ok":
        opened, raw = run_vector(store, v)
        assert opened.header.recipient == IDS[v["recipient"]].fingerprint
        assert hashlib.sha256(opened.plaintext).hexdigest() == v["payload_sha256"]
        if "records" in v:
            assert raw is not None and len(raw) == v["records"]
        return
    with pytest.raises(BundleRejected) as err:
        opened, raw = run_vector(store, v)
        if raw is not None:
            validate_records(raw)
    assert err.value.code == v["expect"], err.value
    assert type(err.value) is REJECTION_CODES[v["expect"]]


@pytest.mark.parametrize(
    "v",
    [v for v in MANIFEST["vectors"] if v["expect"] != "ok" and "max_size" not in v and "max_payload" not in v],
    ids=lambda v: v["file"],
)
def test_refused_vector_file_is_quarantined_and_the_store_is_unchanged(v: dict[str, Any], tmp_path: Path) -> None:
    home = tmp_path / "store"
    store = recipient_store(home, v)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = inbox / v["file"]
    shutil.copyfile(VECTORS / v["file"], path)
    before = snapshot_bytes(home)
    outcome = exchange.import_file(store, IDS[v["recipient"]], path, tmp_path / "quarantine", clock=clock)
    assert outcome.status == "rejected" and outcome.code == v["expect"], outcome
    assert snapshot_bytes(home) == before
    assert not path.exists()
    assert outcome.quarantined is not None
    assert Path(outcome.quarantined).read_bytes() == (VECTORS / v["file"]).read_bytes()


def test_manifest_lists_exactly_the_files_present_and_covers_every_bundle_level_reason() -> None:
    listed = [v["file"] for v in MANIFEST["vectors"]]
    assert len(listed) == len(set(listed))
    assert set(listed) == {p.name for p in VECTORS.glob("*.bundle")}
    expected = {v["expect"] for v in MANIFEST["vectors"]}
    # out_of_scope needs the store's assignments: the pipeline's vectors cover it.
    assert expected == {"ok"} | (set(REJECTION_CODES) - {"out_of_scope"})
    for name, fp in MANIFEST["fingerprints"].items():
        assert IDS[name].fingerprint == fp


def test_generator_still_reproduces_the_committed_files_byte_for_byte() -> None:
    spec = importlib.util.spec_from_file_location("make_vectors", VECTORS / "make_vectors.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    files, manifest = module.build()
    for name, blob in files.items():
        assert (VECTORS / name).read_bytes() == blob, name
    assert (VECTORS / "vectors.json").read_bytes() == module.manifest_bytes(manifest)
