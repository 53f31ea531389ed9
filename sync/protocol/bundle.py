"""Seal a bundle, and open one in stages so an importer can stop at the first failure.

Opening order (each stage a function, see docs/bundle-format.md):

    parse(blob)                      size limit, strict layout      TooLarge/Truncated/Malformed
    check_recipient(env, my_fp)      addressed to me?               WrongRecipient
    (caller looks up env.header.sender: enrolled? revoked?)        UnknownSender/Revoked
    verify_signature(env, sender)    whole file signed by sender    BadSignature
    (caller checks seq / bundle_id against what it has seen)       Replayed
    decrypt(verified, me)            every chunk, to the end        DecryptFailed

``decrypt`` takes only a ``VerifiedEnvelope``, which only ``verify_signature`` makes, so
nothing can decrypt a bundle whose signature was not checked. The stages run in this order in
exactly one place, ``sync.exchange.importing``, against a real store.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sync.protocol.crypto import (
    LABEL_BUNDLE_SIG,
    Rng,
    ephemeral_share,
    header_hash,
    payload_key,
    recipient_share,
    sha256,
    stream_decrypt,
    stream_encrypt,
    usable_x25519_public,
)
from sync.protocol.errors import BadSignature, WrongRecipient
from sync.protocol.format import (
    DEFAULT_MAX_SIZE,
    VERSION,
    Envelope,
    Header,
    check_size,
    decode_payload,
    encode_payload,
    format_created,
    parse,
    serialise,
    signed_prefix,
)
from sync.protocol.identity import Identity, PublicIdentity

__all__ = [
    "DEFAULT_MAX_SIZE",
    "Envelope",
    "Header",
    "VerifiedEnvelope",
    "check_recipient",
    "check_size",
    "decode_payload",
    "decrypt",
    "encode_payload",
    "parse",
    "seal",
    "verify_signature",
]

SEAL_FIELDS = {"seq", "created", "ack", "counts", "bundle_id", "audit"}


def _signature_message(prefix: bytes, payload: bytes | memoryview) -> tuple[bytes, bytes]:
    """The parts signed: every byte before the signature, and the payload's SHA-256."""
    return prefix, sha256(payload)


def seal(
    sender: Identity,
    recipient: PublicIdentity,
    header_fields: Mapping[str, Any],
    payload: bytes,
    *,
    rng: Rng = os.urandom,
) -> bytes:
    """One bundle file from ``sender`` to ``recipient``.

    ``header_fields``: ``seq`` (int >= 1) and ``created`` (aware datetime or the ISO string
    ``format_created`` makes) are required; ``ack`` (JSON object), ``counts`` (kind ->
    count), ``bundle_id`` (32 hex digits) and ``audit`` (the sender's audit head, ``{"seq", "hash"}``)
    are optional. ``rng`` supplies the bundle id
    (16 bytes, unless given) and then the ephemeral X25519 key (32 bytes).
    """
    unknown = set(header_fields) - SEAL_FIELDS
    if unknown:
        raise ValueError(f"unknown header fields: {sorted(unknown)}")
    if not usable_x25519_public(recipient.enc_pub):
        raise ValueError("recipient encryption key is not usable")
    created = header_fields["created"]
    if isinstance(created, datetime):
        created = format_created(created)
    header = Header(
        format=VERSION,
        bundle_id=header_fields.get("bundle_id") or rng(16).hex(),
        sender=sender.fingerprint,
        recipient=recipient.fingerprint,
        seq=header_fields["seq"],
        created=created,
        ack=dict(header_fields.get("ack") or {}),
        counts=dict(header_fields.get("counts") or {}),
        audit=header_fields.get("audit"),
    )
    header_bytes = header.to_bytes()  # validates every field
    eph_pub, shared = ephemeral_share(recipient.enc_pub, rng)
    digest = header_hash(header_bytes)
    key, nonce_prefix = payload_key(shared, eph_pub, recipient.enc_pub, digest)
    ciphertext = stream_encrypt(key, nonce_prefix, digest, bytes(payload))
    prefix = signed_prefix(header_bytes, eph_pub, len(ciphertext))
    signature = sender.sign(LABEL_BUNDLE_SIG, *_signature_message(prefix, ciphertext))
    return serialise(header_bytes, eph_pub, signature, ciphertext)


def check_recipient(env: Envelope, my_fingerprint: str) -> None:
    if env.header.recipient != my_fingerprint:
        raise WrongRecipient()


@dataclass(frozen=True)
class VerifiedEnvelope:
    """An envelope whose every byte was signed by ``sender``. Only this can be decrypted."""

    envelope: Envelope
    sender: PublicIdentity

    @property
    def header(self) -> Header:
        return self.envelope.header


def verify_signature(env: Envelope, sender: PublicIdentity) -> VerifiedEnvelope:
    if env.header.sender != sender.fingerprint:
        raise BadSignature(detail="签名者不是文件头所写的发送方")
    if not sender.verify(env.signature, LABEL_BUNDLE_SIG, *_signature_message(env.signed_prefix, env.payload)):
        raise BadSignature()
    return VerifiedEnvelope(env, sender)


def decrypt(verified: VerifiedEnvelope, me: Identity) -> bytes:
    """The whole payload, or DecryptFailed; never a partial result."""
    if not isinstance(verified, VerifiedEnvelope):
        raise TypeError("decrypt needs the result of verify_signature")
    env = verified.envelope
    mine = me.public()
    check_recipient(env, mine.fingerprint)
    shared = recipient_share(me.enc_key, env.eph_pub)
    digest = header_hash(env.header_bytes)
    key, nonce_prefix = payload_key(shared, env.eph_pub, mine.enc_pub, digest)
    return stream_decrypt(key, nonce_prefix, digest, env.payload)
