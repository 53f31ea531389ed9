"""The fictional place and its people: a county (云山市青石县), its towns and committees, name and
phone pools, and the small seeded generators every demo record is built from.

Names mix common and rare characters (堃 喆 昇 曌 犇 ...) so fonts and sorting get exercised.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from core.records import Record, new_id

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


@dataclass
class World:
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


def full_name(rng: random.Random, gender: str | None = None) -> str:
    g = gender or ("男" if rng.random() < 0.5 else "女")
    pool = GIVEN_MALE if g == "男" else GIVEN_FEMALE
    given = pool[_below(rng, len(pool))]
    if len(given) == 1:
        given = SECOND[_below(rng, len(SECOND))] + given
    return SURNAMES[_below(rng, len(SURNAMES))] + given


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def landline(rng: random.Random) -> str:
    return f"0558-{rng.randrange(2000000, 9999999)}"


def between(rng: random.Random, a: date, b: date) -> date:
    if b <= a:
        return a
    return a + timedelta(days=_below(rng, (b - a).days + 1))


def add_months(d: date, months: int) -> date:
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


def address(rng: random.Random, committee: str, town: str) -> str:
    short = _short(committee)
    if short.endswith("社区"):
        return f"{CITY}{COUNTY}{town}{short}{rng.randrange(1, 40)}栋{rng.randrange(1, 6)}0{rng.randrange(1, 4)}室"
    return f"{CITY}{COUNTY}{town}{short}{_cn_number(rng.randrange(1, 9))}组{rng.randrange(1, 60)}号"


def record(w: World, kind: str, data: dict[str, Any], author: str, subject: str | None, on: date) -> Record:
    return Record.new(kind, data, author=author, subject=subject, clock=_clock(w.rng, on), record_id=w.ids())


T = TypeVar("T")


def pick(rng: random.Random, pool: Sequence[T]) -> T:
    return pool[_below(rng, len(pool))]


def world(rng: random.Random, today: date, ids: Callable[[], str]) -> World:
    w = World(rng, today, ids)
    w.officers = [full_name(rng) for _ in range(3)]
    w.director = full_name(rng)
    w.police = {t: full_name(rng, "男") for t in TOWNS}
    w.social_workers = [full_name(rng) for _ in range(4)]
    return w
