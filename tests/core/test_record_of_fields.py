"""``Record.of_fields``: the record ``from_dict`` builds, from fields already of their types."""

from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError, replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.records import Record

FIELDS = st.fixed_dictionaries(
    {
        "id": st.text(min_size=1, max_size=8),
        "kind": st.sampled_from(["visit", "subject", "report"]),
        "subject": st.none() | st.text(min_size=1, max_size=8),
        "author": st.text(max_size=8),
        "revision": st.integers(min_value=1, max_value=99),
        "created": st.text(max_size=8),
        "updated": st.text(max_size=8),
        "deleted": st.booleans(),
        "data": st.dictionaries(st.text(max_size=4), st.text(max_size=4) | st.integers(), max_size=4),
    }
)


@given(FIELDS)
def test_a_record_of_fields_is_the_record_from_dict_builds(d: dict[str, Any]) -> None:
    fast, slow = Record.of_fields(dict(d)), Record.from_dict(d)
    assert fast == slow
    assert fast.to_dict() == slow.to_dict() == d
    assert fast.content_hash() == slow.content_hash()
    assert replace(fast, revision=fast.revision + 1) == replace(slow, revision=slow.revision + 1)
    assert pickle.loads(pickle.dumps(fast)) == slow


def test_a_record_of_fields_is_still_frozen() -> None:
    d = {"id": "r", "kind": "visit", "subject": "s", "author": "a", "revision": 1}
    record = Record.of_fields({**d, "created": "t", "updated": "t", "deleted": False, "data": {}})
    with pytest.raises(FrozenInstanceError):
        record.revision = 2  # type: ignore[misc]
    assert record.revision == 1
