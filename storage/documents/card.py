"""The office card: the office's name and fingerprint digits, read aloud at enrolment."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from core.errors import ValidationError

# Chinese type sizes (字号) in points.
from storage.documents.docx_base import (
    CARD_TITLE,
    DIGIT_FONT,
    ERHAO,
    SANHAO,
    SIHAO,
    TITLE_FONT,
    WUHAO,
    XIAOSI,
    add_run,
    date_cn,
    new_document,
    paragraph,
    save_docx,
    text_of,
)

# ---------------------------------------------------------------- office card

_CARD_GROUPS_PER_ROW = 3
_CARD_DIGIT_SIZE = 26.0
_CARD_STEPS = (
    "1.协助人员在手机上导入司法所身份卡后,手机会显示一串数字,同样每五位一组。",
    "2.司法所工作人员当面逐组大声读出本页上的数字(例如“第1组:……”),协助人员看着手机屏幕逐组核对;"
    "读完后交换,由协助人员朗读、工作人员核对一遍。",
    "3.所有数字完全一致,协助人员才可以在手机上确认。",
    "4.只要有一位数字不同,请不要确认,并立即告知司法所工作人员。",
)
_CARD_NOTE = "本卡只印有司法所名称和公开的身份指纹,不含任何口令或密钥。"


def fingerprint_groups_of(fingerprint: str) -> list[str]:
    """The fingerprint's digits in groups of five; raises ValidationError for anything else."""
    digits = re.sub(r"[\s\-]", "", text_of(fingerprint))
    if not digits or not digits.isascii() or not digits.isdigit():
        raise ValidationError(
            {"fingerprint": "身份指纹为空或含有数字以外的字符,无法打印身份卡。请重新导出身份卡后再试。"}
        )
    return [digits[i : i + 5] for i in range(0, len(digits), 5)]


def office_card_docx(
    name: str,
    fingerprint_groups: str,
    out_path: str | os.PathLike[str],
    *,
    issued_date: date | str,
) -> Path:
    """A printable page with the office fingerprint in large digits, read aloud at enrolment."""
    office = text_of(name)
    if not office:
        raise ValidationError({"name": "请先填写司法所名称,再打印身份卡。"})
    groups = fingerprint_groups_of(fingerprint_groups)
    doc = new_document(CARD_TITLE)
    center = WD_ALIGN_PARAGRAPH.CENTER
    paragraph(doc, CARD_TITLE, size=ERHAO, bold=True, align=center, east_asia=TITLE_FONT, space_after=12)
    paragraph(doc, office, size=SANHAO, bold=True, align=center, space_after=4)
    paragraph(doc, [("发卡日期:", False), (date_cn(issued_date), False)], size=XIAOSI, align=center, space_after=18)
    paragraph(doc, "身份指纹(每五位一组):", size=SIHAO, bold=True, space_after=6)

    rows = (len(groups) + _CARD_GROUPS_PER_ROW - 1) // _CARD_GROUPS_PER_ROW
    table = doc.add_table(rows=rows, cols=_CARD_GROUPS_PER_ROW)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    grey = RGBColor(0x59, 0x59, 0x59)
    for index, group in enumerate(groups):
        cell = table.cell(index // _CARD_GROUPS_PER_ROW, index % _CARD_GROUPS_PER_ROW)
        label = cell.paragraphs[0]
        label.alignment = center
        add_run(label, f"第{index + 1}组", size=WUHAO, color=grey)
        digits = cell.add_paragraph()
        digits.alignment = center
        digits.paragraph_format.space_after = Pt(10)
        add_run(digits, group, size=_CARD_DIGIT_SIZE, bold=True, latin=DIGIT_FONT)

    paragraph(doc, "核对方法(请当面进行):", size=SIHAO, bold=True, space_before=18, space_after=4)
    for step in _CARD_STEPS:
        paragraph(doc, step, size=SIHAO, line_spacing=1.4)
    paragraph(doc, _CARD_NOTE, size=XIAOSI, space_before=12)
    return save_docx(doc, out_path)
