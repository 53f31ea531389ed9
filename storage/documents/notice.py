"""附件1 协助社区矫正工作通知单, printed with its 存根 below a cut line on one A4 sheet."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH

from core.errors import ValidationError

# Chinese type sizes (字号) in points.
from storage.documents.docx_base import (
    BLANK,
    BLANK_SHORT,
    CUT_LINE,
    MAX_TASKS,
    NOTICE_TITLE,
    SIHAO,
    TITLE_FONT,
    WUHAO,
    XIAOER,
    XIAOSI,
    Segment,
    date_cn,
    month_cn,
    new_document,
    or_blank,
    paragraph,
    save_docx,
    text_of,
)


def _names_itself(text: str, suffixes: Iterable[str]) -> bool:
    """True when a name already ends with the word the form would print after the blank."""
    return any(text.endswith(s) and len(text) > len(s) for s in suffixes)


def _committee_words(committee: Any) -> list[Segment]:
    """``X村(居)民委员会`` as the seed prints it, unless X already names the committee fully."""
    name = text_of(committee)
    if not name:
        return [(BLANK, True), ("村(居)民委员会", False)]
    full = _names_itself(name, ("委员会", "居委会", "村委会"))
    return [(name, True)] if full else [(name, True), ("村(居)民委员会", False)]


def _town_words(town: Any) -> list[Segment]:
    name = text_of(town)
    if not name:
        return [(BLANK, True), ("乡镇(街道)", False)]
    full = _names_itself(name, ("乡", "镇", "街道", "办事处"))
    return [(name, True)] if full else [(name, True), ("乡镇(街道)", False)]


def _number_from(year: Any, seq: Any) -> str:
    """``(2026)协通字第12号`` when the notice has no printed number yet; blanks stay blank."""
    return f"({or_blank(year, '____')})协通字第{or_blank(seq, '____')}号"


def _number_of(notice: Mapping[str, Any]) -> str:
    number = text_of(notice.get("number"))
    return number or _number_from(notice.get("year"), notice.get("seq"))


def _particulars(n: Mapping[str, Any]) -> list[Segment]:
    """The subject paragraph of 附件1, every blank of the seed filled from the notice."""
    crime = text_of(n.get("crime"))
    if crime.endswith("罪"):
        crime = crime[:-1]
    court = text_of(n.get("court"))
    if court.endswith("人民法院"):
        court = court[: -len("人民法院")]
    return [
        ("社区矫正对象", False),
        (or_blank(n.get("name")), True),
        (",性别", False),
        (or_blank(n.get("gender"), BLANK_SHORT), True),
        (",", False),
        (month_cn(n.get("birth")), True),
        ("出生,户籍地", False),
        (or_blank(n.get("household")), True),
        (",居住地", False),
        (or_blank(n.get("residence")), True),
        ("。", False),
        (date_cn(n.get("judgment_date")), True),
        (",因犯", False),
        (crime or BLANK, True),
        ("罪,被", False),
        (court or BLANK, True),
        ("人民法院判处", False),
        (or_blank(n.get("sentence")), True),
        (",依据有关判决书(裁定书、决定书)被依法实行社区矫正,矫正类别", False),
        (or_blank(n.get("category")), True),
        (",矫正期限自", False),
        (date_cn(n.get("term_start")), True),
        ("起至", False),
        (date_cn(n.get("term_end")), True),
        ("止。现根据《社区矫正法》第十二条有关规定,请贵单位协助做好以下社区矫正工作:", False),
    ]


def _tasks_of(notice: Mapping[str, Any]) -> list[str]:
    raw = notice.get("tasks") or []
    if isinstance(raw, str):
        raw = [raw]
    tasks = [text_of(t) for t in raw]
    tasks = [t for t in tasks if t]
    if len(tasks) > MAX_TASKS:
        raise ValidationError({"tasks": f"通知单最多列明{MAX_TASKS}项协助事项,现有{len(tasks)}项,请合并或删减。"})
    return tasks


# ---------------------------------------------------------------- 附件1 通知单

# One A4 sheet holds the notice, the cut line and the stub. Line heights are exact, so the
# budget below holds with any CJK font: the notice in 小四 on 16.5 pt lines, the stub (the
# office's copy) in 五号 on 14 pt lines; 12 mm top/bottom margins leave 273 mm, and with ten
# one-line tasks and a six-line particulars paragraph the sheet uses about 255 mm.
_NOTICE_MARGINS = (12.0, 12.0, 22.0, 22.0)
_NOTICE_LINE = 16.5
_STUB_SIZE = WUHAO
_STUB_LINE = 14.0
_TASK_BLANK = "_" * 30


def _notice_part(doc: DocxDocument, notice: Mapping[str, Any], tasks: list[str], *, stub: bool) -> None:
    keep = stub  # keep the stub on one page: each paragraph stays with the next
    size = _STUB_SIZE if stub else XIAOSI
    line = _STUB_LINE if stub else _NOTICE_LINE
    center = WD_ALIGN_PARAGRAPH.CENTER
    right = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph(
        doc,
        NOTICE_TITLE,
        size=SIHAO if stub else XIAOER,
        bold=True,
        align=center,
        east_asia=TITLE_FONT,
        line_pt=20 if stub else 26,
        keep_with_next=keep,
    )
    if stub:
        paragraph(doc, "(存根)", size=size, align=center, keep_with_next=keep, line_pt=line)
    paragraph(
        doc,
        [(_number_of(notice), True)],
        size=size,
        align=center,
        keep_with_next=keep,
        line_pt=line,
        space_after=2,
        underline_fills=False,
    )
    if not stub:
        paragraph(doc, _committee_words(notice.get("committee")) + [(":", False)], size=size, line_pt=line)
    paragraph(doc, _particulars(notice), size=size, indent_chars=2, keep_with_next=keep, line_pt=line)
    for number in range(1, MAX_TASKS + 1):
        task = tasks[number - 1] if number <= len(tasks) else ""
        paragraph(
            doc,
            [(f"{number}.", False), (task or _TASK_BLANK, bool(task))],
            size=size,
            indent_chars=2,
            keep_with_next=keep,
            underline_fills=False,
            line_pt=line,
        )
    if not stub:
        paragraph(
            doc,
            [
                ("执行地县级社区矫正机构或司法所联系人", False),
                (or_blank(notice.get("contact")), True),
                (",电话", False),
                (or_blank(notice.get("contact_phone"), "__________"), True),
            ],
            size=size,
            indent_chars=2,
            line_pt=line,
        )
        paragraph(doc, "特此通知。", size=size, indent_chars=2, line_pt=line)
        paragraph(doc, "(公章)", size=size, align=right, line_pt=line, space_before=6)
        paragraph(
            doc,
            [(date_cn(notice.get("issue_date")), True)],
            size=size,
            align=right,
            line_pt=line,
            underline_fills=False,
        )
        return
    paragraph(
        doc,
        [("发往", False)]
        + _town_words(notice.get("town"))
        + _committee_words(notice.get("committee"))
        + [("。", False)],
        size=size,
        indent_chars=2,
        keep_with_next=keep,
        line_pt=line,
    )
    paragraph(
        doc,
        [("填发人:", False), (text_of(notice.get("issuer")), True)],
        size=size,
        left_indent_chars=24,
        keep_with_next=keep,
        line_pt=line,
        space_before=4,
    )
    paragraph(
        doc,
        [("批准人:", False), (text_of(notice.get("approver")), True)],
        size=size,
        left_indent_chars=24,
        keep_with_next=keep,
        line_pt=line,
    )
    paragraph(doc, "(公章)", size=size, align=right, keep_with_next=keep, line_pt=line)
    paragraph(
        doc,
        [("填发日期:", False), (date_cn(notice.get("issue_date")), True)],
        size=size,
        left_indent_chars=24,
        underline_fills=False,
        line_pt=line,
    )


def notice_docx(notice: Mapping[str, Any], out_path: str | os.PathLike[str]) -> Path:
    """附件1 with its 存根 on one A4 sheet: the notice, a cut line, the stub the office keeps.

    ``notice`` is the ``data`` of a notice record (see docs/fields.md). Raises ValidationError
    when more than ten tasks are given and ExportFailed when the file cannot be written.
    """
    tasks = _tasks_of(notice)
    doc = new_document(NOTICE_TITLE, margins_mm=_NOTICE_MARGINS)
    _notice_part(doc, notice, tasks, stub=False)
    paragraph(
        doc,
        CUT_LINE,
        size=WUHAO,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        line_pt=14,
        space_before=8,
        space_after=8,
        keep_with_next=True,
    )
    _notice_part(doc, notice, tasks, stub=True)
    return save_docx(doc, out_path)
