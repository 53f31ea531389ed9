"""The fixed word lists of the domain: kind names, choice lists, duties, conditions and statuses.

Wording follows the seed documents (the notice's 附件1 duty catalogue, the helper conditions of
三(一), Sichuan's 4+X team). Schemas offer these as choices, screens and printouts show them;
records store the words themselves, so changing one is a data migration, not an edit.
"""

from __future__ import annotations

KIND_LABELS: dict[str, str] = {
    "office": "司法所",
    "committee": "村(居)民委员会",
    "helper": "协助人员",
    "subject": "社区矫正对象",
    "notice": "协助社区矫正工作通知单",
    "registration": "社区矫正对象基本情况登记表",
    "visit": "走访记录",
    "report": "重要情况报告",
    "evaluation": "社区评议",
    "assistance": "困难帮扶",
    "team": "矫正小组",
    "meeting": "矫正小组会议",
    "declaration": "矫正宣告",
    "investigation": "调查评估",
    "ack": "重要情况处理意见",
    "revocation": "撤销协助人员",
    "resolution": "冲突处理",
    "closure": "解矫宣告",
    "social_support": "引导社会力量参与",
    "assessment": "协助人员考核",
    "reward": "专项奖励",
    "first_meeting": "见面记录",
    "movement": "外出/居住地变更申请",
    "decision": "审批决定",
    "travel_return": "外出返回登记",
    "handover": "移交材料",
    "entrustment": "委托调查评估",  # issue 15 item 5: before the register, stays at the office
}

# 三(二) duty catalogue, the usual tasks of a notice (附件1).
DUTIES: tuple[str, ...] = (
    "协助调查评估",
    "履行矫正小组成员职责",
    "报告重要情况",
    "参加矫正宣告",
    "协助困难帮扶",
    "引导社会力量参与",
    "其他依法应当协助的工作",
)
# 三(二)3 plus the Sichuan travel / residence-change approvals.
REPORT_CATEGORIES: tuple[str, ...] = (
    "家庭重大变故",
    "经济纠纷",
    "严重情感纠纷",
    "异常社会交往",
    "外出",
    "居住地变更",
    "其他",
)
CATEGORIES: tuple[str, ...] = ("管制", "缓刑", "假释", "暂予监外执行")
RATINGS: tuple[str, ...] = ("好", "较好", "一般", "差")
URGENCIES: tuple[str, ...] = ("紧急", "一般")
GENDERS: tuple[str, ...] = ("男", "女")
YES_NO: tuple[str, ...] = ("是", "否")
DECLARATION_TYPES: tuple[str, ...] = ("入矫", "解矫")
# 走访 (issue 17): how the subject is doing, each a choice with the normal answer first; a helper
# types only what is not normal. 思想状况 is 稳定 when normal; work, life and family are 正常.
THINKING_STATES: tuple[str, ...] = ("稳定", "有波动", "异常")
SITUATION_STATES: tuple[str, ...] = ("正常", "有变化", "异常")
ABNORMAL = "异常"
# Who was present at a visit, as quick chips; 其他 asks for their names.
PRESENT_CHOICES: tuple[str, ...] = ("本人", "家属", "村(居)干部", "其他")
PRESENT_OTHER = "其他"
VISIT_PLACE_DEFAULT = "家中"
HELPER_STATUSES: dict[str, str] = {"active": "在册", "revoked": "已撤销"}
# The "4" of 4+X and the X (Sichuan 2016).
TEAM_SLOTS: dict[str, str] = {
    "office_staff": "司法所专职人员",
    "police": "社区民警",
    "social_worker": "专职社工",
    "volunteer": "志愿者",
    "committee": "村(居)委会人员",  # Ma'anshan 三(二)2: the committee's member of the team
    "family": "家庭成员",
    "employer": "所在单位/学校人员",
    "x": "其他成员(X)",
}
# 三(一): the four qualification conditions of a helper.
HELPER_CONDITIONS: dict[int, str] = {
    1: "遵纪守法、品行端正、作风正派",
    2: "责任心强,热爱社区矫正工作,自愿加入协助人员队伍",
    3: "具备履行职责的身体条件",
    4: "具有一定的法律、教育、心理或社会工作等专业知识",
}
# Why a case closes (解矫): the term ended, or 收监执行, 死亡, 迁出 to another office.
CLOSE_REASONS: tuple[str, ...] = ("期满", "收监执行", "死亡", "迁出")
# Why a helper's device is revoked, each worded for its case (the default is 设备丢失).
REVOKE_REASONS: dict[str, str] = {
    "设备丢失": "手机丢失或被盗:此后来自该设备的数据包将被拒收。",
    "解聘": "经考核不合格或履职不到位,予以解聘:此后来自该设备的数据包将被拒收。",
    "不再担任": "本人不再担任协助人员(辞任、调离等):此后来自该设备的数据包将被拒收。",
}
# 三(二)6: who is brought in, and what kind of help.
SUPPORT_ORGS: tuple[str, ...] = (
    "企事业单位",
    "社会组织",
    "学校",
    "社区民警",
    "网格员",
    "社会工作者",
    "志愿者",
    "社区群众",
    "家庭成员",
    "其他",
)
SUPPORT_TYPES: tuple[str, ...] = ("监督管理", "教育帮扶", "就业帮扶", "心理疏导", "法律援助", "生活救助", "其他")
# 四.2: the result of a helper's assessment.
ASSESSMENT_RESULTS: tuple[str, ...] = ("合格", "不合格")
# Team meetings (Ma'anshan 四.8: 矫正小组会议、矫情分析会议; 四.1: 工作调度会).
MEETING_TYPES: tuple[str, ...] = ("矫正小组会议", "矫情分析会", "工作调度会", "其他")
# Sichuan 2016: 外出审批、居住地变更审批.
MOVEMENT_TYPES: tuple[str, ...] = ("外出", "居住地变更")
MOVEMENT_TRAVEL, MOVEMENT_RESIDENCE = MOVEMENT_TYPES
# Who brought the request: the helper on the subject's behalf, or the subject at the office.
MOVEMENT_CHANNELS: tuple[str, ...] = ("经协助人员提出", "对象直接向司法所提出")
DECISIONS: tuple[str, ...] = ("批准", "不批准")
APPROVED, REFUSED = DECISIONS
RETURN_OUTCOMES: tuple[str, ...] = ("按期返回", "逾期未归")
RETURNED, OVERDUE = RETURN_OUTCOMES
