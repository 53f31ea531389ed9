"""What every printed form shares: the 公文 font stack and Chinese type sizes, full-width
punctuation, dates as the paper writes them, and the python-docx helpers (a new A4 document
with zh-CN language and East-Asian fonts, runs, paragraphs with exact line heights, saving
atomically where the user chose)."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

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
).encode()

MAX_TASKS = 10
NOTICE_TITLE = "协助社区矫正工作通知单"
REGISTRATION_TITLE = "社区矫正对象基本情况登记表"
REGISTRATION_FOOTNOTE = "备注:此表用于村(居)民委员会登记本辖区社区矫正对象基本情况,并反馈至受委托的司法所。"
CARD_TITLE = "司法所身份卡"
CUT_LINE = "- - - - - - - - - - - - - - - - 裁 剪 线 - - - - - - - - - - - - - - - -"

BLANK = "______"
BLANK_SHORT = "__"
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


def text_of(value: Any) -> str:
    """A printable string: None is empty, control characters XML cannot hold are dropped."""
    if value is None:
        return ""
    return _BAD_XML_CHARS.sub("", str(value)).strip()


def or_blank(value: Any, blank: str = BLANK) -> str:
    return text_of(value) or blank


def date_cn(value: Any, blank: str = _BLANK_DATE) -> str:
    """``2026-03-05`` (or a date) as ``2026年3月5日``; text that is not ISO prints as given."""
    if isinstance(value, (date, datetime)):
        return f"{value.year}年{value.month}月{value.day}日"
    text = text_of(value)
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
    text = text_of(value)
    if not text:
        return blank
    m = _ISO_MONTH.match(text) or _ISO_DATE.match(text)
    if m:
        return f"{int(m.group(1))}年{int(m.group(2))}月"
    return text


# ---------------------------------------------------------------- docx helpers


def _set_fonts(rpr_owner: Any, east_asia: str, latin: str) -> None:
    """Name the Latin and the East-Asian font on a run or style (w:rFonts/@w:eastAsia)."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def new_document(title: str, *, margins_mm: tuple[float, float, float, float] = (25, 20, 25, 25)) -> DocxDocument:
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


def add_run(
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


def paragraph(
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
            add_run(p, piece, size=size, bold=bold, underline=filled and underline_fills, east_asia=east_asia)
    return p


def save_docx(doc: DocxDocument, out_path: str | os.PathLike[str]) -> Path:
    buffer = io.BytesIO()
    doc.save(buffer)
    return write_atomically(out_path, buffer.getvalue())
