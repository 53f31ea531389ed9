"""Office-side demo records: helpers, subjects with their sentences, 执行通知书 and 矫正小组, the
移交材料 a second helper receives, and issue 15's office records: a case closed at term end (解矫),
helper assessments (考核) for the last full quarter, special rewards (专项奖励) and an open
委托调查评估 naming a helper.

Each is shaped as the app would write it (``sync/app/office``: closeout, assessment, subsidies,
entrustments): the assessment's figures are counted as ``assessment_figures`` counts them, an
entrustment's deadline is not before its date, a 期满 closure falls on the term's last day."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from core import handover
from core.demo_people import (
    CITY,
    COUNTY,
    COURTS,
    CRIMES,
    OFFICE_NAME,
    World,
    add_months,
    address,
    between,
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


def subject_data(w: World, committee: str, town: str, helpers: list[str], *, ended: bool = False) -> dict[str, Any]:
    """A subject in the middle of its term or, ``ended``, one whose term ended 15 to 90 days ago."""
    rng, today = w.rng, w.today
    gender = "男" if rng.random() < 0.82 else "女"
    category = rng.choices(("缓刑", "假释", "管制", "暂予监外执行"), (70, 12, 10, 8))[0]
    crime = pick(rng, CRIMES)
    sentence, term_months, served = _sentence(rng, category, crime)
    if ended:
        last_day = today - timedelta(days=rng.randrange(15, 91))
        term_start = add_months(last_day + timedelta(days=1), -term_months)
    else:
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


# --- issue 15: the office's records about a case's end and the people around it -------------


def closure_data(w: World, subject: dict[str, Any]) -> dict[str, Any]:
    """The 解矫宣告 of a case whose term ended (期满), on the term's last day."""
    return {
        "reason": "期满",
        "date": subject["term_end"],
        "by": pick(w.rng, w.officers),
        "note": "矫正期满,依法宣告解除社区矫正,发放解除社区矫正证明书",
    }


def last_quarter(today: date) -> tuple[str, date, date]:
    """The last calendar quarter ended before ``today``: (label, first day, last day)."""
    this_start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    start = add_months(this_start, -3)
    return f"{start.year}年第{(start.month - 1) // 3 + 1}季度", start, this_start - timedelta(days=1)


REPORT_DAYS = 2  # as sync.app.office.assessment: a report saved within two days is on time
VISIT_INTERVAL_DAYS = 30  # the office's default 走访 setting


def figures(records: list[Record], helper_fp: str, start: date, end: date) -> dict[str, int]:
    """What ``sync.app.office.assessment.assessment_figures`` counts, from the generated records
    (visits and reports by the helper, dated in the period, of the subjects assigned to it)."""
    mine = {r.id for r in records if r.kind == "subject" and helper_fp in (r.data.get("helpers") or [])}
    done = on_time = reports = 0
    for r in records:
        if r.kind not in ("visit", "report") or r.author != helper_fp or r.subject not in mine or r.deleted:
            continue
        day = date.fromisoformat(str(r.data["date"] if r.kind == "visit" else r.data["occurred"]))
        if not start <= day <= end:
            continue
        if r.kind == "visit":
            done += 1
            continue
        reports += 1
        on_time += int((date.fromisoformat(r.created[:10]) - day).days <= REPORT_DAYS)
    days = (end - start).days + 1
    return {
        "visits_done": done,
        "visits_due": len(mine) * max(1, days // VISIT_INTERVAL_DAYS),
        "reports_on_time": on_time,
        "reports_total": reports,
    }


def assessments(w: World, records: list[Record], helpers: list[tuple[str, date]], office_fp: str) -> list[Record]:
    """Each helper enrolled before the last full quarter, assessed for it early in this one."""
    label, start, end = last_quarter(w.today)
    on = between(w.rng, min(w.today, end + timedelta(days=1)), min(w.today, end + timedelta(days=15)))
    out = []
    for fp, enrolled in helpers:
        if enrolled > start:
            continue
        counted = figures(records, fp, start, end)
        done, due = counted["visits_done"], counted["visits_due"]
        result = "合格" if done * 3 >= due else "不合格"
        remark = pick(
            w.rng,
            (
                "能按通知单要求开展走访,登记表填写规范",
                "走访记录较完整,重要情况报告及时",
                "工作认真负责,与矫正小组配合较好",
            )
            if result == "合格"
            else ("走访次数明显不足,请按要求每月走访", "走访不及时,须加强与对象的日常联系"),
        )
        data = {
            "helper": fp,
            "period": label,
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            **counted,
            "evaluation": f"{label}走访{done}次(应走访{due}次)。{remark}。",
            "result": result,
            "by": w.director,
            "date": on.isoformat(),
        }
        out.append(record(w, "assessment", data, office_fp, None, on))
    return out


REWARD_REASONS = (
    "及时报告对象重大家庭变故,协助司法所化解矛盾",
    "全年走访无遗漏,协助登记表及时准确",
    "协助引导社会力量为对象解决就业问题",
)


def rewards(w: World, helpers: list[tuple[str, date]], office_fp: str) -> list[Record]:
    """A 专项奖励 (whole yuan, with its reason) for the first helper and, with three or more,
    for the third; dated in the last two months and after the helper's enrolment."""
    out = []
    for fp, enrolled in helpers[:3:2]:
        on = between(w.rng, max(enrolled, w.today - timedelta(days=60)), w.today)
        data = {
            "helper": fp,
            "date": on.isoformat(),
            "amount": pick(w.rng, (200, 300, 500)),
            "reason": pick(w.rng, REWARD_REASONS),
            "by": w.director,
        }
        out.append(record(w, "reward", data, office_fp, None, on))
    return out


def entrustment(w: World, helper_fp: str, committee: str, town: str, office_fp: str) -> Record:
    """A court's 委托调查评估 for a 被告人 not yet sentenced, still open (no result), naming the
    helper of the committee where the person lives (the helper may be "")."""
    rng = w.rng
    gender = "男" if rng.random() < 0.8 else "女"
    name = full_name(rng, gender)
    entrusted = w.today - timedelta(days=rng.randrange(2, 9))
    born = date(w.today.year - rng.randrange(20, 60), rng.randrange(1, 13), 1)
    data: dict[str, Any] = {
        "name": name,
        "gender": gender,
        "birth": f"{born.year:04d}-{born.month:02d}",
        "residence": address(rng, committee, town),
        "status": "被告人",
        "court": f"{CITY}{COUNTY}人民法院",
        "entrusted_date": entrusted.isoformat(),
        "due_date": (entrusted + timedelta(days=10)).isoformat(),
        "request": f"被告人{name}涉嫌{pick(rng, CRIMES)}一案,拟适用社区矫正,请对其社会危险性和对所居住社区的影响进行调查评估",
    }
    if helper_fp:
        data["helper"] = helper_fp
    rec = record(w, "entrustment", data, office_fp, None, entrusted)
    return replace(rec, subject=rec.id)  # its own partition: it travels to the helper it names
