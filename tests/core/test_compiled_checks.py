"""The compiled record checks (``core.compiled_checks``, by way of ``core.record_checks.compiled``) answer exactly as the full rules.

``validate`` takes the compiled path only when every field passes its compiled test; these
tests hold that a compiled test never accepts what the field's full check refuses (for every
field of every kind and shape, on values near each rule's edges), that ``validate`` returns the
same errors, in the same order, as the full rules for every kind, and that valid records of
every kind do take the compiled path (it is the import's fast path).
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from core import demo
from core.record_checks import CROSS_CHECKS, _check_field, compiled, field_errors, validate
from core.schemas import KINDS, Field

TODAY = date(2026, 5, 20)
SHAPES = [(kind, shape) for kind, s in sorted(KINDS.items()) for shape in (s.fields, s.legacy) if shape]
ALL_FIELDS = [f for _, shape in SHAPES for f in shape]


def reference(kind: Any, data: Any, today: date | None) -> dict[str, str]:
    """``validate`` as it was written before the compiled checks: every field in full."""
    if not isinstance(kind, str) or kind not in KINDS:
        return {"kind": "无法识别的记录类型,请更新应用或联系司法所"}
    if not isinstance(data, dict):
        return {"_": "记录内容格式不正确"}
    errors = field_errors(KINDS[kind].fields_for(data), data, today)
    for rule in CROSS_CHECKS.get(kind, ()):
        rule(data, errors)
    return errors


def _near(f: Field) -> st.SearchStrategy[Any]:
    """Values at and around a field's rules: its choices, lengths at the limit, dates at today."""
    texts = [
        "",
        " ",
        "\t",
        "a",
        " 对象家中 ",
        "x" * f.max_len,
        "x" * (f.max_len + 1),
        "行一\n行二",
        "a\tb",
        "a\rb",
        "a\x00",
        "a\x85",
        "1" * 30,
        " " + "1" * 30,
        "2026-05-20",
        "2026-05-21",
        "2026-05-19",
        " 2026-05-20 ",
        "1899-12-31",
        "1900-01-01",
        "2100-12-31",
        "2101-01-01",
        "2026-02-30",
        "2026-5-20",
        "２０２６-05-20",
        "1986-07",
        "13912345678",
        "0555-2426309",
        *f.choices,
        *(f" {c}" for c in f.choices),
    ]
    return st.one_of(
        st.sampled_from(texts),
        st.none(),
        st.booleans(),
        st.integers(min_value=-3, max_value=30),
        st.sampled_from([f.lo, f.hi, (f.lo or 0) - 1, (f.hi or 0) + 1]),
        st.lists(st.sampled_from(texts[:6] + list(f.choices)), max_size=3),
        st.dictionaries(st.sampled_from(["name", "x"]), st.text(max_size=3), max_size=2),
        st.text(max_size=12),
        st.floats(allow_nan=False),
    )


@settings(max_examples=1500, deadline=None)
@given(data=st.data(), today=st.one_of(st.none(), st.just(TODAY)))
def test_a_compiled_test_never_accepts_what_the_full_check_refuses(data: st.DataObject, today: date | None) -> None:
    f = data.draw(st.sampled_from(ALL_FIELDS))
    value = data.draw(_near(f))
    comp = compiled((f,))
    if comp.passes({f.name: value} if value is not None else {}, today):
        errors: dict[str, str] = {}
        _check_field(f, value, f.name, errors, today)
        assert errors == {}, (f, value)


def test_a_field_left_out_passes_exactly_as_one_given_as_null_and_as_the_full_check_says() -> None:
    asked = 0
    for f in ALL_FIELDS:
        comp = compiled((f,))
        if not comp.tests:
            continue
        errors: dict[str, str] = {}
        _check_field(f, None, f.name, errors, TODAY)
        assert comp.passes({}, TODAY) == comp.passes({f.name: None}, TODAY) == (errors == {}), f
        asked += errors != {}
    assert asked > 20  # required fields of many kinds among them


def _record_data(draw: Any, shape: tuple[Field, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in shape:
        if draw(st.integers(0, 9)) == 0:
            continue  # missing
        out[f.name] = draw(_near(f))
    if draw(st.integers(0, 9)) == 0:
        out["unknown"] = "x"
    return out


@settings(max_examples=600, deadline=None)
@given(data=st.data(), today=st.one_of(st.none(), st.just(TODAY)))
def test_validate_answers_as_the_full_rules_for_every_kind(data: st.DataObject, today: date | None) -> None:
    kind, shape = data.draw(st.sampled_from(SHAPES))
    record = _record_data(data.draw, shape)
    got = validate(kind, record, today=today)
    want = reference(kind, record, today)
    assert list(got.items()) == list(want.items())


def _demo_records() -> list[Any]:
    return demo.generate(
        random.Random(3), subjects=8, records_per_subject=25, office_fp="0" * 30, helper_fps=["1" * 30], today=TODAY
    )


def test_demo_records_of_every_kind_take_the_compiled_path_and_stay_valid() -> None:
    records = _demo_records()
    kinds = set()
    for r in records:
        if r.deleted and not r.data:
            continue
        fields = KINDS[r.kind].fields_for(r.data)
        assert validate(r.kind, r.data, today=TODAY) == reference(r.kind, r.data, TODAY) == {}
        assert compiled(fields).passes(r.data, TODAY), r.kind
        kinds.add(r.kind)
    assert len(kinds) >= 20  # the demo writes most kinds (23 of 27 when this was written)


def test_demo_records_mutated_one_field_at_a_time_answer_as_the_full_rules() -> None:
    rng = random.Random(5)
    bad: list[Any] = [None, "", " ", 3, True, "x" * 3000, "a\x01", "2099-01-01", [], {}, "不存在的选项"]
    for r in _demo_records()[:400]:
        if not r.data:
            continue
        for _ in range(3):
            data = dict(r.data)
            data[rng.choice(sorted(data))] = rng.choice(bad)
            assert list(validate(r.kind, data, today=TODAY).items()) == list(reference(r.kind, data, TODAY).items())
