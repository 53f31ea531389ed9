"""A new registration form (附件2) starts from what the subject record and the helper already say."""

from __future__ import annotations

from datetime import date
from typing import Any

from core import formstate as fs
from core.demo import SAMPLE_SUBJECT
from core.schemas import KINDS, SECTIONS, section_of

TODAY = date(2026, 11, 23)
SUBJECT: dict[str, Any] = {**SAMPLE_SUBJECT, "household": "四川省某县城关镇", "phone": "13800138000"}


def test_new_registration_copies_the_subjects_particulars_and_the_helpers_name() -> None:
    values = fs.prefill("registration", SUBJECT, "王五", today=TODAY)
    assert values["name"] == "张三"
    assert values["gender"] == "男"
    assert values["residence"] == "四川省某县某镇"  # 居住地 -> 居住地址
    assert values["household"] == "四川省某县城关镇"  # 户籍地 -> 户籍地址, not mixed up with residence
    assert values["committee"] == "青山村民委员会"
    assert values["contact"] == "13800138000"
    assert values["filler"] == "王五"
    assert values["fill_date"] == "2026-11-23"
    assert values["age"] == "46"  # 出生年月 1980-05, on the fill date
    # what only the helper can find out stays empty, and the table starts without rows
    assert values["ethnicity"] == "" and values["personality"] == "" and values["family"] == []
    assert set(values) == set(KINDS["registration"].names)


def test_prefilled_values_are_what_new_values_gives_plus_only_the_mapped_fields() -> None:
    plain = fs.new_values("registration", today=TODAY)
    filled = fs.prefill("registration", SUBJECT, "王五", today=TODAY)
    changed = {k for k in plain if plain[k] != filled[k]}
    assert changed == {"name", "gender", "residence", "household", "committee", "contact", "filler", "age"}


def test_a_subject_value_the_form_would_refuse_as_a_choice_is_left_for_the_person() -> None:
    values = fs.prefill("registration", {**SUBJECT, "gender": "未知"}, "王五", today=TODAY)
    assert values["gender"] == ""
    assert values["name"] == "张三"


def test_missing_or_blank_subject_fields_and_blank_helper_name_leave_fields_empty() -> None:
    values = fs.prefill("registration", {"name": "  李四 ", "residence": "", "phone": None}, "   ", today=TODAY)
    assert values["name"] == "李四"
    assert values["residence"] == "" and values["contact"] == "" and values["household"] == ""
    assert values["filler"] == ""
    assert fs.prefill("registration", None, None) == fs.new_values("registration")


def test_age_is_full_years_on_the_day_from_the_birth_month() -> None:
    assert fs.age_on("1980-05", date(2026, 4, 30)) == 45  # before the birth month
    assert fs.age_on("1980-05", date(2026, 5, 1)) == 46  # in it: taken as passed
    assert fs.age_on("1980-05", date(2026, 11, 23)) == 46
    assert fs.age_on("2026-12", date(2026, 11, 23)) is None  # not born yet
    for bad in (None, "", "1980", "1980-13", "一九八〇年五月", 1980):
        assert fs.age_on(bad, date(2026, 11, 23)) is None


def test_an_age_the_form_would_refuse_or_no_birth_month_leaves_age_empty() -> None:
    assert fs.prefill("registration", {**SUBJECT, "birth": "2020-01"}, "王五", today=TODAY)["age"] == ""  # 6 < 12
    assert fs.prefill("registration", {**SUBJECT, "birth": "不详"}, "王五", today=TODAY)["age"] == ""
    assert fs.prefill("registration", SUBJECT, "王五")["age"] == ""  # no day to count to


def test_other_kinds_are_not_prefilled_from_the_subject() -> None:
    assert fs.prefill("visit", SUBJECT, "王五", today=TODAY) == fs.new_values("visit", today=TODAY)


def test_prefilled_registration_survives_a_draft_round_trip_unchanged() -> None:
    values = fs.prefill("registration", SUBJECT, "王五", today=TODAY)
    assert fs.from_draft("registration", fs.to_draft("registration", values)) == values


def test_long_form_titles_get_a_short_app_bar_title_and_the_full_one_in_the_body() -> None:
    bar, full = fs.form_titles("registration", editing=False)
    assert full == "新增社区矫正对象基本情况登记表"
    assert bar == "新增登记表" and len(bar) <= fs.BAR_TITLE_MAX
    bar, full = fs.form_titles("registration", editing=True)
    assert full == "修改社区矫正对象基本情况登记表" and bar == "修改登记表"
    assert fs.form_titles("visit", editing=False) == ("新增走访记录", None)
    assert fs.form_titles("report", editing=True) == ("修改重要情况报告", None)


def test_registration_groups_its_traits_under_the_seeds_heading_in_form_order() -> None:
    assert section_of("registration", "skills") == ("个体特征", ("personality", "skills", "other_traits"))
    assert section_of("registration", "name") is None
    assert section_of("visit", "skills") is None
    names = KINDS["registration"].names
    for kind, sections in SECTIONS.items():
        order = KINDS[kind].names
        for heading, members in sections:
            start = order.index(members[0])
            assert order[start : start + len(members)] == members, (kind, heading)  # consecutive
    assert [KINDS["registration"].field(n).label for n in ("personality", "skills", "other_traits")] == [
        "性格特点",
        "能力专长",
        "其他特征",
    ]
    assert names.index("work_status") + 1 == names.index("personality")
