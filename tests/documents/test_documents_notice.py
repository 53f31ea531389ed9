"""附件1 协助社区矫正工作通知单 with its 存根, read back with python-docx."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from core.errors import ValidationError, XietongError
from core.kinds import DUTIES
from storage.documents import notice_docx
from storage.documents.docx_base import BODY_FONT, CUT_LINE, TITLE_FONT, cn_punct

PARTICULARS = cn_punct(
    "社区矫正对象张小明,性别男,1990年5月出生,户籍地安徽省马鞍山市花山区解放路12号,"
    "居住地马鞍山市雨山区采石路8号。2026年1月15日,因犯盗窃罪,被马鞍山市花山区人民法院判处"
    "有期徒刑一年,缓刑二年,依据有关判决书(裁定书、决定书)被依法实行社区矫正,矫正类别缓刑,"
    "矫正期限自2026年2月1日起至2028年1月31日止。现根据《社区矫正法》第十二条有关规定,"
    "请贵单位协助做好以下社区矫正工作:"
)

PARTICULARS_TYPED = PARTICULARS.translate(str.maketrans("\uff0c\uff1a\uff08\uff09", ",:()"))


def _texts(path: Path) -> list[str]:
    """Paragraph texts with full-width punctuation turned back to half-width ``,:()``, so the
    expectations below read as typed; test_official_text_uses_full_width_punctuation checks the widths."""
    back = str.maketrans("\uff0c\uff1a\uff08\uff09", ",:()")
    return [p.text.translate(back) for p in docx.Document(str(path)).paragraphs]


def _split(texts: list[str]) -> tuple[list[str], list[str]]:
    cut = texts.index(CUT_LINE)
    return texts[:cut], texts[cut + 1 :]


def test_notice_prints_number_addressee_particulars_and_contact(tmp_path: Path, notice: dict[str, Any]) -> None:
    out = notice_docx(notice, tmp_path / "notice.docx")
    head, _ = _split(_texts(out))
    assert head[0] == "协助社区矫正工作通知单"
    assert head[1] == "(2026)协通字第12号"
    assert head[2] == "采石社区村(居)民委员会:"
    assert head[3] == PARTICULARS_TYPED
    assert "执行地县级社区矫正机构或司法所联系人李文,电话0555-2426309" in head
    assert "特此通知。" in head
    assert "(公章)" in head
    assert head[-1] == "2026年3月5日"


def test_every_task_is_numbered_in_notice_and_stub_and_unused_numbers_stay_blank(
    tmp_path: Path, notice: dict[str, Any]
) -> None:
    notice["tasks"] = list(DUTIES) + ["每月走访一次并记录"]  # 8 tasks
    head, stub = _split(_texts(notice_docx(notice, tmp_path / "n.docx")))
    for part in (head, stub):
        for i, task in enumerate(notice["tasks"], start=1):
            assert f"{i}.{task}" in part
        for i in (9, 10):
            line = next(t for t in part if t.startswith(f"{i}."))
            assert set(line[len(f"{i}.") :]) == {"_"}
        numbered = [t for t in part if t[:1].isdigit() and "." in t[:3]]
        assert [t.split(".")[0] for t in numbered] == [str(i) for i in range(1, 11)]


def test_stub_after_cut_line_repeats_number_and_particulars_and_names_issuer(
    tmp_path: Path, notice: dict[str, Any]
) -> None:
    head, stub = _split(_texts(notice_docx(notice, tmp_path / "n.docx")))
    assert stub[0] == "协助社区矫正工作通知单"
    assert stub[1] == "(存根)"
    assert stub[2] == "(2026)协通字第12号"
    assert PARTICULARS_TYPED in stub
    assert "发往采石街道采石社区村(居)民委员会。" in stub
    assert "填发人:王芳" in stub
    assert "批准人:赵刚" in stub
    assert "(公章)" in stub
    assert stub[-1] == "填发日期:2026年3月5日"
    assert not any("填发人" in t for t in head)


def test_committee_and_town_already_naming_themselves_are_not_suffixed_twice(
    tmp_path: Path, notice: dict[str, Any]
) -> None:
    notice.update(committee="采石社区居民委员会", town="霍里镇", crime="盗窃罪", court="马鞍山市花山区人民法院")
    texts = _texts(notice_docx(notice, tmp_path / "n.docx"))
    assert "采石社区居民委员会:" in texts
    assert "发往霍里镇采石社区居民委员会。" in texts
    assert "因犯盗窃罪,被马鞍山市花山区人民法院判处" in texts[3]


def test_missing_particulars_print_as_blanks_to_fill_by_hand(tmp_path: Path) -> None:
    texts = _texts(notice_docx({"year": 2026, "seq": 3, "tasks": []}, tmp_path / "blank.docx"))
    assert texts[1] == "(2026)协通字第3号"
    assert texts[2] == "______村(居)民委员会:"
    assert texts[3].startswith("社区矫正对象______,性别__,____年__月出生,户籍地______")
    assert "矫正期限自____年__月__日起至____年__月__日止" in texts[3]
    assert sum(1 for t in texts if t.startswith("1.__")) == 2


def test_ten_tasks_fill_every_line_and_an_eleventh_is_refused_without_a_file(
    tmp_path: Path, notice: dict[str, Any]
) -> None:
    notice["tasks"] = [f"事项{i}" for i in range(1, 11)]
    texts = _texts(notice_docx(notice, tmp_path / "ten.docx"))
    assert texts.count("10.事项10") == 2

    notice["tasks"].append("事项11")
    with pytest.raises(ValidationError) as err:
        notice_docx(notice, tmp_path / "eleven.docx")
    assert "tasks" in err.value.errors and "10" in err.value.errors["tasks"]
    assert isinstance(err.value, XietongError)
    assert not (tmp_path / "eleven.docx").exists()


def test_page_is_a4_and_every_run_names_a_chinese_font_with_sizes_of_the_form(
    tmp_path: Path, notice: dict[str, Any]
) -> None:
    doc = docx.Document(str(notice_docx(notice, tmp_path / "n.docx")))
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    runs = [r for p in doc.paragraphs for r in p.runs]
    assert runs
    for run in runs:
        fonts = run._r.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) in {BODY_FONT, TITLE_FONT}
    title = doc.paragraphs[0].runs[0]
    assert title.font.bold and title.font.size == Pt(18)
    body = doc.paragraphs[3].runs[0]
    assert body.font.size in (Pt(12), Pt(14))
    font_table = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable"))
    assert f'w:name="{BODY_FONT}"><w:altName w:val="宋体"/>'.encode() in font_table.blob
    assert BODY_FONT.split(";")[:2] == ["SimSun", "宋体"] and "Noto Serif CJK SC" in BODY_FONT
    styles = doc.styles.element.xml
    assert 'w:eastAsia="zh-CN"' in styles


def test_control_characters_in_typed_text_do_not_break_the_document(tmp_path: Path, notice: dict[str, Any]) -> None:
    notice["name"] = "张\x07小明\x00"
    texts = _texts(notice_docx(notice, tmp_path / "n.docx"))
    assert texts[3].startswith("社区矫正对象张小明,")


def test_official_text_uses_full_width_punctuation_but_phone_numbers_keep_their_dash(
    tmp_path: Path, notice: dict[str, Any]
) -> None:
    notice["sentence"] = "有期徒刑一年,缓刑二年"
    texts = [p.text for p in docx.Document(str(notice_docx(notice, tmp_path / "n.docx"))).paragraphs]
    body = "\n".join(texts)
    for half in (",", ":", "(", ")"):
        assert half not in body.replace(CUT_LINE, ""), half
    assert texts[1] == "\uff082026\uff09协通字第12号"
    assert "采石社区村\uff08居\uff09民委员会\uff1a" in texts
    assert "有期徒刑一年\uff0c缓刑二年" in texts[3]
    assert "电话0555-2426309" in body


def test_cn_punct_converts_only_punctuation_beside_chinese() -> None:
    assert cn_punct("村(居)民委员会(盖章):") == "村\uff08居\uff09民委员会\uff08盖章\uff09\uff1a"
    assert cn_punct("(2026)协通字第12号") == "\uff082026\uff09协通字第12号"
    assert cn_punct("12:30 (A), 0555-2426309") == "12:30 (A), 0555-2426309"
    assert len(cn_punct("甲,乙(丙)")) == len("甲,乙(丙)")
