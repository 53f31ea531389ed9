"""Installation identities and the documents exchanged in person to enrol.

An ``Identity`` is one installation's Ed25519 signing key and X25519 encryption key; it
lives only inside the encrypted store (``to_private_dict`` for its meta). What others pin
is the ``PublicIdentity``, named by a fingerprint over both public keys that two people
read aloud to each other. The office card and the helper's enrolment request are
self-signed canonical JSON: the signature proves the file was not changed after export,
and the in-person fingerprint comparison proves whose keys they are.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from core.errors import ValidationError
from core.fingerprint import fingerprint as compute_fingerprint
from core.fingerprint import group_fingerprint, normalise_fingerprint
from sync.protocol import canonical
from sync.protocol.crypto import (
    LABEL_ENROLMENT,
    LABEL_OFFICE_CARD,
    LABEL_ROTATION_NEW,
    LABEL_ROTATION_OLD,
    Rng,
    sign,
    usable_ed25519_public,
    usable_x25519_public,
    verify,
)
from sync.protocol.errors import (
    BadCard,
    BadEnrolmentRequest,
    BadRotation,
    FingerprintMismatch,
    IdentityCorrupt,
    IdentityError,
)
from sync.protocol.format import KEY_LEN, SIG_LEN, is_fingerprint

ROLES = ("office", "helper")
MAX_DOCUMENT = 64 * 1024
MAX_TEXT = 100
CARD_TYPE = "xietong/office-card"
REQUEST_TYPE = "xietong/enrolment-request"
ROTATION_TYPE = "xietong/key-rotation"
DOC_VERSION = 1

_HEX_KEY = re.compile(r"[0-9a-f]{64}")
_HEX_SIG = re.compile(r"[0-9a-f]{128}")
_PHONE = re.compile(r"1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _text_problem(value: Any, label: str) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return f"请填写{label}。"
    if value != value.strip() or len(value) > MAX_TEXT or _CONTROL.search(value):
        return f"{label}格式不正确(不超过{MAX_TEXT}字,首尾不留空格)。"
    return None


@dataclass(frozen=True)
class PublicIdentity:
    """What others pin: role, display name, both public keys and their fingerprint."""

    role: str
    name: str
    sign_pub: bytes
    enc_pub: bytes
    fingerprint: str

    @classmethod
    def from_keys(cls, role: str, name: str, sign_pub: bytes, enc_pub: bytes) -> PublicIdentity:
        return cls(role, name, bytes(sign_pub), bytes(enc_pub), compute_fingerprint(bytes(sign_pub), bytes(enc_pub)))

    @property
    def grouped(self) -> str:
        """The fingerprint as people compare it: digits in groups of five."""
        return group_fingerprint(self.fingerprint)

    def verify(self, signature: bytes, purpose: bytes, *parts: bytes) -> bool:
        return verify(self.sign_pub, signature, purpose, *parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "name": self.name,
            "sign_pub": self.sign_pub.hex(),
            "enc_pub": self.enc_pub.hex(),
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_dict(cls, d: Any) -> PublicIdentity:
        """Strict inverse of ``to_dict``; a stored identity that fails is corrupt."""
        return _public_from(d, IdentityCorrupt, ("role", "name", "sign_pub", "enc_pub", "fingerprint"))


def _public_from(d: Any, error: type[IdentityError], keys: tuple[str, ...], role: str | None = None) -> PublicIdentity:
    if not isinstance(d, dict) or set(d) != set(keys):
        raise error(detail="字段不符")
    if d["role"] not in ROLES or (role is not None and d["role"] != role):
        raise error(detail="身份类型不符")
    problem = _text_problem(d["name"], "名称")
    if problem:
        raise error(detail=problem)
    for key in ("sign_pub", "enc_pub"):
        if not isinstance(d[key], str) or not _HEX_KEY.fullmatch(d[key]):
            raise error(detail="公钥格式错误")
    if not is_fingerprint(d["fingerprint"]):
        raise error(detail="指纹格式错误")
    if not usable_ed25519_public(bytes.fromhex(d["sign_pub"])):
        raise error(detail="签名公钥是小阶点,任何人都能用它伪造签名,不能使用")
    enc_pub = bytes.fromhex(d["enc_pub"])
    if not usable_x25519_public(enc_pub):
        raise error(detail="加密公钥无效")
    public = PublicIdentity.from_keys(d["role"], d["name"], bytes.fromhex(d["sign_pub"]), enc_pub)
    if public.fingerprint != d["fingerprint"]:
        raise error(detail="指纹与公钥不符")
    return public


@dataclass(frozen=True, eq=False)
class Identity:
    """This installation's private keys. Never leaves the encrypted store."""

    role: str
    name: str
    sign_key: Ed25519PrivateKey = field(repr=False)
    enc_key: X25519PrivateKey = field(repr=False)

    @classmethod
    def generate(cls, role: str, name: str, rng: Rng = os.urandom) -> Identity:
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}")
        problem = _text_problem(name, "名称")
        if problem:
            raise ValidationError({"name": problem})
        sign_key = Ed25519PrivateKey.from_private_bytes(rng(KEY_LEN))
        enc_key = X25519PrivateKey.from_private_bytes(rng(KEY_LEN))
        return cls(role, name, sign_key, enc_key)

    def public(self) -> PublicIdentity:
        return PublicIdentity.from_keys(
            self.role,
            self.name,
            self.sign_key.public_key().public_bytes_raw(),
            self.enc_key.public_key().public_bytes_raw(),
        )

    @property
    def fingerprint(self) -> str:
        return self.public().fingerprint

    def sign(self, purpose: bytes, *parts: bytes) -> bytes:
        return sign(self.sign_key, purpose, *parts)

    def to_private_dict(self) -> dict[str, Any]:
        return {
            "v": DOC_VERSION,
            "role": self.role,
            "name": self.name,
            "sign_key": self.sign_key.private_bytes_raw().hex(),
            "enc_key": self.enc_key.private_bytes_raw().hex(),
        }

    @classmethod
    def from_private_dict(cls, d: Any) -> Identity:
        if not isinstance(d, dict) or set(d) != {"v", "role", "name", "sign_key", "enc_key"}:
            raise IdentityCorrupt(detail="字段不符")
        if d["v"] != DOC_VERSION or d["role"] not in ROLES or _text_problem(d["name"], "名称"):
            raise IdentityCorrupt(detail="版本、身份类型或名称无效")
        for key in ("sign_key", "enc_key"):
            if not isinstance(d[key], str) or not _HEX_KEY.fullmatch(d[key]):
                raise IdentityCorrupt(detail="私钥格式错误")
        return cls(
            d["role"],
            d["name"],
            Ed25519PrivateKey.from_private_bytes(bytes.fromhex(d["sign_key"])),
            X25519PrivateKey.from_private_bytes(bytes.fromhex(d["enc_key"])),
        )


