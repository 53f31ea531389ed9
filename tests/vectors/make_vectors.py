"""Generate the frozen bundle test vectors (run once; the files are committed).

    uv run python tests/vectors/make_vectors.py

Fixed keys and fixed randomness make the output byte-for-byte reproducible;
``tests/sync/test_bundle_vectors.py`` checks both that every file still gives its
``expect`` outcome and that this script still reproduces the committed files. Each vector
in ``vectors.json`` names the recipient, the senders it knows and has revoked, the last
sequence number seen, optional limits, and ``expect``: ``"ok"`` or a rejection code.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sys
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from core.fingerprint import fingerprint
from sync.protocol import canonical
from sync.protocol.bundle import seal
from sync.protocol.crypto import LABEL_BUNDLE_SIG
from sync.protocol.format import CHUNK_SIZE, TAG_LEN, encode_payload, parse, serialise, signed_prefix
from sync.protocol.identity import Identity

HERE = Path(__file__).resolve().parent
CREATED = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
NAMES = {
    "office": ("office", "花山区湖东路街道司法所"),
    "other_office": ("office", "雨山区平湖街道司法所"),
    "helper": ("helper", "王芳"),
    "other_helper": ("helper", "李强"),
    "revoked_helper": ("helper", "赵敏"),
    "stranger": ("helper", "陌生设备"),
}


def det_rng(seed: str) -> Callable[[int], bytes]:
    counter = itertools.count()

    def rng(n: int) -> bytes:
        out = b""
        while len(out) < n:
            out += hashlib.sha256(b"xietong-vectors/" + seed.encode() + next(counter).to_bytes(8, "big")).digest()
        return out[:n]

    return rng


def identities() -> dict[str, Identity]:
    return {key: Identity.generate(role, name, rng=det_rng("key/" + key)) for key, (role, name) in NAMES.items()}


def records(n: int) -> list[dict[str, Any]]:
    return [
        {
            "id": hashlib.sha256(b"record%d" % i).hexdigest()[:32],
            "kind": "visit",
            "subject": "5f0c1d2e3a4b5c6d7e8f901a2b3c4d5e",
            "author": "helper",
            "revision": 1,
            "created": "2026-02-27T02:00:00.000000+00:00",
            "updated": "2026-02-27T02:00:00.000000+00:00",
            "deleted": False,
            "data": {"date": "2026-02-27", "place": "家中", "notes": f"第{i + 1}次走访,情况稳定。"},
        }
        for i in range(n)
    ]


class SmallOrderSigner:
    """Stands in for an Identity whose Ed25519 key is the identity point (no private key exists)."""

    def __init__(self, enc_key: X25519PrivateKey) -> None:
        self.sign_pub = (1).to_bytes(32, "little")
        self.enc_pub = enc_key.public_key().public_bytes_raw()
        self.fingerprint = fingerprint(self.sign_pub, self.enc_pub)

    def sign(self, purpose: bytes, *parts: bytes) -> bytes:
        return (1).to_bytes(32, "little") + bytes(32)  # R = identity, S = 0


def resign(signer: Identity, header_bytes: bytes, eph_pub: bytes, payload: bytes) -> bytes:
    prefix = signed_prefix(header_bytes, eph_pub, len(payload))
    signature = signer.sign(LABEL_BUNDLE_SIG, prefix, hashlib.sha256(payload).digest())
    return serialise(header_bytes, eph_pub, signature, payload)


def flip(blob: bytes, offset: int, mask: int = 1) -> bytes:
    out = bytearray(blob)
    out[offset] ^= mask
    return bytes(out)


def build() -> tuple[dict[str, bytes], dict[str, Any]]:
    """Every vector file, and the manifest describing them."""
    ids = identities()
    pub = {k: v.public() for k, v in ids.items()}
    files: dict[str, bytes] = {}
    vectors: list[dict[str, Any]] = []

    def add(name: str, blob: bytes, expect: str, description: str, **context: Any) -> None:
        files[name] = blob
        entry = {
            "file": name,
            "expect": expect,
            "description": description,
            "recipient": "office",
            "known": ["helper", "other_helper", "revoked_helper"],
            "revoked": ["revoked_helper"],
            "last_seq": 4,
        }
        entry.update(context)
        vectors.append(entry)

    def sealed(seed: str, sender: str = "helper", recipient: str = "office", seq: int = 5, **kw: Any) -> bytes:
        payload = kw.pop("payload", encode_payload(records(3)))
        fields = {"seq": seq, "created": CREATED, "ack": {"seq": 2, "records": [["n1", 1]]}, "counts": {"visit": 3}}
        fields.update(kw)
        return seal(ids[sender], pub[recipient], fields, payload, rng=det_rng("seal/" + seed))

    def digest(payload: bytes) -> str:
        return hashlib.sha256(payload).hexdigest()

    ok = sealed("ok")
    env = parse(ok)
    h_end = 20 + len(env.header_bytes)
    add(
        "ok_helper_to_office.bundle",
        ok,
        "ok",
        "helper's bundle of 3 visit records",
        decode=True,
        records=3,
        payload_sha256=digest(encode_payload(records(3))),
    )
    back = seal(
        ids["office"],
        pub["helper"],
        {"seq": 1, "created": CREATED, "ack": {"seq": 5}, "counts": {}},
        encode_payload([]),
        rng=det_rng("seal/back"),
    )
    add(
        "ok_office_to_helper.bundle",
        back,
        "ok",
        "office's return bundle: acknowledgement, no records",
        recipient="helper",
        known=["office"],
        revoked=[],
        last_seq=0,
        decode=True,
        records=0,
        payload_sha256=digest(encode_payload([])),
    )
    add(
        "ok_empty_payload.bundle",
        sealed("empty", payload=b""),
        "ok",
        "zero-length payload (one empty final chunk)",
        payload_sha256=digest(b""),
    )
    add(
        "ok_with_audit_head.bundle",
        sealed("audit", audit={"seq": 41, "hash": "ab" * 16}),
        "ok",
        "header with the optional audit field (the sender's audit head)",
        payload_sha256=digest(encode_payload(records(3))),
    )
    big = det_rng("payload/two")(CHUNK_SIZE + 1)
    two = sealed("two", payload=big)
    add(
        "ok_two_chunks.bundle",
        two,
        "ok",
        "payload of 64 KiB + 1 byte: a full chunk and a 1-byte final chunk",
        payload_sha256=digest(big),
    )

    # Cut, appended, joined.
    add("truncated_in_header.bundle", ok[: h_end - 10], "truncated", "file cut inside the header")
    add("truncated_last_byte.bundle", ok[:-1], "truncated", "last byte of the final chunk missing")
    two_env = parse(two)
    cut = len(two) - len(two_env.payload) + CHUNK_SIZE + TAG_LEN
    add("truncated_at_chunk_boundary.bundle", two[:cut], "truncated", "final chunk missing entirely")
    add("appended_byte.bundle", ok + b"\n", "malformed", "one byte appended after the final chunk")
    add("two_bundles_concatenated.bundle", ok + sealed("second", seq=6), "malformed", "two valid bundles in one file")

    # Framing and header spelling.
    add("bad_magic.bundle", b"XIETONG-BUNDLX\n" + ok[15:], "malformed", "magic string changed")
    add("bad_version.bundle", ok[:15] + b"\x02" + ok[16:], "malformed", "format version 2")
    header = env.header.to_dict()

    def with_header(header_bytes: bytes) -> bytes:
        return serialise(header_bytes, env.eph_pub, env.signature, bytes(env.payload))

    add(
        "header_with_spaces.bundle",
        with_header(json.dumps(header, sort_keys=True, ensure_ascii=False).encode()),
        "malformed",
        "header JSON with spaces after separators (not canonical)",
    )
    add(
        "header_duplicate_key.bundle",
        with_header(canonical.dumps(header)[:-1] + b',"seq":5}'),
        "malformed",
        "header with a duplicated key",
    )
    add(
        "header_extra_field.bundle",
        with_header(canonical.dumps({**header, "note": "x"})),
        "malformed",
        "header with an undefined field",
    )
    add(
        "header_bad_audit_field.bundle",
        with_header(canonical.dumps({**header, "audit": {"seq": -1, "hash": "ab" * 16}})),
        "malformed",
        "optional audit field present but invalid (negative seq)",
    )
    add(
        "header_payload_len_mismatch.bundle",
        ok[: h_end + 32] + (len(env.payload) - 1).to_bytes(8, "big") + ok[h_end + 40 :],
        "malformed",
        "declared ciphertext length one short of the bytes present",
    )

    # Tampering the signature catches.
    add("flipped_payload_bit.bundle", flip(ok, len(ok) - 40), "bad_signature", "one ciphertext bit flipped")
    add(
        "altered_seq.bundle",
        with_header(canonical.dumps({**header, "seq": 6})),
        "bad_signature",
        "header seq changed from 5 to 6 (canonical, same length)",
    )
    add("flipped_signature_bit.bundle", flip(ok, h_end + 40), "bad_signature", "one signature bit flipped")
    add(
        "substituted_ephemeral_key.bundle",
        serialise(env.header_bytes, pub["stranger"].enc_pub, env.signature, bytes(env.payload)),
        "bad_signature",
        "ephemeral public key replaced",
    )

    # Addressing and senders.
    add(
        "wrong_recipient.bundle",
        sealed("other-office", recipient="other_office"),
        "wrong_recipient",
        "addressed to another office",
    )
    readdr = parse(sealed("readdress", recipient="other_office"))
    add(
        "readdressed.bundle",
        serialise(
            canonical.dumps({**readdr.header.to_dict(), "recipient": pub["office"].fingerprint}),
            readdr.eph_pub,
            readdr.signature,
            bytes(readdr.payload),
        ),
        "bad_signature",
        "recipient field rewritten to this office without the sender's key",
    )
    add(
        "unknown_sender.bundle", sealed("stranger", sender="stranger"), "unknown_sender", "from a device never enrolled"
    )
    add("revoked_sender.bundle", sealed("revoked", sender="revoked_helper"), "revoked", "from a revoked helper")
    add("replayed.bundle", sealed("replayed", seq=4), "replayed", "seq 4 when seq 4 was already accepted")

    # Valid signatures, wrong contents: only the STREAM/AEAD layer can refuse these.
    forged_header = canonical.dumps({**header, "sender": pub["other_helper"].fingerprint})
    add(
        "resigned_by_other_helper.bundle",
        resign(ids["other_helper"], forged_header, env.eph_pub, bytes(env.payload)),
        "decrypt_failed",
        "another enrolled helper claims the bundle as its own and re-signs it",
    )
    ct = bytes(two_env.payload)
    full = CHUNK_SIZE + TAG_LEN
    add(
        "sender_dropped_final_chunk.bundle",
        resign(ids["helper"], two_env.header_bytes, two_env.eph_pub, ct[:full]),
        "decrypt_failed",
        "sender-signed bundle whose final chunk was left out (first chunk is not marked last)",
    )

    # A key of small order: R = identity, S = 0 verifies under it for any message (OpenSSL accepts),
    # so the bundle below was made with no private key at all. Only a store that enrolled such a
    # key before the fix knows the sender; the signature check must still refuse it.
    small = SmallOrderSigner(X25519PrivateKey.from_private_bytes(det_rng("small-order/enc")(32)))
    add(
        "small_order_sender.bundle",
        seal(
            small,
            pub["office"],
            {"seq": 5, "created": CREATED, "ack": {"seq": 2}, "counts": {"visit": 3}},
            encode_payload(records(3)),
            rng=det_rng("seal/small-order"),
        ),
        "bad_signature",
        "forged without a private key by a 'helper' whose signing key is the identity point (enrolled before the fix)",
        legacy_enrolled={"name": "小阶点", "sign_pub": small.sign_pub.hex(), "enc_pub": small.enc_pub.hex()},
    )

    # Limits.
    add("too_large.bundle", ok, "too_large", "a good bundle refused by a lower size limit", max_size=len(ok) - 1)
    bomb = b"XTP1" + zlib.compress(b"[" + b" " * (2 * 1024 * 1024) + b"]", 9)
    add(
        "payload_zip_bomb.bundle",
        sealed("bomb", payload=bomb),
        "too_large",
        "authentic bundle whose payload inflates past the decode limit",
        decode=True,
        max_payload=1024 * 1024,
    )
    add(
        "payload_too_many_records.bundle",
        sealed("manyrecords", payload=b"XTP1" + zlib.compress(b"[" + b"{}," * 50_000 + b"{}]", 9)),
        "too_large",
        "authentic bundle of 50,001 (empty) records: parsing stops at the first one past the default limit",
        decode=True,
    )
    add(
        "payload_not_records.bundle",
        sealed("notrecords", payload=b"XTP1" + zlib.compress(b'{"records":[]}')),
        "schema_invalid",
        "authentic bundle whose payload is not a list of records",
        decode=True,
    )
    add(
        "payload_not_zlib.bundle",
        sealed("notzlib", payload=b"XTP1" + b"plain text"),
        "malformed",
        "authentic bundle whose payload is not zlib",
        decode=True,
    )

    manifest = {
        "description": "Xietong bundle format v1 test vectors. Test keys only: never use them for real data.",
        "identities": {k: v.to_private_dict() for k, v in ids.items()},
        "fingerprints": {k: v.fingerprint for k, v in pub.items()},
        "vectors": vectors,
    }
    return files, manifest


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def main() -> int:
    files, manifest = build()
    for old in HERE.glob("*.bundle"):
        if old.name not in files:
            old.unlink()
    for name, blob in files.items():
        (HERE / name).write_bytes(blob)
    (HERE / "vectors.json").write_bytes(manifest_bytes(manifest))
    print(f"wrote {len(files)} vectors to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
