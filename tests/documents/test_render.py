"""Every printed form and report rendered by LibreOffice headless, checked as a page people hold.

One LibreOffice run converts them all (session fixture); PNGs of every page are left in
tests/documents/rendered/ to look at. Skips, saying why, where LibreOffice or poppler is missing
(.ci/run installs libreoffice-writer-nogui, libreoffice-calc-nogui, fonts-noto-cjk, poppler-utils).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import render

from storage.documents import (
    helpers_xlsx,
    notice_docx,
    office_card_docx,
    registration_docx,
    subjects_xlsx,
    visits_per_helper_month,
    visits_xlsx,
)
from sync.app.printing import registration_prefill

NOTICE = {
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
    "tasks": ["协助调查评估", "履行矫正小组成员职责", "报告重要情况"],
    "contact": "李文",
    "contact_phone": "0555-2426309",
    "issuer": "王芳",
    "approver": "赵刚",
    "issue_date": "2026-03-05",
}
TEN_TASKS = [f"第{i}项:每月走访一次并记录谈话情况,发现异常及时报告司法所" for i in range(1, 11)]
MEMBER = {"name": "李梅", "relation": "妻子", "workplace": "马鞍山市雨山区采石路超市", "phone": "13800001111"}
REGISTRATION = {
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
    "remorse": "认罪悔罪,主动退赃,按时报到",
    "experience": "2008年起在本地建筑工地务工,2015年起在建材厂",
    "living": "与妻子、父亲同住,收入稳定",
    "workplace": "马鞍山市某建材厂",
    "work_status": "在岗,表现良好",
    "personality": "内向,稳重",
    "skills": "电工",
    "other_traits": "左手有疤痕",
    "family": [MEMBER] * 4,
    "family_problem": "是",
    "main_problems": "父亲长期患病,家庭负担较重",
    "remarks": "已告知每月走访安排",
}
SUBJECT = {
    "name": "王大力",
    "gender": "男",
    "birth": "1975-03",
    "household": "安徽省马鞍山市含山县某镇",
    "residence": "马鞍山市花山区湖东路5号",
    "committee": "湖东社区",
    "phone": "13700001234",
}
FP = "111112222233333444445555566666"


def _visits_helpers() -> dict[str, dict[str, str]]:
    return {
        f"{i:030d}": {"name": f"协助人员{i}", "committee": f"第{i % 5}社区居民委员会", "status": "active"}
        for i in range(1, 31)
    }


def _documents(folder: Path) -> dict[str, Path]:
    ten = {
        **NOTICE,
        "tasks": TEN_TASKS,
        "residence": "安徽省马鞍山市雨山区采石街道采石路888号幸福家园小区12栋3单元502室",
    }
    six = {**REGISTRATION, "family": [MEMBER] * 6}
    subjects = [
        {
            **SUBJECT,
            "name": f"对象{i}",
            "crime": "危险驾驶罪",
            "category": "缓刑",
            "term_start": "2026-01-01",
            "term_end": "2027-12-31",
            "helpers": [FP],
        }
        for i in range(60)
    ]
    return {
        "notice": notice_docx(NOTICE, folder / "notice.docx"),
        "notice_ten_tasks": notice_docx(ten, folder / "notice_ten_tasks.docx"),
        "notice_blank": notice_docx({"year": 2026, "seq": 3, "tasks": []}, folder / "notice_blank.docx"),
        "registration_four": registration_docx(REGISTRATION, folder / "registration_four.docx"),
        "registration_blank": registration_docx(
            registration_prefill(SUBJECT, date(2026, 3, 10)), folder / "registration_blank.docx"
        ),
        "registration_six": registration_docx(six, folder / "registration_six.docx"),
        "card": office_card_docx("花山区霍里司法所", FP, folder / "card.docx", issued_date=date(2026, 3, 1)),
        "report_visits": visits_xlsx(
            visits_per_helper_month([], _visits_helpers(), months=[f"2026-{m:02d}" for m in range(1, 13)]),
            folder / "report_visits.xlsx",
            period="2026年1月1日至2026年12月31日",
        ),
        "report_subjects": subjects_xlsx(subjects, folder / "report_subjects.xlsx", helper_names={FP: "王芳"}),
        "report_helpers": helpers_xlsx(
            [
                {
                    "name": "王芳",
                    "committee": "采石社区居民委员会",
                    "phone": "13912345678",
                    "status": "active",
                    "enrolled_date": "2026-01-05",
                    "fingerprint": FP,
                    "last_received": "2026-03-01 09:30",
                }
            ],
            folder / "report_helpers.xlsx",
        ),
    }


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, render.Rendered]:
    missing = render.missing_tools()
    if missing:
        pytest.skip(
            f"缺少 {'、'.join(missing)}:请安装 libreoffice-writer-nogui、libreoffice-calc-nogui、"
            "fonts-noto-cjk 和 poppler-utils(.ci/run 会安装)"
        )
    folder = tmp_path_factory.mktemp("render")
    docs = _documents(folder)
    pdfs = render.to_pdf(list(docs.values()), folder / "pdf", folder / "profile")
    return {name: render.inspect(pdf) for name, pdf in zip(docs, pdfs, strict=False)}


def _cut_and_stub(doc: render.Rendered) -> tuple[render.Word, render.Word]:
    cut = next(w for w in doc.words if w.text == "裁")
    stub = doc.first("存根")
    return cut, stub


@pytest.mark.parametrize("name", ["notice", "notice_ten_tasks", "notice_blank"])
def test_notice_and_stub_share_one_a4_page_with_the_stub_below_the_cut_line(
    rendered: dict[str, render.Rendered], name: str
) -> None:
    doc = rendered[name]
    assert doc.pages == 1
    assert abs(doc.page_size[0] - 595.3) < 2 and abs(doc.page_size[1] - 841.9) < 2  # A4 portrait
    cut, stub = _cut_and_stub(doc)
    titles = [w for w in doc.words if w.text == "协助社区矫正工作通知单"]
    assert len(titles) == 2 and titles[0].y < cut.y < titles[1].y < stub.y
    assert cut.page == stub.page == 1
    issued = doc.first("填发日期")
    assert issued.page == 1 and issued.y > stub.y
    assert doc.pngs and all(p.stat().st_size > 1000 for p in doc.pngs)


def test_ten_tasks_all_print_in_notice_and_stub(rendered: dict[str, render.Rendered]) -> None:
    text = rendered["notice_ten_tasks"].page_text(1)
    assert text.count("第10项") == 2 and text.count("10.") == 2


@pytest.mark.parametrize("name", ["registration_four", "registration_blank"])
def test_registration_with_up_to_four_family_members_is_one_page(
    rendered: dict[str, render.Rendered], name: str
) -> None:
    doc = rendered[name]
    assert doc.pages == 1
    assert doc.first("此表用于").page == 1


def test_labels_break_as_on_paper_with_no_one_character_orphans(rendered: dict[str, render.Rendered]) -> None:
    doc = rendered["registration_four"]
    words = {w.text for w in doc.words}
    assert {"原政治", "面貌", "文化", "程度", "联系方式", "前科记录"} <= words
    assert not words & {"文化程", "联系方", "度", "式", "原政", "治面貌", "貌"}
    above, below = doc.first("原政治"), doc.first("面貌")
    assert below.y > above.y and abs(below.x - above.x) < 15


def test_blank_registration_prints_age_and_phone_on_file(rendered: dict[str, render.Rendered]) -> None:
    text = rendered["registration_blank"].page_text(1)
    assert "王大力" in text and "13700001234" in text
    age_label = rendered["registration_blank"].first("年龄")
    age = next(w for w in rendered["registration_blank"].words if w.text == "51")  # born 1975-03, printed 2026-03-10
    assert abs(age.y - age_label.y) < 5 and age.x > age_label.x


def test_six_family_members_continue_on_a_second_page_under_a_repeated_header(
    rendered: dict[str, render.Rendered],
) -> None:
    doc = rendered["registration_six"]
    assert doc.pages == 2
    assert "联系电话" in doc.page_text(2) and "工作单位或住址" in doc.page_text(2)
    assert doc.page_text(2).count("李梅") == 2 and doc.page_text(1).count("李梅") == 4


def test_office_card_is_one_page(rendered: dict[str, render.Rendered]) -> None:
    assert rendered["card"].pages == 1


@pytest.mark.parametrize(
    "name,first,last",
    [
        ("report_visits", "协助人员", "走访对象数"),
        ("report_subjects", "姓名", "协助人员"),
        ("report_helpers", "姓名", "指纹"),
    ],
)
def test_reports_print_landscape_one_page_wide_with_header_and_page_numbers_on_every_page(
    rendered: dict[str, render.Rendered], name: str, first: str, last: str
) -> None:
    doc = rendered[name]
    assert doc.page_size[0] > doc.page_size[1]  # landscape
    for page in range(1, doc.pages + 1):
        on_page = [w.text for w in doc.words if w.page == page]
        assert first in on_page and last in on_page, f"{name} page {page} lacks a column"
        text = "".join(on_page)
        assert f"第{page}页共{doc.pages}页" in text


def test_long_visits_report_runs_over_several_pages(rendered: dict[str, render.Rendered]) -> None:
    doc = rendered["report_visits"]
    assert doc.pages >= 2
    assert doc.page_text(1).startswith("走访统计")
    assert "2026年1月" in doc.page_text(1)


def test_render_covers_every_document(rendered: dict[str, Any]) -> None:
    assert set(rendered) == {
        "notice",
        "notice_ten_tasks",
        "notice_blank",
        "registration_four",
        "registration_blank",
        "registration_six",
        "card",
        "report_visits",
        "report_subjects",
        "report_helpers",
    }
