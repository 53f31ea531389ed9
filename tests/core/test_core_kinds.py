"""Schemas and validation of every kind, centred on the two official forms."""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

import pytest

from core import kinds
from core.errors import ValidationError, XietongError
from core.kinds import KINDS, check, validate
from core.records import ALL_KINDS, HELPER_KINDS, OFFICE_KINDS


def test_every_record_kind_has_a_schema_and_a_chinese_label() -> None:
    assert set(KINDS) == set(ALL_KINDS)
    assert set(kinds.KIND_LABELS) == set(ALL_KINDS)
    assert kinds.KIND_LABELS["visit"] == "走访记录"
    assert kinds.KIND_LABELS["report"] == "重要情况报告"
    assert kinds.KIND_LABELS["registration"] == "社区矫正对象基本情况登记表"
    assert kinds.KIND_LABELS["notice"] == "协助社区矫正工作通知单"
    assert OFFICE_KINDS.isdisjoint(HELPER_KINDS)


def test_every_field_uses_a_known_type_and_a_label() -> None:
    for schema in KINDS.values():
        names = [f.name for f in schema.fields]
        assert len(names) == len(set(names)), schema.kind
        for f in schema.fields:
            assert f.type in kinds.FIELD_TYPES
            assert f.label
            if f.type == kinds.CHOICE:
                assert f.choices
            if f.type == kinds.ROWS:
                assert f.row


def test_catalogues_match_the_seed() -> None:
    assert len(kinds.DUTIES) == 7 and kinds.DUTIES[0] == "协助调查评估"
    assert kinds.DUTIES[-1] == "其他依法应当协助的工作"
    assert kinds.CATEGORIES == ("管制", "缓刑", "假释", "暂予监外执行")
    assert kinds.RATINGS == ("好", "较好", "一般", "差")
    assert set(kinds.TEAM_SLOTS) == {
        "office_staff",
        "police",
        "social_worker",
        "volunteer",
        "committee",
        "family",
        "employer",
        "x",
    }
    assert kinds.TEAM_SLOTS["police"] == "社区民警"
    assert "家庭重大变故" in kinds.REPORT_CATEGORIES and "居住地变更" in kinds.REPORT_CATEGORIES


def test_registration_schema_has_every_box_of_the_form_in_order() -> None:
    names = KINDS["registration"].names
    assert names[:4] == ("committee", "filler", "fill_date", "name")
    assert names.index("personality") < names.index("skills") < names.index("other_traits")
    family = KINDS["registration"].field("family")
    assert [c.label for c in family.row] == ["姓名", "关系", "工作单位或住址", "联系电话"]
    assert KINDS["registration"].field("main_problems").label == "存在的主要问题"


# --- 附件1 notice ---------------------------------------------------------------------------


def test_filled_notice_is_valid(notice_data: dict[str, Any], today: date) -> None:
    assert validate("notice", notice_data, today=today) == {}
    check("notice", notice_data, today=today)


@pytest.mark.parametrize("count,ok", [(0, False), (1, True), (10, True), (11, False)])
def test_notice_needs_one_to_ten_tasks(notice_data: dict[str, Any], today: date, count: int, ok: bool) -> None:
    notice_data["tasks"] = [kinds.DUTIES[i % 7] + str(i) for i in range(count)]
    errors = validate("notice", notice_data, today=today)
    assert ("tasks" not in errors) is ok
    if not ok:
        assert "1至10项" in errors["tasks"] and f"当前为{count}项" in errors["tasks"]


def test_notice_blank_task_is_pointed_at_by_index(notice_data: dict[str, Any], today: date) -> None:
    notice_data["tasks"] = ["协助调查评估", "  "]
    assert set(validate("notice", notice_data, today=today)) == {"tasks.1"}


def test_notice_missing_name_says_fill_in_name(notice_data: dict[str, Any]) -> None:
    del notice_data["name"]
    assert validate("notice", notice_data) == {"name": "请填写姓名"}


def test_notice_term_end_before_start_is_refused(notice_data: dict[str, Any], today: date) -> None:
    notice_data["term_end"] = "2026-03-01"
    errors = validate("notice", notice_data, today=today)
    assert "晚于起始日期" in errors["term_end"]
    notice_data["term_end"] = notice_data["term_start"]
    assert "term_end" in validate("notice", notice_data, today=today)


def test_notice_term_starting_before_judgment_is_refused(notice_data: dict[str, Any]) -> None:
    notice_data["term_start"] = "2026-03-01"
    assert "判决日期" in validate("notice", notice_data)["term_start"]


def test_notice_number_must_agree_with_year_and_seq(notice_data: dict[str, Any]) -> None:
    notice_data["seq"] = 13
    errors = validate("notice", notice_data)
    assert set(errors) == {"number"} and "(2026)协通字第13号" in errors["number"]


