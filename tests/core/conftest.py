"""Valid sample data for the official forms, shared by the core tests."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

TODAY = date(2026, 5, 20)


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def notice_data() -> dict[str, Any]:
    """附件1 协助社区矫正工作通知单, filled as a 司法所 would."""
    return {
        "number": "(2026)协通字第12号",
        "year": 2026,
        "seq": 12,
        "committee": "河口村民委员会",
        "town": "青石镇",
        "name": "李堃",
        "gender": "男",
        "birth": "1986-07",
        "household": "云山市青石县青石镇河口村三组12号",
        "residence": "云山市青石县青石镇河口村三组12号",
        "judgment_date": "2026-03-02",
        "crime": "危险驾驶",
        "court": "云山市青石县",
        "sentence": "拘役四个月,缓刑六个月",
        "category": "缓刑",
        "term_start": "2026-03-14",
        "term_end": "2026-09-13",
        "tasks": ["协助调查评估", "履行矫正小组成员职责", "报告重要情况"],
        "contact": "王喆",
        "contact_phone": "0555-2426309",
        "issuer": "王喆",
        "approver": "周昇",
        "issue_date": "2026-03-16",
    }


@pytest.fixture
def registration_data() -> dict[str, Any]:
    """附件2 社区矫正对象基本情况登记表, filled by a helper."""
    return {
        "committee": "河口村民委员会",
        "filler": "陈曌",
        "fill_date": "2026-03-20",
        "name": "李堃",
        "gender": "男",
        "age": 39,
        "ethnicity": "汉族",
        "education": "初中",
        "health": "良好",
        "political": "群众",
        "marital": "已婚",
        "contact": "13912345678",
        "residence": "云山市青石县青石镇河口村三组12号",
        "household": "云山市青石县青石镇河口村三组12号",
        "prior_record": "无",
        "remorse": "认罪悔罪态度较好,能主动反思",
        "experience": "初中毕业后外出务工,2015年回乡从事货运",
        "living": "与妻子、女儿同住,收入稳定",
        "workplace": "个体货运",
        "work_status": "每日按时出车,无异常",
        "personality": "性格外向,容易冲动",
        "skills": "持有B2驾驶证",
        "other_traits": "无",
        "family": [
            {"name": "张淼", "relation": "妻子", "workplace": "青石镇中心小学", "phone": "13812345678"},
            {"name": "李玥", "relation": "女儿", "workplace": "青石镇中心小学(学生)", "phone": ""},
        ],
        "family_problem": "否",
        "main_problems": "",
        "remarks": "",
    }
