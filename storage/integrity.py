"""The integrity check: read back every file the store owns and say what is wrong, in Chinese.

Nothing here repairs or writes. The check decrypts the index, the journals, the audit log (and
verifies its hash chain against the index's record of its last entry), every partition file
(and compares its records with the index's membership, and its generation with the one the
index recorded: an older copy put back is a rollback) and every draft. Each journal must still
hold every whole frame that the index or a partition file written later saw (truncation). Problems already met
while the store was in use (a damaged partition skipped by a listing, a failed checkpoint) come
first. Each problem is reported once, in the order found.
"""

from __future__ import annotations

from pathlib import Path

from storage import sealed
from storage.audit import AUDIT_FILE, AuditLog, verify
from storage.cache import PARTS_DIR, PartitionCache, check_not_older, overlay
from storage.crypto import INDEX
from storage.drafts import DRAFTS_DIR, Drafts
from storage.errors import StoreCorrupt
from storage.filelock import LOCK_FILE
from storage.fsio import leftover_temps
from storage.history import Doc
from storage.index import INDEX_FILE, Index
from storage.journal import JOURNAL_FILE, OLD_JOURNAL_FILE, Journal, JournalState, journal_problems
from storage.keyfile import KEY_FILE
from storage.transaction import AuditEntry


def check(
    home: Path,
    index_key: bytes,
    index: Index,
    journal: Journal,
    audit: AuditLog,
    audit_pending: list[AuditEntry],
    parts: PartitionCache,
    drafts: Drafts,
    known: list[str],
) -> list[str]:
    """Every problem found (``known``: those met while the store was in use)."""
    problems = list(known)
    try:
        sealed.read(home / INDEX_FILE, index_key, INDEX, INDEX_FILE)
    except StoreCorrupt as exc:
        problems.append(exc.message)
    old_path = home / OLD_JOURNAL_FILE
    old = journal.sibling(old_path).read() if old_path.exists() else JournalState(None)
    active = journal.read()
    problems.extend(active.problems)
    if old.gen == index.gen:
        problems.extend(old.problems)
    anchors = list(index.journals)
    problems.extend(_audit_problems(index, audit, audit_pending))
    problems.extend(_partition_problems(index, parts, anchors))
    problems.extend(journal_problems(anchors, index.gen, home, old, active))
    problems.extend(drafts.problems())
    return list(dict.fromkeys(problems))  # each problem once, in the order found


def _audit_problems(index: Index, audit: AuditLog, audit_pending: list[AuditEntry]) -> list[str]:
    entries, problems = audit.read(index.audit_bytes)
    chain_problems = verify(entries + audit_pending)
    out = problems + chain_problems
    if not problems and index.audit_last is not None:
        last = entries[-1] if entries else None
        if last is None or last["seq"] != index.audit_last["seq"] or last["hash"] != index.audit_last["hash"]:
            out.append(f"审计日志与索引记录的末条不一致,日志可能被截短或替换:{audit.path}。")
    return out


def _partition_problems(index: Index, parts: PartitionCache, anchors: list[list[int]]) -> list[str]:
    """Damaged, rolled-back or inconsistent partition files; ``anchors`` gains each file's
    journal lengths (checked against the journals afterwards)."""
    problems: list[str] = []
    by_name = {parts.name(p) + ".bin": p for p in [*index.members, *parts.pending, *index.files]}
    for path in sorted(parts.folder.glob("*.bin")):
        pkey = by_name.pop(path.name, None)
        try:
            loaded = parts.load_file(path)
            if pkey is not None:
                check_not_older(path, loaded, index.files.get(pkey))
        except StoreCorrupt as exc:
            problems.append(exc.message)
            continue
        anchors.extend(loaded.stamp.journals)
        docs = loaded.docs
        if pkey is None:
            if docs:
                problems.append(f"数据文件不属于任何已登记的分区:{path}。")
            continue
        overlay(docs, parts.pending.get(pkey, {}))
        problems.extend(_membership_problems(index, parts, pkey, docs))
    for pkey in by_name.values():  # partitions with no file yet: all their records are pending
        docs = {rid: d for rid, d in parts.pending.get(pkey, {}).items() if d is not None}
        problems.extend(_membership_problems(index, parts, pkey, docs))
    return problems


def _membership_problems(index: Index, parts: PartitionCache, pkey: str, docs: dict[str, Doc]) -> list[str]:
    members = index.members.get(pkey, {})
    missing = sum(1 for rid in members if rid not in docs)
    extra = sum(1 for rid in docs if rid not in members)
    if missing or extra:
        return [f"分区与索引不一致(缺少 {missing} 条,多出 {extra} 条):{parts.path(pkey)}。"]
    return []


def owned_files(home: Path) -> list[Path]:
    """Every file under ``home`` a store owns, leftover temporary files included."""
    out = [home / name for name in (KEY_FILE, INDEX_FILE, JOURNAL_FILE, OLD_JOURNAL_FILE, AUDIT_FILE, LOCK_FILE)]
    out = [p for p in out if p.is_file()] + leftover_temps(home)
    for folder in (home / PARTS_DIR, home / DRAFTS_DIR):
        if folder.is_dir():
            out.extend(p for p in folder.iterdir() if p.is_file())
    return sorted(out)
