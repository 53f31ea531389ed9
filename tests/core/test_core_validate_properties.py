"""validate() must answer every input with messages, never an exception."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from core.record_checks import validate
from core.schemas import KINDS

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.binary(max_size=8),
    st.sampled_from(["2026-02-30", "1899-01-01", "2026-05", "是", "紧急", "13912345678"]),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=6), st.dictionaries(st.text(max_size=10), inner, max_size=6)),
    max_leaves=12,
)


def _field_keyed_dicts() -> st.SearchStrategy[dict[str, Any]]:
    names = sorted({f.name for s in KINDS.values() for f in s.fields} | {"x"})
    return st.dictionaries(st.sampled_from(names), _values, max_size=12)


@settings(max_examples=150, deadline=None)
@given(
    kind=st.one_of(st.sampled_from(sorted(KINDS)), _scalars),
    data=st.one_of(_field_keyed_dicts(), _values),
    today=st.one_of(st.none(), st.dates()),
)
def test_validate_never_raises_and_returns_sentences(kind: Any, data: Any, today: date | None) -> None:
    errors = validate(kind, data, today=today)
    assert isinstance(errors, dict)
    assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in errors.items())


@settings(max_examples=100, deadline=None)
@given(
    kind=st.sampled_from(sorted(KINDS)),
    data=st.dictionaries(st.one_of(st.text(max_size=5), st.integers(), st.none(), st.booleans()), _values),
)
def test_validate_never_raises_on_arbitrary_keys(kind: str, data: dict[Any, Any]) -> None:
    errors = validate(kind, data)
    assert isinstance(errors, dict)
    assert all(isinstance(k, str) for k in errors)


def test_dates_are_kept_only_as_short_text_and_forgotten_when_a_store_locks(tmp_path: Any) -> None:
    from core import validation
    from storage import KdfParams, Store

    validation.forget_cached_dates()
    long_text = "2026-03-01" + " " * 40 + "不是日期" * 1000  # a field of any length, refused as a date
    assert validation.parse_date(long_text) is None
    assert validation.parse_date(" 2026-03-02 ") == date(2026, 3, 2)
    assert validation._date_of_text.cache_info().currsize == 1  # the short one only
    store = Store.create(tmp_path / "s", "pass phrase 1", kdf=KdfParams(n=2**4))
    store.close()
    assert validation._date_of_text.cache_info().currsize == 0
    assert validation.parse_date("2026-03-02") == date(2026, 3, 2)  # and parsed again after
