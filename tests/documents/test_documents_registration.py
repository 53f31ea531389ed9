"""附件2 社区矫正对象基本情况登记表, read back with python-docx."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table

from storage.documents import registration_docx
from storage.documents.docx_base import REGISTRATION_FOOTNOTE

LABELS = (
    "姓名",
    "性别",
    "年龄",
    "民族",
    "文化程度",
    "健康状况",
    "原政治面貌",
    "婚姻状况",
    "联系方式",
    "居住地址",
    "户籍地址",
    "前科记录",
    "悔罪表现",
    "主要经历",
    "生活情况",
    "所在工作单位或就读学校",
    "工作或在校学习情况",
    "个体特征",
    "性格特点",
    "能力专长",
    "其他特征",
    "家庭主要成员",
    "关系",
    "工作单位或住址",
    "联系电话",
    "家庭关系是否存在问题",
    "存在的主要问题",
    "备注",
)


def _table(path: Path) -> Table:
    tables = docx.Document(str(path)).tables
    assert len(tables) == 1
    return tables[0]


def _flat(text: str) -> str:
    """A cell's text without the line breaks the paper form puts in labels, punctuation as typed."""
    return text.replace("\n", "").translate(str.maketrans("\uff0c\uff1a\uff08\uff09", ",:()"))


def _value_after(table: Table, label: str) -> str:
    """Text of the first cell to the right of ``label`` that is a different cell."""
    for row in table.rows:
        cells = row.cells
        for i, cell in enumerate(cells):
            if _flat(cell.text) == label:
                for nxt in cells[i + 1 :]:
                    if nxt._tc is not cell._tc:
                        return nxt.text.translate(str.maketrans("\uff0c\uff1a\uff08\uff09", ",:()"))
    raise AssertionError(f"label {label} not found")


def _family_rows(table: Table) -> list[list[str]]:
    rows = [r for r in table.rows if _flat(r.cells[0].text) == "家庭主要成员"]
    out = []
    for row in rows:
        unique = []
        for cell in row.cells[1:]:
            if not unique or unique[-1][0] is not cell._tc:
                unique.append((cell._tc, _flat(cell.text)))
        out.append([t for _, t in unique])
    return out


def test_every_label_of_the_seed_form_is_in_one_bordered_table(tmp_path: Path, registration: dict[str, Any]) -> None:
    table = _table(registration_docx(registration, tmp_path / "reg.docx"))
    assert table.style.name == "Table Grid"
    texts = {_flat(c.text) for r in table.rows for c in r.cells}
    for label in LABELS:
        assert label in texts, label


def test_each_value_sits_beside_its_label(tmp_path: Path, registration: dict[str, Any]) -> None:
    table = _table(registration_docx(registration, tmp_path / "reg.docx"))
    expected = {
        "性别": "男",
        "年龄": "35",
        "民族": "汉族",
        "文化程度": "高中",
        "健康状况": "良好",
        "原政治面貌": "群众",
        "婚姻状况": "已婚",
        "联系方式": "13912345678",
        "居住地址": "马鞍山市雨山区采石路8号",
        "户籍地址": "安徽省马鞍山市花山区解放路12号",
        "前科记录": "无前科",
        "悔罪表现": "认罪悔罪\n主动退赃",
        "主要经历": "2008年起在本地建筑工地务工",
        "生活情况": "与妻子、父亲同住,收入稳定",
        "所在工作单位或就读学校": "马鞍山市某建材厂",
        "工作或在校学习情况": "在岗,表现良好",
        "性格特点": "内向,稳重",
        "能力专长": "电工",
        "其他特征": "左手有疤痕",
        "家庭关系是否存在问题": "是",
        "存在的主要问题": "父亲长期患病,家庭负担较重",
        "备注": "已告知每月走访安排",
    }
    for label, value in expected.items():
        assert _value_after(table, label) == value, label
    assert table.rows[0].cells[1].text == "张小明"