def confirm_fingerprint(public: PublicIdentity, entered: str) -> None:
    """The in-person check: the digits the other person read out must match exactly.

    Input that is not 30 digits at all raises ``core.fingerprint.BadFingerprint`` (retype);
    30 digits that differ raise ``FingerprintMismatch`` (stop: possibly a substituted file).
    """
    if normalise_fingerprint(entered) != public.fingerprint:
        raise FingerprintMismatch()


# --- signed documents ---------------------------------------------------------------------


def _signed_document(identity: Identity, purpose: bytes, body: dict[str, Any]) -> bytes:
    signature = identity.sign(purpose, canonical.dumps(body))
    return canonical.dumps({**body, "sig": signature.hex()})


def _read_document(data: bytes, error: type[IdentityError], doc_type: str, keys: set[str]) -> dict[str, Any]:
    if len(data) > MAX_DOCUMENT:
        raise error(detail="文件过大")
    try:
        doc = canonical.loads(data)
    except canonical.NotCanonical as exc:
        raise error(detail="不是规范格式") from exc
    if not isinstance(doc, dict) or doc.get("type") != doc_type:
        raise error(detail="文件类型不符")
    if set(doc) != keys | {"type", "v", "sig"}:
        raise error(detail="字段不符")
    if doc["v"] != DOC_VERSION or isinstance(doc["v"], bool):
        raise error(detail="版本不受支持")
    if not isinstance(doc["sig"], str) or not _HEX_SIG.fullmatch(doc["sig"]):
        raise error(detail="签名格式错误")
    return doc


def _check_signature(doc: dict[str, Any], public: PublicIdentity, purpose: bytes, error: type[IdentityError]) -> None:
    body = {k: v for k, v in doc.items() if k != "sig"}
    signature = bytes.fromhex(doc["sig"])
    if len(signature) != SIG_LEN or not public.verify(signature, purpose, canonical.dumps(body)):
        raise error(detail="签名无效")


def _expect(public: PublicIdentity, expected_fingerprint: str | None) -> None:
    if expected_fingerprint is not None:
        confirm_fingerprint(public, expected_fingerprint)


_PUBLIC_KEYS = ("role", "name", "sign_pub", "enc_pub", "fingerprint")


def make_office_card(identity: Identity) -> bytes:
    """The office's public keys and name, self-signed, for helpers to pin."""
    if identity.role != "office":
        raise ValueError("only an office identity has an office card")
    body = {"type": CARD_TYPE, "v": DOC_VERSION, **identity.public().to_dict()}
    return _signed_document(identity, LABEL_OFFICE_CARD, body)


