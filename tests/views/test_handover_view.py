"""The new helper's subject page shows the 移交材料 as read-only history: a heading, each copied
record with its kind, date and author, its fields as lines; the timeline line stays on the page."""

from __future__ import annotations

from pathlib import Path

from fake_shell import FakeShell
from screen_setup import helper_with_subject
from test_subjects_view import VISIT, detail, texts, tiles

from core import routes
from core.records import Record
from views.handover import item_lines

OFFICE = "9" * 30


def test_the_handover_shows_on_the_subject_page_and_its_line_opens_nothing_editable(tmp_path: Path) -> None:
    svc, sid = helper_with_subject(tmp_path / "helper")
    data = {
        "helper": svc.me.fingerprint,
        "from_name": "王五",
        "date": "2026-03-20",
        "items": [
            {"kind": "visit", "date": "2026-03-12", "author_name": "王五", "data": {**VISIT, "date": "2026-03-12"}}
        ],
    }
    svc.store.put(Record.new("handover", data, author=OFFICE, subject=sid), actor=OFFICE)
    shell = FakeShell(svc)
    view = detail(shell, sid)
    shown = texts(view)
    assert "移交材料(只读)" in shown
    assert "2026-03-20 由司法所移交,原协助人员:王五" in shown
    assert "2026-03-12 走访记录" in shown and "走访地点:家中" in shown
    [line] = [t for t in tiles(view) if "移交材料" in " ".join(texts(t))]
    line.on_click(None)  # type: ignore[misc]
    assert shell.went[-1] == routes.subject(sid)


def test_a_copied_form_reads_as_lines_with_its_table_rows() -> None:
    lines = item_lines("registration", {"name": "张三", "family": [{"name": "李梅", "relation": "妻子"}]})
    assert lines == ["姓名:张三", "家庭主要成员:李梅、妻子"]
