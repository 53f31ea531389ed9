"""The official printed forms as DOCX, laid out like the seed's 附件1 and 附件2.

附件1 协助社区矫正工作通知单 is printed with its 存根 below a cut line; 附件2
社区矫正对象基本情况登记表 is one bordered table on the seed's grid; the office card carries the
office fingerprint for reading aloud at enrolment. Wording is the seed's, punctuation included.
Blank fields print as underscores so the paper form can still be completed by hand.
"""

from __future__ import annotations

import io
import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from core.errors import ValidationError
from storage.exports import write_atomically

# Chinese type sizes (字号) in points.
ERHAO = 22.0  # 二号
XIAOER = 18.0  # 小二
SANHAO = 16.0  # 三号
SIHAO = 14.0  # 四号
XIAOSI = 12.0  # 小四
WUHAO = 10.5  # 五号

# 公文 font stacks for East Asian text (w:eastAsia). OOXML holds one name per run, so the stack
# is a LibreOffice font list: LibreOffice resolves its first entry through its own substitution
# table (SimSun -> the installed CJK serif, e.g. Noto Serif CJK SC), where 宋体 would fall to a
# sans face. Word and WPS find the font-table entry of the same name, whose altName is 宋体/黑体
# and whose panose and GB2312 charset map it to SimSun/SimHei on Windows.
BODY_FONT = "SimSun;宋体;Noto Serif CJK SC;Source Han Serif SC;Noto Sans CJK SC;Droid Sans Fallback"
TITLE_FONT = "SimHei;黑体;Noto Sans CJK SC;Source Han Sans SC;Droid Sans Fallback"
LATIN_FONT = "Times New Roman"
DIGIT_FONT = "Courier New"
LANGUAGE = "zh-CN"

# Font-table entries: Word and WPS use altName when the listed name is not installed.
_FONT_TABLE_ENTRIES = (
    f'<w:font w:name="{BODY_FONT}"><w:altName w:val="宋体"/><w:panose1 w:val="02010600030101010101"/>'
    '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
    f'<w:font w:name="{TITLE_FONT}"><w:altName w:val="黑体"/><w:panose1 w:val="02010609060101010101"/>'
    '<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
).encode("utf-8")

MAX_TASKS = 10
NOTICE_TITLE = "协助社区矫正工作通知单"
REGISTRATION_TITLE = "社区矫正对象基本情况登记表"
REGISTRATION_FOOTNOTE = "备注:此表用于村(居)民委员会登记本辖区社区矫正对象基本情况,并反馈至受委托的司法所。"
CARD_TITLE = "司法所身份卡"
CUT_LINE = "- - - - - - - - - - - - - - - - 裁 剪 线 - - - - - - - - - - - - - - - -"

_BLANK = "______"
_BLANK_SHORT = "__"
_BLANK_DATE = "____年__月__日"
_BLANK_MONTH = "____年__月"
_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

Segment = tuple[str, bool]  # (text, is a filled-in value)

_HALF_TO_FULL = {",": "\uff0c", ":": "\uff1a", ";": "\uff1b", "?": "\uff1f", "!": "\uff01"}
_PAREN_PAIR = re.compile(r"\(([^()]*)\)")