def parse_office_card(data: bytes, *, expected_fingerprint: str | None = None) -> PublicIdentity:
    """Strictly read a card; with ``expected_fingerprint`` also do the in-person check."""
    doc = _read_document(data, BadCard, CARD_TYPE, set(_PUBLIC_KEYS))
    public = _public_from({k: doc[k] for k in _PUBLIC_KEYS}, BadCard, _PUBLIC_KEYS, role="office")
    _check_signature(doc, public, LABEL_OFFICE_CARD, BadCard)
    _expect(public, expected_fingerprint)
    return public


@dataclass(frozen=True)
class EnrolmentRequest:
    """A helper's keys and particulars, awaiting the officer's qualification review."""

    public: PublicIdentity
    committee: str
    phone: str

    @property
    def name(self) -> str:
        return self.public.name

    @property
    def fingerprint(self) -> str:
        return self.public.fingerprint


def _request_problems(committee: Any, phone: Any) -> dict[str, str]:
    problems = {}
    problem = _text_problem(committee, "所在村(居)委会")
    if problem:
        problems["committee"] = problem
    if not isinstance(phone, str) or not _PHONE.fullmatch(phone):
        problems["phone"] = "联系电话格式不正确,请填写手机号或带区号的固定电话。"
    return problems


def make_enrolment_request(identity: Identity, committee: str, phone: str) -> bytes:
    if identity.role != "helper":
        raise ValueError("only a helper identity makes an enrolment request")
    problems = _request_problems(committee, phone)
    if problems:
        raise ValidationError(problems)
    body = {
        "type": REQUEST_TYPE,
        "v": DOC_VERSION,
        **identity.public().to_dict(),
        "committee": committee,
        "phone": phone,
    }
    return _signed_document(identity, LABEL_ENROLMENT, body)


def parse_enrolment_request(data: bytes, *, expected_fingerprint: str | None = None) -> EnrolmentRequest:
    doc = _read_document(data, BadEnrolmentRequest, REQUEST_TYPE, set(_PUBLIC_KEYS) | {"committee", "phone"})
    public = _public_from({k: doc[k] for k in _PUBLIC_KEYS}, BadEnrolmentRequest, _PUBLIC_KEYS, role="helper")
    problems = _request_problems(doc["committee"], doc["phone"])
    if problems:
        raise BadEnrolmentRequest(detail="; ".join(problems.values()))
    _check_signature(doc, public, LABEL_ENROLMENT, BadEnrolmentRequest)
    _expect(public, expected_fingerprint)
    return EnrolmentRequest(public, doc["committee"], doc["phone"])


# --- office key rotation ------------------------------------------------------------------

_ROTATION_KEYS = {"type", "v", "old_fingerprint", "new", "sig_old", "sig_new"}


def make_rotation(old: Identity, new: Identity) -> dict[str, Any]:
    """A statement, signed by the old key (authority) and the new one (possession)."""
    if old.role != new.role:
        raise ValueError("a rotation keeps the role")
    if old.fingerprint == new.fingerprint:
        raise ValueError("a rotation needs a new key")
    body = {"type": ROTATION_TYPE, "v": DOC_VERSION, "old_fingerprint": old.fingerprint, "new": new.public().to_dict()}
    blob = canonical.dumps(body)
    return {
        **body,
        "sig_old": old.sign(LABEL_ROTATION_OLD, blob).hex(),
        "sig_new": new.sign(LABEL_ROTATION_NEW, blob).hex(),
    }


def verify_rotation(old_public: PublicIdentity, statement: Any) -> PublicIdentity:
    """The new public identity, if ``old_public`` really handed over to it."""
    if not isinstance(statement, dict) or set(statement) != _ROTATION_KEYS:
        raise BadRotation(detail="字段不符")
    if statement["type"] != ROTATION_TYPE or statement["v"] != DOC_VERSION or isinstance(statement["v"], bool):
        raise BadRotation(detail="类型或版本不符")
    if statement["old_fingerprint"] != old_public.fingerprint:
        raise BadRotation(detail="原指纹不符")
    new_public = _public_from(statement["new"], BadRotation, _PUBLIC_KEYS, role=old_public.role)
    if new_public.fingerprint == old_public.fingerprint:
        raise BadRotation(detail="新旧密钥相同")
    for key in ("sig_old", "sig_new"):
        if not isinstance(statement[key], str) or not _HEX_SIG.fullmatch(statement[key]):
            raise BadRotation(detail="签名格式错误")
    body = {k: statement[k] for k in ("type", "v", "old_fingerprint", "new")}
    try:
        blob = canonical.dumps(body)
    except canonical.NotCanonical as exc:
        raise BadRotation(detail="内容无效") from exc
    if not old_public.verify(bytes.fromhex(statement["sig_old"]), LABEL_ROTATION_OLD, blob):
        raise BadRotation(detail="原密钥签名无效")
    if not new_public.verify(bytes.fromhex(statement["sig_new"]), LABEL_ROTATION_NEW, blob):
        raise BadRotation(detail="新密钥签名无效")
    return new_public
