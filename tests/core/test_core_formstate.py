"""Form values <-> record data, table rows, drafts: the logic behind the helper's record forms."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from core import formstate as fs
from core.record_checks import validate
from core.records import HELPER_KINDS
from core.schemas import KINDS

TODAY = date(2026, 5, 20)


def fill_registration(values: fs.Values, registration_data: dict[str, Any]) -> fs.Values:
    """Type every scalar of the fixture into the form, as text, the way a person does."""
    for name, value in registration_data.items():
        if name != "family":
            values = fs.set_value(values, name, str(value))
    return values


def test_every_helper_kind_starts_with_a_value_for_every_field_and_needed_rows() -> None:
    for kind in HELPER_KINDS:
        values = fs.new_values(kind)
        assert set(values) == set(KINDS[kind].names), kind
    assert len(fs.new_values("evaluation")["evaluators"]) == 3
    assert fs.new_values("evaluation")["evaluators"][0] == {"name": "", "identity": ""}
    assert fs.new_values("registration")["family"] == []


def test_registration_typed_with_two_family_rows_becomes_valid_typed_data(registration_data: dict[str, Any]) -> None:
    values = fill_registration(fs.new_values("registration"), registration_data)
    values = fs.add_row("registration", values, "family")
    values = fs.add_row("registration", values, "family")
    for i, member in enumerate(registration_data["family"]):
        for col, text in member.items():
            values = fs.set_value(values, f"family.{i}.{col}", text)
    data = fs.to_data("registration", values)
    assert data["age"] == 39 and isinstance(data["age"], int)
    assert data["family"] == [
        {"name": "张淼", "relation": "妻子", "workplace": "青石镇中心小学", "phone": "13812345678"},
        {"name": "李玥", "relation": "女儿", "workplace": "青石镇中心小学(学生)"},  # blank optional phone left out
    ]
    assert "main_problems" not in data and "remarks" not in data
    assert validate("registration", data, today=TODAY) == {}


def test_removing_a_middle_row_keeps_the_others_in_order() -> None:
    values = fs.new_values("registration")
    for who in ("甲", "乙", "丙"):
        values = fs.add_row("registration", values, "family")
        values = fs.set_value(values, f"family.{len(values['family']) - 1}.name", who)
    after = fs.remove_row("registration", values, "family", 1)
    assert [r["name"] for r in after["family"]] == ["甲", "丙"]
    assert [r["name"] for r in values["family"]] == ["甲", "乙", "丙"], "the original values must not change"
    assert fs.remove_row("registration", after, "family", 7) == after


def test_a_blank_added_row_is_reported_on_that_row_not_dropped() -> None:
    values = fs.add_row("registration", fs.new_values("registration"), "family")
    data = fs.to_data("registration", values)
    assert data["family"] == [{"name": "", "relation": ""}]
    errors = validate("registration", data, today=TODAY)
    assert errors["family.0.name"] == "家庭主要成员第1行:请填写姓名"
    assert errors["family.0.relation"] == "家庭主要成员第1行:请填写关系"


def test_bad_phone_in_second_row_is_keyed_to_that_cell() -> None:
    values = fs.new_values("registration")
    values = fs.add_row("registration", fs.add_row("registration", values, "family"), "family")
    values = fs.set_value(values, "family.1.phone", "12ab")
    errors = fs.error_paths(validate("registration", fs.to_data("registration", values), today=TODAY), "registration")
    assert "family.1.phone" in errors and errors["family.1.phone"].startswith("家庭主要成员第2行:")
    assert "_" not in errors


def test_rows_stop_at_the_table_maximum() -> None:
    values = fs.new_values("evaluation")
    for _ in range(10):
        values = fs.add_row("evaluation", values, "evaluators")
    assert len(values["evaluators"]) == 5
    assert not fs.can_add_row("evaluation", values, "evaluators")
    assert fs.can_add_row("evaluation", fs.remove_row("evaluation", values, "evaluators", 0), "evaluators")


def test_evaluation_with_two_evaluators_is_refused_with_the_count() -> None:
    values = fs.remove_row("evaluation", fs.new_values("evaluation"), "evaluators", 2)
    for i, name in enumerate(("王一", "赵二")):
        values = fs.set_value(values, f"evaluators.{i}.name", name)
    for name, text in (
        ("period", "2026年第一季度"),
        ("date", "2026-04-01"),
        ("law_abiding", "好"),
        ("community_service", "较好"),
        ("daily_conduct", "好"),
        ("grade", "好"),
        ("comments", "表现良好"),
    ):
        values = fs.set_value(values, name, text)
    errors = validate("evaluation", fs.to_data("evaluation", values), today=TODAY)
    assert errors == {"evaluators": "评议人应为3至5人,当前为2人"}
    values = fs.add_row("evaluation", values, "evaluators")
    values = fs.set_value(values, "evaluators.2.name", "孙三")
    assert validate("evaluation", fs.to_data("evaluation", values), today=TODAY) == {}


def test_bool_and_int_text_convert_and_garbage_is_left_for_validation_to_name() -> None:
    values = fs.new_values("declaration")
    values = fs.set_value(values, "attended", "是")
    assert fs.to_data("declaration", values)["attended"] is True
    values = fs.set_value(values, "attended", "否")
    assert fs.to_data("declaration", values)["attended"] is False
    reg = fs.set_value(fs.new_values("registration"), "age", "三十")
    data = fs.to_data("registration", reg)
    assert data["age"] == "三十"
    assert "年龄" in validate("registration", data, today=TODAY)["age"]


def test_saved_record_comes_back_as_the_same_values(registration_data: dict[str, Any]) -> None:
    values = fs.from_data("registration", registration_data)
    assert values["age"] == "39"
    assert values["family"][1] == {"name": "李玥", "relation": "女儿", "workplace": "青石镇中心小学(学生)", "phone": ""}
    again = fs.to_data("registration", values)
    assert fs.from_data("registration", again) == values
    declaration = fs.from_data("declaration", {"type": "入矫", "attended": False})
    assert declaration["attended"] == "否" and declaration["date"] == ""


def test_draft_round_trips_rows_through_json() -> None:
    values = fs.add_row("registration", fs.new_values("registration"), "family")
    values = fs.set_value(values, "family.0.name", "张淼")
    values = fs.set_value(values, "name", "李堃")
    stored = json.loads(json.dumps(fs.to_draft("registration", values), ensure_ascii=False))
    assert fs.from_draft("registration", stored) == values


def test_old_flat_draft_and_hostile_draft_are_read_safely() -> None:
    flat = fs.from_draft("visit", {"place": "家中", "date": "2026-05-01", "bogus": "x"})
    assert flat["place"] == "家中" and "bogus" not in flat
    hostile = fs.from_draft(
        "registration",
        {
            "v": 2,
            "values": {
                "family": [{"name": ["x"], "relation": "妻子", "evil": "y"}, "not a row"],
                "age": {"a": 1},
                "gender": True,
            },
        },
    )
    assert hostile["family"] == [{"name": "", "relation": "妻子", "workplace": "", "phone": ""}]
    assert hostile["age"] == "" and hostile["gender"] == ""
    assert fs.from_draft("registration", None) == fs.new_values("registration")


def test_set_value_refuses_a_row_that_does_not_exist() -> None:
    with pytest.raises(KeyError):
        fs.set_value(fs.new_values("registration"), "family.0.name", "x")


def test_errors_the_form_cannot_show_are_gathered_under_underscore() -> None:
    errors = fs.error_paths({"bogus": "包含无法识别的字段", "date": "请填写走访日期"}, "visit")
    assert errors == {"date": "请填写走访日期", "_": "包含无法识别的字段"}


def test_new_visit_starts_at_the_given_day_and_other_kinds_at_their_event_date_only() -> None:
    day = date(2026, 11, 23)
    visit = fs.new_values("visit", today=day)
    assert visit["date"] == "2026-11-23"
    guessed = {k: v for k, v in visit.items() if v}
    assert guessed == {
        "date": "2026-11-23",
        "place": "家中",
        "thinking_state": "稳定",
        "work_state": "正常",
        "life_state": "正常",
        "family_state": "正常",
    }, "only the place and the normal answers"
    assert fs.new_values("report", today=day)["occurred"] == "2026-11-23"
    assert fs.new_values("registration", today=day)["fill_date"] == "2026-11-23"
    assert fs.new_values("visit")["date"] == "", "without a day from the caller's clock no date is filled"
    # future dates (a term end) and optional dates are never prefilled
    assert fs.today_fields("subject") == ("judgment_date",)
    assert "filed_date" not in fs.today_fields("helper")
    for kind in HELPER_KINDS:
        assert len(fs.today_fields(kind)) == 1, kind
        values = fs.new_values(kind, today=TODAY)
        errors = validate(kind, fs.to_data(kind, values), today=TODAY)
        assert not set(errors) & set(fs.today_fields(kind)), (kind, errors)


def test_first_empty_required_skips_the_prefilled_date_and_optional_fields() -> None:
    paths = [f.name for f in KINDS["visit"].legacy]
    values = fs.new_values("visit", today=TODAY, fields=KINDS["visit"].legacy)
    values["date"] = TODAY.isoformat()
    assert fs.first_empty_required("visit", values, paths) == "place"
    values = fs.set_value(fs.set_value(values, "place", "家中"), "present", "  ")
    assert fs.first_empty_required("visit", values, paths) == "present", "blank text counts as empty"
    for name in ("present", "thinking", "work", "life", "family", "notes"):
        values = fs.set_value(values, name, "有")
    assert fs.first_empty_required("visit", values, paths) is None, "the optional 发现的情况 is not asked for"
    assert fs.first_empty_required("visit", fs.new_values("visit"), list(KINDS["visit"].names)) == "date"


def test_a_new_visit_asks_first_for_who_was_present_and_never_for_a_note() -> None:
    values = fs.new_values("visit", today=TODAY)
    paths = list(KINDS["visit"].names)
    assert fs.first_empty_required("visit", values, paths) == "present_who"
    values = fs.set_value(values, "present_who", ["本人"])
    assert fs.first_empty_required("visit", values, paths) is None, "notes and 走访记录 are optional fields"


def test_first_empty_required_looks_into_table_cells_and_ignores_unknown_paths() -> None:
    values = fs.new_values("evaluation", today=TODAY)
    values = fs.set_value(values, "period", "2026年第一季度")
    values = fs.set_value(values, "evaluators.0.name", "甲")
    paths = ["period", "date", "evaluators.0.name", "evaluators.0.identity", "evaluators.1.name", "comments"]
    assert fs.first_empty_required("evaluation", values, paths) == "evaluators.1.name"
    assert fs.first_empty_required("evaluation", values, ["nope", "evaluators.9.name", "period"]) is None


def test_next_path_follows_form_order_and_stops_at_the_last_input() -> None:
    paths = ["date", "place", "present", "thinking"]
    assert fs.next_path(paths, "date") == "place"
    assert fs.next_path(paths, "present") == "thinking"
    assert fs.next_path(paths, "thinking") is None
    assert fs.next_path(paths, "gone") is None
