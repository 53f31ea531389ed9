"""Fixtures for the storage suite: cheap scrypt, an injected clock, stores in every configuration."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from store_helpers import CHEAP_KDF, PASS, TickClock

from storage import Store, StoreOptions

# The same contract must hold whether changes sit in the journal, are checkpointed at once,
# or partitions are re-read from disk on every access.
VARIANTS = {
    "journal": StoreOptions(),
    "checkpoint-each-commit": StoreOptions(checkpoint_every=1),
    "no-cache": StoreOptions(cache_partitions=0, checkpoint_every=3),
}


@pytest.fixture
def clock() -> TickClock:
    return TickClock()


@pytest.fixture(params=list(VARIANTS), ids=list(VARIANTS))
def options(request: pytest.FixtureRequest) -> StoreOptions:
    return VARIANTS[request.param]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def make_store(home: Path, clock: TickClock, options: StoreOptions) -> Iterator[Callable[..., Store]]:
    opened: list[Store] = []

    def make(*, reopen: bool = False) -> Store:
        if reopen:
            store = Store.open(home, PASS, clock=clock, options=options)
        else:
            store = Store.create(home, PASS, clock=clock, kdf=CHEAP_KDF, options=options)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store: Callable[..., Store]) -> Store:
    return make_store()
