"""Sample form data shared by the document tests (fictional people and places)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def notice() -> dict[str, Any]:
    return {
        "number": "(2026)协通字第12号",
        "year": 2026,
        "seq": 12,
        "committee": "采石社区",
        "town": "采石街道",
        "name": "张小明",
        "gender": "男",
        "birth": "1990-05",
        "household": "安徽省马鞍山市花山区解放路12号",
        "residence": "马鞍山市雨山区采石路8号",
        "judgment_date": "2026-01-15",
        "crime": "盗窃",
        "court": "马鞍山市花山区",
        "sentence": "有期徒刑一年,缓刑二年",
        "category": "缓刑",
        "term_start": "2026-02-01",
        "term_end": "2028-01-31",
        "tasks": ["协助调查评估", "履行矫正小组成员职责", "报告重要情况", "每月走访一次并记录"],
        "contact": "李文",
        "contact_phone": "0555-2426309",
        "issuer": "王芳",
        "approver": "赵刚",
        "issue_date": "2026-03-05",
    }


@pytest.fixture
def registration() -> dict[str, Any]:
    return {
        "committee": "采石社区居民委员会",
        "filler": "周丽",
        "fill_date": "2026-03-10",
        "name": "张小明",
        "gender": "男",
        "age": 35,
        "ethnicity": "汉族",
        "education": "高中",
        "health": "良好",
        "political": "群众",
        "marital": "已婚",
        "contact": "13912345678",
        "residence": "马鞍山市雨山区采石路8号",
        "household": "安徽省马鞍山市花山区解放路12号",
        "prior_record": "无前科",
        "remorse": "认罪悔罪\n主动退赃",
        "experience": "2008年起在本地建筑工地务工",
        "living": "与妻子、父亲同住,收入稳定",
        "workplace": "马鞍山市某建材厂",
        "work_status": "在岗,表现良好",
        "personality": "内向,稳重",
        "skills": "电工",
        "other_traits": "左手有疤痕",
        "family": [
            {"name": "李梅", "relation": "妻子", "workplace": "采石路超市", "phone": "13800001111"},
            {"name": "张强", "relation": "父亲", "workplace": "采石村务农", "phone": "0555-1234567"},
        ],
        "family_problem": "是",
        "main_problems": "父亲长期患病,家庭负担较重",
        "remarks": "已告知每月走访安排",
    }
