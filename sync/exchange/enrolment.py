"""Enrolment in person, the assignments that decide a helper's scope, revocation and key rotation."""

from __future__ import annotations

from typing import Any

from core.kinds import check as check_kind
from core.records import Clock, Record
from storage import Store
from sync.exchange.errors import NoPendingRotation, NotEnrolled, NotOffice, UnknownRecord
from sync.exchange.peers import (
    OFFICE_LINEAGE,
    OFFICE_VIA,
    PENDING_ROTATION,
    PINNED_OFFICE,
    PREVIOUS_IDENTITIES,
    ROTATIONS,
    PeerState,
    carried_state,
    helper_record,
    office_lineage,
    pending_rotation,
    pinned_office_fp,
)
from sync.protocol.errors import FingerprintMismatch, UnknownSender
from sync.protocol.identity import (
    Identity,
    PublicIdentity,
    confirm_fingerprint,
    make_rotation,
    parse_enrolment_request,
    parse_office_card,
)


def pin_office(store: Store, card_bytes: bytes, fingerprint_typed: str) -> PublicIdentity:
    """Helper side: read the office card, compare the digits read aloud, pin the office.

    A phone pinned in person to another office refuses; a pin that came from a rotation (or a
    rotation still awaiting its check) is overridden by this in-person pin, which carries the
    exchange state over to the card's key."""
    public = parse_office_card(card_bytes)
    confirm_fingerprint(public, fingerprint_typed)
    current = pinned_office_fp(store)
    pending = pending_rotation(store)
    meta: dict[str, Any] = {PINNED_OFFICE: public.to_dict(), OFFICE_VIA: "card", PENDING_ROTATION: {}}
    if current is not None and current != public.fingerprint:
        pending_to = (pending or {}).get("office", {}).get("fingerprint")
        if store.meta_get(OFFICE_VIA) != "rotation" and pending_to != public.fingerprint:
            raise FingerprintMismatch(detail="本机已绑定另一个司法所")
        meta.update(carried_state(store, current, public.fingerprint))
    meta[OFFICE_LINEAGE] = [fp for fp in office_lineage(store) if fp != public.fingerprint] + [public.fingerprint]
    store.apply([], actor="system", meta=meta)
    return public


def confirm_office_rotation(store: Store, fingerprint_typed: str) -> PublicIdentity:
    """Helper side: the in-person check of a rotation a bundle announced. The helper types the
    new fingerprint an officer reads out (the phone does not show it); only a match moves the
    phone to the new key. A mismatch changes nothing: someone holding the old office key may
    have made the statement, and the officer must be told."""
    pending = pending_rotation(store)
    if pending is None:
        raise NoPendingRotation()
    new = PublicIdentity.from_dict(pending["office"])
    try:
        confirm_fingerprint(new, fingerprint_typed)
    except FingerprintMismatch as exc:
        raise FingerprintMismatch(
            "新指纹与更换声明不一致,本机仍使用原司法所密钥。"
            "请当面再核对一次;仍不一致时请立即报告司法所(原密钥可能已泄露)。"
        ) from exc
    old = pinned_office_fp(store)
    meta: dict[str, Any] = {PINNED_OFFICE: new.to_dict(), OFFICE_VIA: "rotation", PENDING_ROTATION: {}}
    if old is not None:
        meta.update(carried_state(store, old, new.fingerprint))
    lineage = office_lineage(store)
    meta[OFFICE_LINEAGE] = lineage + [fp for fp in pending.get("chain", []) if fp not in lineage]
    store.apply([], actor="system", meta=meta)
    return new


