"""The bundle file layout: strict parse and serialise, no cryptography.

Byte layout (all integers big-endian; see docs/bundle-format.md):

    magic        15  b"XIETONG-BUNDLE\\n"
    version       1  0x01
    header_len    4  H, 2 <= H <= MAX_HEADER
    header        H  canonical JSON object (see ``Header``)
    eph_pub      32  ephemeral X25519 public key
    payload_len   8  P, the ciphertext length; must be a valid STREAM length
    signature    64  Ed25519 over everything before it plus SHA-256 of the payload
    payload       P  ChaCha20-Poly1305 STREAM chunks
    (nothing after)

Parsing reads the fields in order and stops at the first problem: a file that ends early
is ``Truncated`` (so any prefix of a good bundle is reported as truncated), any other
deviation is ``Malformed``. Nothing here decides whether the bundle is authentic.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sync.protocol import canonical
from sync.protocol.errors import Malformed, SchemaInvalid, TooLarge, Truncated

MAGIC = b"XIETONG-BUNDLE\n"
VERSION = 1
MAX_HEADER = 1024 * 1024
DEFAULT_MAX_SIZE = 256 * 1024 * 1024
HEADER_FIELDS = ("ack", "bundle_id", "counts", "created", "format", "recipient", "sender", "seq")
# Optional fields: absent in bundles of older builds (which refuse a header carrying them).
OPTIONAL_FIELDS = ("audit",)
_HASH_HEX = re.compile(r"[0-9a-f]{32}")

KEY_LEN = 32  # Ed25519 / X25519 public keys
SIG_LEN = 64  # Ed25519 signature
TAG_LEN = 16  # Poly1305 tag per chunk
CHUNK_SIZE = 64 * 1024  # plaintext bytes per STREAM chunk


def chunk_count(ciphertext_len: int, chunk_size: int = CHUNK_SIZE) -> int | None:
    """How many chunks a ciphertext of this length holds, or None if no valid STREAM has it.

    Every chunk but the last carries exactly ``chunk_size`` plaintext bytes; the last carries
    1..chunk_size bytes, or 0 only when it is the only chunk (an empty payload).
    """
    full = chunk_size + TAG_LEN
    if ciphertext_len < TAG_LEN:
        return None
    q, r = divmod(ciphertext_len, full)
    if r == 0:
        return q
    if r < TAG_LEN or (r == TAG_LEN and q > 0):
        return None
    return q + 1


_FP = re.compile(r"[0-9]{30}")
_BUNDLE_ID = re.compile(r"[0-9a-f]{32}")


def is_fingerprint(value: Any) -> bool:
    return isinstance(value, str) and _FP.fullmatch(value) is not None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def format_created(ts: datetime) -> str:
    """The one spelling of a header time: UTC, microseconds, ``+00:00``."""
    if ts.tzinfo is None:
        raise ValueError("created must be an aware datetime")
    return ts.astimezone(UTC).isoformat(timespec="microseconds")


def _valid_created(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return False
    return parsed.tzinfo is not None and format_created(parsed) == value


@dataclass(frozen=True)
class Header:
    """What the sender says about the bundle; signed, and bound into the payload key."""

    format: int
    bundle_id: str
    sender: str
    recipient: str
    seq: int
    created: str
    ack: dict[str, Any]
    counts: dict[str, int]
    audit: dict[str, Any] | None = None  # the sender's audit head {"seq", "hash"}, the peer's freshness anchor

    def to_dict(self) -> dict[str, Any]:
        out = {name: getattr(self, name) for name in HEADER_FIELDS}
        if self.audit is not None:
            out["audit"] = self.audit
        return out

    def to_bytes(self) -> bytes:
        problem = header_problem(self.to_dict())
        if problem:
            raise ValueError(f"invalid header: {problem}")
        return canonical.dumps(self.to_dict())

    @classmethod
    def from_bytes(cls, data: bytes) -> Header:
        try:
            value = canonical.loads(data)
        except canonical.NotCanonical as exc:
            raise Malformed(detail="文件头不是规范格式") from exc
        problem = header_problem(value)
        if problem:
            raise Malformed(detail=problem)
        return cls(**value)


def header_problem(value: Any) -> str | None:
    """None if ``value`` is a complete, well-typed header dict; else a short reason."""
    if not isinstance(value, dict):
        return "文件头不是对象"
    keys = set(value)
    if not set(HEADER_FIELDS) <= keys <= set(HEADER_FIELDS) | set(OPTIONAL_FIELDS):
        missing = sorted(set(HEADER_FIELDS) - keys)
        extra = sorted(keys - set(HEADER_FIELDS) - set(OPTIONAL_FIELDS))
        return f"文件头字段不符:缺少{missing},多余{extra}"
    if "audit" in value:
        audit = value["audit"]
        if not (
            isinstance(audit, dict)
            and set(audit) == {"seq", "hash"}
            and _is_int(audit["seq"])
            and 0 <= audit["seq"] <= canonical.MAX_INT
            and isinstance(audit["hash"], str)
            and _HASH_HEX.fullmatch(audit["hash"])
        ):
            return "审计位置格式错误"
    if not _is_int(value["format"]) or value["format"] != VERSION:
        return "文件头版本不受支持"
    if not isinstance(value["bundle_id"], str) or not _BUNDLE_ID.fullmatch(value["bundle_id"]):
        return "数据包编号格式错误"
    if not is_fingerprint(value["sender"]):
        return "发送方指纹格式错误"
    if not is_fingerprint(value["recipient"]):
        return "接收方指纹格式错误"
    if value["sender"] == value["recipient"]:
        return "发送方与接收方相同"
    if not _is_int(value["seq"]) or not 1 <= value["seq"] <= canonical.MAX_INT:
        return "序号必须是正整数"
    if not _valid_created(value["created"]):
        return "创建时间格式错误"
    if not isinstance(value["ack"], dict):
        return "回执必须是对象"
    counts = value["counts"]
    if not isinstance(counts, dict) or not all(_is_int(n) and n >= 0 for n in counts.values()):
        return "统计数必须是非负整数"
    return None


@dataclass(frozen=True)
class Envelope:
    """A parsed, not yet authenticated bundle. Read the header; trust nothing yet."""

    header: Header
    header_bytes: bytes
    eph_pub: bytes
    signature: bytes
    signed_prefix: bytes  # every byte before the signature
    payload: memoryview  # the ciphertext, exactly payload_len bytes

    @property
    def size(self) -> int:
        return len(self.signed_prefix) + SIG_LEN + len(self.payload)


def check_size(size: int, max_size: int = DEFAULT_MAX_SIZE) -> None:
    """Stage 1, before reading the file: refuse anything over the limit."""
    if size > max_size:
        raise TooLarge(detail=f"{size} 字节,上限 {max_size} 字节")


def serialise(header_bytes: bytes, eph_pub: bytes, signature: bytes, payload: bytes) -> bytes:
    return signed_prefix(header_bytes, eph_pub, len(payload)) + signature + payload


def signed_prefix(header_bytes: bytes, eph_pub: bytes, payload_len: int) -> bytes:
    return (
        MAGIC
        + bytes([VERSION])
        + len(header_bytes).to_bytes(4, "big")
        + header_bytes
        + eph_pub
        + payload_len.to_bytes(8, "big")
    )


class _Reader:
    def __init__(self, view: memoryview) -> None:
        self.view = view
        self.pos = 0

    def take(self, n: int, what: str) -> memoryview:
        if self.pos + n > len(self.view):
            raise Truncated(detail=f"{what}不完整")
        out = self.view[self.pos : self.pos + n]
        self.pos += n
        return out


def parse(blob: bytes, *, max_size: int = DEFAULT_MAX_SIZE) -> Envelope:
    """Stages 1-2: size limit, then the strict layout. Raises TooLarge/Truncated/Malformed."""
    check_size(len(blob), max_size)
    if not isinstance(blob, bytes):
        blob = bytes(blob)  # freeze a mutable buffer before looking at it
    view = memoryview(blob)
    if len(view) < len(MAGIC):
        if MAGIC.startswith(blob):
            raise Truncated(detail="文件标识不完整")
        raise Malformed(detail="不是协通数据包")
    reader = _Reader(view)
    if reader.take(len(MAGIC), "文件标识") != MAGIC:
        raise Malformed(detail="不是协通数据包")
    version = reader.take(1, "版本号")[0]
    if version != VERSION:
        raise Malformed(detail=f"不支持的版本 {version}")
    header_len = int.from_bytes(reader.take(4, "文件头长度"), "big")
    if not 2 <= header_len <= MAX_HEADER:
        raise Malformed(detail="文件头长度超出范围")
    header_bytes = bytes(reader.take(header_len, "文件头"))
    header = Header.from_bytes(header_bytes)
    eph_pub = bytes(reader.take(KEY_LEN, "临时公钥"))
    payload_len = int.from_bytes(reader.take(8, "密文长度"), "big")
    if payload_len > max_size or chunk_count(payload_len) is None:
        raise Malformed(detail="密文长度无效")
    prefix_end = reader.pos
    signature = bytes(reader.take(SIG_LEN, "签名"))
    payload = reader.take(payload_len, "密文")
    if reader.pos != len(view):
        raise Malformed(detail=f"文件末尾有 {len(view) - reader.pos} 字节多余数据")
    return Envelope(
        header=header,
        header_bytes=header_bytes,
        eph_pub=eph_pub,
        signature=signature,
        signed_prefix=bytes(view[:prefix_end]),
        payload=payload,
    )


# --- payload: the plaintext inside the encryption -------------------------------------------

# Realistic limits: 10,000 visits (a busy office's year from one helper) are about 6 MB of JSON.
# A payload may inflate to at most 64 MiB and hold at most 50,000 records; parsing stops at the
# first record past the limit, so a small bundle cannot make the reader build millions of objects.
DEFAULT_MAX_PAYLOAD = 64 * 1024 * 1024  # decompressed bytes
DEFAULT_MAX_RECORDS = 50_000
_PAYLOAD_MAGIC = b"XTP1"


def encode_payload(records: list[dict[str, Any]]) -> bytes:
    """Records as zlib-compressed JSON, behind a 4-byte tag so a future codec can differ."""
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ValueError("payload must be a list of dicts")
    text = json.dumps(records, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    # Level 3: a third of level 6's time for a bundle a fifth larger (10k visits: 0.07 s, 0.9 MB).
    return _PAYLOAD_MAGIC + zlib.compress(text.encode("utf-8"), 3)


_DECODER = json.JSONDecoder(object_pairs_hook=canonical.no_duplicates, parse_constant=canonical.no_constant)
_WS = re.compile(r"[ \t\n\r]*")
_WS_CHARS = frozenset(" \t\n\r")


def _skip_ws(text: str, pos: int) -> int:
    m = _WS.match(text, pos)
    return m.end() if m else pos


# A payload with at most this many "{" per record allowed (every object has one) is decoded in
# one call; any other, and any that call refuses, element by element. The answer is the same.
_OBJECTS_PER_RECORD = 4


def _records(text: str, max_records: int) -> list[dict[str, Any]]:
    """The JSON array of objects in ``text``, decoded one element at a time: TooLarge as soon as
    element ``max_records + 1`` starts, SchemaInvalid at the first element that is not an object,
    ValueError for anything that is not one JSON array with nothing after it.

    A text with few enough objects (a record has two, its own and its data) that it cannot hold
    too many records is decoded whole first: one call of the C decoder, sharing the key strings
    across records, a third faster for ten thousand. If that call refuses anything, the text is
    read element by element as above, so every refusal is the one it always was."""
    if text.count("{") <= _OBJECTS_PER_RECORD * max_records:
        try:
            whole = _DECODER.decode(text)
        except (ValueError, RecursionError):
            pass
        else:
            if type(whole) is not list:
                raise SchemaInvalid(detail="内容必须是记录列表")
            for n, value in enumerate(whole):
                if n >= max_records:
                    raise TooLarge(detail=f"记录数超过 {max_records}")
                if type(value) is not dict:
                    raise SchemaInvalid(detail="内容必须是记录列表")
            return whole
    return _records_one_by_one(text, max_records)


def _records_one_by_one(text: str, max_records: int) -> list[dict[str, Any]]:
    pos = _skip_ws(text, 0)
    if text[pos : pos + 1] != "[":
        value, end = _DECODER.raw_decode(text, pos)  # a valid JSON value that is not a list?
        if _skip_ws(text, end) != len(text):
            raise ValueError("trailing data")
        raise SchemaInvalid(detail="内容必须是记录列表")
    pos = _skip_ws(text, pos + 1)
    out: list[dict[str, Any]] = []
    decode = _DECODER.raw_decode
    if text[pos : pos + 1] == "]":
        pos += 1
    else:
        while True:
            if len(out) >= max_records:
                raise TooLarge(detail=f"记录数超过 {max_records}")
            value, pos = decode(text, pos)
            if type(value) is not dict:
                raise SchemaInvalid(detail="内容必须是记录列表")
            out.append(value)
            sep = text[pos : pos + 1]
            if sep in _WS_CHARS:  # whitespace is allowed, though the encoder never writes it
                pos = _skip_ws(text, pos)
                sep = text[pos : pos + 1]
            if sep == "]":
                pos += 1
                break
            if sep != ",":
                raise ValueError("expected , or ]")
            pos += 1
            if text[pos : pos + 1] in _WS_CHARS:
                pos = _skip_ws(text, pos)
    if _skip_ws(text, pos) != len(text):
        raise ValueError("trailing data")
    return out


def decode_payload(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_PAYLOAD, max_records: int = DEFAULT_MAX_RECORDS
) -> list[dict[str, Any]]:
    """Inverse of ``encode_payload`` that refuses zip bombs, trailing data and odd JSON."""
    data = bytes(data)
    if not data.startswith(_PAYLOAD_MAGIC):
        raise Malformed(detail="内容编码不受支持")
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(data[len(_PAYLOAD_MAGIC) :], max_bytes + 1)
    except zlib.error as exc:
        raise Malformed(detail="内容解压失败") from exc
    if len(text) > max_bytes:
        raise TooLarge(detail=f"解压后超过 {max_bytes} 字节")
    if not inflater.eof or inflater.unused_data or inflater.unconsumed_tail:
        raise Malformed(detail="内容压缩流不完整或有多余数据")
    try:
        records = _records(text.decode("utf-8"), max_records)
    except (canonical.NotCanonical, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Malformed(detail="内容不是有效的 JSON") from exc
    return records
