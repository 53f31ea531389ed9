"""Office-side demo records: helpers, subjects with their sentences, 执行通知书 and 矫正小组, and
the 移交材料 a second helper receives."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from core import handover
from core.demo_people import (
    COUNTY,
    COURTS,
    CRIMES,
    OFFICE_NAME,
    World,
    add_months,
    address,
    cn_duration,
    full_name,
    landline,
    mobile,
    pick,
    record,
)
from core.numbering import format_number
from core.records import Record
from core.vocabularies import DUTIES


def helper_data(w: World, fp: str, committee: str) -> dict[str, Any]:
    rng = w.rng
    reviewed = w.today - timedelta(days=rng.randrange(200, 700))
    enrolled = reviewed + timedelta(days=rng.randrange(0, 8))
    data: dict[str, Any] = {
        "name": full_name(rng),
        "committee": committee,
        "phone": mobile(rng),
        "fingerprint": fp,
        "sign_pub": f"{rng.getrandbits(256):064x}",
        "enc_pub": f"{rng.getrandbits(256):064x}",
        "conditions": [1, 2, 3, 4],
        "reviewer": pick(rng, w.officers),
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
            term = max(jail, pick(rng, (2, 3, 4, 6)) + jail)
            return f"拘役{cn_duration(jail)},缓刑{cn_duration(term)}", term, 0
        prison = pick(rng, (6, 8, 10, 12, 18, 24, 30, 36))
        term = max(12, prison + pick(rng, (0, 6, 12)))
        return f"有期徒刑{cn_duration(prison)},缓刑{cn_duration(term)}", term, 0
    if category == "管制":
        term = pick(rng, (3, 6, 8, 12, 18, 24))
        return f"管制{cn_duration(term)}", term, 0
    prison = pick(rng, (24, 36, 48, 60, 84, 120))
    term = rng.randrange(6, min(prison // 2, 36) + 1)
    return f"有期徒刑{cn_duration(prison)}", term, prison - term


def subject_data(w: World, committee: str, town: str, helpers: list[str]) -> dict[str, Any]:
    rng, today = w.rng, w.today
    gender = "男" if rng.random() < 0.82 else "女"
    category = rng.choices(("缓刑", "假释", "管制", "暂予监外执行"), (70, 12, 10, 8))[0]
    crime = pick(rng, CRIMES)
    sentence, term_months, served = _sentence(rng, category, crime)
    term_start = today - timedelta(days=rng.randrange(5, max(6, term_months * 28 - 5)))
    term_end = add_months(term_start, term_months) - timedelta(days=1)
    judged = term_start - timedelta(days=rng.randrange(8, 25) + served * 30)
    birth = date(judged.year - rng.randrange(18, 65), rng.randrange(1, 13), 1)
    household = address(rng, committee, town)
    data: dict[str, Any] = {
        "name": full_name(rng, gender),
        "gender": gender,
        "birth": f"{birth.year:04d}-{birth.month:02d}",
        "household": household,
        "residence": household if rng.random() < 0.8 else address(rng, committee, town),
        "judgment_date": judged.isoformat(),
        "crime": crime,
        "court": pick(rng, COURTS),
        "sentence": sentence,
        "category": category,
        "term_start": term_start.isoformat(),
        "term_end": term_end.isoformat(),
        "committee": committee,
        "town": town,
        "helpers": list(helpers),
    }
    if rng.random() < 0.9:
        data["phone"] = mobile(rng)
    if rng.random() < 0.15:
        data["notes"] = pick(rng, ("需定期复查身体", "外地务工,按月返乡报到", "家属配合度高", "曾有酗酒史,重点关注"))
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


def notice_data(w: World, subject: dict[str, Any], issued: date, seq: int) -> dict[str, Any]:
    rng = w.rng
    tasks = [d for d in DUTIES if rng.random() < 0.6] or ["报告重要情况"]
    if "报告重要情况" not in tasks:
        tasks.insert(0, "报告重要情况")
    if rng.random() < 0.2:
        tasks.append("每月走访不少于一次并记录")
    contact = pick(rng, w.officers)
    data = {
        "number": format_number(issued.year, seq),
        "year": issued.year,
        "seq": seq,
        "committee": subject["committee"],
        "town": subject["town"],
        **{k: subject[k] for k in _PARTICULARS},
        "tasks": tasks[:10],
        "contact": contact,
        "contact_phone": landline(rng),
        "issuer": contact,
        "approver": w.director,
        "issue_date": issued.isoformat(),
    }
    return data


def team_data(w: World, subject: dict[str, Any], helper_names: list[str]) -> dict[str, Any]:
    rng = w.rng
    members = [
        {"slot": "office_staff", "name": pick(rng, w.officers), "phone": landline(rng), "unit": OFFICE_NAME},
        {
            "slot": "police",
            "name": w.police.get(subject["town"], full_name(rng, "男")),
            "phone": mobile(rng),
            "unit": f"{COUNTY}公安局{subject['town'].rstrip('镇乡街道')}派出所",
        },
        {
            "slot": "social_worker",
            "name": pick(rng, w.social_workers),
            "phone": mobile(rng),
            "unit": f"{COUNTY}启明社会工作服务中心",
        },
        {
            "slot": "volunteer",
            "name": helper_names[0] if helper_names else full_name(rng),
            "phone": mobile(rng),
            "unit": subject["committee"],
        },
    ]
    x_unit = pick(rng, ("家属", "工作单位", "社区工作人员"))
    members.append(
        {
            "slot": "x",
            "name": full_name(rng),
            "phone": mobile(rng),
            "unit": {"家属": "家属", "工作单位": "所在工作单位", "社区工作人员": subject["committee"]}[x_unit],
        }
    )
    return {"members": members}


def handovers(
    w: World, records: list[Record], subjects: list[tuple[Record, list[str]]], office_fp: str
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
        out.append(record(w, handover.HANDOVER_KIND, data, office_fp, subject.id, on))
    return out