def enroll_helper(
    store: Store,
    office_identity: Identity,
    request_bytes: bytes,
    fingerprint_typed: str,
    *,
    committee: str,
    conditions: list[int],
    reviewer: str,
    review_date: str,
    filed_date: str | None = None,
    clock: Clock,
) -> Record:
    """Office side: check the request and the digits, record the qualification review."""
    request = parse_enrolment_request(request_bytes)
    confirm_fingerprint(request.public, fingerprint_typed)
    existing = helper_record(store, request.fingerprint)
    if existing is not None and existing.data.get("status") == "active":
        return existing
    data: dict[str, Any] = {
        "name": request.name,
        "committee": committee,
        "phone": request.phone,
        "fingerprint": request.fingerprint,
        "sign_pub": request.public.sign_pub.hex(),
        "enc_pub": request.public.enc_pub.hex(),
        "conditions": list(conditions),
        "reviewer": reviewer,
        "review_date": review_date,
        "enrolled_date": clock().date().isoformat(),
        "status": "active",
    }
    if filed_date:
        data["filed_date"] = filed_date
    check_kind("helper", data)
    if existing is not None:
        rec = existing.revise(data, clock=clock)
    else:
        rec = Record.new("helper", data, author=office_identity.fingerprint, clock=clock)
    # the helper pinned the card of the office's current key
    store.apply(
        [rec],
        actor=office_identity.fingerprint,
        meta={PeerState(store, request.fingerprint).key("office_fp"): office_identity.fingerprint},
    )
    return rec


# --- office key rotation ------------------------------------------------------------------


def rotate_office_key(store: Store, me: Identity, clock: Clock) -> Identity:
    """Office side: a new key pair replaces ``me``; returns it (now the store's identity).

    The old private key is kept so bundles still addressed to it can be read, and each
    helper's next bundles are signed with the key it pins and carry the rotation statements
    (signed by the old key and the new one) until the helper answers to the new key.
    """
    if me.role != "office":
        raise NotOffice()
    new = Identity.generate("office", me.name)
    previous = list(store.meta_get(PREVIOUS_IDENTITIES, []))
    rotations = list(store.meta_get(ROTATIONS, []))
    store.apply(
        [],
        actor=me.fingerprint,
        meta={
            "identity": new.to_private_dict(),
            PREVIOUS_IDENTITIES: previous + [me.to_private_dict()],
            ROTATIONS: rotations + [make_rotation(me, new)],
        },
    )
    return new


def revoke_helper(store: Store, office_identity: Identity, fp: str, reason: str, clock: Clock) -> Record:
    """Office side: mark the helper revoked and record the last seq accepted from it."""
    helper = helper_record(store, fp)
    if helper is None:
        raise UnknownSender()
    last_seq = PeerState(store, fp).in_seq
    revoked = helper.revise({**helper.data, "status": "revoked"}, clock=clock)
    revocation = Record.new(
        "revocation",
        {"helper": fp, "date": clock().date().isoformat(), "reason": reason, "last_seq": last_seq},
        author=office_identity.fingerprint,
        clock=clock,
    )
    check_kind("revocation", revocation.data)
    store.apply([revoked, revocation], actor=office_identity.fingerprint)
    return revocation


def assign(store: Store, office_identity: Identity, subject_id: str, helper_fp: str, clock: Clock) -> Record:
    """Office side: add a helper to a subject (a new revision of the subject record)."""
    subject = store.get(subject_id)
    if subject is None or subject.kind != "subject":
        raise UnknownRecord()
    helper = helper_record(store, helper_fp)
    if helper is None or helper.data.get("status") != "active":
        raise NotEnrolled()
    helpers = list(subject.data.get("helpers") or [])
    if helper_fp in helpers:
        return subject
    rec = subject.revise({**subject.data, "helpers": helpers + [helper_fp]}, clock=clock)
    store.apply([rec], actor=office_identity.fingerprint)
    return rec


def unassign(store: Store, office_identity: Identity, subject_id: str, helper_fp: str, clock: Clock) -> Record:
    """Office side: take a subject away from a helper; the next bundle tells it to withdraw."""
    subject = store.get(subject_id)
    if subject is None or subject.kind != "subject":
        raise UnknownRecord()
    helpers = [h for h in subject.data.get("helpers") or [] if h != helper_fp]
    data = {**subject.data, "helpers": helpers}
    if not helpers:
        data.pop("helpers", None)
    rec = subject.revise(data, clock=clock)
    store.apply([rec], actor=office_identity.fingerprint)
    return rec
