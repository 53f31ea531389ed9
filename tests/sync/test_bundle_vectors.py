"""Replay the frozen vectors in tests/vectors/: each file must give exactly its ``expect``.

A failure here means the bundle format changed: files written by an older build would no
longer open (or, worse, a refused file would now be accepted).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from sync.bundle import check_sequence, known_senders, open_bundle
from sync.errors import REJECTION_CODES, BundleRejected
from sync.format import DEFAULT_MAX_PAYLOAD, DEFAULT_MAX_SIZE, decode_payload
from sync.identity import Identity

pytestmark = pytest.mark.crypto

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
MANIFEST = json.loads((VECTORS / "vectors.json").read_text(encoding="utf-8"))
IDS = {name: Identity.from_private_dict(d) for name, d in MANIFEST["identities"].items()}


def run_vector(v: dict[str, Any]) -> Any:
    """Every stage an importer runs, configured from the manifest entry."""
    blob = (VECTORS / v["file"]).read_bytes()
    lookup = known_senders([IDS[n].public() for n in v["known"]], revoked=[IDS[n].fingerprint for n in v["revoked"]])
    opened = open_bundle(
        blob,
        IDS[v["recipient"]],
        lookup,
        check_replay=lambda header: check_sequence(header, v["last_seq"]),
        max_size=v.get("max_size", DEFAULT_MAX_SIZE),
    )
    if v.get("decode"):
        return opened, decode_payload(opened.payload, max_bytes=v.get("max_payload", DEFAULT_MAX_PAYLOAD))
    return opened, None


@pytest.mark.parametrize("v", MANIFEST["vectors"], ids=[v["file"] for v in MANIFEST["vectors"]])
def test_vector_gives_its_expected_outcome(v: dict[str, Any]) -> None:
    if v["expect"] == "ok":
        opened, records = run_vector(v)
        assert opened.header.recipient == IDS[v["recipient"]].fingerprint
        assert hashlib.sha256(opened.payload).hexdigest() == v["payload_sha256"]
        if "records" in v:
            assert len(records) == v["records"]
        return
    with pytest.raises(BundleRejected) as err:
        run_vector(v)
    assert err.value.code == v["expect"], err.value
    assert type(err.value) is REJECTION_CODES[v["expect"]]


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
