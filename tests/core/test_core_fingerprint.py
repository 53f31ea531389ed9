"""Fingerprints: stable, purpose-bound, readable in groups of five."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import BadFingerprint, ValidationError
from core.fingerprint import fingerprint, group_fingerprint, normalise_fingerprint

SIGN = bytes(range(32))
ENC = bytes(range(32, 64))


def test_fingerprint_is_30_digits_and_matches_the_documented_construction() -> None:
    fp = fingerprint(SIGN, ENC)
    assert len(fp) == 30 and fp.isdigit()
    blob = b"xietong/v1/fingerprint" + (32).to_bytes(4, "big") + SIGN + (32).to_bytes(4, "big") + ENC
    expected = str(int.from_bytes(hashlib.sha256(blob).digest()[:16], "big") % 10**30).zfill(30)
    assert fp == expected


def test_fingerprint_is_stable_across_calls() -> None:
    assert fingerprint(SIGN, ENC) == fingerprint(bytearray(SIGN), bytes(ENC))


def test_fingerprint_depends_on_both_keys_and_their_order() -> None:
    fp = fingerprint(SIGN, ENC)
    assert fingerprint(ENC, SIGN) != fp
    assert fingerprint(SIGN, ENC[:-1] + b"\x00") != fp
    assert fingerprint(SIGN[:-1] + b"\xff", ENC) != fp


def test_length_prefix_prevents_shifting_bytes_between_keys() -> None:
    assert fingerprint(SIGN + ENC[:1], ENC[1:]) != fingerprint(SIGN, ENC)


@pytest.mark.parametrize("a,b", [(b"", ENC), (SIGN, b""), ("abc", ENC), (SIGN, None)])
def test_fingerprint_refuses_empty_or_non_bytes_keys(a: object, b: object) -> None:
    with pytest.raises(BadFingerprint):
        fingerprint(a, b)  # type: ignore[arg-type]


def test_grouping_in_fives() -> None:
    fp = "123456789012345678901234567890"
    assert group_fingerprint(fp) == "12345 67890 12345 67890 12345 67890"


@given(st.binary(min_size=1, max_size=64), st.binary(min_size=1, max_size=64))
def test_grouped_fingerprint_normalises_back(a: bytes, b: bytes) -> None:
    fp = fingerprint(a, b)
    grouped = group_fingerprint(fp)
    assert len(grouped.split(" ")) == 6
    assert normalise_fingerprint(grouped) == fp
    assert normalise_fingerprint(grouped.replace(" ", "-")) == fp


def test_normalise_accepts_full_width_digits_and_mixed_separators() -> None:
    typed = "12345 67890-12345\u300067890 — 12345 67890"
    assert normalise_fingerprint(typed) == "123456789012345678901234567890"


@pytest.mark.parametrize("bad", ["", "12345", "1" * 29, "1" * 31, "12345 67890 12345 67890 12345 6789O", None, 123])
def test_normalise_refuses_anything_but_30_digits_with_a_chinese_message(bad: object) -> None:
    with pytest.raises(ValidationError) as info:
        normalise_fingerprint(bad)  # type: ignore[arg-type]
    assert "30位数字" in str(info.value)
