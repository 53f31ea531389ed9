"""Notice numbers: canonical format, lenient parsing, never reused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ValidationError
from core.numbering import format_number, next_seq, parse_number


def test_format_matches_the_printed_form() -> None:
    assert format_number(2026, 12) == "(2026)协通字第12号"


@given(year=st.integers(1900, 9999), seq=st.integers(1, 999_999))
def test_format_and_parse_round_trip(year: int, seq: int) -> None:
    assert parse_number(format_number(year, seq)) == (year, seq)


@pytest.mark.parametrize(
    "text",
    [
        "(2026)协通字第12号",
        "(2026)协通字第12号",
        " ( 2026 ) 协通字 第 12 号 ",
        "(2026)协通字第12号",
        "(2026)协通字第12号",
    ],
)
def test_parse_accepts_half_and_full_width_forms(text: str) -> None:
    assert parse_number(text) == (2026, 12)


@pytest.mark.parametrize("text", ["12", "第12号", "12号", " 12 "])
def test_bare_sequence_takes_the_default_year(text: str) -> None:
    assert parse_number(text, default_year=2025) == (2025, 12)


@pytest.mark.parametrize(
    "text", ["12", "", "abc", "(2026)协通字第0号", "(26)协通字第12号", "(2026)协通字第号", "(2026)公字第12号", "0"]
)
def test_unparseable_numbers_raise_a_validation_error_keyed_on_number(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_number(text)
    assert "number" in info.value.errors and "无法识别" in str(info.value)


def test_parse_rejects_non_text_with_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        parse_number(12, default_year=2026)  # type: ignore[arg-type]


@pytest.mark.parametrize("year,seq", [(2026, 0), (1800, 1), (2026, -3)])
def test_format_refuses_impossible_numbers(year: int, seq: int) -> None:
    with pytest.raises(ValidationError):
        format_number(year, seq)


def test_next_seq_starts_at_one_and_is_per_year() -> None:
    assert next_seq([], 2026) == 1
    assert next_seq([(2025, 40)], 2026) == 1
    assert next_seq([(2025, 40), (2026, 3)], 2026) == 4


def test_next_seq_never_fills_gaps_left_by_voided_notices() -> None:
    assert next_seq([(2026, 1), (2026, 5)], 2026) == 6


@given(st.lists(st.tuples(st.integers(2024, 2027), st.integers(1, 500)), max_size=40), st.integers(2024, 2027))
def test_next_seq_is_never_already_used(used: list[tuple[int, int]], year: int) -> None:
    seq = next_seq(used, year)
    assert (year, seq) not in used
    assert all(seq > s for y, s in used if y == year)
    assert next_seq(iter(used), year) == seq  # works on one-shot iterables too
