"""What a person reads about one bundle import, built from what the import did (plain data).

The phone's 同步 screen and the ``xietong import`` command show the same sentences, so they
live here, below both, rather than in the application layer's return values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

IMPORT_LABELS = {"accepted": "已导入", "already": "已导入(重复,无变化)", "rejected": "已拒绝"}
IMPORT_TITLES = {"accepted": "导入完成", "already": "已导入过", "rejected": "已拒绝该数据包"}


def import_lines(s: Mapping[str, Any]) -> list[str]:
    """The lines of a phone's import result: counts, what came in by name, warnings, and for a
    refused bundle why and where the file went (``s``: ``dataclasses.asdict`` of the summary)."""
    status = s.get("status")
    if status == "rejected":
        lines = [f"原因:{s.get('message', '')}", "本机数据没有任何改变。"]
        if s.get("quarantined"):
            lines.append(f"文件已移至隔离区:{s['quarantined']}")
        return lines
    if status != "accepted":
        return ["该数据包已导入过,本次没有变化。"]
    lines = [f"新增 {s.get('new', 0)} 条", f"更新 {s.get('updated', 0)} 条", f"撤回对象 {s.get('withdrawn', 0)} 名"]
    if s.get("conflict"):
        lines.append(f"冲突 {s['conflict']} 条(已保留两个版本,请联系司法所)")
    lines.extend(f"警告:{w}" for w in s.get("warnings") or [])
    if s.get("rotation_pending"):
        lines.append("司法所已更换密钥:请当面请工作人员读出新指纹并输入确认;确认前本机仍使用原密钥")
    if s.get("new_subjects"):
        lines.append("新分配的矫正对象:" + "、".join(s["new_subjects"]))
    if s.get("withdrawn_subjects"):
        lines.append("已撤回:" + "、".join(s["withdrawn_subjects"]) + "(其记录已从本机删除)")
    if s.get("new_tasks"):
        lines.append("新的调查评估任务:" + "、".join(s["new_tasks"]) + "(在矫正对象列表上方)")
    notices = s.get("new_notices") or []
    if notices:
        lines.append(f"新的协助通知:{len(notices)} 份")
        lines.extend(f"· {n['subject']} {n['number']},协助事项 {n['tasks']} 项" for n in notices)
    gap = s.get("gap")
    if gap:
        lines.append(f"司法所第{gap[0]}至{gap[1]}号数据包未收到;其中尚未确认的记录已包含在本包中,无需补导。")
    return lines