def _is_cjk(ch: str) -> bool:
    """A Chinese character or full-width form: what makes neighbouring punctuation Chinese."""
    return bool(ch) and ("\u3000" <= ch <= "\u303f" or "\u3400" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")


def cn_punct(text: str) -> str:
    """Half-width ``,:;?!()`` next to Chinese text as full-width, the way 公文 prints them.

    Length-preserving (one character for one), so a paragraph can be converted whole and cut
    back into its runs. Punctuation between Latin letters or digits (``0555-2426309``,
    ``12:30``, ``(A)``) is left alone.
    """
    if not text:
        return text

    def paren(m: re.Match[str]) -> str:
        before = m.string[m.start() - 1] if m.start() else ""
        after = m.string[m.end()] if m.end() < len(m.string) else ""
        inner = m.group(1)
        chinese = any(_is_cjk(c) for c in inner) or _is_cjk(before) or _is_cjk(after)
        return f"\uff08{inner}\uff09" if chinese else f"\x01{inner}\x02"

    previous = None
    while previous != text:  # innermost pairs first
        previous = text
        text = _PAREN_PAIR.sub(paren, text)
    text = text.replace("\x01", "(").replace("\x02", ")")
    chars = list(text)
    for i, ch in enumerate(text):
        if ch in _HALF_TO_FULL:
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            if _is_cjk(before) or _is_cjk(after) or _is_cjk(chars[i - 1] if i else ""):
                chars[i] = _HALF_TO_FULL[ch]
    return "".join(chars)


# ---------------------------------------------------------------- text helpers


def _text(value: Any) -> str:
    """A printable string: None is empty, control characters XML cannot hold are dropped."""
    if value is None:
        return ""
    return _BAD_XML_CHARS.sub("", str(value)).strip()


def _or_blank(value: Any, blank: str = _BLANK) -> str:
    return _text(value) or blank


def date_cn(value: Any, blank: str = _BLANK_DATE) -> str:
    """``2026-03-05`` (or a date) as ``2026年3月5日``; text that is not ISO prints as given."""
    if isinstance(value, (date, datetime)):
        return f"{value.year}年{value.month}月{value.day}日"
    text = _text(value)
    if not text:
        return blank
    m = _ISO_DATE.match(text)
    if m:
        return f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日"
    return text


def month_cn(value: Any, blank: str = _BLANK_MONTH) -> str:
    """``1990-05`` as ``1990年5月``."""
    if isinstance(value, (date, datetime)):
        return f"{value.year}年{value.month}月"
    text = _text(value)
    if not text:
        return blank
    m = _ISO_MONTH.match(text) or _ISO_DATE.match(text)
    if m:
        return f"{int(m.group(1))}年{int(m.group(2))}月"
    return text


def _names_itself(text: str, suffixes: Iterable[str]) -> bool:
    """True when a name already ends with the word the form would print after the blank."""
    return any(text.endswith(s) and len(text) > len(s) for s in suffixes)


def _committee_words(committee: Any) -> list[Segment]:
    """``X村(居)民委员会`` as the seed prints it, unless X already names the committee fully."""
    name = _text(committee)
    if not name:
        return [(_BLANK, True), ("村(居)民委员会", False)]
    full = _names_itself(name, ("委员会", "居委会", "村委会"))
    return [(name, True)] if full else [(name, True), ("村(居)民委员会", False)]


def _town_words(town: Any) -> list[Segment]:
    name = _text(town)
    if not name:
        return [(_BLANK, True), ("乡镇(街道)", False)]
    full = _names_itself(name, ("乡", "镇", "街道", "办事处"))
    return [(name, True)] if full else [(name, True), ("乡镇(街道)", False)]


def _number_from(year: Any, seq: Any) -> str:
    """``(2026)协通字第12号`` when the notice has no printed number yet; blanks stay blank."""
    return f"({_or_blank(year, '____')})协通字第{_or_blank(seq, '____')}号"


def _number_of(notice: Mapping[str, Any]) -> str:
    number = _text(notice.get("number"))
    return number or _number_from(notice.get("year"), notice.get("seq"))


def _particulars(n: Mapping[str, Any]) -> list[Segment]:
    """The subject paragraph of 附件1, every blank of the seed filled from the notice."""
    crime = _text(n.get("crime"))
    if crime.endswith("罪"):
        crime = crime[:-1]
    court = _text(n.get("court"))
    if court.endswith("人民法院"):
        court = court[: -len("人民法院")]
    return [
        ("社区矫正对象", False),
        (_or_blank(n.get("name")), True),
        (",性别", False),
        (_or_blank(n.get("gender"), _BLANK_SHORT), True),
        (",", False),
        (month_cn(n.get("birth")), True),
        ("出生,户籍地", False),
        (_or_blank(n.get("household")), True),
        (",居住地", False),
        (_or_blank(n.get("residence")), True),
        ("。", False),
        (date_cn(n.get("judgment_date")), True),
        (",因犯", False),
        (crime or _BLANK, True),
        ("罪,被", False),
        (court or _BLANK, True),
        ("人民法院判处", False),
        (_or_blank(n.get("sentence")), True),
        (",依据有关判决书(裁定书、决定书)被依法实行社区矫正,矫正类别", False),
        (_or_blank(n.get("category")), True),
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
    tasks = [_text(t) for t in raw]
    tasks = [t for t in tasks if t]
    if len(tasks) > MAX_TASKS:
        raise ValidationError({"tasks": f"通知单最多列明{MAX_TASKS}项协助事项,现有{len(tasks)}项,请合并或删减。"})
    return tasks


# ---------------------------------------------------------------- docx helpers


def _set_fonts(rpr_owner: Any, east_asia: str, latin: str) -> None:
    """Name the Latin and the East-Asian font on a run or style (w:rFonts/@w:eastAsia)."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def _new_document(title: str, *, margins_mm: tuple[float, float, float, float] = (25, 20, 25, 25)) -> DocxDocument:
    """An A4 portrait document whose default text is 宋体 小四 with a Chinese language tag.

    ``margins_mm`` is (top, bottom, left, right).
    """
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    top, bottom, left, right = margins_mm
    section.top_margin = Mm(top)
    section.bottom_margin = Mm(bottom)
    section.left_margin = Mm(left)
    section.right_margin = Mm(right)
    section.header_distance = Mm(min(top, 12))
    section.footer_distance = Mm(min(bottom, 10))

    normal = doc.styles["Normal"]
    normal.font.size = Pt(XIAOSI)
    _set_fonts(normal.element, BODY_FONT, LATIN_FONT)
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), LANGUAGE)
    rpr.append(lang)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    # No widow/orphan control: it would push single lines to the next page behind our back.
    normal.paragraph_format.widow_control = False

    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            part = rel.target_part
            blob = part.blob
            if b"</w:fonts>" in blob and BODY_FONT.encode() not in blob:
                # python-docx loads the font table as an opaque part; it has no setter.
                part._blob = blob.replace(b"</w:fonts>", _FONT_TABLE_ENTRIES + b"</w:fonts>")

    props = doc.core_properties
    props.title = title
    props.author = "协通"
    props.last_modified_by = "协通"
    props.comments = ""
    props.language = LANGUAGE
    return doc


def _add_run(
    paragraph: Paragraph,
    text: str,
    *,
    size: float,
    bold: bool = False,
    underline: bool = False,
    east_asia: str = BODY_FONT,
    latin: str = LATIN_FONT,
    color: RGBColor | None = None,
) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    if underline:
        run.font.underline = True
    if color is not None:
        run.font.color.rgb = color
    _set_fonts(run._r, east_asia, latin)


def _paragraph(
    container: Any,
    segments: Sequence[Segment] | str,
    *,
    size: float = XIAOSI,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent_chars: float = 0,
    left_indent_chars: float = 0,
    line_pt: float | None = None,
    line_spacing: float = 1.3,
    space_before: float = 0,
    space_after: float = 0,
    keep_with_next: bool = False,
    page_break_before: bool = False,
    east_asia: str = BODY_FONT,
    underline_fills: bool = True,
) -> Paragraph:
    """Add one paragraph; filled-in values are underlined like handwriting on a blank.

    ``line_pt`` fixes the line height (exact spacing), so the page holds the same number of
    lines whatever font the printing machine substitutes for 宋体.
    """
    p = container.add_paragraph()
    fmt = p.paragraph_format
    if align is not None:
        p.alignment = align
    if indent_chars:
        fmt.first_line_indent = Pt(size * indent_chars)
    if left_indent_chars:
        fmt.left_indent = Pt(size * left_indent_chars)
    fmt.line_spacing = Pt(line_pt) if line_pt else line_spacing
    fmt.space_before = Pt(space_before)
    fmt.space_after = Pt(space_after)
    fmt.keep_with_next = keep_with_next
    fmt.page_break_before = page_break_before
    if isinstance(segments, str):
        segments = [(segments, False)]
    # Punctuation is made full-width over the whole line, then cut back into its runs.
    whole = cn_punct("".join(text for text, _ in segments))
    at = 0
    for text, filled in segments:
        piece = whole[at : at + len(text)]
        at += len(text)
        if piece:
            _add_run(p, piece, size=size, bold=bold, underline=filled and underline_fills, east_asia=east_asia)
    return p


def _save(doc: DocxDocument, out_path: str | os.PathLike[str]) -> Path:
    buffer = io.BytesIO()
    doc.save(buffer)
    return write_atomically(out_path, buffer.getvalue())


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
    _paragraph(doc, NOTICE_TITLE, size=SIHAO if stub else XIAOER, bold=True, align=center, east_asia=TITLE_FONT,
               line_pt=20 if stub else 26, keep_with_next=keep)
    if stub:
        _paragraph(doc, "(存根)", size=size, align=center, keep_with_next=keep, line_pt=line)
    _paragraph(doc, [(_number_of(notice), True)], size=size, align=center, keep_with_next=keep,
               line_pt=line, space_after=2, underline_fills=False)
    if not stub:
        _paragraph(doc, _committee_words(notice.get("committee")) + [(":", False)], size=size, line_pt=line)
    _paragraph(doc, _particulars(notice), size=size, indent_chars=2, keep_with_next=keep, line_pt=line)
    for number in range(1, MAX_TASKS + 1):
        task = tasks[number - 1] if number <= len(tasks) else ""
        _paragraph(doc, [(f"{number}.", False), (task or _TASK_BLANK, bool(task))], size=size,
                   indent_chars=2, keep_with_next=keep, underline_fills=False, line_pt=line)
    if not stub:
        _paragraph(
            doc,
            [("执行地县级社区矫正机构或司法所联系人", False), (_or_blank(notice.get("contact")), True),
             (",电话", False), (_or_blank(notice.get("contact_phone"), "__________"), True)],
            size=size, indent_chars=2, line_pt=line,
        )
        _paragraph(doc, "特此通知。", size=size, indent_chars=2, line_pt=line)
        _paragraph(doc, "(公章)", size=size, align=right, line_pt=line, space_before=6)
        _paragraph(doc, [(date_cn(notice.get("issue_date")), True)], size=size, align=right, line_pt=line,
                   underline_fills=False)
        return
    _paragraph(doc, [("发往", False)] + _town_words(notice.get("town")) + _committee_words(notice.get("committee"))
               + [("。", False)], size=size, indent_chars=2, keep_with_next=keep, line_pt=line)
    _paragraph(doc, [("填发人:", False), (_text(notice.get("issuer")), True)], size=size,
               left_indent_chars=24, keep_with_next=keep, line_pt=line, space_before=4)
    _paragraph(doc, [("批准人:", False), (_text(notice.get("approver")), True)], size=size,
               left_indent_chars=24, keep_with_next=keep, line_pt=line)
    _paragraph(doc, "(公章)", size=size, align=right, keep_with_next=keep, line_pt=line)
    _paragraph(doc, [("填发日期:", False), (date_cn(notice.get("issue_date")), True)], size=size,
               left_indent_chars=24, underline_fills=False, line_pt=line)


def notice_docx(notice: Mapping[str, Any], out_path: str | os.PathLike[str]) -> Path:
    """附件1 with its 存根 on one A4 sheet: the notice, a cut line, the stub the office keeps.

    ``notice`` is the ``data`` of a notice record (see docs/fields.md). Raises ValidationError
    when more than ten tasks are given and ExportFailed when the file cannot be written.
    """
    tasks = _tasks_of(notice)
    doc = _new_document(NOTICE_TITLE, margins_mm=_NOTICE_MARGINS)
    _notice_part(doc, notice, tasks, stub=False)
    _paragraph(doc, CUT_LINE, size=WUHAO, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=14, space_before=8,
               space_after=8, keep_with_next=True)
    _notice_part(doc, notice, tasks, stub=True)
    return _save(doc, out_path)


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
    text = _LABEL_LINES.get(str(value), str(value)) if label else _text(value)
    for i, line in enumerate(cn_punct(text).split("\n")):
        if i:
            p.add_run().add_break()
        if line.strip():
            _add_run(p, line.strip(), size=size)


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
            rows.append([_text(member.get(k)) for k in _FAMILY_KEYS])
    while len(rows) < _MIN_FAMILY_ROWS:
        rows.append(["", "", "", ""])
    return rows


def _family_block(table: Any, first: int, members: list[list[str]], *, label: str) -> int:
    """The family header and member rows from row ``first``; returns the row after the block."""
    r = first
    for row_values in [list(_FAMILY_HEADER)] + members:
        cells = table.rows[r].cells
        for (a, b), value in zip(_FAMILY_SPANS, row_values):
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
    doc = _new_document(REGISTRATION_TITLE, margins_mm=_REG_MARGINS)
    _paragraph(doc, REGISTRATION_TITLE, size=XIAOER, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
               east_asia=TITLE_FONT, line_pt=28, space_after=6)
    gap = ("\u3000", False)
    _paragraph(
        doc,
        [("村(居)民委员会(盖章):", False), (_text(reg.get("committee")), True), gap,
         ("填表人:", False), (_text(reg.get("filler")), True), gap,
         ("填表日期:", False), (date_cn(reg.get("fill_date"), ""), True)],
        size=WUHAO, line_pt=16, space_after=4, underline_fills=False,
    )

    family = _family_rows(reg)
    on_page, rest = family[:_FAMILY_ROWS_ON_PAGE], family[_FAMILY_ROWS_ON_PAGE:]
    n_rows = (len(_PAIR_ROWS) + len(_SHORT_ROWS) + len(_LONG_ROWS) + len(_TRAITS)
              + 1 + len(on_page) + len(_TAIL_ROWS))
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

    _paragraph(doc, REGISTRATION_FOOTNOTE, size=WUHAO, line_pt=14, space_before=4)

    if rest:
        _paragraph(doc, "家庭主要成员(续)", size=SIHAO, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
                   east_asia=TITLE_FONT, line_pt=22, space_after=6, page_break_before=True)
        more = _grid_table(doc, 1 + len(rest))
        _row_props(more.rows[0], header=True)
        _family_block(more, 0, rest, label="家庭主要成员")
    return _save(doc, out_path)


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
    digits = re.sub(r"[\s\-]", "", _text(fingerprint))
    if not digits or not digits.isascii() or not digits.isdigit():
        raise ValidationError({"fingerprint": "身份指纹为空或含有数字以外的字符,无法打印身份卡。请重新导出身份卡后再试。"})
    return [digits[i : i + 5] for i in range(0, len(digits), 5)]


def office_card_docx(
    name: str,
    fingerprint_groups: str,
    out_path: str | os.PathLike[str],
    *,
    issued_date: date | str,
) -> Path:
    """A printable page with the office fingerprint in large digits, read aloud at enrolment."""
    office = _text(name)
    if not office:
        raise ValidationError({"name": "请先填写司法所名称,再打印身份卡。"})
    groups = fingerprint_groups_of(fingerprint_groups)
    doc = _new_document(CARD_TITLE)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(doc, CARD_TITLE, size=ERHAO, bold=True, align=center, east_asia=TITLE_FONT, space_after=12)
    _paragraph(doc, office, size=SANHAO, bold=True, align=center, space_after=4)
    _paragraph(doc, [("发卡日期:", False), (date_cn(issued_date), False)], size=XIAOSI, align=center,
               space_after=18)
    _paragraph(doc, "身份指纹(每五位一组):", size=SIHAO, bold=True, space_after=6)

    rows = (len(groups) + _CARD_GROUPS_PER_ROW - 1) // _CARD_GROUPS_PER_ROW
    table = doc.add_table(rows=rows, cols=_CARD_GROUPS_PER_ROW)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    grey = RGBColor(0x59, 0x59, 0x59)
    for index, group in enumerate(groups):
        cell = table.cell(index // _CARD_GROUPS_PER_ROW, index % _CARD_GROUPS_PER_ROW)
        label = cell.paragraphs[0]
        label.alignment = center
        _add_run(label, f"第{index + 1}组", size=WUHAO, color=grey)
        digits = cell.add_paragraph()
        digits.alignment = center
        digits.paragraph_format.space_after = Pt(10)
        _add_run(digits, group, size=_CARD_DIGIT_SIZE, bold=True, latin=DIGIT_FONT)

    _paragraph(doc, "核对方法(请当面进行):", size=SIHAO, bold=True, space_before=18, space_after=4)
    for step in _CARD_STEPS:
        _paragraph(doc, step, size=SIHAO, line_spacing=1.4)
    _paragraph(doc, _CARD_NOTE, size=XIAOSI, space_before=12)
    return _save(doc, out_path)
