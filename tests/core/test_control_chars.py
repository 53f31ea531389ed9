"""Control characters (C0, DEL, C1) are refused in typed text, with the field named; tab and
newline pass only in multi-line fields."""

from __future__ import annotations

from datetime import date

import pytest

from core import validation as v
from core.kinds import validate

TODAY = date(2026, 11, 23)
VISIT = {
    "date": "2026-11-20",
    "place": "家中",
    "present": "本人及母亲",
    "thinking": "稳定",
    "work": "在厂里上班",
    "life": "正常",
    "family": "和睦",
    "notes": "按时报到",
}
# every C0 except tab and newline, DEL, and a sample of C1 (NEL, CSI, the ends of the range)
CONTROLS = [chr(c) for c in range(0x20) if c not in (0x09, 0x0A)] + ["\x7f", "\x80", "\x85", "\x9b", "\x9f"]


def test_the_valid_visit_is_valid() -> None:
    assert validate("visit", VISIT, today=TODAY) == {}


@pytest.mark.parametrize("ch", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_a_control_character_in_any_text_field_is_refused_naming_the_field(ch: str) -> None:
    for field, label in (("place", "走访地点"), ("notes", "走访记录")):
        errors = validate("visit", {**VISIT, field: f"家中{ch}客厅"}, today=TODAY)
        assert set(errors) == {field}, errors
        message = errors[field]
        assert message.startswith(label) and ("控制字符" in message or "换行" in message), message


@pytest.mark.parametrize("ch", ["\t", "\n"])
def test_tab_and_newline_pass_in_a_multi_line_field_only(ch: str) -> None:
    assert validate("visit", {**VISIT, "notes": f"第一段{ch}第二段"}, today=TODAY) == {}
    errors = validate("visit", {**VISIT, "place": f"家中{ch}客厅"}, today=TODAY)
    assert set(errors) == {"place"} and errors["place"].startswith("走访地点")


def test_a_newline_in_a_one_line_field_says_so_in_words() -> None:
    assert v.check_control_chars("王\n五", "姓名") == "姓名只能填写一行,请删除其中的换行"
    assert v.check_control_chars("王\r五", "姓名") == "姓名只能填写一行,请删除其中的换行"


def test_the_message_points_at_the_character() -> None:
    assert v.check_control_chars("张三\x1b[2J", "姓名") == "姓名含有不可见的控制字符(第3个字符,U+001B),请删除后重新填写"


def test_text_around_the_control_ranges_is_accepted() -> None:
    edges = " ~\xa0\u00e9\u200b\u3000喆"  # space, tilde, NBSP, é, ZWSP, ideographic space, CJK
    assert v.check_control_chars(edges, "姓名") is None


def test_rows_and_lists_of_strings_are_checked_too() -> None:
    subject = {"family": [{"name": "李\x07四", "relation": "父亲"}]}
    errors = validate("registration", subject, today=TODAY)
    assert any(k.startswith("family.0.name") and "控制字符" in m for k, m in errors.items()), errors
    tasks = validate("notice", {"tasks": ["协助调查评估", "走访\x00"]}, today=TODAY)
    assert "tasks.0" not in tasks
    assert tasks["tasks.1"] == "协助事项第2项含有不可见的控制字符(第3个字符,U+0000),请删除后重新填写"


@pytest.mark.parametrize("multiline", [False, True])
def test_every_code_point_is_judged_as_is_control_says(multiline: bool) -> None:
    """The check is one regular expression; this holds it to the character-by-character rule."""
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue  # surrogates are not text
        ch = chr(code)
        allowed = not v.is_control(ch) or (multiline and ch in v.MULTILINE_CONTROLS)
        message = v.check_control_chars(f"ab{ch}", "备注", multiline=multiline)
        assert (message is None) == allowed, f"U+{code:04X}"
        if message is not None and not (ch in "\r\n" and not multiline):
            assert f"第3个字符,U+{code:04X}" in message
