"""The shared fakes of the test suite: cheap key derivation, the passphrase, a fixed clock, and
stores set up the way the exchange finds them (an office that enrolled helpers, a helper that
pinned its office). Imported as ``fakes`` (``tests/`` is on the path through the root conftest).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from storage import KdfParams, Store
from sync import exchange
from sync.protocol.identity import Identity, make_enrolment_request, make_office_card

CHEAP = KdfParams(n=2**4, r=8, p=1)
PASS = "correct horse 1"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def clock() -> datetime:
    return NOW


def bare_store(home: Path, me: Identity) -> Store:
    """A store holding only ``me`` as this installation's identity."""
    store = Store.create(home, PASS, clock=clock, kdf=CHEAP)
    store.meta_set("identity", me.to_private_dict())
    store.meta_set("role", me.role)
    store.meta_set("name", me.name)
    return store


def enrol(store: Store, office: Identity, helper: Identity, *, committee: str = "青山村民委员会") -> None:
    """Office side: enrol ``helper`` as an officer would after comparing fingerprints."""
    request = make_enrolment_request(helper, committee, "13800138000")
    exchange.enroll_helper(
        store,
        office,
        request,
        helper.public().grouped,
        committee=committee,
        conditions=[1, 2, 3, 4],
        reviewer="审查人",
        review_date="2026-11-01",
        clock=clock,
    )


def pin(store: Store, office: Identity) -> None:
    """Helper side: pin ``office`` after comparing fingerprints."""
    exchange.pin_office(store, make_office_card(office), office.public().grouped)


def set_last_seq(store: Store, peer: str, seq: int) -> None:
    """As if bundles 1..seq from ``peer`` had been imported."""
    state = exchange.PeerState(store, peer)
    store.meta_set(state.key("in_seq"), seq)
