"""The collector is held off only while a bulk operation runs, and left as it was found."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from storage import gcpause


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_nested_pauses_switch_the_collector_back_on_only_at_the_outermost_end() -> None:
    gc.enable()
    with gcpause.paused():
        assert not gc.isenabled()
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_application_stays_off() -> None:
    gc.disable()
    with gcpause.paused():
        pass
    assert not gc.isenabled()


def test_an_exception_inside_still_switches_it_back_on() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), gcpause.paused():
        raise RuntimeError("refused")
    assert gc.isenabled()