def test_notice_issued_in_the_future_is_refused_only_when_today_is_known(notice_data: dict[str, Any]) -> None:
    notice_data["issue_date"] = "2026-06-01"
    assert "不能晚于今天" in validate("notice", notice_data, today=date(2026, 5, 20))["issue_date"]
    assert validate("notice", notice_data) == {}
    # term end lies in the future legitimately
    assert "term_end" not in validate("notice", notice_data, today=date(2026, 5, 20))


@pytest.mark.parametrize(
    "phone",
    [
        "12345678901",
        "1391234567",
        "139123456789",
        "0555-242630",
        "555-2426309",
        "phone",
        "+8613912345678",
        "139 1234 5678",
        "13912345678",
    ],
)
def test_bad_contact_phones_are_refused(notice_data: dict[str, Any], phone: str) -> None:
    notice_data["contact_phone"] = phone
    errors = validate("notice", notice_data)
    if phone == "13912345678":
        assert errors == {}
    else:
        assert "格式不正确" in errors["contact_phone"]


@pytest.mark.parametrize("phone", ["13912345678", "19900001111", "0555-2426309", "05552426309", "010-12345678"])
def test_mobile_and_landline_phones_are_accepted(notice_data: dict[str, Any], phone: str) -> None:
    notice_data["contact_phone"] = phone
    assert validate("notice", notice_data) == {}


@pytest.mark.parametrize("bad", ["2026-02-30", "2026/03/16", "16-03-2026", "20260316", "2026-3-16", "", 20260316])
def test_impossible_or_malformed_dates_are_refused(notice_data: dict[str, Any], bad: Any) -> None:
    notice_data["issue_date"] = bad
    assert "issue_date" in validate("notice", notice_data)


def test_dates_before_1900_are_refused(notice_data: dict[str, Any]) -> None:
    notice_data["judgment_date"] = "1899-12-31"
    notice_data["birth"] = "1850-01"
    errors = validate("notice", notice_data)
    assert "年份不合理" in errors["judgment_date"] and "年份不合理" in errors["birth"]


def test_choices_must_be_among_allowed_values(notice_data: dict[str, Any]) -> None:
    notice_data["category"] = "监外执行"
    notice_data["gender"] = "M"
    errors = validate("notice", notice_data)
    assert errors["category"].startswith("矫正类别只能选择") and "暂予监外执行" in errors["category"]
    assert "gender" in errors


# --- 附件2 registration ---------------------------------------------------------------------


def test_filled_registration_is_valid(registration_data: dict[str, Any], today: date) -> None:
    assert validate("registration", registration_data, today=today) == {}


def test_family_rows_need_name_and_relation(registration_data: dict[str, Any]) -> None:
    registration_data["family"].append({"name": "", "relation": "", "workplace": "", "phone": "123"})
    errors = validate("registration", registration_data)
    assert set(errors) == {"family.2.name", "family.2.relation", "family.2.phone"}
    assert errors["family.2.name"] == "家庭主要成员第3行:请填写姓名"


def test_main_problems_required_when_family_has_problems(registration_data: dict[str, Any]) -> None:
    registration_data["family_problem"] = "是"
    assert "main_problems" in validate("registration", registration_data)
    registration_data["main_problems"] = "与妻子因债务多次争吵"
    assert validate("registration", registration_data) == {}


def test_registration_family_problem_must_be_yes_or_no(registration_data: dict[str, Any]) -> None:
    registration_data["family_problem"] = True
    assert "family_problem" in validate("registration", registration_data)


@pytest.mark.parametrize("age", [-1, 5, 121, "39", 39.0, True])
def test_registration_age_must_be_a_plausible_integer(registration_data: dict[str, Any], age: Any) -> None:
    registration_data["age"] = age
    assert "age" in validate("registration", registration_data)


def test_registration_filled_in_the_future_is_refused(registration_data: dict[str, Any]) -> None:
    registration_data["fill_date"] = "2026-05-21"
    assert "fill_date" in validate("registration", registration_data, today=date(2026, 5, 20))


# --- evaluation and other kinds --------------------------------------------------------------


def _evaluation(n: int) -> dict[str, Any]:
    return {
        "period": "2026年第1季度",
        "date": "2026-04-02",
        "evaluators": [{"name": f"代表{i}", "identity": "居民代表"} for i in range(n)],
        "law_abiding": "好",
        "community_service": "较好",
        "daily_conduct": "好",
        "grade": "较好",
        "comments": "遵守规定,按时参加社区服务",
    }


@pytest.mark.parametrize("n,ok", [(0, False), (2, False), (3, True), (5, True), (6, False)])
def test_evaluation_needs_three_to_five_evaluators(n: int, ok: bool) -> None:
    errors = validate("evaluation", _evaluation(n))
    assert (errors == {}) is ok
    if not ok:
        assert set(errors) == {"evaluators"} and "3至5人" in errors["evaluators"]