def test_family_table_lists_both_members_under_its_header_and_keeps_four_rows(
    tmp_path: Path, registration: dict[str, Any]
) -> None:
    rows = _family_rows(_table(registration_docx(registration, tmp_path / "reg.docx")))
    assert rows[0] == ["姓名", "关系", "工作单位或住址", "联系电话"]
    assert rows[1] == ["李梅", "妻子", "采石路超市", "13800001111"]
    assert rows[2] == ["张强", "父亲", "采石村务农", "0555-1234567"]
    assert rows[3:] == [["", "", "", ""], ["", "", "", ""]]


def test_a_fifth_member_continues_in_a_second_table_whose_header_repeats(
    tmp_path: Path, registration: dict[str, Any]
) -> None:
    registration["family"] = [
        {"name": f"成员{i}", "relation": "亲属", "workplace": "本村", "phone": ""} for i in range(6)
    ]
    doc = docx.Document(str(registration_docx(registration, tmp_path / "reg.docx")))
    main, more = doc.tables
    assert [r[0] for r in _family_rows(main)[1:]] == [f"成员{i}" for i in range(4)]
    rest = _family_rows(more)
    assert rest[0] == ["姓名", "关系", "工作单位或住址", "联系电话"]
    assert [r[0] for r in rest[1:]] == ["成员4", "成员5"]
    header = more.rows[0]._tr
    assert header.trPr.find(qn("w:tblHeader")) is not None
    assert any("续" in p.text for p in doc.paragraphs)


def test_every_row_refuses_to_split_across_pages_and_labels_break_as_on_paper(
    tmp_path: Path, registration: dict[str, Any]
) -> None:
    table = _table(registration_docx(registration, tmp_path / "reg.docx"))
    for row in table.rows:
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
    texts = {c.text for r in table.rows for c in r.cells}
    assert {"原政治\n面貌", "文化\n程度", "家庭关系\n是否存在\n问题", "联系方式", "前科记录"} <= texts
    widths = [c.width for c in table.rows[0].cells]
    # A 4-character label in 小四 (4 x 12 pt) plus 1 mm cell margins fits every label column.
    assert min(widths[0], widths[2], widths[4], widths[6]) >= Pt(48) + Mm(2)


def test_merged_label_cells_span_their_rows(tmp_path: Path, registration: dict[str, Any]) -> None:
    table = _table(registration_docx(registration, tmp_path / "reg.docx"))
    traits = [r.cells[0] for r in table.rows if _flat(r.cells[0].text) == "个体特征"]
    assert len(traits) == 3 and len({id(c._tc) for c in traits}) == 1
    family = [r.cells[0] for r in table.rows if _flat(r.cells[0].text) == "家庭主要成员"]
    assert len(family) == 5 and len({id(c._tc) for c in family}) == 1
    for row in table.rows:
        assert len(row.cells) == 8


def test_header_line_and_footnote_surround_the_table(tmp_path: Path, registration: dict[str, Any]) -> None:
    texts = [_flat(p.text) for p in docx.Document(str(registration_docx(registration, tmp_path / "r.docx"))).paragraphs]
    assert texts[0] == "社区矫正对象基本情况登记表"
    header = texts[1].replace("\u3000", " ")
    assert header.split() == ["村(居)民委员会(盖章):采石社区居民委员会", "填表人:周丽", "填表日期:2026年3月10日"]
    assert texts[-1] == _flat(REGISTRATION_FOOTNOTE)
    assert REGISTRATION_FOOTNOTE.startswith("备注:此表用于村(居)民委员会登记本辖区社区矫正对象基本情况")


def test_an_empty_registration_still_prints_the_blank_form(tmp_path: Path) -> None:
    table = _table(registration_docx({}, tmp_path / "blank.docx"))
    texts = {_flat(c.text) for r in table.rows for c in r.cells}
    assert set(LABELS) <= texts
    assert len(_family_rows(table)) == 5
