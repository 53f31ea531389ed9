"""One schema per record kind, as in docs/fields.md: its fields, their types, labels and limits.

Views render forms from these schemas, documents print their labels, and
``core.record_checks`` validates a record's ``data`` against them. Labels use the seed
documents' wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core import vocabularies as vocab15  # issue 15's lists
from core.validation import is_blank
from core.vocabularies import (
    CATEGORIES,
    DECISIONS,
    DECLARATION_TYPES,
    GENDERS,
    HELPER_CONDITIONS,
    HELPER_STATUSES,
    KIND_LABELS,
    MEETING_TYPES,
    MOVEMENT_CHANNELS,
    MOVEMENT_TYPES,
    PRESENT_CHOICES,
    RATINGS,
    REPORT_CATEGORIES,
    RETURN_OUTCOMES,
    SITUATION_STATES,
    TEAM_SLOTS,
    THINKING_STATES,
    URGENCIES,
    VISIT_PLACE_DEFAULT,
    YES_NO,
)

# Field types.
TEXT = "text"
DATE = "date"
YEARMONTH = "yearmonth"
INT = "int"
BOOL = "bool"
PHONE = "phone"
CHOICE = "choice"
ROWS = "list-of-rows"
STRS = "list-of-str"
INTS = "list-of-int"
FIELD_TYPES = frozenset({TEXT, DATE, YEARMONTH, INT, BOOL, PHONE, CHOICE, ROWS, STRS, INTS})
COPY = "record-copy"  # a copy of another record's data, checked against its own kind (handover)
FIELD_TYPES = FIELD_TYPES | {COPY}

_FINGERPRINT_RE = re.compile(r"[0-9]{30}")
_KEY_HEX_RE = re.compile(r"[0-9a-f]{64}")
_HASH_RE = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Field:
    """One field of a kind: code name, Chinese label, type and constraints."""

    name: str
    label: str
    type: str = TEXT
    required: bool = True
    choices: tuple[str, ...] = ()
    choice_labels: tuple[str, ...] = ()  # what people see, parallel to choices (defaults to choices)
    row: tuple[Field, ...] = ()  # columns of a list-of-rows
    min_items: int = 0
    max_items: int | None = None
    unit: str = "项"  # counting word in list-size messages (评议人应为3至5人)
    past: bool = False  # a date that cannot lie in the future
    lo: int | None = None
    hi: int | None = None
    max_len: int = 2000
    multiline: bool = False
    pattern: re.Pattern[str] | None = None  # for text and list-of-str items
    pattern_hint: str = ""
    default: str = ""  # what a new record's form starts with (家中, the normal answer of a choice)

    @property
    def shown_choices(self) -> tuple[str, ...]:
        return self.choice_labels or self.choices

    def column(self, name: str) -> Field:
        for f in self.row:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass(frozen=True)
class KindSchema:
    """A kind's fields as the current form writes them, and ``legacy``: the fields as an earlier
    app version wrote the kind. Records of that shape are never migrated; they stay valid, and
    are shown and corrected with the fields they were written with (``fields_for``)."""

    kind: str
    label: str
    fields: tuple[Field, ...]
    legacy: tuple[Field, ...] = ()

    def field(self, name: str) -> Field:
        for f in (*self.fields, *self.legacy):
            if f.name == name:
                return f
        raise KeyError(name)

    def is_legacy(self, data: Any) -> bool:
        """Whether ``data`` (a record's data or form values) has the earlier shape: it fills a
        field only that shape has, and none only the current form has."""
        if not self.legacy or not isinstance(data, dict):
            return False
        now, old = set(self.names), {f.name for f in self.legacy}
        filled = {k for k, v in data.items() if not is_blank(v)}
        return bool(filled & (old - now)) and not filled & (now - old)

    def fields_for(self, data: Any) -> tuple[Field, ...]:
        """The fields ``data`` is validated, shown and edited with."""
        return self.legacy if self.is_legacy(data) else self.fields

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def _text(
    name: str, label: str, *, required: bool = True, multiline: bool = False, max_len: int | None = None
) -> Field:
    return Field(
        name,
        label,
        TEXT,
        required=required,
        multiline=multiline,
        max_len=max_len if max_len is not None else (2000 if multiline else 200),
    )


def _long(name: str, label: str, *, required: bool = True) -> Field:
    return _text(name, label, required=required, multiline=True)


def _date(name: str, label: str, *, past: bool = True, required: bool = True) -> Field:
    return Field(name, label, DATE, required=required, past=past)


def _choice(
    name: str, label: str, choices: tuple[str, ...], *, labels: tuple[str, ...] = (), default: str = ""
) -> Field:
    return Field(name, label, CHOICE, choices=choices, choice_labels=labels, default=default)


def _assessment(name: str, label: str, choices: tuple[str, ...]) -> tuple[Field, Field]:
    """A visit's 思想状况 (工作, 生活, 家庭情况): a choice starting at its normal answer (the first),
    and a short note, which ``core.record_checks`` requires when the answer is not the normal one."""
    return (
        _choice(f"{name}_state", label, choices, default=choices[0]),
        _text(f"{name}_note", f"{label}说明", required=False, max_len=200),
    )


def _fingerprint(name: str, label: str) -> Field:
    return Field(name, label, TEXT, max_len=30, pattern=_FINGERPRINT_RE, pattern_hint=",应为30位数字")


def _record_ref(name: str, label: str) -> Field:
    return Field(name, label, TEXT, max_len=64)


# Subject particulars, shared by the subject register and the notice that copies them.
_NAME = _text("name", "姓名", max_len=40)
_GENDER = _choice("gender", "性别", GENDERS)
_BIRTH = Field("birth", "出生年月", YEARMONTH, past=True)
_HOUSEHOLD = _text("household", "户籍地")
_RESIDENCE = _text("residence", "居住地")
_JUDGMENT_DATE = _date("judgment_date", "判决日期")
_CRIME = _text("crime", "罪名", max_len=100)
_COURT = _text("court", "法院", max_len=100)
_SENTENCE = _text("sentence", "判处", max_len=200)
_CATEGORY = _choice("category", "矫正类别", CATEGORIES)
_TERM_START = _date("term_start", "矫正期限起", past=False)
_TERM_END = _date("term_end", "矫正期限止", past=False)
_COMMITTEE = _text("committee", "村(居)民委员会", max_len=100)
_TOWN = _text("town", "乡镇(街道)", max_len=100)
_PARTICULARS = (
    _NAME,
    _GENDER,
    _BIRTH,
    _HOUSEHOLD,
    _RESIDENCE,
    _JUDGMENT_DATE,
    _CRIME,
    _COURT,
    _SENTENCE,
    _CATEGORY,
    _TERM_START,
    _TERM_END,
)

_SCHEMAS: tuple[KindSchema, ...] = (
    KindSchema(
        "office",
        KIND_LABELS["office"],
        (
            _text("name", "司法所名称", max_len=100),
            _fingerprint("fingerprint", "身份指纹"),
        ),
    ),
    KindSchema(
        "committee",
        KIND_LABELS["committee"],
        (
            _text("name", "村(居)民委员会", max_len=100),
            _TOWN,
        ),
    ),
    KindSchema(
        "helper",
        KIND_LABELS["helper"],
        (
            _text("name", "姓名", max_len=40),
            _text("committee", "所在村(居)委会", max_len=100),
            Field("phone", "联系电话", PHONE),
            _fingerprint("fingerprint", "身份指纹"),
            Field("sign_pub", "签名公钥", TEXT, max_len=64, pattern=_KEY_HEX_RE, pattern_hint=",应为64位十六进制"),
            Field("enc_pub", "加密公钥", TEXT, max_len=64, pattern=_KEY_HEX_RE, pattern_hint=",应为64位十六进制"),
            Field(
                "conditions",
                "资格条件",
                INTS,
                choices=tuple(str(k) for k in HELPER_CONDITIONS),
                choice_labels=tuple(HELPER_CONDITIONS.values()),
                min_items=4,
                max_items=4,
                lo=1,
                hi=4,
            ),
            _text("reviewer", "审查人", max_len=40),
            _date("review_date", "审查日期"),
            _date("enrolled_date", "登记日期"),
            _date("filed_date", "备案日期", required=False),
            _choice("status", "状态", tuple(HELPER_STATUSES), labels=tuple(HELPER_STATUSES.values())),
        ),
    ),
    KindSchema(
        "subject",
        KIND_LABELS["subject"],
        (
            *_PARTICULARS,
            _COMMITTEE,
            _TOWN,
            Field("phone", "联系电话", PHONE, required=False),
            Field(
                "helpers",
                "协助人员",
                STRS,
                required=False,
                max_items=20,
                max_len=30,
                pattern=_FINGERPRINT_RE,
                pattern_hint=",应为30位数字的身份指纹",
                unit="人",
            ),
            _long("notes", "备注", required=False),
        ),
    ),
    KindSchema(
        "notice",
        KIND_LABELS["notice"],
        (
            _text("number", "通知单编号", max_len=40),
            Field("year", "年份", INT, lo=1900, hi=2100),
            Field("seq", "序号", INT, lo=1, hi=999999),
            _COMMITTEE,
            _TOWN,
            *_PARTICULARS,
            Field("tasks", "协助事项", STRS, min_items=1, max_items=10, max_len=200),
            _text("contact", "联系人", max_len=40),
            Field("contact_phone", "电话", PHONE),
            _text("issuer", "填发人", max_len=40),
            _text("approver", "批准人", max_len=40),
            _date("issue_date", "填发日期"),
        ),
    ),
    KindSchema(
        "registration",
        KIND_LABELS["registration"],
        (
            _text("committee", "村(居)民委员会", max_len=100),
            _text("filler", "填表人", max_len=40),
            _date("fill_date", "填表日期"),
            _NAME,
            _GENDER,
            Field("age", "年龄", INT, lo=12, hi=120),
            _text("ethnicity", "民族", max_len=20),
            _text("education", "文化程度", max_len=40),
            _text("health", "健康状况", max_len=100),
            _text("political", "原政治面貌", max_len=40),
            _text("marital", "婚姻状况", max_len=20),
            Field("contact", "联系方式", PHONE),
            _text("residence", "居住地址"),
            _text("household", "户籍地址"),
            _long("prior_record", "前科记录"),
            _long("remorse", "悔罪表现"),
            _long("experience", "主要经历"),
            _long("living", "生活情况"),
            _text("workplace", "所在工作单位或就读学校"),
            _long("work_status", "工作或在校学习情况"),
            _long("personality", "性格特点"),
            _long("skills", "能力专长"),
            _long("other_traits", "其他特征"),
            Field(
                "family",
                "家庭主要成员",
                ROWS,
                required=False,
                max_items=20,
                unit="人",
                row=(
                    _text("name", "姓名", max_len=40),
                    _text("relation", "关系", max_len=20),
                    _text("workplace", "工作单位或住址", required=False),
                    Field("phone", "联系电话", PHONE, required=False),
                ),
            ),
            _choice("family_problem", "家庭关系是否存在问题", YES_NO),
            _long("main_problems", "存在的主要问题", required=False),
            _long("remarks", "备注", required=False),
        ),
    ),
    KindSchema(
        "visit",
        KIND_LABELS["visit"],
        (
            _date("date", "走访日期"),
            Field("place", "走访地点", TEXT, max_len=200, default=VISIT_PLACE_DEFAULT),
            Field("present_who", "在场人员", STRS, choices=PRESENT_CHOICES, max_items=len(PRESENT_CHOICES), max_len=20),
            _text("present_other", "其他在场人员", required=False, max_len=100),
            *_assessment("thinking", "思想状况", THINKING_STATES),
            *_assessment("work", "工作情况", SITUATION_STATES),
            *_assessment("life", "生活情况", SITUATION_STATES),
            *_assessment("family", "家庭情况", SITUATION_STATES),
            _long("notes", "走访记录", required=False),  # required unless every answer is the normal one
            _long("situation", "发现的情况", required=False),
        ),
        legacy=(  # before issue 17: every answer typed as a paragraph
            _date("date", "走访日期"),
            _text("place", "走访地点"),
            _text("present", "在场人员"),
            _long("thinking", "思想状况"),
            _long("work", "工作情况"),
            _long("life", "生活情况"),
            _long("family", "家庭情况"),
            _long("notes", "走访记录"),
            _long("situation", "发现的情况", required=False),
        ),
    ),
    KindSchema(
        "report",
        KIND_LABELS["report"],
        (
            _choice("category", "情况类别", REPORT_CATEGORIES),
            _choice("urgency", "紧急程度", URGENCIES),
            _date("occurred", "发生日期"),
            _long("description", "情况描述"),
            _long("action", "已采取措施", required=False),
        ),
    ),
    KindSchema(
        "evaluation",
        KIND_LABELS["evaluation"],
        (
            _text("period", "评议期间", max_len=40),
            _date("date", "评议日期"),
            Field(
                "evaluators",
                "评议人",
                ROWS,
                min_items=3,
                max_items=5,
                unit="人",
                row=(
                    _text("name", "姓名", max_len=40),
                    _text("identity", "身份", required=False, max_len=40),
                ),
            ),
            _choice("law_abiding", "遵纪守法", RATINGS),
            _choice("community_service", "参加社区服务", RATINGS),
            _choice("daily_conduct", "日常表现", RATINGS),
            _choice("grade", "总体评价", RATINGS),
            _long("comments", "评议意见"),
        ),
    ),
    KindSchema(
        "assistance",
        KIND_LABELS["assistance"],
        (
            _date("date", "帮扶日期"),
            _long("difficulty", "困难情况"),
            _long("help", "帮扶措施"),
            _long("resources", "利用资源"),
            _long("outcome", "帮扶效果"),
        ),
    ),
    KindSchema(
        "team",
        KIND_LABELS["team"],
        (
            Field(
                "members",
                "小组成员",
                ROWS,
                min_items=1,
                max_items=20,
                unit="人",
                row=(
                    _choice("slot", "成员类别", tuple(TEAM_SLOTS), labels=tuple(TEAM_SLOTS.values())),
                    _text("name", "姓名", max_len=40),
                    Field("phone", "联系电话", PHONE, required=False),
                    _text("unit", "工作单位", required=False),
                ),
            ),
            _text("leader", "组长", required=False, max_len=40),
        ),
    ),
    KindSchema(
        "meeting",
        KIND_LABELS["meeting"],
        (
            Field("type", "会议类型", CHOICE, required=False, choices=MEETING_TYPES),
            _date("date", "会议日期"),
            _text("attendees", "参会人员", max_len=500),
            _long("topics", "议题"),
            _long("decisions", "会议结论"),
        ),
    ),
    KindSchema(
        "declaration",
        KIND_LABELS["declaration"],
        (
            _choice("type", "宣告类型", DECLARATION_TYPES),
            _date("date", "宣告日期"),
            _text("place", "地点"),
            Field("attended", "是否到场", BOOL),
            _text("attendees", "到场人员", max_len=500),
        ),
    ),
    KindSchema(
        "investigation",
        KIND_LABELS["investigation"],
        (
            _date("date", "日期"),
            _text("requested_by", "委托机关", max_len=100),
            _long("residence", "居住情况"),
            _long("family", "家庭情况"),
            _long("social", "社会交往"),
            _long("community_opinion", "社区意见"),
            _long("opinion", "评估意见"),
        ),
    ),
    KindSchema(
        "ack",
        KIND_LABELS["ack"],
        (
            _record_ref("report", "重要情况报告"),
            _long("note", "处理意见"),
            _text("by", "处理人", max_len=40),
            _date("date", "处理日期"),
        ),
    ),
    KindSchema(
        "revocation",
        KIND_LABELS["revocation"],
        (
            _fingerprint("helper", "协助人员身份指纹"),
            _date("date", "撤销日期"),
            _long("reason", "撤销原因"),
            Field("last_seq", "最后接收序号", INT, lo=0),
        ),
    ),
    KindSchema(
        "resolution",
        KIND_LABELS["resolution"],
        (
            _record_ref("record", "记录"),
            Field("chosen", "采用版本", TEXT, max_len=64, pattern=_HASH_RE, pattern_hint=",应为64位十六进制"),
            _text("by", "处理人", max_len=40),
            _date("date", "处理日期"),
        ),
    ),
    KindSchema(
        "closure",
        KIND_LABELS["closure"],
        (
            _choice("reason", "解矫原因", vocab15.CLOSE_REASONS),
            _date("date", "解矫日期", past=False),
            _text("transfer_to", "迁往单位", required=False, max_len=100),
            _text("by", "经办人", max_len=40),
            _long("note", "备注", required=False),
        ),
    ),
    KindSchema(
        "social_support",
        KIND_LABELS["social_support"],
        (
            _date("date", "日期"),
            _text("organisation", "参与单位或人员", max_len=100),
            _choice("org_type", "参与力量类别", vocab15.SUPPORT_ORGS),
            _choice("help_type", "帮助类型", vocab15.SUPPORT_TYPES),
            _long("content", "帮助内容"),
            _long("outcome", "效果", required=False),
        ),
    ),
    KindSchema(
        "assessment",
        KIND_LABELS["assessment"],
        (
            _fingerprint("helper", "协助人员身份指纹"),
            _text("period", "考核期间", max_len=40),
            _date("period_start", "考核期间起"),
            _date("period_end", "考核期间止"),
            Field("visits_done", "走访次数", INT, lo=0, hi=100000),
            Field("visits_due", "应走访次数", INT, lo=0, hi=100000),
            Field("reports_on_time", "按时报告次数", INT, lo=0, hi=100000),
            Field("reports_total", "报告总数", INT, lo=0, hi=100000),
            _long("evaluation", "司法所评价"),
            _choice("result", "考核结果", vocab15.ASSESSMENT_RESULTS),
            _text("by", "考核人", max_len=40),
            _date("date", "考核日期"),
        ),
    ),
    KindSchema(
        "reward",
        KIND_LABELS["reward"],
        (
            _fingerprint("helper", "协助人员身份指纹"),
            _date("date", "日期"),
            Field("amount", "金额(元)", INT, lo=1, hi=1000000),
            _long("reason", "奖励事由"),
            _text("by", "经办人", max_len=40),
        ),
    ),
    KindSchema(
        "first_meeting",
        KIND_LABELS["first_meeting"],
        (
            _text("notice", "通知单编号", required=False, max_len=40),
            _date("date", "见面日期"),
            _text("place", "见面地点"),
            _text("present", "在场人员", max_len=500),
            _long("explained", "告知事项"),
            _long("notes", "备注", required=False),
        ),
    ),
    KindSchema(
        "movement",
        KIND_LABELS["movement"],
        (
            _choice("type", "申请类型", MOVEMENT_TYPES),
            _choice("channel", "提出方式", MOVEMENT_CHANNELS),
            _date("applied", "申请日期"),
            _date("start", "外出或迁居日期", past=False),
            _date("end", "预计返回日期", past=False, required=False),
            _text("destination", "目的地或新居住地"),
            _text("new_committee", "迁入地村(居)民委员会", required=False, max_len=100),
            _long("reason", "事由"),
        ),
    ),
    KindSchema(
        "decision",
        KIND_LABELS["decision"],
        (
            _record_ref("request", "申请"),
            _choice("outcome", "审批结果", DECISIONS),
            _long("note", "审批意见", required=False),
            _text("by", "审批人", max_len=40),
            _date("date", "审批日期"),
        ),
    ),
    KindSchema(
        "travel_return",
        KIND_LABELS["travel_return"],
        (
            _record_ref("request", "外出申请"),
            _choice("outcome", "返回情况", RETURN_OUTCOMES),
            _date("date", "登记日期"),
            _long("notes", "情况说明", required=False),
        ),
    ),
    KindSchema(
        "handover",
        KIND_LABELS["handover"],
        (
            _fingerprint("helper", "接收的协助人员身份指纹"),
            _text("from_name", "原协助人员", required=False, max_len=100),
            _date("date", "移交日期"),
            Field(
                "items",
                "移交记录",
                ROWS,
                required=False,
                max_items=91,
                unit="条",
                row=(
                    _choice(
                        "kind",
                        "记录类型",
                        ("registration", "visit", "evaluation", "report"),
                        labels=tuple(KIND_LABELS[k] for k in ("registration", "visit", "evaluation", "report")),
                    ),
                    _date("date", "日期", required=False),
                    _text("author_name", "填写人", required=False, max_len=40),
                    Field("data", "内容", COPY),
                ),
            ),
        ),
    ),
)

KINDS: dict[str, KindSchema] = {s.kind: s for s in _SCHEMAS}

# Headings the seed's form prints over a run of consecutive fields (附件2 groups 性格特点, 能力专长
# and 其他特征 under 个体特征): kind -> ((heading, field names in form order), ...). A table field
# (家庭主要成员) carries its own heading as its label.
SECTIONS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "registration": (("个体特征", ("personality", "skills", "other_traits")),),
}


def section_of(kind: str, name: str) -> tuple[str, tuple[str, ...]] | None:
    """The (heading, field names) of the section field ``name`` of ``kind`` belongs to, or None."""
    for heading, names in SECTIONS.get(kind, ()):
        if name in names:
            return heading, names
    return None


def label(kind: str, name: str) -> str:
    """The Chinese label of a field (dotted names reach into rows), or the name itself."""
    schema = KINDS.get(kind)
    if schema is None:
        return name
    head, _, rest = name.partition(".")
    try:
        f = schema.field(head)
    except KeyError:
        return name
    col = rest.split(".")[-1] if rest else ""
    if col and f.row:
        try:
            return f.column(col).label
        except KeyError:
            return f.label
    return f.label
