"""Fictional but realistic records of every kind, for demos, tests and benchmarks.

Everything comes from an injected ``random.Random`` and ``today``, so a seed always yields
the same content; record ids come from ``ids`` (random by default), so two installations
filled from the same seed never share a record id (pass a counter for identical runs). No
helper-authored record is dated before its helper's enrolment. The place is a fictional county (云山市青石县); names mix
common and rare characters (堃 喆 昇 曌 犇 ...) so fonts and sorting get exercised.
Every generated record passes ``core.record_checks.validate``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from core import handover
from core.numbering import format_number, next_seq
from core.records import Record, new_id
from core.vocabularies import DUTIES, REPORT_CATEGORIES

CITY = "云山市"
COUNTY = "青石县"
OFFICE_NAME = f"{COUNTY}东岭司法所"
TOWNS: dict[str, tuple[str, ...]] = {
    "青石镇": ("河口村民委员会", "石桥村民委员会", "青石社区居民委员会"),
    "柳湾镇": ("柳湾村民委员会", "杏花村民委员会", "新港社区居民委员会"),
    "白沙乡": ("白沙村民委员会", "龙潭村民委员会"),
    "东岭街道": ("东岭社区居民委员会", "锦绣社区居民委员会", "和平社区居民委员会"),
    "南湖街道": ("南湖社区居民委员会", "翠竹社区居民委员会"),
    "桃源乡": ("桃源村民委员会", "松林村民委员会"),
}
COMMITTEES: tuple[tuple[str, str], ...] = tuple((c, t) for t, cs in TOWNS.items() for c in cs)

SURNAMES = (
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "吴",
    "周",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
    "何",
    "高",
    "林",
    "罗",
    "郑",
    "梁",
    "谢",
    "宋",
    "唐",
    "许",
    "韩",
    "冯",
    "邓",
    "曹",
    "彭",
    "曾",
    "萧",
    "田",
    "董",
    "潘",
    "袁",
    "蒋",
    "蔡",
    "欧阳",
    "司马",
    "诸葛",
    "仝",
    "芮",
    "鄢",
    "禚",
)
GIVEN_MALE = (
    "伟",
    "强",
    "军",
    "磊",
    "勇",
    "杰",
    "涛",
    "斌",
    "超",
    "明",
    "刚",
    "平",
    "辉",
    "鹏",
    "华",
    "建国",
    "志强",
    "海波",
    "晓东",
    "国庆",
    "堃",
    "喆",
    "昇",
    "犇",
    "垚",
    "鑫",
    "燚",
    "翀",
    "彧",
    "赟",
    "琎",
)
GIVEN_FEMALE = (
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "艳",
    "娟",
    "霞",
    "玲",
    "婷",
    "雪",
    "慧",
    "红梅",
    "秀英",
    "桂兰",
    "曌",
    "玥",
    "淼",
    "珺",
    "婧",
    "頔",
    "嫣",
    "琦",
)
SECOND = ("", "", "", "子", "文", "思", "永", "俊", "佳", "雨", "晓", "嘉", "宇", "梓", "浩", "堃", "昇")

CRIMES = (
    "危险驾驶",
    "盗窃",
    "诈骗",
    "故意伤害",
    "交通肇事",
    "寻衅滋事",
    "帮助信息网络犯罪活动",
    "开设赌场",
    "掩饰、隐瞒犯罪所得",
    "非法捕捞水产品",
    "滥伐林木",
    "非法吸收公众存款",
    "赌博",
    "非法狩猎",
    "失火",
)
COURTS = (f"{CITY}{COUNTY}", f"{CITY}{COUNTY}", f"{CITY}江北区", f"{CITY}中级")
CN_DIGITS = "零一二三四五六七八九"

# One fixed, fictional subject (every required particular of the register) for examples, tests
# and benchmarks that need a subject but not a random one.
SAMPLE_SUBJECT: dict[str, str] = {
    "name": "张三",
    "gender": "男",
    "birth": "1980-05",
    "household": "四川省某县",
    "residence": "四川省某县某镇",
    "judgment_date": "2025-06-01",
    "crime": "盗窃罪",
    "court": "某县人民法院",
    "sentence": "有期徒刑一年,缓刑二年",
    "category": "缓刑",
    "term_start": "2025-07-01",
    "term_end": "2027-06-30",
    "committee": "青山村民委员会",
    "town": "青山镇",
}


@dataclass
class _World:
    """Shared pools for one generation run: the office's staff and the county's people."""

    rng: random.Random
    today: date
    ids: Callable[[], str] = new_id
    officers: list[str] = field(default_factory=list)
    director: str = ""
    police: dict[str, str] = field(default_factory=dict)  # town -> community police officer
    social_workers: list[str] = field(default_factory=list)


# --- small generators ------------------------------------------------------------------------


def _cn_number(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def cn_duration(months: int) -> str:
    """``18`` -> ``一年六个月`` as sentences are written."""
    years, rest = divmod(months, 12)
    text = f"{_cn_number(years)}年" if years else ""
    if rest:
        text += f"{_cn_number(rest)}个月"
    return text


def _below(rng: random.Random, n: int) -> int:
    """Like ``randrange(n)`` but several times faster; the tiny float bias is irrelevant here."""
    return int(rng.random() * n)


def _name(rng: random.Random, gender: str | None = None) -> str:
    g = gender or ("男" if rng.random() < 0.5 else "女")
    pool = GIVEN_MALE if g == "男" else GIVEN_FEMALE
    given = pool[_below(rng, len(pool))]
    if len(given) == 1:
        given = SECOND[_below(rng, len(SECOND))] + given
    return SURNAMES[_below(rng, len(SURNAMES))] + given


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def _landline(rng: random.Random) -> str:
    return f"0558-{rng.randrange(2000000, 9999999)}"


def _between(rng: random.Random, a: date, b: date) -> date:
    if b <= a:
        return a
    return a + timedelta(days=_below(rng, (b - a).days + 1))


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError(d)  # unreachable: every month has 28 days


def _clock(rng: random.Random, d: date) -> Callable[[], datetime]:
    ts = datetime(d.year, d.month, d.day, tzinfo=UTC) + timedelta(seconds=_below(rng, 36000))
    return lambda: ts


def _short(committee: str) -> str:
    """``河口村民委员会`` -> ``河口村``; ``东岭社区居民委员会`` -> ``东岭社区``."""
    return committee.replace("居民委员会", "").replace("民委员会", "")


def _address(rng: random.Random, committee: str, town: str) -> str:
    short = _short(committee)
    if short.endswith("社区"):
        return f"{CITY}{COUNTY}{town}{short}{rng.randrange(1, 40)}栋{rng.randrange(1, 6)}0{rng.randrange(1, 4)}室"
    return f"{CITY}{COUNTY}{town}{short}{_cn_number(rng.randrange(1, 9))}组{rng.randrange(1, 60)}号"


def _record(w: _World, kind: str, data: dict[str, Any], author: str, subject: str | None, on: date) -> Record:
    return Record.new(kind, data, author=author, subject=subject, clock=_clock(w.rng, on), record_id=w.ids())


T = TypeVar("T")


def _pick(rng: random.Random, pool: Sequence[T]) -> T:
    return pool[_below(rng, len(pool))]


# --- office-side records ----------------------------------------------------------------------


def _world(rng: random.Random, today: date, ids: Callable[[], str]) -> _World:
    w = _World(rng, today, ids)
    w.officers = [_name(rng) for _ in range(3)]
    w.director = _name(rng)
    w.police = {t: _name(rng, "男") for t in TOWNS}
    w.social_workers = [_name(rng) for _ in range(4)]
    return w


def _helper_data(w: _World, fp: str, committee: str) -> dict[str, Any]:
    rng = w.rng
    reviewed = w.today - timedelta(days=rng.randrange(200, 700))
    enrolled = reviewed + timedelta(days=rng.randrange(0, 8))
    data: dict[str, Any] = {
        "name": _name(rng),
        "committee": committee,
        "phone": _mobile(rng),
        "fingerprint": fp,
        "sign_pub": f"{rng.getrandbits(256):064x}",
        "enc_pub": f"{rng.getrandbits(256):064x}",
        "conditions": [1, 2, 3, 4],
        "reviewer": _pick(rng, w.officers),
        "review_date": reviewed.isoformat(),
        "enrolled_date": enrolled.isoformat(),
        "status": "active",
    }
    if rng.random() < 0.8:
        data["filed_date"] = (enrolled + timedelta(days=rng.randrange(3, 30))).isoformat()
    return data


def _sentence(rng: random.Random, category: str, crime: str) -> tuple[str, int, int]:
    """(sentence text, term months, months served before the term began)."""
    if category == "缓刑":
        if crime == "危险驾驶":
            jail = rng.randrange(1, 7)
            term = max(jail, _pick(rng, (2, 3, 4, 6)) + jail)
            return f"拘役{cn_duration(jail)},缓刑{cn_duration(term)}", term, 0
        prison = _pick(rng, (6, 8, 10, 12, 18, 24, 30, 36))
        term = max(12, prison + _pick(rng, (0, 6, 12)))
        return f"有期徒刑{cn_duration(prison)},缓刑{cn_duration(term)}", term, 0
    if category == "管制":
        term = _pick(rng, (3, 6, 8, 12, 18, 24))
        return f"管制{cn_duration(term)}", term, 0
    prison = _pick(rng, (24, 36, 48, 60, 84, 120))
    term = rng.randrange(6, min(prison // 2, 36) + 1)
    return f"有期徒刑{cn_duration(prison)}", term, prison - term


def _subject_data(w: _World, committee: str, town: str, helpers: list[str]) -> dict[str, Any]:
    rng, today = w.rng, w.today
    gender = "男" if rng.random() < 0.82 else "女"
    category = rng.choices(("缓刑", "假释", "管制", "暂予监外执行"), (70, 12, 10, 8))[0]
    crime = _pick(rng, CRIMES)
    sentence, term_months, served = _sentence(rng, category, crime)
    term_start = today - timedelta(days=rng.randrange(5, max(6, term_months * 28 - 5)))
    term_end = _add_months(term_start, term_months) - timedelta(days=1)
    judged = term_start - timedelta(days=rng.randrange(8, 25) + served * 30)
    birth = date(judged.year - rng.randrange(18, 65), rng.randrange(1, 13), 1)
    household = _address(rng, committee, town)
    data: dict[str, Any] = {
        "name": _name(rng, gender),
        "gender": gender,
        "birth": f"{birth.year:04d}-{birth.month:02d}",
        "household": household,
        "residence": household if rng.random() < 0.8 else _address(rng, committee, town),
        "judgment_date": judged.isoformat(),
        "crime": crime,
        "court": _pick(rng, COURTS),
        "sentence": sentence,
        "category": category,
        "term_start": term_start.isoformat(),
        "term_end": term_end.isoformat(),
        "committee": committee,
        "town": town,
        "helpers": list(helpers),
    }
    if rng.random() < 0.9:
        data["phone"] = _mobile(rng)
    if rng.random() < 0.15:
        data["notes"] = _pick(rng, ("需定期复查身体", "外地务工,按月返乡报到", "家属配合度高", "曾有酗酒史,重点关注"))
    return data


_PARTICULARS = (
    "name",
    "gender",
    "birth",
    "household",
    "residence",
    "judgment_date",
    "crime",
    "court",
    "sentence",
    "category",
    "term_start",
    "term_end",
)


def _notice_data(w: _World, subject: dict[str, Any], issued: date, seq: int) -> dict[str, Any]:
    rng = w.rng
    tasks = [d for d in DUTIES if rng.random() < 0.6] or ["报告重要情况"]
    if "报告重要情况" not in tasks:
        tasks.insert(0, "报告重要情况")
    if rng.random() < 0.2:
        tasks.append("每月走访不少于一次并记录")
    contact = _pick(rng, w.officers)
    data = {
        "number": format_number(issued.year, seq),
        "year": issued.year,
        "seq": seq,
        "committee": subject["committee"],
        "town": subject["town"],
        **{k: subject[k] for k in _PARTICULARS},
        "tasks": tasks[:10],
        "contact": contact,
        "contact_phone": _landline(rng),
        "issuer": contact,
        "approver": w.director,
        "issue_date": issued.isoformat(),
    }
    return data


def _team_data(w: _World, subject: dict[str, Any], helper_names: list[str]) -> dict[str, Any]:
    rng = w.rng
    members = [
        {"slot": "office_staff", "name": _pick(rng, w.officers), "phone": _landline(rng), "unit": OFFICE_NAME},
        {
            "slot": "police",
            "name": w.police.get(subject["town"], _name(rng, "男")),
            "phone": _mobile(rng),
            "unit": f"{COUNTY}公安局{subject['town'].rstrip('镇乡街道')}派出所",
        },
        {
            "slot": "social_worker",
            "name": _pick(rng, w.social_workers),
            "phone": _mobile(rng),
            "unit": f"{COUNTY}启明社会工作服务中心",
        },
        {
            "slot": "volunteer",
            "name": helper_names[0] if helper_names else _name(rng),
            "phone": _mobile(rng),
            "unit": subject["committee"],
        },
    ]
    x_unit = _pick(rng, ("家属", "工作单位", "社区工作人员"))
    members.append(
        {
            "slot": "x",
            "name": _name(rng),
            "phone": _mobile(rng),
            "unit": {"家属": "家属", "工作单位": "所在工作单位", "社区工作人员": subject["committee"]}[x_unit],
        }
    )
    return {"members": members}


# --- helper-side records ----------------------------------------------------------------------

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


def _visit(w: _World, s: dict[str, Any], on: date, helper: str) -> dict[str, Any]:
    rng = w.rng
    data: dict[str, Any]
    if (w.today - on).days > LEGACY_VISIT_DAYS:
        data = {
            "date": on.isoformat(),
            "place": _pick(rng, VISIT_PLACES),
            "present": _pick(
                rng, (f"本人、协助人员{helper}", f"本人及家属、协助人员{helper}", f"本人、{helper}、村(居)委会委员")
            ),
            "thinking": _pick(rng, THINKING),
            "work": _pick(rng, WORK),
            "life": _pick(rng, LIFE),
            "family": _pick(rng, FAMILY),
            "notes": _pick(rng, NOTES),
        }
    else:
        data = {
            "date": on.isoformat(),
            "place": "家中" if rng.random() < 0.7 else _pick(rng, VISIT_PLACES),
            "present_who": list(_pick(rng, PRESENT_WEIGHTED)),
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
                data[f"{name}_note"] = _pick(rng, UNUSUAL_NOTES[name])
                unusual = True
        if unusual or rng.random() < 0.5:
            data["notes"] = _pick(rng, NOTES)
    if rng.random() < 0.2:
        data["situation"] = _pick(rng, SITUATIONS)
    return data


def _report(w: _World, on: date) -> dict[str, Any]:
    rng = w.rng
    category = rng.choices(REPORT_CATEGORIES, (15, 20, 15, 15, 15, 10, 10))[0]
    data = {
        "category": category,
        "urgency": "紧急" if rng.random() < 0.25 else "一般",
        "occurred": on.isoformat(),
        "description": _pick(rng, REPORT_TEXT[category]),
    }
    if rng.random() < 0.7:
        data["action"] = _pick(rng, ACTIONS)
    return data


def _evaluation(w: _World, on: date) -> dict[str, Any]:
    rng = w.rng
    ratings = [_pick(rng, RATINGS_WEIGHTED) for _ in range(3)]
    grade = ratings[rng.randrange(3)]
    return {
        "period": _quarter(on),
        "date": on.isoformat(),
        "evaluators": [{"name": _name(rng), "identity": _pick(rng, IDENTITIES)} for _ in range(rng.randint(3, 5))],
        "law_abiding": ratings[0],
        "community_service": ratings[1],
        "daily_conduct": ratings[2],
        "grade": grade,
        "comments": _pick(
            rng,
            (
                "能遵守各项监管规定,按时参加社区服务",
                "表现总体平稳,个别时候报到不及时",
                "积极参加公益劳动,邻里反映较好",
                "需加强法律学习,注意控制情绪",
            ),
        ),
    }


def _assistance(w: _World, on: date) -> dict[str, Any]:
    rng = w.rng
    return {
        "date": on.isoformat(),
        "difficulty": _pick(
            rng,
            ("家庭收入低,子女上学费用困难", "失业在家,缺少就业技能", "患慢性病,医疗费用负担重", "住房破旧,雨季漏水"),
        ),
        "help": _pick(
            rng, ("协助申请临时救助", "推荐到本地企业就业", "联系镇卫生院办理慢病卡", "组织志愿者帮助修缮房屋")
        ),
        "resources": _pick(rng, ("民政临时救助资金", "人社部门就业服务", "社区志愿者队伍", "村集体经济组织")),
        "outcome": _pick(
            rng, ("已获得救助金两千元", "已上岗工作,月收入三千元左右", "医疗负担有所减轻", "房屋已修缮完毕")
        ),
    }


def _meeting(w: _World, s: dict[str, Any], on: date, helper: str) -> dict[str, Any]:
    rng = w.rng
    return {
        "date": on.isoformat(),
        "attendees": f"司法所{_pick(rng, w.officers)}、社区民警{w.police.get(s.get('town', ''), _name(rng, '男'))}、"
        f"协助人员{helper}、专职社工{_pick(rng, w.social_workers)}",
        "topics": _pick(rng, ("分析本季度矫正表现", "研究困难帮扶措施", "讨论外出务工申请", "调整矫正方案")),
        "decisions": _pick(rng, ("继续按普通管理", "加强走访频次,每半月一次", "协助联系就业岗位", "同意上报外出申请")),
    }


def _declaration(w: _World, s: dict[str, Any], on: date, helper: str) -> dict[str, Any]:
    rng = w.rng
    return {
        "type": "入矫",
        "date": on.isoformat(),
        "place": OFFICE_NAME,
        "attended": rng.random() < 0.95,
        "attendees": f"司法所{_pick(rng, w.officers)}、协助人员{helper}、社区民警{w.police.get(s.get('town', ''), '')}",
    }


def _investigation(w: _World, s: dict[str, Any], on: date) -> dict[str, Any]:
    rng = w.rng
    return {
        "date": on.isoformat(),
        "requested_by": _pick(rng, (f"{CITY}{COUNTY}人民法院", f"{CITY}{COUNTY}人民检察院", f"{CITY}江北区人民法院")),
        "residence": _pick(rng, ("在本村有固定住所,与父母同住", "在本社区租房居住已三年")),
        "family": _pick(rng, ("家庭成员愿意配合监管", "配偶在外务工,父母年迈")),
        "social": _pick(rng, ("社会交往简单,无不良嗜好", "平时交往人员较杂")),
        "community_opinion": _pick(rng, ("村(居)委会同意接收", "邻里反映其平时为人尚可")),
        "opinion": _pick(rng, ("具备社区矫正条件", "建议适用社区矫正,加强监管")),
    }


def _registration(w: _World, s: dict[str, Any], on: date, helper: str) -> dict[str, Any]:
    rng = w.rng
    by, bm = (int(x) for x in str(s["birth"]).split("-"))
    age = on.year - by - (1 if on.month < bm else 0)
    married = rng.random() < 0.7
    family = []
    if married:
        family.append(
            {
                "name": _name(rng, "女" if s["gender"] == "男" else "男"),
                "relation": "妻子" if s["gender"] == "男" else "丈夫",
            }
        )
    for relation in rng.sample(("父亲", "母亲", "儿子", "女儿", "哥哥", "姐姐"), rng.randrange(0, 4)):
        family.append(
            {"name": _name(rng, "男" if relation in ("父亲", "儿子", "哥哥") else "女"), "relation": relation}
        )
    for member in family:
        member["workplace"] = _pick(rng, ("在家务农", "县城务工", "镇中心小学", "退休在家", s["residence"]))
        member["phone"] = _mobile(rng) if rng.random() < 0.8 else ""
    problem = rng.random() < 0.15
    return {
        "committee": s["committee"],
        "filler": helper,
        "fill_date": on.isoformat(),
        "name": s["name"],
        "gender": s["gender"],
        "age": max(12, age),
        "ethnicity": rng.choices(("汉族", "回族", "畲族"), (95, 4, 1))[0],
        "education": _pick(rng, ("小学", "初中", "初中", "高中", "中专", "大专", "本科")),
        "health": _pick(rng, ("良好", "良好", "一般", "患有高血压")),
        "political": _pick(rng, ("群众", "群众", "群众", "共青团员")),
        "marital": "已婚" if married else _pick(rng, ("未婚", "离异", "丧偶")),
        "contact": s.get("phone") or _mobile(rng),
        "residence": s["residence"],
        "household": s["household"],
        "prior_record": "无" if rng.random() < 0.85 else "曾因盗窃被判处拘役三个月",
        "remorse": _pick(rng, ("认罪悔罪态度较好", "能够认识到自己的错误,表示积极改正", "悔罪态度一般,需加强教育")),
        "experience": _pick(
            rng, ("初中毕业后外出务工,后回乡务农", "高中毕业后参军,退伍后从事个体经营", "中专毕业后在县城工厂工作多年")
        ),
        "living": _pick(rng, ("与家人同住,生活稳定", "独居,生活较为困难", "与父母同住,收入一般")),
        "workplace": _pick(rng, ("个体经营", "青石建材有限公司", "在家务农", "无")),
        "work_status": _pick(rng, ("工作稳定,表现正常", "季节性务工", "正在寻找工作")),
        "personality": _pick(rng, ("性格内向,少言寡语", "性格外向,容易冲动", "为人随和")),
        "skills": _pick(rng, ("会驾驶", "懂电焊", "会种植果树", "无")),
        "other_traits": _pick(rng, ("无", "有吸烟习惯", "左腿有旧伤")),
        "family": family,
        "family_problem": "是" if problem else "否",
        "main_problems": _pick(rng, ("夫妻关系紧张,经常争吵", "与兄弟因赡养老人问题有矛盾")) if problem else "",
        "remarks": "",
    }


def _first_meeting(w: _World, s: dict[str, Any], on: date, helper: str) -> dict[str, Any]:
    rng = w.rng
    return {
        "date": on.isoformat(),
        "place": _pick(rng, ("村(居)委会办公室", "司法所", "家中")),
        "present": f"协助人员{helper}、司法所{_pick(rng, w.officers)}、社区矫正对象{s['name']}",
        "explained": "告知协助事项、报告重要情况和外出须事先审批的规定,了解基本情况以填写登记表",
    }


def _movement(w: _World, s: dict[str, Any], on: date) -> dict[str, Any]:
    rng = w.rng
    start = on + timedelta(days=rng.randrange(2, 6))
    return {
        "type": "外出",
        "channel": "经协助人员提出",
        "applied": on.isoformat(),
        "start": start.isoformat(),
        "end": (start + timedelta(days=rng.randrange(3, 10))).isoformat(),
        "destination": _pick(rng, ("成都市武侯区", "重庆市渝中区", "绵阳市涪城区")),
        "reason": _pick(rng, ("探望住院的亲属", "外出务工面试", "参加子女婚礼")),
    }


_LATER_KINDS = ("visit", "report", "evaluation", "assistance", "meeting")
_LATER_CUM_WEIGHTS = (60, 72, 82, 90, 100)


def _helper_records(
    w: _World, subject: Record, author: str, helper: str, count: int, enrolled: date | None = None
) -> list[Record]:
    """``count`` helper-authored records for one subject, dated within the term so far and never
    before the helper's enrolment (``enrolled``): a helper enrolled after the 入矫宣告 did not
    attend it, and one enrolled after the judgment did not help with the 调查评估."""
    rng, today = w.rng, w.today
    s = subject.data
    term_start = date.fromisoformat(s["term_start"])
    start = min(max(term_start, enrolled or term_start), today)
    out: list[Record] = []
    sid = subject.subject or subject.id
    if count >= 1:
        on = _between(rng, start, min(today, start + timedelta(days=10)))
        out.append(_record(w, "registration", _registration(w, s, on, helper), author, sid, on))
        if count >= 4:
            out.append(_record(w, "first_meeting", _first_meeting(w, s, on, helper), author, sid, on))
    if count >= 6 and rng.random() < 0.3:
        on = _between(rng, start, today - timedelta(days=20)) if today - timedelta(days=20) > start else start
        travel = _movement(w, s, on)
        out.append(_record(w, "movement", travel, author, sid, on))
        back = date.fromisoformat(travel["end"])
        if back <= today:
            returned = {"request": out[-1].id, "outcome": "按期返回", "date": back.isoformat()}
            out.append(_record(w, "travel_return", returned, author, sid, back))
    if count >= 2 and start == term_start:
        out.append(_record(w, "declaration", _declaration(w, s, start, helper), author, sid, start))
    if count >= 3 and rng.random() < 0.3:
        judged = date.fromisoformat(s["judgment_date"])
        on = judged - timedelta(days=rng.randrange(10, 40))
        if enrolled is None or on >= enrolled:
            out.append(_record(w, "investigation", _investigation(w, s, on), author, sid, on))
    while len(out) < count:
        kind = rng.choices(_LATER_KINDS, cum_weights=_LATER_CUM_WEIGHTS)[0]
        on = _between(rng, start, today)
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
        out.append(_record(w, kind, data, author, sid, on))
    return out


# --- public API -------------------------------------------------------------------------------


def generate(
    rng: random.Random,
    *,
    subjects: int,
    records_per_subject: int,
    office_fp: str,
    helper_fps: list[str],
    today: date,
    ids: Callable[[], str] = new_id,
) -> list[Record]:
    """A whole office's data: office, committees, helpers, subjects with notices and teams,
    ``records_per_subject`` helper-authored records per subject, and acks for some reports.

    Subjects are assigned round-robin to ``helper_fps`` (some get a second helper); without
    helpers, subjects are unassigned and helper kinds are authored by the office.
    """
    w = _world(rng, today, ids)
    out: list[Record] = []
    first = today - timedelta(days=900)
    out.append(_record(w, "office", {"name": OFFICE_NAME, "fingerprint": office_fp}, office_fp, None, first))
    for name, town in COMMITTEES:
        out.append(_record(w, "committee", {"name": name, "town": town}, office_fp, None, first))
    helper_info: list[tuple[str, str, str]] = []  # (fingerprint, name, committee)
    enrolled_on: dict[str, date] = {}
    for i, fp in enumerate(helper_fps):
        committee = COMMITTEES[i % len(COMMITTEES)][0]
        data = _helper_data(w, fp, committee)
        out.append(_record(w, "helper", data, office_fp, None, date.fromisoformat(data["enrolled_date"])))
        helper_info.append((fp, data["name"], committee))
        enrolled_on[fp] = date.fromisoformat(data["enrolled_date"])
    town_of = dict(COMMITTEES)

    subject_records: list[tuple[Record, list[str]]] = []
    for i in range(subjects):
        if helper_info:
            fp, hname, committee = helper_info[i % len(helper_info)]
            assigned, names = [fp], [hname]
            if len(helper_info) > 1 and rng.random() < 0.25:
                other = helper_info[(i + 1) % len(helper_info)]
                assigned.append(other[0])
                names.append(other[1])
        else:
            committee = COMMITTEES[rng.randrange(len(COMMITTEES))][0]
            assigned, names = [], []
        data = _subject_data(w, committee, town_of[committee], assigned)
        start = date.fromisoformat(data["term_start"])
        subject = _record(w, "subject", data, office_fp, None, start)
        subject_records.append((subject, names))

    # Notices are numbered in issue order, per year, as the office would have issued them.
    issued = [
        (min(today, date.fromisoformat(s.data["term_start"]) + timedelta(days=rng.randrange(0, 4))), idx)
        for idx, (s, _) in enumerate(subject_records)
    ]
    last_seq: dict[int, int] = {}
    notice_of: dict[int, Record] = {}
    for on, idx in sorted(issued):
        seq = next_seq([(on.year, last_seq.get(on.year, 0))], on.year)
        last_seq[on.year] = seq
        subject = subject_records[idx][0]
        notice_of[idx] = _record(w, "notice", _notice_data(w, subject.data, on, seq), office_fp, subject.id, on)

    for idx, (subject, names) in enumerate(subject_records):
        out.append(subject)
        out.append(notice_of[idx])
        start = date.fromisoformat(subject.data["term_start"])
        out.append(_record(w, "team", _team_data(w, subject.data, names), office_fp, subject.id, start))
        helpers = subject.data["helpers"]
        author = helpers[0] if helpers else office_fp
        helper_name = names[0] if names else _name(rng)
        records = _helper_records(w, subject, author, helper_name, records_per_subject, enrolled_on.get(author))
        out.extend(records)
        for r in records:
            if r.kind == "movement":  # the office approved each demo request within two days
                on = min(today, date.fromisoformat(r.data["applied"]) + timedelta(days=1))
                decision = {
                    "request": r.id,
                    "outcome": "批准",
                    "note": "同意外出,按期返回后及时报告",
                    "by": w.director,
                    "date": on.isoformat(),
                }
                out.append(_record(w, "decision", decision, office_fp, subject.id, on))
            if r.kind == "report" and rng.random() < 0.6:
                occurred = date.fromisoformat(r.data["occurred"])
                on = min(today, occurred + timedelta(days=rng.randrange(0, 4)))
                ack = {
                    "report": r.id,
                    "note": _pick(rng, ("已知悉,请继续关注", "已安排专人上门核实", "已约谈本人")),
                    "by": _pick(rng, w.officers),
                    "date": on.isoformat(),
                }
                out.append(_record(w, "ack", ack, office_fp, subject.id, on))
    out.extend(_handovers(w, out, subject_records, office_fp))  # issue 15: after the rest
    return out


def _handovers(
    w: _World, records: list[Record], subjects: list[tuple[Record, list[str]]], office_fp: str
) -> list[Record]:
    """A subject with a second helper: the 移交材料 that helper received of the first's records."""
    out = []
    for subject, names in subjects:
        helpers = subject.data.get("helpers") or []
        if len(helpers) < 2:
            continue
        own = [r for r in records if r.subject == subject.id]
        chosen = handover.select(own, keep=handover.DEFAULT_KEEP)
        if not chosen:
            continue
        on = w.today
        data = {
            "helper": helpers[1],
            "from_name": names[0],
            "date": on.isoformat(),
            "items": handover.items(chosen, {helpers[0]: names[0]}),
        }
        out.append(_record(w, handover.HANDOVER_KIND, data, office_fp, subject.id, on))
    return out


def generate_for_helper(
    rng: random.Random,
    subjects: list[Record],
    helper_fp: str,
    records_per_subject: int,
    today: date,
    *,
    enrolled: date | None = None,
    ids: Callable[[], str] = new_id,
) -> list[Record]:
    """Only helper-authored records, by ``helper_fp``, for the given subject records, none dated
    before ``enrolled`` (when the phone first heard from its office, say)."""
    w = _world(rng, today, ids)
    helper_name = _name(rng)
    out: list[Record] = []
    for subject in subjects:
        if subject.kind != "subject":
            continue
        out.extend(_helper_records(w, subject, helper_fp, helper_name, records_per_subject, enrolled))
    return out
