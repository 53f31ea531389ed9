"""The helper's sync actions for the app: preview, export, import, pin the office, enrolment request.

Plain functions over the open ``Service`` so the sync screen, first run and settings share them;
each raises a ``XietongError`` carrying the Chinese sentence to show.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.entrustment import ENTRUSTMENT_KIND
from core.kinds import KIND_LABELS
from core.records import HELPER_KINDS
from core.rules import is_urgent
from storage import Store
from sync import exchange
from sync.app.errors import FileUnreadable, HelperSyncError, NoOffice, WrongRole
from sync.app.files import (
    BUNDLE_SUFFIX,
    CARD_EXTENSIONS,
    REQUEST_SUFFIX,
    list_files,
    quarantine_dir,
    read_file,
    typed_path,
    write_file,
)
from sync.app.session import Service
from sync.protocol.errors import BundleRejected
from sync.protocol.identity import make_enrolment_request, parse_office_card

Progress = Callable[[float, str], None]


def _office_fp(svc: Service) -> str:
    fp = exchange.pinned_office_fp(svc.store)
    if not fp:
        raise NoOffice()
    return fp


def fingerprints(svc: Service) -> dict[str, Any]:
    """This device's fingerprint and the pinned office's (None before pinning), grouped by five."""
    me = svc.me.public()
    pub = exchange.pinned_office(svc.store)
    result: dict[str, Any] = {"mine": me.grouped, "office": None, "office_name": None}
    if pub is not None:
        result["office"] = pub.grouped
        result["office_name"] = pub.name
    return result


def export_preview(svc: Service) -> dict[str, Any]:
    """What the next export would carry, without changing anything.

    ``counts``: distinct records per kind label (a visit corrected twice is one 走访记录);
    ``corrections``: per kind label, the correcting versions carried with them (revisions after
    the first the office has not acknowledged yet); ``total``: records; ``versions``: record
    versions in the bundle; ``resend``: records already in an earlier, unacknowledged bundle;
    ``urgent``: open urgent reports; ``receipts``: acknowledgements for the office.
    """
    store = svc.store
    me = svc.me
    office = _office_fp(svc)
    acked: dict[str, int] = store.meta_get(f"peers/{office}/acked", {})
    exported: dict[str, int] = store.meta_get(f"peers/{office}/exported", {})
    counts: dict[str, int] = {}
    corrections: dict[str, int] = {}
    urgent = 0
    total = 0
    versions = 0
    resend = 0  # already in an earlier bundle, not yet acknowledged: carried again
    for rec in store.list(kinds=HELPER_KINDS, include_deleted=True):
        if rec.author != me.fingerprint:  # a withdrawn subject's own unsent records go too
            continue
        have = int(acked.get(rec.id, 0))
        if rec.revision <= have:
            continue
        label = KIND_LABELS.get(rec.kind, rec.kind)
        counts[label] = counts.get(label, 0) + 1
        total += 1
        versions += rec.revision - have if rec.revision > 1 else 1  # as exchange.export_bundle sends them
        fixes = rec.revision - max(have, 1)
        if fixes:
            corrections[label] = corrections.get(label, 0) + fixes
        if int(exported.get(rec.id, 0)) > have:
            resend += 1
        if is_urgent(rec.kind, rec.data) and not rec.deleted:
            urgent += 1
    receipts = len(store.meta_get(f"peers/{office}/pending_ack", {}))
    return {
        "counts": counts,
        "corrections": corrections,
        "urgent": urgent,
        "total": total,
        "versions": versions,
        "resend": resend,
        "receipts": receipts,
    }


def default_bundle_name(svc: Service) -> str:
    stamp = svc.clock().strftime("%Y%m%d-%H%M%S")
    return f"协助人员数据包-{stamp}{BUNDLE_SUFFIX}"


def seal_export(svc: Service) -> tuple[str, exchange.Sealed]:
    """The next bundle for the pinned office and its file name, for a save dialog or a browser
    download. Nothing counts as exported until ``commit`` (a cancelled save leaves the records
    未导出 and correctable)."""
    return default_bundle_name(svc), exchange.seal_bundle(svc.store, svc.me, _office_fp(svc), clock=svc.clock)


def export_bytes(svc: Service) -> tuple[str, bytes]:
    """``seal_export``, counted as exported at once (the office acknowledges the records later;
    until then the next bundle carries them again, so a file the helper loses costs nothing)."""
    name, sealed = seal_export(svc)
    sealed.commit()
    return name, sealed.blob


def export_to(svc: Service, out_path: str | os.PathLike[str]) -> dict[str, Any]:
    """Seal the next bundle for the pinned office and write it whole (encrypted) to ``out_path``;
    its records count as exported once the file is written."""
    path = Path(out_path)
    preview = export_preview(svc)
    name, sealed = seal_export(svc)
    if path.is_dir():
        path = path / name
    if path.suffix != BUNDLE_SUFFIX:
        path = path.with_name(path.name + BUNDLE_SUFFIX)
    write_file(path, sealed.blob)
    sealed.commit()
    return {**preview, "path": str(path), "size": len(sealed.blob)}


def bundle_files(folder: str | os.PathLike[str]) -> list[str]:
    """The ``.xtb`` files directly in ``folder``, newest first (empty when it is not a folder)."""
    p = typed_path(folder)
    return [str(p / name) for name in list_files(p, (BUNDLE_SUFFIX,), newest_first=True)]


@dataclass
class ImportSummary:
    """One import as the result panel shows it."""

    status: str  # accepted | already | rejected
    new: int = 0
    updated: int = 0
    withdrawn: int = 0
    conflict: int = 0
    gap: tuple[int, int] | None = None  # the office's bundle numbers not received
    message: str = ""
    quarantined: str | None = None
    warnings: list[str] = field(default_factory=list)
    rotation_pending: bool = False
    new_subjects: list[str] = field(default_factory=list)  # names, newly assigned to this helper
    withdrawn_subjects: list[str] = field(default_factory=list)  # names, taken away (now off the phone)
    new_notices: list[dict[str, Any]] = field(default_factory=list)  # {"number", "subject", "tasks"}
    new_tasks: list[str] = field(default_factory=list)  # names: 委托调查评估 newly on this phone (issue 15)


@dataclass(frozen=True)
class _Before:
    """What the phone held just before an import: the names of withdrawn subjects are gone after it."""

    subjects: dict[str, str]  # subject id -> name
    notices: frozenset[str]
    tasks: dict[str, str]  # entrustment id -> name of the person it is about


def _subject_names(store: Store) -> dict[str, str]:
    hidden = set(store.meta_get("sync/withdrawn", []))
    return {
        sid: str(s.get("name"))
        for sid, s in store.summaries().items()
        if s.get("name") and not s.get("deleted") and sid not in hidden
    }


def _task_names(store: Store) -> dict[str, str]:
    hidden = set(store.meta_get("sync/withdrawn", []))
    found = store.list(ENTRUSTMENT_KIND, skip_damaged=True)
    return {r.id: str(r.data.get("name") or "") for r in found if r.id not in hidden}


def _before_import(store: Store) -> _Before:
    # a damaged partition (store.check reports it) must not stop an import: its notices go unnamed
    notices = frozenset(r.id for r in store.list("notice", include_deleted=True, skip_damaged=True))
    return _Before(_subject_names(store), notices, _task_names(store))


def _name_changes(summary: ImportSummary, store: Store, before: _Before, withdrawn: list[str]) -> None:
    """Name, for people, the subjects assigned and withdrawn, the notices and the 调查评估任务
    that came in."""
    now = _subject_names(store)
    summary.new_subjects = sorted(name for sid, name in now.items() if sid not in before.subjects)
    summary.withdrawn_subjects = [before.subjects[sid] for sid in withdrawn if sid in before.subjects]
    summary.withdrawn_subjects += [f"{before.tasks[t]}(调查评估任务)" for t in withdrawn if t in before.tasks]
    summary.new_tasks = sorted(name for tid, name in _task_names(store).items() if tid not in before.tasks)
    notices = [r for r in store.list("notice", skip_damaged=True) if r.id not in before.notices]
    notices.sort(key=lambda r: (r.data.get("year", 0), r.data.get("seq", 0), r.id))
    summary.new_notices = [
        {
            "number": str(r.data.get("number", "")),
            "subject": now.get(r.subject or "", str(r.data.get("name", ""))),
            "tasks": len(r.data.get("tasks") or []),
        }
        for r in notices
    ]


def import_bundle_file(
    svc: Service, path: str | os.PathLike[str], *, progress: Progress | None = None
) -> ImportSummary:
    """Import one office bundle; a refused file goes to ``<home>/quarantine``, the store unchanged."""
    report = progress or (lambda fraction, text: None)
    p = Path(path).expanduser()
    if not p.is_file():
        raise FileUnreadable(f"找不到文件:{p}。请检查路径。")
    report(0.1, "正在核对数据包……")
    store, me = svc.store, svc.me
    _office_fp(svc)
    before = _before_import(store)  # read only; the import below stays one atomic apply
    try:
        outcome = exchange.import_file(store, me, p, quarantine_dir(svc.home), clock=svc.clock)
    except BundleRejected as exc:  # defensive: import_file already turns these into outcomes
        outcome = exchange.ImportOutcome("rejected", code=exc.code, message=str(exc))
    report(0.9, "正在整理结果……")
    summary = _summary(outcome)
    if outcome.status == "accepted":
        _name_changes(summary, store, before, outcome.withdrawn)
    report(1.0, "完成")
    return summary


def picked_name(name: str, suffix: str = BUNDLE_SUFFIX) -> str:
    """The bare file name of a picked file (a browser may send anything): no folders, never empty."""
    bare = Path(str(name).replace("\\", "/")).name.strip()
    if bare in ("", ".", ".."):
        bare = "数据包" + suffix
    return bare


def import_bundle_bytes(svc: Service, name: str, data: bytes, *, progress: Progress | None = None) -> ImportSummary:
    """Import an office bundle picked in a file dialog (bytes, maybe no path, as in the browser).

    The bytes go through ``import_bundle_file`` from a staging folder in the home (the bundle is
    encrypted; the folder is removed afterwards), so a refused bundle is quarantined under the
    picked name exactly as a refused file is, and the store is unchanged.
    """
    _office_fp(svc)
    with tempfile.TemporaryDirectory(prefix=".incoming-", dir=svc.home) as staging:
        path = Path(staging) / picked_name(name)
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise HelperSyncError("无法暂存所选数据包,请检查本机剩余空间后重试。") from exc
        return import_bundle_file(svc, path, progress=progress)


def _summary(outcome: exchange.ImportOutcome) -> ImportSummary:
    """What one import did, as plain data (``core.sync_wording.import_lines`` words it)."""
    summary = ImportSummary(outcome.status, message=outcome.message or "")
    if outcome.status == "accepted":
        c = outcome.counts
        summary.new, summary.updated, summary.conflict = c.get("new", 0), c.get("updated", 0), c.get("conflict", 0)
        summary.withdrawn = len(outcome.withdrawn)
        summary.gap = outcome.gap
        summary.warnings = list(outcome.warnings)
        summary.rotation_pending = bool(outcome.rotation_pending)
    elif outcome.status == "rejected":
        summary.quarantined = outcome.quarantined
    return summary


def pending_office_rotation(svc: Service) -> dict[str, Any] | None:
    """A key change the office announced, awaiting the in-person check: the office's name only.
    The new digits are not shown: the helper types what the officer reads out."""
    pending = exchange.pending_rotation(svc.store)
    return {"name": str(pending["office"]["name"])} if pending else None


def confirm_office_rotation(svc: Service, fingerprint_typed: str) -> dict[str, Any]:
    """The helper typed the new fingerprint an officer read out: move to the office's new key."""
    pub = exchange.confirm_office_rotation(svc.store, fingerprint_typed)
    return {"name": pub.name, "fingerprint": pub.grouped}


