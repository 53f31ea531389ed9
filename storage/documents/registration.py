"""附件2 社区矫正对象基本情况登记表: one bordered table on the seed's grid, one A4 sheet with up to
four family members (a continuation table with a repeated header beyond)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell

# Chinese type sizes (字号) in points.
from storage.documents.docx_base import (
    REGISTRATION_FOOTNOTE,
    REGISTRATION_TITLE,
    SIHAO,
    TITLE_FONT,
    WUHAO,
    XIAOER,
    XIAOSI,
    add_run,
    cn_punct,
    date_cn,
    new_document,
    paragraph,
    save_docx,
    text_of,
)

# ---------------------------------------------------------------- 附件2 登记表

# Column widths (mm) of the 8-column grid, adding up to the 170 mm text width. Label columns
# hold four characters of 小四 (17 mm) beside 1 mm cell margins, so 4-character labels never
# wrap; longer labels break where the paper form breaks them (see _LABEL_LINES).
_REG_COLS = (21.0, 22.0, 19.5, 21.0, 19.5, 21.0, 20.0, 26.0)
_REG_MARGINS = (15.0, 12.0, 20.0, 20.0)
_CELL_MARGIN_TWIPS = 57  # 1 mm
_MIN_FAMILY_ROWS = 4
_FAMILY_ROWS_ON_PAGE = 4

# Labels as the seed's form breaks them over lines.
_LABEL_LINES: dict[str, str] = {
    "文化程度": "文化\n程度",
    "健康状况": "健康\n状况",
    "原政治面貌": "原政治\n面貌",
    "婚姻状况": "婚姻\n状况",
    "居住地址": "居住\n地址",
    "户籍地址": "户籍\n地址",
    "个体特征": "个体\n特征",
    "家庭主要成员": "家庭\n主要\n成员",
    "所在工作单位或就读学校": "所在工作单位\n或就读学校",
    "工作或在校学习情况": "工作或在校\n学习情况",
    "家庭关系是否存在问题": "家庭关系\n是否存在\n问题",
    "存在的主要问题": "存在的\n主要问题",
}

_PAIR_ROWS = (
    (("姓名", "name"), ("性别", "gender"), ("年龄", "age"), ("民族", "ethnicity")),
    (("文化程度", "education"), ("健康状况", "health"), ("原政治面貌", "political"), ("婚姻状况", "marital")),
)
_SHORT_ROWS = (("联系方式", "contact"), ("居住地址", "residence"), ("户籍地址", "household"))
_LONG_ROWS = (
    ("前科记录", "prior_record"),
    ("悔罪表现", "remorse"),
    ("主要经历", "experience"),
    ("生活情况", "living"),
    ("所在工作单位或就读学校", "workplace"),
    ("工作或在校学习情况", "work_status"),
)
_TRAITS = (("性格特点", "personality"), ("能力专长", "skills"), ("其他特征", "other_traits"))
_FAMILY_HEADER = ("姓名", "关系", "工作单位或住址", "联系电话")
_FAMILY_KEYS = ("name", "relation", "workplace", "phone")
_TAIL_ROWS = (("家庭关系是否存在问题", "family_problem"), ("存在的主要问题", "main_problems"), ("备注", "remarks"))
_FAMILY_SPANS = ((1, 1), (2, 2), (3, 5), (6, 7))


def _set_cell(cell: _Cell, value: Any, *, label: bool = False, size: float = XIAOSI) -> None:
    """Replace the cell's content; labels are centred and break as on paper, values keep their lines."""
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    p = cell.paragraphs[0]
    for run in list(p.runs):
        run._r.getparent().remove(run._r)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if label else WD_ALIGN_PARAGRAPH.LEFT
    p.paragraph_format.line_spacing = Pt(size + 3)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    text = _LABEL_LINES.get(str(value), str(value)) if label else text_of(value)
    for i, line in enumerate(cn_punct(text).split("\n")):
        if i:
            p.add_run().add_break()
        if line.strip():
            add_run(p, line.strip(), size=size)


