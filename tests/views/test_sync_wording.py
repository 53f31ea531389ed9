"""The sync screens' wording lives in views: built from the codes and counts sync/app returns."""

from __future__ import annotations

from core.sync_wording import IMPORT_LABELS as STATUS_LABELS
from views.office.sync_screen import import_table
from views.sync_screen import exported_lines, preview_lines

PREVIEW = {
    "counts": {"走访记录": 2, "重要情况报告": 1},
    "corrections": {"走访记录": 1},
    "urgent": 1,
    "total": 3,
    "versions": 4,
    "resend": 2,
    "receipts": 1,
}


def test_the_preview_lists_each_kind_the_urgent_reports_the_resent_and_the_total() -> None:
    assert preview_lines(PREVIEW) == [
        "走访记录:2 条(含1次更正)",
        "重要情况报告:1 条",
        "其中紧急的重要情况报告:1 份",
        "其中 2 条已导出过、司法所尚未确认收到,将再次附上。",
        "共 3 条;另附给司法所的接收回执 1 条。",
    ]


def test_an_export_with_only_receipts_says_so() -> None:
    pv = {"counts": {}, "corrections": {}, "urgent": 0, "total": 0, "versions": 0, "resend": 0, "receipts": 3}
    title, lines = exported_lines(pv, "a.xtb")
    assert title == "已导出数据包(没有新的记录,只有接收回执)"
    assert lines[:2] == ["给司法所的接收回执:3 条", "文件:a.xtb"]
    assert preview_lines(pv)[0] == "没有新的记录。"


def test_the_office_import_table_names_each_outcome_in_chinese() -> None:
    assert set(STATUS_LABELS) == {"accepted", "already", "rejected"}
    row = {
        "file": "a.xtb",
        "sender_name": "王五",
        "status": "rejected",
        "counts": {},
        "message": "签名无效",
        "quarantined": "quarantine/a.xtb",
    }
    table = import_table([row])
    cells = table.controls[0].rows[0].cells  # type: ignore[attr-defined]
    assert cells[1].content.value == "王五(自称,未验证)" and cells[2].content.value == "已拒绝"