def office_card_preview_bytes(data: bytes) -> dict[str, Any]:
    """The office card's name and fingerprint, shown before the helper confirms."""
    pub = parse_office_card(data)
    return {"name": pub.name, "fingerprint": pub.grouped}


def office_card_preview(path: str | os.PathLike[str]) -> dict[str, Any]:
    return office_card_preview_bytes(read_file(path))


def pin_office_from_bytes(svc: Service, data: bytes, fingerprint_typed: str) -> dict[str, Any]:
    """Pin the office whose card is ``data`` once the digits typed match its fingerprint."""
    if svc.me.role != "helper":
        raise WrongRole("此功能只能在协助人员的设备上使用。")
    pub = exchange.pin_office(svc.store, data, fingerprint_typed)
    return {"name": pub.name, "fingerprint": pub.grouped}


def pin_office_from_file(svc: Service, path: str | os.PathLike[str], fingerprint_typed: str) -> dict[str, Any]:
    return pin_office_from_bytes(svc, read_file(path), fingerprint_typed)


def enrolment_request_bytes(svc: Service, *, committee: str, phone: str) -> tuple[str, bytes]:
    """This helper's self-signed enrolment request (keys, name, committee, phone) and its file name."""
    me = svc.me
    if me.role != "helper":
        raise HelperSyncError("只有协助人员需要导出登记申请。")
    blob = make_enrolment_request(me, committee.strip(), phone.strip())
    return f"登记申请-{me.name}{REQUEST_SUFFIX}", blob


