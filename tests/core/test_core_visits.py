"""The visit as choices (issue 17): normal answers, notes required when not normal, 在场人员 chips,
与上次相同, the report an 异常 answer leads to, and visits saved as free text before."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core import formstate as fs
from core import visits
from core.kinds import KINDS, validate
from core.records import Record
from core.rules import summarise_subject, unusual_visits
from core.timeline import headline

TODAY = date(2026, 11, 23)
ROUTINE = {
    "date": "2026-11-23",
    "place": "家中",
    "present_who": ["本人"],
    "thinking_state": "稳定",
    "work_state": "正常",
    "life_state": "正常",
    "family_state": "正常",
}
LEGACY = {
    "date": "2026-03-02",
    "place": "家中",
    "present": "本人及其母亲",
    "thinking": "思想稳定,认罪悔罪",
    "work": "在家务农",
    "life": "生活正常",
    "family": "家庭和睦",
    "notes": "了解近况,未发现异常",
}


def test_a_routine_visit_needs_no_typed_word() -> None:
    assert validate("visit", ROUTINE, today=TODAY) == {}
    values = fs.set_value(fs.new_values("visit", TODAY), "present_who", ["本人"])
    assert fs.to_data("visit", values) == ROUTINE, "the form's defaults are exactly a routine visit"


@pytest.mark.parametrize(
    "state,value,label",
    [
        ("thinking_state", "有波动", "思想状况"),
        ("work_state", "有变化", "工作情况"),
        ("life_state", "异常", "生活情况"),
        ("family_state", "异常", "家庭情况"),
    ],
)
def test_an_answer_that_is_not_normal_needs_its_note_and_a_line_of_record(state: str, value: str, label: str) -> None:
    note = state.replace("_state", "_note")
    data = {**ROUTINE, state: value}
    errors = validate("visit", data, today=TODAY)
    assert errors[note] == f"{label}为“{value}”,请在{label}说明中写明具体情况"
    assert errors["notes"] == f"{label}“{value}”不是正常情况,请在走访记录中至少写一行"
    assert set(errors) == {note, "notes"}
    assert validate("visit", {**data, note: "失业在家"}, today=TODAY) == {"notes": errors["notes"]}
    assert validate("visit", {**data, note: "失业在家", "notes": "已告知可申请帮扶"}, today=TODAY) == {}


def test_a_note_on_a_normal_answer_is_allowed_and_a_blank_note_is_missing() -> None:
    assert validate("visit", {**ROUTINE, "work_note": "在建材厂上班"}, today=TODAY) == {}
    errors = validate(
        "visit", {**ROUTINE, "family_state": "异常", "family_note": "   ", "notes": "见说明"}, today=TODAY
    )
    assert list(errors) == ["family_note"]


def test_an_answer_outside_the_choices_and_who_was_present_are_checked() -> None:
    errors = validate("visit", {**ROUTINE, "thinking_state": "正常", "present_who": []}, today=TODAY)
    assert errors["thinking_state"] == "思想状况只能选择:稳定、有波动、异常"
    assert errors["present_who"] == "请选择在场人员"
    assert "thinking_note" not in errors, "no note is asked for an answer that is itself wrong"


def test_other_people_present_are_named_when_other_is_ticked_and_only_then() -> None:
    data = {**ROUTINE, "present_who": ["本人", "其他"]}
    assert validate("visit", data, today=TODAY) == {"present_other": "在场人员选了“其他”,请填写其他在场人员"}
    assert validate("visit", {**data, "present_other": "邻居王某"}, today=TODAY) == {}
    errors = validate("visit", {**ROUTINE, "present_other": "邻居王某"}, today=TODAY)
    assert errors == {"present_other": "在场人员未选“其他”,请删除其他在场人员或勾选“其他”"}
    assert validate("visit", {**ROUTINE, "present_who": ["本人", "邻居"]}, today=TODAY)["present_who.1"]


def test_a_visit_saved_as_free_text_stays_valid_with_its_own_rules() -> None:
    assert visits.is_legacy(LEGACY)
    assert validate("visit", LEGACY, today=TODAY) == {}
    errors = validate("visit", {k: v for k, v in LEGACY.items() if k != "work"}, today=TODAY)
    assert errors == {"work": "请填写工作情况"}, "the old form's rules: every paragraph required"
    mixed = validate("visit", {**ROUTINE, "thinking": "思想稳定"}, today=TODAY)
    assert mixed == {"thinking": "包含无法识别的字段,请更新应用或联系司法所"}, "one shape or the other, never both"
    assert not visits.is_legacy(ROUTINE) and not visits.is_legacy({"date": "2026-11-23", "place": "家中"})


def test_a_free_text_visit_is_corrected_and_drafted_in_its_own_shape() -> None:
    values = fs.from_data("visit", LEGACY)
    assert [f.name for f in fs.form_fields("visit", values)] == [f.name for f in KINDS["visit"].legacy]
    assert fs.to_data("visit", values) == LEGACY
    assert fs.from_draft("visit", fs.to_draft("visit", values)) == values
    assert fs.error_paths({"thinking": "请填写思想状况"}, "visit") == {"thinking": "请填写思想状况"}


def test_the_form_shows_a_note_only_when_it_is_needed_or_written_and_other_only_when_ticked() -> None:
    values = fs.new_values("visit", TODAY)
    shown = [f.name for f in fs.form_fields("visit", values)]
    assert shown == [
        "date",
        "place",
        "present_who",
        "thinking_state",
        "work_state",
        "life_state",
        "family_state",
        "notes",
        "situation",
    ]
    values = fs.set_value(values, "work_state", "有变化")
    values = fs.set_value(values, "present_who", ["本人", "其他"])
    values = fs.set_value(values, "life_note", "租住新房")
    shown = [f.name for f in fs.form_fields("visit", values)]
    assert shown == [
        "date",
        "place",
        "present_who",
        "present_other",
        "thinking_state",
        "work_state",
        "work_note",
        "life_state",
        "life_note",
        "family_state",
        "notes",
        "situation",
    ]


def test_same_as_last_copies_the_answers_but_not_the_date_or_the_record() -> None:
    last = {
        **ROUTINE,
        "date": "2026-10-20",
        "place": "村委会",
        "present_who": ["本人", "其他"],
        "present_other": "邻居王某",
        "work_state": "有变化",
        "work_note": "失业在家",
        "notes": "上次的记录",
        "situation": "上次发现的情况",
    }
    values = fs.new_values("visit", TODAY)
    out = visits.same_as_last(values, last)
    assert out is not None
    assert out["date"] == "2026-11-23" and out["notes"] == "" and out["situation"] == ""
    assert {k: out[k] for k in visits.SAME_AS_LAST} == {k: last.get(k, "") for k in visits.SAME_AS_LAST}
    assert validate("visit", fs.to_data("visit", out), today=TODAY) == {
        "notes": "工作情况“有变化”不是正常情况,请在走访记录中至少写一行"
    }
    assert visits.same_as_last(values, LEGACY) is None, "paragraphs are no choices to copy"
    assert visits.same_as_last(values, None) is None


def test_a_note_on_a_normal_answer_left_from_a_copy_is_cleared_by_same_as_last() -> None:
    values = fs.set_value(fs.new_values("visit", TODAY), "family_note", "旧说明")
    out = visits.same_as_last(values, ROUTINE)
    assert out is not None and out["family_note"] == "" and out["present_who"] == ["本人"]


@pytest.mark.parametrize(
    "state,note,category",
    [
        ("family_state", "妻子与其闹离婚,已分居", "严重情感纠纷"),
        ("family_state", "其父亲因病去世", "家庭重大变故"),
        ("work_state", "老板拖欠工资三个月", "经济纠纷"),
        ("life_state", "近期多次与有前科人员聚集", "异常社会交往"),
        ("life_state", "已搬至县城租房居住", "居住地变更"),
        ("thinking_state", "说想去外省打工", "外出"),
        ("family_state", "情况不明", "家庭重大变故"),
        ("work_state", "情况不明", "经济纠纷"),
        ("thinking_state", "情绪低落", "其他"),
    ],
)
def test_the_report_category_is_guessed_from_the_note_else_from_the_answer(
    state: str, note: str, category: str
) -> None:
    assert visits.guess_category(state, note) == category


def test_a_report_from_an_abnormal_answer_carries_the_note_and_the_visit_date() -> None:
    visit = {**ROUTINE, "family_state": "异常", "family_note": "与妻子争吵后分居", "notes": "已劝导"}
    report = visits.report_from(visit, "family_state")
    assert report == {
        "category": "严重情感纠纷",
        "occurred": "2026-11-23",
        "description": "走访发现家庭情况异常:与妻子争吵后分居",
    }
    assert validate("report", {**report, "urgency": "一般"}, today=TODAY) == {}, "only the urgency is left to choose"


def _visit(data: dict, day: str, n: int) -> Record:
    return Record.new(
        "visit", {**data, "date": day}, author="a" * 30, subject="s1", clock=lambda: datetime(2026, 11, n, tzinfo=UTC)
    )


def test_the_subject_summary_keeps_the_newest_unusual_visits_for_the_dashboard() -> None:
    odd = {**ROUTINE, "work_state": "有变化", "work_note": "失业" * 40, "notes": "已记录"}
    records = [_visit(ROUTINE, "2026-11-20", 1), _visit(LEGACY, "2026-11-21", 2)]
    records += [_visit(odd, f"2026-11-0{d}", d) for d in range(1, 8)]
    found = unusual_visits(records)
    assert [v["date"] for v in found] == ["2026-11-07", "2026-11-06", "2026-11-05", "2026-11-04", "2026-11-03"]
    assert found[0]["answers"] == [{"name": "work_state", "label": "工作情况", "value": "有变化", "note": "失业" * 30}]
    assert summarise_subject("s1", records)["unusual_visits"] == found
    gone = records[-1].revise(records[-1].data, deleted=True)
    assert unusual_visits([gone]) == [], "a deleted visit is not listed"


def test_a_visit_headline_names_its_unusual_answers_and_a_free_text_one_its_place() -> None:
    assert headline("visit", ROUTINE) == "家中"
    assert headline("visit", {**ROUTINE, "family_state": "异常"}) == "家中 · 家庭情况异常"
    assert headline("visit", LEGACY) == "家中"


def test_detail_lines_show_a_new_visit_by_its_answers_and_an_old_one_as_it_was_typed() -> None:
    visit = {
        **ROUTINE,
        "present_who": ["本人", "其他"],
        "present_other": "邻居王某",
        "family_state": "异常",
        "family_note": "分居",
        "notes": "已劝导",
    }
    lines = [(line["label"], line["text"], line["unusual"]) for line in visits.detail_lines(visit)]
    assert lines == [
        ("走访地点", "家中", False),
        ("在场人员", "本人、其他:邻居王某", False),
        ("思想状况", "稳定", False),
        ("工作情况", "正常", False),
        ("生活情况", "正常", False),
        ("家庭情况", "异常(分居)", True),
        ("走访记录", "已劝导", False),
    ]
    old = [(line["label"], line["text"]) for line in visits.detail_lines(LEGACY)]
    assert old == [
        ("走访地点", "家中"),
        ("在场人员", "本人及其母亲"),
        ("思想状况", "思想稳定,认罪悔罪"),
        ("工作情况", "在家务农"),
        ("生活情况", "生活正常"),
        ("家庭情况", "家庭和睦"),
        ("走访记录", "了解近况,未发现异常"),
    ]
