"""The printable office identity card (司法所身份卡)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import pytest
from docx.shared import Pt

from core.errors import ValidationError
from storage.documents import office_card_docx

FINGERPRINT = "123456789001234567890012345678"  # 30 digits, as core.kinds expects


def _groups(path: Path) -> list[str]:
    doc = docx.Document(str(path))
    cells = [c for t in doc.tables for r in t.rows for c in r.cells]
    return [c.paragraphs[-1].text for c in cells if c.text]


def test_card_prints_office_name_date_and_fingerprint_in_groups_of_five(tmp_path: Path) -> None:
    out = office_card_docx("花山区霍里司法所", FINGERPRINT, tmp_path / "card.docx", issued_date=date(2026, 3, 1))
    doc = docx.Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "司法所身份卡"
    assert "花山区霍里司法所" in texts
    assert "发卡日期\uff1a2026年3月1日" in texts
    groups = _groups(out)
    assert groups == ["12345", "67890", "01234", "56789", "00123", "45678"]
    assert "".join(groups) == FINGERPRINT


def test_fingerprint_digits_are_large_and_numbered_for_reading_aloud(tmp_path: Path) -> None:
    out = office_card_docx("霍里司法所", FINGERPRINT, tmp_path / "card.docx", issued_date="2026-03-01")
    doc = docx.Document(str(out))
    cells = [c for r in doc.tables[0].rows for c in r.cells if c.text]
    assert [c.paragraphs[0].text for c in cells] == [f"第{i}组" for i in range(1, 7)]
    for cell in cells:
        assert cell.paragraphs[-1].runs[0].font.size >= Pt(20)
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "大声读出" in body and "逐组核对" in body and "不要确认" in body


def test_already_grouped_fingerprint_prints_the_same_groups(tmp_path: Path) -> None:
    grouped = " ".join(FINGERPRINT[i : i + 5] for i in range(0, 30, 5))
    a = _groups(office_card_docx("所", grouped, tmp_path / "a.docx", issued_date="2026-03-01"))
    b = _groups(office_card_docx("所", FINGERPRINT, tmp_path / "b.docx", issued_date="2026-03-01"))
    assert a == b


@pytest.mark.parametrize("bad", ["", "12345 abcde", "１２３４５"])
def test_a_fingerprint_that_is_not_digits_is_refused_without_a_file(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValidationError) as err:
        office_card_docx("霍里司法所", bad, tmp_path / "card.docx", issued_date="2026-03-01")
    assert "fingerprint" in err.value.errors
    assert not (tmp_path / "card.docx").exists()


def test_a_card_without_office_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as err:
        office_card_docx("  ", FINGERPRINT, tmp_path / "card.docx", issued_date="2026-03-01")
    assert "司法所名称" in str(err.value)
