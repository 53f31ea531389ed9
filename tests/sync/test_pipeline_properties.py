"""Property: however a helper's bundles arrive (any subset, any order, duplicated), the office
ends up with exactly the records of the newest bundle it accepted, since every bundle carries
everything not yet acknowledged; older ones are refused as replays, repeats are no-ops."""

from __future__ import annotations

import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pipeline_setup import PASS, TickClock, content, setup_pair, visit

from storage import Store
from sync.exchange import export_bundle, import_bundle
from sync.protocol.identity import Identity

pytestmark = pytest.mark.crypto

N_BUNDLES = 4
_ROOT = Path(tempfile.mkdtemp(prefix="xt-pipeline-prop-"))


@lru_cache(maxsize=1)
def _scenario() -> tuple[Path, Identity, list[bytes], list[list[dict[str, Any]]]]:
    """Office home (untouched), office identity, the helper's bundles, expected state after each."""
    clock = TickClock()
    office, helper, subject = setup_pair(_ROOT / "pair", clock)
    bundles: list[bytes] = []
    latest = []
    for i in range(N_BUNDLES):
        v = visit(helper, subject.id, clock, notes=f"第{i}次走访")
        helper.store.put(v, actor=helper.me.fingerprint)
        latest.append(v)
        if i % 2 == 1:  # revise an earlier record so bundles carry histories too
            first = helper.store.get(latest[0].id)
            revised = first.revise({**first.data, "notes": f"修改{i}"}, clock=clock)
            helper.store.put(revised, actor=helper.me.fingerprint)
        bundles.append(export_bundle(helper.store, helper.me, office.me.fingerprint, clock=clock))
    helper.store.close()
    office.store.close()
    pristine = _ROOT / "office-pristine"
    shutil.copytree(office.home, pristine)
    expected = []
    for m in range(N_BUNDLES + 1):
        store = _copy(pristine, _ROOT / f"expected-{m}", clock)
        for blob in bundles[:m]:
            assert import_bundle(store, office.me, blob, clock=clock).status == "accepted"
        expected.append(content(store))
        store.close()
    return pristine, office.me, bundles, expected


def _copy(pristine: Path, to: Path, clock: TickClock) -> Store:
    shutil.rmtree(to, ignore_errors=True)
    shutil.copytree(pristine, to)
    return Store.open(to, PASS, clock=clock)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order=st.lists(st.integers(min_value=0, max_value=N_BUNDLES - 1), max_size=8))
def test_any_delivery_order_with_repeats_converges_to_the_newest_accepted_bundle(order: list[int]) -> None:
    pristine, office_me, bundles, expected = _scenario()
    clock = TickClock()
    store = _copy(pristine, _ROOT / "trial", clock)
    try:
        newest = 0
        accepted: set[int] = set()
        for i in order:
            out = import_bundle(store, office_me, bundles[i], clock=clock)
            seq = i + 1
            if seq > newest:
                assert out.status == "accepted" and out.seq == seq
                newest = seq
                accepted.add(seq)
            elif seq in accepted:
                assert out.status == "already"
            else:
                assert out.status == "rejected" and out.code == "replayed"
        assert content(store) == expected[newest]
    finally:
        store.close()


def test_expected_states_differ_so_the_property_can_fail() -> None:
    _, _, _, expected = _scenario()
    assert len({repr(e) for e in expected}) == N_BUNDLES + 1
