"""The office subject page draws 附件2's family table with the form's columns (issue 14, item 4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workflow_setup import Clock, case, to_office

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


def test_subject_page_family_table_shows_workplace_or_address_and_no_age_or_politics(tmp_path: Path) -> None:
    import flet as ft
    from fake_shell import FakeShell

    from core.routes import Screen
    from views.office.subject_page import subject_page_view

    osvc, sid = _registered(tmp_path)
    view = subject_page_view(FakeShell(osvc), Screen.of("office_subject", id=sid))
    tables = [c for c in _walk(view) if isinstance(c, ft.DataTable)]
    family = next(t for t in tables if any("工作单位或住址" in _text(col.label) for col in t.columns))
    headers = [_text(col.label) for col in family.columns]
    assert headers == ["姓名", "关系", "工作单位或住址", "联系电话"]
    assert [_text(cell.content) for cell in family.rows[0].cells] == ["李梅", "妻子", "青山村三组", "13812345678"]


def _text(control: Any) -> str:
    return str(getattr(control, "value", "") or "")


def _walk(control: Any) -> list[Any]:
    out = [control]
    for attr in ("controls", "content"):
        child = getattr(control, attr, None)
        for c in child if isinstance(child, list) else [child]:
            if c is not None and not isinstance(c, str) and hasattr(c, "__dict__"):
                out += _walk(c)
    return out