def remember_contact(svc: Service, *, committee: str, phone: str) -> None:
    """Keep the committee and phone of a request handed over, to fill the form next time."""
    store, me = svc.store, svc.me
    store.meta_set("committee", committee.strip(), actor=me.fingerprint)
    store.meta_set("phone", phone.strip(), actor=me.fingerprint)


def write_enrolment_request(svc: Service, out_path: str | os.PathLike[str], *, committee: str, phone: str) -> str:
    """Write this helper's enrolment request to a file (a folder gets the default name)."""
    name, blob = enrolment_request_bytes(svc, committee=committee, phone=phone)
    path = Path(out_path).expanduser()
    if path.is_dir():
        path = path / name
    write_file(path, blob)
    remember_contact(svc, committee=committee, phone=phone)
    return str(path)


def saved_contact(svc: Service) -> dict[str, str]:
    store = svc.store
    return {"committee": store.meta_get("committee") or "", "phone": store.meta_get("phone") or ""}


__all__ = [
    "BUNDLE_SUFFIX",
    "CARD_EXTENSIONS",
    "HelperSyncError",
    "ImportSummary",
    "NoOffice",
    "REQUEST_SUFFIX",
    "bundle_files",
    "enrolment_request_bytes",
    "export_bytes",
    "export_preview",
    "export_to",
    "seal_export",
    "fingerprints",
    "import_bundle_bytes",
    "import_bundle_file",
    "office_card_preview",
    "office_card_preview_bytes",
    "picked_name",
    "pin_office_from_bytes",
    "pin_office_from_file",
    "remember_contact",
    "saved_contact",
    "write_enrolment_request",
]
