"""Ed25519 keys of small order are refused wherever a public key enters: cards, enrolment
requests, stored identities and ``verify`` itself.

Under such a key a signature can be made without any private key (e.g. R = identity, S = 0 verifies
for a message in one try out of eight or better), so an enrolled small-order helper key would let
anyone forge that helper's bundles. The points are computed here independently of the code's
hardcoded list, and every one of them (and each non-canonical spelling libsodium refuses) is tried.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from fakes import bare_store, clock

from core.fingerprint import fingerprint, group_fingerprint
from storage import snapshot_bytes
from sync import exchange
from sync.protocol import canonical, crypto
from sync.protocol.crypto import LABEL_ENROLMENT, LABEL_OFFICE_CARD, frame, verify
from sync.protocol.errors import BadCard, BadEnrolmentRequest, IdentityCorrupt
from sync.protocol.identity import Identity, PublicIdentity, parse_enrolment_request, parse_office_card

pytestmark = pytest.mark.crypto

P = 2**255 - 19
D = (-121665 * pow(121666, P - 2, P)) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _add(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    (x1, y1), (x2, y2) = a, b
    t = D * x1 * x2 * y1 * y2 % P
    return (x1 * y2 + x2 * y1) * pow(1 + t, P - 2, P) % P, (y1 * y2 + x1 * x2) * pow(1 - t, P - 2, P) % P


def _x_for(y: int) -> int | None:
    xx = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    x = pow(xx, (P + 3) // 8, P)
    if (x * x - xx) % P:
        x = x * SQRT_M1 % P
    return None if (x * x - xx) % P else x


def _encode(y: int, sign: int) -> bytes:
    return (y | (sign << 255)).to_bytes(32, "little")


def torsion_points() -> list[tuple[int, int]]:
    """The 8 points of order dividing 8: search y = 2, 3, ... for a point whose 8-multiple
    is the identity but whose 4-multiple is not (a generator of the torsion subgroup)."""
    ident = (0, 1)
    for y in range(2, 10_000):
        x = _x_for(y)
        if x is None:
            continue
        pt = (x, y)
        # multiply by the group order's cofactor-free part: [L]pt is in the torsion subgroup
        L = 2**252 + 27742317777372353535851937790883648493
        acc, base, k = ident, pt, L
        while k:
            if k & 1:
                acc = _add(acc, base)
            base = _add(base, base)
            k >>= 1
        pts = [ident]
        q = acc
        while q != ident and len(pts) < 9:
            pts.append(q)
            q = _add(q, acc)
        if len(pts) == 8:
            return pts
    raise AssertionError("no generator of the 8-torsion found")


def all_refused_encodings() -> set[bytes]:
    """Canonical encodings of the 8 points, plus the non-canonical ones: x = 0 with the sign bit
    set, and y + p for y in {0, 1} (with either sign bit)."""
    out = set()
    for x, y in torsion_points():
        out.add(_encode(y, x & 1))
        if x == 0:
            out.add(_encode(y, 1))
        if y + P < 2**255:
            out.add(_encode(y + P, x & 1))
            out.add(_encode(y + P, 1))
    return out


ENCODINGS = sorted(all_refused_encodings())
IDENTITY_R = (1).to_bytes(32, "little")


def _forged(key: bytes, message_for: callable) -> tuple[bytes, int]:
    """A signature OpenSSL accepts under ``key`` with no private key: R = identity, S = 0, and a
    message varied (by counter) until [k]A is the identity."""
    pk = Ed25519PublicKey.from_public_bytes(key)
    sig = IDENTITY_R + bytes(32)
    for i in range(200):
        try:
            pk.verify(sig, message_for(i))
        except Exception:
            continue
        return sig, i
    raise AssertionError(f"no forgery found for {key.hex()}")


def test_the_list_is_exactly_the_small_order_points_and_their_non_canonical_spellings() -> None:
    assert len(torsion_points()) == 8
    assert len(ENCODINGS) == 14
    assert set(ENCODINGS) == crypto.SMALL_ORDER_ED25519


@pytest.mark.parametrize("key", ENCODINGS, ids=lambda k: k.hex()[:6] + ".." + k.hex()[-2:])
def test_verify_refuses_a_signature_openssl_accepts_under_a_small_order_key(key: bytes) -> None:
    sig, i = _forged(key, lambda n: frame(b"xietong/v1/test", b"%d" % n))
    assert not verify(key, sig, b"xietong/v1/test", b"%d" % i)


def _enc_pub() -> bytes:
    return X25519PrivateKey.generate().public_key().public_bytes_raw()


def _document(doc_type: str, role: str, key: bytes, label: bytes, extra: dict[str, str]) -> bytes:
    enc = _enc_pub()

    def body(n: int) -> dict[str, object]:
        return {
            "type": doc_type,
            "v": 1,
            "role": role,
            "name": f"伪造{n}",
            "sign_pub": key.hex(),
            "enc_pub": enc.hex(),
            "fingerprint": fingerprint(key, enc),
            **extra,
        }

    sig, i = _forged(key, lambda n: frame(label, canonical.dumps(body(n))))
    return canonical.dumps({**body(i), "sig": sig.hex()})


@pytest.mark.parametrize("key", ENCODINGS, ids=lambda k: k.hex()[:6] + ".." + k.hex()[-2:])
def test_enrolment_request_with_a_small_order_key_is_refused_when_parsed(key: bytes) -> None:
    data = _document(
        "xietong/enrolment-request",
        "helper",
        key,
        LABEL_ENROLMENT,
        {"committee": "青山村民委员会", "phone": "13800138000"},
    )
    with pytest.raises(BadEnrolmentRequest) as err:
        parse_enrolment_request(data)
    assert "小阶点" in str(err.value)


@pytest.mark.parametrize("key", ENCODINGS, ids=lambda k: k.hex()[:6] + ".." + k.hex()[-2:])
def test_office_card_with_a_small_order_key_is_refused_when_parsed(key: bytes) -> None:
    data = _document("xietong/office-card", "office", key, LABEL_OFFICE_CARD, {})
    with pytest.raises(BadCard) as err:
        parse_office_card(data)
    assert "小阶点" in str(err.value)


def test_stored_public_identity_with_a_small_order_key_is_corrupt() -> None:
    enc = _enc_pub()
    key = IDENTITY_R
    d = {
        "role": "helper",
        "name": "王五",
        "sign_pub": key.hex(),
        "enc_pub": enc.hex(),
        "fingerprint": fingerprint(key, enc),
    }
    with pytest.raises(IdentityCorrupt):
        PublicIdentity.from_dict(d)


def test_office_refuses_to_enrol_a_small_order_request_and_its_store_is_unchanged(tmp_path: Path) -> None:
    """Before this fix the request enrolled, and anyone could then forge that helper's bundles."""
    office = Identity.generate("office", "青山镇司法所")
    store = bare_store(tmp_path / "office", office)
    data = _document(
        "xietong/enrolment-request",
        "helper",
        IDENTITY_R,
        LABEL_ENROLMENT,
        {"committee": "青山村民委员会", "phone": "13800138000"},
    )
    typed = group_fingerprint(canonical.loads(data)["fingerprint"])
    store.checkpoint()
    before = snapshot_bytes(tmp_path / "office")
    with pytest.raises(BadEnrolmentRequest):
        exchange.enroll_helper(
            store,
            office,
            data,
            typed,
            committee="青山村民委员会",
            conditions=[1, 2, 3, 4],
            reviewer="审查人",
            review_date="2026-11-01",
            clock=clock,
        )
    assert store.list("helper") == []
    assert snapshot_bytes(tmp_path / "office") == before
