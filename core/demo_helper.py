"""Helper-side demo records: what a helper writes for one subject over the term so far
(登记表, 首次见面, 入矫宣告, 走访, 报告, 评议, 帮扶, 会商, 外出, 引导社会力量), never dated before
enrolment nor after the case was closed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from core.demo_people import CITY, COUNTY, OFFICE_NAME, World, between, full_name, mobile, pick, record
from core.records import Record
from core.vocabularies import REPORT_CATEGORIES

VISIT_PLACES = ("家中", "工作单位", "村(居)委会办公室", "社区服务站", "田间地头", "经营店铺")
THINKING = (
    "思想稳定,认罪悔罪态度端正",
    "情绪平稳,能正确认识自己的错误",
    "近期因家庭琐事情绪略有波动,经谈话后好转",
    "对矫正规定认识清楚,表示会严格遵守",
    "有一定思想顾虑,担心影响子女升学,已做疏导",
)
WORK = (
    "在本地一家建材厂务工,工作稳定",
    "在家务农,种植水稻和油菜",
    "经营一家小超市,生意一般",
    "暂无固定工作,正在找工作",
    "在县城做外卖骑手",
    "跑个体货运,收入尚可",
    "在镇上一家餐馆做厨师",
)
LIFE = ("生活规律,收入能维持家庭开支", "经济较为困难,靠打零工维持", "生活正常,无异常消费", "与父母同住,生活由家人照顾")
FAMILY = (
    "家庭和睦,家属支持其接受矫正",
    "与配偶关系一般,偶有争吵",
    "子女在外地读书,家庭关系稳定",
    "父亲长期患病,家庭负担较重",
)
NOTES = (
    "按时到司法所报到,参加了本月的集中教育",
    "提醒其外出须事先请假,本人表示清楚",
    "了解其近期工作和生活情况,未发现异常",
    "与家属交流,家属反映其表现良好",
    "督促其按时参加社区服务",
)
SITUATIONS = (
    "近期与邻居因宅基地问题发生口角",
    "反映想去外地务工,已告知须先办理外出审批",
    "其母亲近日住院",
    "手机号码已更换",
)
REPORT_TEXT: dict[str, tuple[str, ...]] = {
    "家庭重大变故": ("其父亲因病去世,本人情绪低落", "家中房屋因火灾受损,暂住亲戚家"),
    "经济纠纷": ("与原合伙人因欠款发生纠纷,对方多次上门讨要", "拖欠工人工资约三万元,双方发生争执"),
    "严重情感纠纷": ("与妻子闹离婚,多次发生激烈争吵", "与前女友发生纠纷,对方报警"),
    "异常社会交往": ("近期多次与有前科人员在棋牌室聚集", "夜间频繁外出,行踪不定"),
    "外出": ("未经批准前往外省务工三天后返回", "申请外出探望住院亲属"),
    "居住地变更": ("已搬至县城租房居住,申请变更居住地", "拟随子女迁往邻县居住"),
    "其他": ("手机长期关机,联系不上本人", "饮酒后与他人发生冲突"),
}
ACTIONS = ("已当面进行教育谈话", "已电话报告司法所", "已联系家属共同做工作", "已协调村调解委员会介入")
IDENTITIES = ("居民代表", "村民代表", "楼栋长", "网格员", "村(居)委会委员")
RATINGS_WEIGHTED = ("好", "好", "较好", "较好", "较好", "一般", "差")


def _quarter(d: date) -> str:
    return f"{d.year}年第{(d.month - 1) // 3 + 1}季度"


# Visits before this many days ago were typed as paragraphs (the form before issue 17); later
# ones are choices, so the demo shows both side by side as an upgraded installation does.
LEGACY_VISIT_DAYS = 180
# Notes for an answer that is not the normal one, per assessment.
UNUSUAL_NOTES: dict[str, tuple[str, ...]] = {
    "thinking": ("近期情绪低落,少言寡语", "对矫正规定有抵触情绪,经谈话后缓和"),
    "work": ("工厂停工,暂时失业在家", "改在县城做外卖骑手"),
    "life": ("经济困难,靠亲友接济", "已搬至县城租房居住"),
    "family": ("与妻子争吵后分居", "父亲病重住院,家庭负担加重"),
}
PRESENT_WEIGHTED = (
    ["本人"],
    ["本人"],
    ["本人", "家属"],
    ["本人", "家属"],
    ["本人", "村(居)干部"],
    ["本人", "家属", "村(居)干部"],
)


def _visit(w: World, s: dict[str, Any], on: date, helper: str) -> dict[str, Any]:
    rng = w.rng
    data: dict[str, Any]
    if (w.today - on).days > LEGACY_VISIT_DAYS:
        data = {
            "date": on.isoformat(),
            "place": pick(rng, VISIT_PLACES),
            "present": pick(
                rng, (f"本人、协助人员{helper}", f"本人及家属、协助人员{helper}", f"本人、{helper}、村(居)委会委员")
            ),
            "thinking": pick(rng, THINKING),
            "work": pick(rng, WORK),
            "life": pick(rng, LIFE),
            "family": pick(rng, FAMILY),
            "notes": pick(rng, NOTES),
        }
    else:
        data = {
            "date": on.isoformat(),
            "place": "家中" if rng.random() < 0.7 else pick(rng, VISIT_PLACES),
            "present_who": list(pick(rng, PRESENT_WEIGHTED)),
        }
        unusual = False
        for name, choices in (
            ("thinking", ("稳定", "有波动", "异常")),
            ("work", ("正常", "有变化", "异常")),
            ("life", ("正常", "有变化", "异常")),
            ("family", ("正常", "有变化", "异常")),
        ):
            roll = rng.random()
            answer = choices[0] if roll < 0.85 else choices[1] if roll < 0.97 else choices[2]
            data[f"{name}_state"] = answer
            if answer != choices[0]:
                data[f"{name}_note"] = pick(rng, UNUSUAL_NOTES[name])
                unusual = True
        if unusual or rng.random() < 0.5:
            data["notes"] = pick(rng, NOTES)
    if rng.random() < 0.2:
        data["situation"] = pick(rng, SITUATIONS)
    return data


def _report(w: World, on: date) -> dict[str, Any]:
    rng = w.rng
    category = rng.choices(REPORT_CATEGORIES, (15, 20, 15, 15, 15, 10, 10))[0]
    data = {
        "category": category,
        "urgency": "紧急" if rng.random() < 0.25 else "一般",
        "occurred": on.isoformat(),
        "description": pick(rng, REPORT_TEXT[category]),
    }
    if rng.random() < 0.7:
        data["action"] = pick(rng, ACTIONS)
    return data


def _evaluation(w: World, on: date) -> dict[str, Any]:
    rng = w.rng
    ratings = [pick(rng, RATINGS_WEIGHTED) for _ in range(3)]
    grade = ratings[rng.randrange(3)]
    return {
        "period": _quarter(on),
        "date": on.isoformat(),
        "evaluators": [{"name": full_name(rng), "identity": pick(rng, IDENTITIES)} for _ in range(rng.randint(3, 5))],
        "law_abiding": ratings[0],
        "community_service": ratings[1],
        "daily_conduct": ratings[2],
        "grade": grade,
        "comments": pick(
            rng,
            (
                "能遵守各项监管规定,按时参加社区服务",
                "表现总体平稳,个别时候报到不及时",
                "积极参加公益劳动,邻里反映较好",
                "需加强法律学习,注意控制情绪",
            ),
        ),
    }


def _assistance(w: World, on: date) -> dict[str, Any]:
    rng = w.rng
    return {
        "date": on.isoformat(),
        "difficulty": pick(
            rng,
            ("家庭收入低,子女上学费用困难", "失业在家,缺少就业技能", "患慢性病,医疗费用负担重", "住房破旧,雨季漏水"),
        ),
        "help": pick(
            rng, ("协助申请临时救助", "推荐到本地企业就业", "联系镇卫生院办理慢病卡", "组织志愿者帮助修缮房屋")
        ),
        "resources": pick(rng, ("民政临时救助资金", "人社部门就业服务", "社区志愿者队伍", "村集体经济组织")),
        "outcome": pick(
            rng, ("已获得救助金两千元", "已上岗工作,月收入三千元左右", "医疗负担有所减轻", "房屋已修缮完毕")
        ),
    }


def _meeting(w: World, s: dict[str, Any], on: date, helper: str) -> dict[str, Any]:
    rng = w.rng
    return {
        "date": on.isoformat(),
        "attendees": f"司法所{pick(rng, w.officers)}、社区民警{w.police.get(s.get('town', ''), full_name(rng, '男'))}、"
        f"协助人员{helper}、专职社工{pick(rng, w.social_workers)}",
        "topics": pick(rng, ("分析本季度矫正表现", "研究困难帮扶措施", "讨论外出务工申请", "调整矫正方案")),
        "decisions": pick(rng, ("继续按普通管理", "加强走访频次,每半月一次", "协助联系就业岗位", "同意上报外出申请")),
    }


def _declaration(w: World, s: dict[str, Any], on: date, helper: str) -> dict[str, Any]:
    rng = w.rng
    return {
        "type": "入矫",
        "date": on.isoformat(),
        "place": OFFICE_NAME,
        "attended": rng.random() < 0.95,
        "attendees": f"司法所{pick(rng, w.officers)}、协助人员{helper}、社区民警{w.police.get(s.get('town', ''), '')}",
    }


def _investigation(w: World, s: dict[str, Any], on: date) -> dict[str, Any]:
    rng = w.rng
    return {
        "date": on.isoformat(),
        "requested_by": pick(rng, (f"{CITY}{COUNTY}人民法院", f"{CITY}{COUNTY}人民检察院", f"{CITY}江北区人民法院")),
        "residence": pick(rng, ("在本村有固定住所,与父母同住", "在本社区租房居住已三年")),
        "family": pick(rng, ("家庭成员愿意配合监管", "配偶在外务工,父母年迈")),
        "social": pick(rng, ("社会交往简单,无不良嗜好", "平时交往人员较杂")),
        "community_opinion": pick(rng, ("村(居)委会同意接收", "邻里反映其平时为人尚可")),
        "opinion": pick(rng, ("具备社区矫正条件", "建议适用社区矫正,加强监管")),
    }


def _registration(w: World, s: dict[str, Any], on: date, helper: str) -> dict[str, Any]:
    rng = w.rng
    by, bm = (int(x) for x in str(s["birth"]).split("-"))
    age = on.year - by - (1 if on.month < bm else 0)
    married = rng.random() < 0.7
    family = []
    if married:
        family.append(
            {
                "name": full_name(rng, "女" if s["gender"] == "男" else "男"),
                "relation": "妻子" if s["gender"] == "男" else "丈夫",
            }
        )
    for relation in rng.sample(("父亲", "母亲", "儿子", "女儿", "哥哥", "姐姐"), rng.randrange(0, 4)):
        family.append(
            {"name": full_name(rng, "男" if relation in ("父亲", "儿子", "哥哥") else "女"), "relation": relation}
        )
    for member in family:
        member["workplace"] = pick(rng, ("在家务农", "县城务工", "镇中心小学", "退休在家", s["residence"]))
        member["phone"] = mobile(rng) if rng.random() < 0.8 else ""
    problem = rng.random() < 0.15
    return {
        "committee": s["committee"],
        "filler": helper,
        "fill_date": on.isoformat(),
        "name": s["name"],
        "gender": s["gender"],
        "age": max(12, age),
        "ethnicity": rng.choices(("汉族", "回族", "畲族"), (95, 4, 1))[0],
        "education": pick(rng, ("小学", "初中", "初中", "高中", "中专", "大专", "本科")),
        "health": pick(rng, ("良好", "良好", "一般", "患有高血压")),
        "political": pick(rng, ("群众", "群众", "群众", "共青团员")),
        "marital": "已婚" if married else pick(rng, ("未婚", "离异", "丧偶")),
        "contact": s.get("phone") or mobile(rng),
        "residence": s["residence"],
        "household": s["household"],
        "prior_record": "无" if rng.random() < 0.85 else "曾因盗窃被判处拘役三个月",
        "remorse": pick(rng, ("认罪悔罪态度较好", "能够认识到自己的错误,表示积极改正", "悔罪态度一般,需加强教育")),
        "experience": pick(
            rng, ("初中毕业后外出务工,后回乡务农", "高中毕业后参军,退伍后从事个体经营", "中专毕业后在县城工厂工作多年")
        ),
        "living": pick(rng, ("与家人同住,生活稳定", "独居,生活较为困难", "与父母同住,收入一般")),
        "workplace": pick(rng, ("个体经营", "青石建材有限公司", "在家务农", "无")),
        "work_status": pick(rng, ("工作稳定,表现正常", "季节性务工", "正在寻找工作")),
        "personality": pick(rng, ("性格内向,少言寡语", "性格外向,容易冲动", "为人随和")),
        "skills": pick(rng, ("会驾驶", "懂电焊", "会种植果树", "无")),
        "other_traits": pick(rng, ("无", "有吸烟习惯", "左腿有旧伤")),
        "family": family,
        "family_problem": "是" if problem else "否",
        "main_problems": pick(rng, ("夫妻关系紧张,经常争吵", "与兄弟因赡养老人问题有矛盾")) if problem else "",
        "remarks": "",
    }


def _first_meeting(w: World, s: dict[str, Any], on: date, helper: str) -> dict[str, Any]:
    rng = w.rng
    return {
        "date": on.isoformat(),
        "place": pick(rng, ("村(居)委会办公室", "司法所", "家中")),
        "present": f"协助人员{helper}、司法所{pick(rng, w.officers)}、社区矫正对象{s['name']}",
        "explained": "告知协助事项、报告重要情况和外出须事先审批的规定,了解基本情况以填写登记表",
    }


def _movement(w: World, s: dict[str, Any], on: date) -> dict[str, Any]:
    rng = w.rng
    start = on + timedelta(days=rng.randrange(2, 6))
    return {
        "type": "外出",
        "channel": "经协助人员提出",
        "applied": on.isoformat(),
        "start": start.isoformat(),
        "end": (start + timedelta(days=rng.randrange(3, 10))).isoformat(),
        "destination": pick(rng, ("成都市武侯区", "重庆市渝中区", "绵阳市涪城区")),
        "reason": pick(rng, ("探望住院的亲属", "外出务工面试", "参加子女婚礼")),
    }


# 三(二)6 引导社会力量: who was brought in (organisation, its category) and for what help.
SUPPORTS: tuple[tuple[str, str, str, str], ...] = (
    ("青石建材有限公司", "企事业单位", "就业帮扶", "联系企业提供搬运岗位,已面试通过"),
    ("县启明社会工作服务中心", "社会组织", "心理疏导", "社工每月上门开展一次心理疏导"),
    ("县法律援助中心", "其他", "法律援助", "协助其就劳务欠薪纠纷申请法律援助"),
    ("镇中心小学", "学校", "教育帮扶", "协调学校关注其子女学习情况,减免课后服务费用"),
    ("村(居)志愿服务队", "志愿者", "生活救助", "志愿者帮助修缮房屋,捐赠冬衣"),
    ("网格员", "网格员", "监督管理", "请网格员在日常巡查中留意其动向并及时告知"),
)


def _social_support(w: World, on: date) -> dict[str, Any]:
    org, org_type, help_type, content = pick(w.rng, SUPPORTS)
    data = {
        "date": on.isoformat(),
        "organisation": org,
        "org_type": org_type,
        "help_type": help_type,
        "content": content,
    }
    if w.rng.random() < 0.6:
        data["outcome"] = pick(w.rng, ("对象表示感谢,情绪稳定", "已落实,效果良好", "正在跟进"))
    return data


_LATER_KINDS = ("visit", "report", "evaluation", "assistance", "meeting")
_LATER_CUM_WEIGHTS = (60, 72, 82, 90, 100)


def helper_records(
    w: World,
    subject: Record,
    author: str,
    helper: str,
    count: int,
    enrolled: date | None = None,
    *,
    until: date | None = None,
    support: bool = False,
) -> list[Record]:
    """``count`` helper-authored records for one subject, dated within the term so far and never
    before the helper's enrolment (``enrolled``): a helper enrolled after the 入矫宣告 did not
    attend it, and one enrolled after the judgment did not help with the 调查评估. A closed case
    has nothing dated after ``until`` (its 解矫 date); with ``support`` one record is an
    引导社会力量 when there is room; the last free slot is a visit if none was made."""
    rng, today = w.rng, min(w.today, until or w.today)
    s = subject.data
    term_start = date.fromisoformat(s["term_start"])
    start = min(max(term_start, enrolled or term_start), today)
    out: list[Record] = []
    sid = subject.subject or subject.id
    if count >= 1:
        on = between(rng, start, min(today, start + timedelta(days=10)))
        out.append(record(w, "registration", _registration(w, s, on, helper), author, sid, on))
        if count >= 4:
            out.append(record(w, "first_meeting", _first_meeting(w, s, on, helper), author, sid, on))
    if count >= 6 and rng.random() < 0.3:
        on = between(rng, start, today - timedelta(days=20)) if today - timedelta(days=20) > start else start
        travel = _movement(w, s, on)
        out.append(record(w, "movement", travel, author, sid, on))
        back = date.fromisoformat(travel["end"])
        if back <= today:
            returned = {"request": out[-1].id, "outcome": "按期返回", "date": back.isoformat()}
            out.append(record(w, "travel_return", returned, author, sid, back))
    if count >= 2 and start == term_start:
        out.append(record(w, "declaration", _declaration(w, s, start, helper), author, sid, start))
    if count >= 3 and rng.random() < 0.3:
        judged = date.fromisoformat(s["judgment_date"])
        on = judged - timedelta(days=rng.randrange(10, 40))
        if enrolled is None or on >= enrolled:
            out.append(record(w, "investigation", _investigation(w, s, on), author, sid, on))
    if support and len(out) < count - 1:  # room is left for a visit
        on = between(rng, start, today)
        out.append(record(w, "social_support", _social_support(w, on), author, sid, on))
    while len(out) < count:
        kind = rng.choices(_LATER_KINDS, cum_weights=_LATER_CUM_WEIGHTS)[0]
        if len(out) == count - 1 and not any(r.kind == "visit" for r in out):
            kind = "visit"  # every case with a few records has been visited
        on = between(rng, start, today)
        if kind == "visit":
            data = _visit(w, s, on, helper)
        elif kind == "report":
            data = _report(w, on)
        elif kind == "evaluation":
            data = _evaluation(w, on)
        elif kind == "assistance":
            data = _assistance(w, on)
        else:
            data = _meeting(w, s, on, helper)
        out.append(record(w, kind, data, author, sid, on))
    return out
