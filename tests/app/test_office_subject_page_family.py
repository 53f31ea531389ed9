"""The office subject page shows 附件2's family table with the form's own columns (issue 14, item 4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workflow_setup import Clock, case, to_office

from sync.app import office

REGISTRATION = {
    "committee": "青山村民委员会",
    "filler": "王五",
    "fill_date": "2026-11-21",
    "name": "张三",
    "gender": "男",
    "age": 46,
    "ethnicity": "汉族",
    "education": "初中",
    "health": "良好",
    "political": "群众",
    "marital": "已婚",
    "contact": "13812345678",
    "residence": "四川省某县某镇",
    "household": "四川省某县",
    "prior_record": "无",
    "remorse": "认罪悔罪",
    "experience": "务农",
    "living": "与妻子同住",
    "workplace": "务农",
    "work_status": "正常",
    "personality": "内向",
    "skills": "种植",
    "other_traits": "无",
    "family": [{"name": "李梅", "relation": "妻子", "workplace": "青山村三组", "phone": "13812345678"}],
    "family_problem": "否",
}


def _registered(tmp_path: Path) -> tuple[Any, str]:
    clock = Clock()
    osvc, h, sid = case(tmp_path, clock)
    h.save_record("registration", REGISTRATION, subject=sid)
    to_office(h, osvc, tmp_path)
    return osvc, sid


def test_family_columns_are_the_four_columns_of_the_form(tmp_path: Path) -> None:
    osvc, sid = _registered(tmp_path)
    reg = office.subject_page(osvc, sid)["registration"]
    assert [label for _name, label in reg["family_columns"]] == ["姓名", "关系", "工作单位或住址", "联系电话"]
    assert [reg["data"]["family"][0][name] for name, _label in reg["family_columns"]] == [
        "李梅",
        "妻子",
        "青山村三组",
        "13812345678",
    ]
