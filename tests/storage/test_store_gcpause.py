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


def test_objects_made_during_a_pause_leave_the_youngest_generation_so_no_collection_walks_them_at_once() -> None:
    gc.enable()
    with gcpause.paused():
        made = [{"n": [i]} for i in range(20_000)]
    young = {id(o) for o in gc.get_objects(generation=0)}
    assert not any(id(d) in young for d in made[::1000])
    assert any(d is made[0] for d in gc.get_objects(generation=2))
