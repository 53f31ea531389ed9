"""The assessment period an officer types (2026, 2026-Q1, 2026-03) read into the label and the two
dates the console's form holds; a running period ends today; bad text is quoted back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fakes import CHEAP, PASS

from core.errors import BadFingerprint, NotFound, ValidationError
from sync.app.office.assessment import assess_helper, helper_assessments, period_bounds
from sync.app.session import Service

TODAY = date(2026, 5, 20)


@pytest.mark.parametrize(
    ("typed", "bounds"),
    [
        ("2025", ("2025年度", "2025-01-01", "2025-12-31")),
        ("2025年度", ("2025年度", "2025-01-01", "2025-12-31")),
        ("2026", ("2026年度", "2026-01-01", "2026-05-20")),
        ("2025-Q4", ("2025年第4季度", "2025-10-01", "2025-12-31")),
        (" 2026q1 ", ("2026年第1季度", "2026-01-01", "2026-03-31")),
        ("2026-Q2", ("2026年第2季度", "2026-04-01", "2026-05-20")),
        ("2024-02", ("2024年2月", "2024-02-01", "2024-02-29")),
        ("2026/5", ("2026年5月", "2026-05-01", "2026-05-20")),
    ],
)
def test_a_period_reads_as_the_console_form_holds_it(typed: str, bounds: tuple[str, str, str]) -> None:
    assert period_bounds(typed, TODAY) == bounds


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("2026-Q5", "考核期间“2026-Q5”无法识别"),
        ("2026-13", "考核期间“2026-13”无法识别"),
        ("上半年", "考核期间“上半年”无法识别"),
        ("", "考核期间“”无法识别"),
        ("2026-06", "考核期间“2026-06”尚未开始"),
        ("2027", "考核期间“2027”尚未开始"),
    ],
)
def test_a_period_that_is_none_of_these_or_not_begun_is_refused_quoting_it(typed: str, said: str) -> None:
    with pytest.raises(ValidationError) as refused:
        period_bounds(typed, TODAY)
    assert said in refused.value.errors["period"] and said in str(refused.value)


def test_the_helper_to_assess_is_asked_for_and_a_wrong_one_quoted(tmp_path: Path) -> None:
    svc = Service(tmp_path / "office", kdf=CHEAP)
    svc.setup("office", "东岭司法所", PASS)
    args = ("2026年第1季度", "2026-01-01", "2026-03-31")
    with pytest.raises(ValidationError, match="请选择要考核的协助人员"):
        assess_helper(svc, " ", *args, result="合格", evaluation="好")
    with pytest.raises(BadFingerprint, match="身份指纹“1234”应为30位数字"):
        assess_helper(svc, "1234", *args, result="合格", evaluation="好")
    with pytest.raises(NotFound, match="找不到身份指纹为“12345 12345 12345 12345 12345 12345”的协助人员"):
        helper_assessments(svc, "12345 12345 12345 12345 12345 12345")
    assert svc.store.list("assessment") == []