def _row_props(row: Any, *, header: bool = False) -> None:
    """Never split a row across pages (w:cantSplit); a header row repeats on each page (w:tblHeader)."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _grid_table(doc: DocxDocument, n_rows: int) -> Any:
    table = doc.add_table(rows=n_rows, cols=len(_REG_COLS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(_CELL_MARGIN_TWIPS))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tbl_pr.append(margins)
    for i, width in enumerate(_REG_COLS):
        table.columns[i].width = Mm(width)
        for cell in table.columns[i].cells:
            cell.width = Mm(width)
    for row in table.rows:
        _row_props(row)
    return table


def _family_rows(reg: Mapping[str, Any]) -> list[list[str]]:
    members = reg.get("family") or []
    rows: list[list[str]] = []
    for member in members:
        if isinstance(member, Mapping):
            rows.append([text_of(member.get(k)) for k in _FAMILY_KEYS])
    while len(rows) < _MIN_FAMILY_ROWS:
        rows.append(["", "", "", ""])
    return rows


def _family_block(table: Any, first: int, members: list[list[str]], *, label: str) -> int:
    """The family header and member rows from row ``first``; returns the row after the block."""
    r = first
    for row_values in [list(_FAMILY_HEADER)] + members:
        cells = table.rows[r].cells
        for (a, b), value in zip(_FAMILY_SPANS, row_values, strict=False):
            target = cells[a] if a == b else cells[a].merge(cells[b])
            _set_cell(target, value, label=(r == first) or a <= 2)
        table.rows[r].height = Mm(7.5)
        table.rows[r].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        r += 1
    _set_cell(table.rows[first].cells[0].merge(table.rows[r - 1].cells[0]), label, label=True)
    return r


def registration_docx(reg: Mapping[str, Any], out_path: str | os.PathLike[str]) -> Path:
    """附件2 as one bordered table on the seed's grid, the header line above and footnote below.

    ``reg`` is the ``data`` of a registration record. The family block has four rows as on the
    paper form and the form fits one A4 sheet; a fifth member or more continue in a table on a
    second sheet whose header row repeats on every further page.
    """
    doc = new_document(REGISTRATION_TITLE, margins_mm=_REG_MARGINS)
    paragraph(
        doc,
        REGISTRATION_TITLE,
        size=XIAOER,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        east_asia=TITLE_FONT,
        line_pt=28,
        space_after=6,
    )
    gap = ("\u3000", False)
    paragraph(
        doc,
        [
            ("村(居)民委员会(盖章):", False),
            (text_of(reg.get("committee")), True),
            gap,
            ("填表人:", False),
            (text_of(reg.get("filler")), True),
            gap,
            ("填表日期:", False),
            (date_cn(reg.get("fill_date"), ""), True),
        ],
        size=WUHAO,
        line_pt=16,
        space_after=4,
        underline_fills=False,
    )

    family = _family_rows(reg)
    on_page, rest = family[:_FAMILY_ROWS_ON_PAGE], family[_FAMILY_ROWS_ON_PAGE:]
    n_rows = len(_PAIR_ROWS) + len(_SHORT_ROWS) + len(_LONG_ROWS) + len(_TRAITS) + 1 + len(on_page) + len(_TAIL_ROWS)
    table = _grid_table(doc, n_rows)

    def cell(r: int, c: int) -> _Cell:
        # Row-local lookup: Table.cell() re-walks the whole grid on every call.
        return table.rows[r].cells[c]

    def height(r: int, mm: float) -> None:
        table.rows[r].height = Mm(mm)
        table.rows[r].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST

    def whole_row(r: int, label: str, value: Any, mm: float, *, wide_label: bool) -> None:
        # Long labels span two columns, so their values line up with the 个体特征 values.
        start = 2 if wide_label else 1
        _set_cell(cell(r, 0).merge(cell(r, 1)) if wide_label else cell(r, 0), label, label=True)
        _set_cell(cell(r, start).merge(cell(r, 7)), value)
        height(r, mm)

    r = 0
    for pairs in _PAIR_ROWS:
        for j, (label, key) in enumerate(pairs):
            _set_cell(cell(r, 2 * j), label, label=True)
            _set_cell(cell(r, 2 * j + 1), reg.get(key))
        height(r, 11)
        r += 1
    for label, key in _SHORT_ROWS:
        whole_row(r, label, reg.get(key), 10 if key != "contact" else 8, wide_label=False)
        r += 1
    for label, key in _LONG_ROWS:
        whole_row(r, label, reg.get(key), 12, wide_label=True)
        r += 1

    first = r
    for label, key in _TRAITS:
        _set_cell(cell(r, 1), label, label=True)
        _set_cell(cell(r, 2).merge(cell(r, 7)), reg.get(key))
        height(r, 10)
        r += 1
    _set_cell(cell(first, 0).merge(cell(r - 1, 0)), "个体特征", label=True)

    r = _family_block(table, r, on_page, label="家庭主要成员")

    for label, key in _TAIL_ROWS:
        whole_row(r, label, reg.get(key), 14 if key != "remarks" else 11, wide_label=True)
        r += 1

    paragraph(doc, REGISTRATION_FOOTNOTE, size=WUHAO, line_pt=14, space_before=4)

    if rest:
        paragraph(
            doc,
            "家庭主要成员(续)",
            size=SIHAO,
            bold=True,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            east_asia=TITLE_FONT,
            line_pt=22,
            space_after=6,
            page_break_before=True,
        )
        more = _grid_table(doc, 1 + len(rest))
        _row_props(more.rows[0], header=True)
        _family_block(more, 0, rest, label="家庭主要成员")
    return save_docx(doc, out_path)