def test_each_evaluator_needs_a_name_but_identity_is_optional() -> None:
    data = _evaluation(3)
    data["evaluators"][1] = {"name": " ", "identity": "居民代表"}
    data["evaluators"][2] = {"name": "赵犇"}
    assert set(validate("evaluation", data)) == {"evaluators.1.name"}


def test_evaluation_rating_outside_scale_is_refused() -> None:
    data = _evaluation(3)
    data["grade"] = "优秀"
    assert set(validate("evaluation", data)) == {"grade"}


def test_visit_date_in_the_future_is_refused() -> None:
    visit = {
        "date": "2026-05-21",
        "place": "家中",
        "present": "本人及妻子",
        "thinking": "稳定",
        "work": "正常",
        "life": "正常",
        "family": "和睦",
        "notes": "按时报到",
    }
    assert validate("visit", visit, today=date(2026, 5, 21)) == {}
    assert "不能晚于今天" in validate("visit", visit, today=date(2026, 5, 20))["date"]


def test_declaration_attendance_must_be_a_boolean() -> None:
    decl = {"type": "入矫", "date": "2026-03-14", "place": "青石镇司法所", "attended": False, "attendees": "陈曌"}
    assert validate("declaration", decl) == {}
    decl["attended"] = "否"
    assert set(validate("declaration", decl)) == {"attended"}


def test_helper_needs_all_four_conditions_and_hex_keys() -> None:
    helper = {
        "name": "陈曌",
        "committee": "河口村民委员会",
        "phone": "13900001111",
        "fingerprint": "1" * 30,
        "sign_pub": "ab" * 32,
        "enc_pub": "cd" * 32,
        "conditions": [1, 2, 3, 4],
        "reviewer": "王喆",
        "review_date": "2026-01-05",
        "enrolled_date": "2026-01-06",
        "status": "active",
    }
    assert validate("helper", helper) == {}
    helper["conditions"] = [1, 2, 2, 5]
    helper["sign_pub"] = "zz" * 32
    helper["status"] = "gone"
    errors = validate("helper", helper)
    assert {"conditions.2", "conditions.3", "sign_pub", "status"} <= set(errors)
    assert "在册" in errors["status"]


def test_team_member_slot_must_be_a_4x_slot() -> None:
    team = {
        "members": [
            {"slot": "police", "name": "刘翀", "phone": "13700000000", "unit": "青石派出所"},
            {"slot": "boss", "name": "某人"},
        ]
    }
    assert set(validate("team", team)) == {"members.1.slot"}


def test_unknown_fields_are_reported() -> None:
    data = _evaluation(3)
    data["secret"] = "x"
    data[7] = "y"
    assert set(validate("evaluation", data)) == {"secret", "7"}


# --- garbage in -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [None, 3, "nope", ["visit"], {"a": 1}])
def test_unknown_kind_is_an_error_not_a_crash(kind: Any) -> None:
    assert set(validate(kind, {})) == {"kind"}


@pytest.mark.parametrize("data", [None, [], "visit", 3, b"x"])
def test_data_that_is_not_a_dict_is_an_error(data: Any) -> None:
    assert set(validate("visit", data)) == {"_"}


def test_wrong_types_get_messages_not_exceptions(notice_data: dict[str, Any]) -> None:
    notice_data.update(
        name=123,
        birth=198607,
        tasks="协助调查评估",
        year="2026",
        judgment_date=None,
        committee=["x"],
        gender=["男"],
        contact_phone=13912345678,
    )
    errors = validate("notice", notice_data)
    assert errors["name"] == "姓名应为文字,请重新填写"
    for key in ("birth", "tasks", "year", "judgment_date", "committee", "gender", "contact_phone"):
        assert key in errors, key


def test_rows_of_junk_are_reported_per_row(registration_data: dict[str, Any]) -> None:
    registration_data["family"] = [None, 3, ["a"], {"name": 5, "relation": {}, "extra": 1}]
    errors = validate("registration", registration_data)
    assert {"family.0", "family.1", "family.2", "family.3.name", "family.3.relation", "family.3.extra"} <= set(errors)


def test_check_raises_validation_error_with_field_errors(notice_data: dict[str, Any]) -> None:
    notice_data["name"] = ""
    with pytest.raises(ValidationError) as info:
        check("notice", notice_data)
    assert info.value.errors == {"name": "请填写姓名"}
    assert isinstance(info.value, XietongError) and "请填写姓名" in str(info.value)


def test_today_may_be_a_datetime() -> None:
    from datetime import datetime

    visit = {
        "date": "2026-05-21",
        "place": "家中",
        "present": "本人",
        "thinking": "稳定",
        "work": "正常",
        "life": "正常",
        "family": "和睦",
        "notes": "无",
    }
    assert "date" in validate("visit", visit, today=datetime(2026, 5, 20, 23, tzinfo=UTC))


def test_label_reaches_into_rows() -> None:
    assert kinds.label("registration", "family.1.phone") == "联系电话"
    assert kinds.label("visit", "date") == "走访日期"
    assert kinds.label("nope", "x") == "x"
