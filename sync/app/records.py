"""The helper's record actions: the subject list and page, records saved and corrected, drafts.

``RecordsMixin`` is part of ``sync.app.session.Service``; it reaches the open store, the clock,
the settings and this installation's fingerprint through the members declared below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core import formstate as fs
from core.closeout import CaseClosed, closed_text, closure_of
from core.entrustment import ENTRUSTMENT_KIND, EntrustmentFinished, is_finished, may_investigate
from core.errors import NotFound, ValidationError
from core.kinds import KIND_LABELS, KINDS
from core.kinds import validate as validate_kind
from core.records import HELPER_KINDS, OFFICE_KINDS, Clock, Record
from core.routes import Screen, build_route
from core.rules import is_urgent, summary_badges
from core.timeline import PARTICULAR_FIELDS, headline, record_date, shown, timeline_row
from storage import Store, StoreCorrupt
from sync.app.errors import RecordLocked
from sync.exchange import STATUS_DELIVERED, STATUS_EXPORTED, record_status, record_statuses

if TYPE_CHECKING:
    from datetime import date

# Timeline statuses besides the pipeline's 未导出 / 已导出 / 已送达.
STATUS_DRAFT = "草稿"
STATUS_FROM_OFFICE = "司法所发来"
STATUS_OTHERS = "他人填写"


class RecordsMixin:
    """Subjects, records and drafts as the helper's screens and the CLI see them."""

    # Provided by Service (sync.app.session).
    clock: Clock
    _store: Store | None

    if TYPE_CHECKING:

        @property
        def store(self) -> Store: ...

        def today(self) -> date: ...

        def settings(self) -> dict[str, int]: ...

        def _actor(self) -> str: ...

    # ------------------------------------------------------------------ subjects

    def subject_rows(self, query: str = "") -> list[dict[str, Any]]:
        """Subjects with their badges, matching ``query`` in name, committee or category."""
        store = self.store
        interval = self.settings()["visit_interval_days"]
        today = self.today()
        q = (query or "").strip()
        rows: list[dict[str, Any]] = []
        for sid, s in store.summaries().items():
            if s.get("deleted") or not s.get("name"):
                continue
            row = {
                "id": sid,
                "name": s.get("name") or "",
                "committee": s.get("committee") or "",
                "category": s.get("category") or "",
                "term_end": s.get("term_end") or "",
                "last_visit": s.get("last_visit"),
                "badges": summary_badges(s, today, visit_interval=interval),
            }
            if q and not any(q in str(row[k]) for k in ("name", "committee", "category")):
                continue
            rows.append(row)
        rows.sort(key=lambda r: (-len(r["badges"]), r["name"]))
        return rows

    def subject_detail(self, subject_id: str) -> dict[str, Any]:
        """Particulars, tasks and the timeline: this subject's unsaved drafts first (草稿), then
        every record newest first, each with its ``status`` (see ``_helper_status``)."""
        store = self.store
        subject = store.get(subject_id)
        if subject is None or subject.kind != "subject" or subject.deleted:
            raise NotFound("找不到该社区矫正对象,可能已被删除。")
        records = store.list(subject=subject_id)
        tasks: list[str] = []
        for r in records:
            if r.kind == "notice":
                tasks.extend(t for t in r.data.get("tasks", []) if isinstance(t, str) and t not in tasks)
        timeline = self.partition_timeline(subject_id, records)
        labels = {f.name: f.label for f in KINDS["subject"].fields}
        particulars = [
            {"name": k, "label": labels[k], "value": shown(subject.data.get(k))}
            for k in PARTICULAR_FIELDS
            if k in labels and subject.data.get(k) not in (None, "")
        ]
        summary = store.summaries().get(subject_id, {})
        return {
            "id": subject_id,
            "name": subject.data.get("name", ""),
            "particulars": particulars,
            "badges": summary_badges(summary, self.today(), visit_interval=self.settings()["visit_interval_days"]),
            "tasks": tasks,
            "timeline": timeline,
            "closed": closed_text(summary),
        }

    def partition_timeline(self, owner_id: str, records: list[Record]) -> list[dict[str, Any]]:
        """The records of one partition (a subject's, or an entrustment's) newest first, each
        with its ``status`` (see ``_helper_status``), and this partition's drafts before them."""
        acked = {r.data.get("report") for r in records if r.kind == "ack"}
        me = self._actor()
        mine = [r for r in records if r.kind in HELPER_KINDS and r.author == me and not r.deleted]
        sent = record_statuses(self.store, mine)  # one read of the sync state for the whole timeline
        timeline: list[dict[str, Any]] = []
        for r in records:
            if r.id == owner_id:  # the subject (or entrustment) record itself
                continue
            row = timeline_row(r, acked)
            row["status"] = _helper_status(r, sent)
            row["editable"] = r.id in sent and sent[r.id] not in (STATUS_EXPORTED, STATUS_DELIVERED)
            row["route"] = build_route(Screen.of("edit_record", id=r.id))
            row["draft"] = False
            timeline.append(row)
        timeline.sort(key=lambda row: (row["date"], row["id"]), reverse=True)
        editable = {row["id"] for row in timeline if row["editable"]}
        timeline[:0] = self._draft_rows(owner_id, {r.id: r for r in records}, editable)
        return timeline

    def _draft_rows(self, subject_id: str, records: dict[str, Record], editable: set[str]) -> list[dict[str, Any]]:
        """One 草稿 row per unsaved draft of this subject, newest first; each opens its form.

        A new-record draft is ``new-<kind>-<subject>``; an edit draft ``edit-<record>`` belongs to
        that record's subject, and is left out once the record can no longer be corrected (its
        form would only show the record read-only)."""
        store = self.store
        rows: list[dict[str, Any]] = []
        for did, saved_at in reversed(self._drafts()):
            record_id, owner = fs.draft_owner(did)
            if record_id is not None:
                rec = records.get(record_id)
                if rec is None or record_id not in editable:
                    continue
                kind, route, note = rec.kind, build_route(Screen.of("edit_record", id=record_id)), "修改尚未保存"
            else:
                found = next(
                    (
                        k
                        for k in sorted(HELPER_KINDS)
                        if owner == subject_id and fs.draft_id(k, subject_id, None) == did
                    ),
                    None,
                )
                if found is None:
                    continue
                kind = found
                route, note = build_route(Screen.of("new_record", id=subject_id, kind=kind)), "尚未保存"
            try:
                values = fs.from_draft(kind, store.load_draft(did) or {})
            except StoreCorrupt:
                continue
            rows.append(
                {
                    "id": did,
                    "kind": kind,
                    "kind_label": KIND_LABELS.get(kind, kind),
                    "date": record_date(kind, values, saved_at),
                    "title": headline(kind, values),
                    "status": STATUS_DRAFT,
                    "revision_note": note,
                    "handling": None,
                    "urgent": is_urgent(kind, values),
                    "editable": True,
                    "route": route,
                    "draft": True,
                }
            )
        return rows

    # ------------------------------------------------------------------ records

    def record(self, record_id: str) -> Record:
        rec = self.store.get(record_id)
        if rec is None:
            raise NotFound()
        return rec

    def last_visit(self, subject_id: str) -> dict[str, Any] | None:
        """The data of the subject's newest visit (by 走访日期, then by when it was saved), or
        None: what "与上次相同" copies from. Any helper's visit counts, as the subject's page shows."""
        visits = [r for r in self.store.list("visit", subject_id) if not r.deleted and isinstance(r.data, dict)]
        if not visits:
            return None
        return dict(max(visits, key=lambda r: (str(r.data.get("date") or ""), r.updated)).data)

    def validate(self, kind: str, data: dict[str, Any]) -> dict[str, str]:
        return validate_kind(kind, data, today=self.today())

    def save_record(
        self, kind: str, data: dict[str, Any], *, subject: str | None, record_id: str | None = None
    ) -> Record:
        """Validate, then save a new record or the next revision of ``record_id``."""
        store = self.store
        errors = self.validate(kind, data)
        if errors:
            raise ValidationError(errors)
        target = store.get(subject) if subject is not None else None
        if target is not None and target.kind == ENTRUSTMENT_KIND:  # 调查评估 before the register
            if not may_investigate(target, kind, self._actor()):
                raise NotFound("找不到该委托调查评估,或它没有指定您协助调查。")
            if is_finished(target.data):
                raise EntrustmentFinished()
        elif subject is not None:
            if target is None or target.kind != "subject":
                raise NotFound("找不到该社区矫正对象,可能已被删除。")
            closure = closure_of(store.list(subject=subject, kinds=("closure",)))
            if closure is not None:  # 解矫: the case is read-only on the phone until it leaves it
                raise CaseClosed(
                    f"该社区矫正对象已解矫({closure.data.get('reason', '')},"
                    f"{closure.data.get('date', '')}),不能再新增或修改记录。"
                )
        actor = self._actor()
        if record_id is None:
            rec = Record.new(kind, data, author=actor, subject=subject, clock=self.clock)
        else:
            old = self.record(record_id)
            if old.kind != kind:
                raise ValidationError({"kind": "记录类型不能修改。"})
            reason = self.record_lock_reason(record_id)
            if reason:
                raise RecordLocked(reason)
            rec = old.revise(data, clock=self.clock)
        return store.put(rec, actor=actor)

    def record_sync_status(self, record_id: str) -> str:
        """未导出, 已导出 or 已送达 (as the sync pipeline counts it for this helper's office)."""
        self.record(record_id)
        return record_status(self.store, record_id)

    def record_lock_reason(self, record_id: str) -> str | None:
        """Why ``record_id`` cannot be corrected here (the sentence to show), or None if it can.

        Once a revision is in a bundle the office may already act on it, so a correction
        would silently diverge from what was sent: corrections stop at export.
        """
        rec = self.record(record_id)
        if rec.author != self._actor():
            return "这条记录不是您填写的,只能查看,不能修改。"
        if rec.deleted:
            return "这条记录已删除,不能再修改。"
        status = record_status(self.store, record_id)
        if status == STATUS_DELIVERED:
            return "这条记录已送达司法所,不能再修改。如需更正,请新增一条记录说明,或联系司法所。"
        if status == STATUS_EXPORTED:
            return RecordLocked.default_message
        return None

    # ------------------------------------------------------------------ drafts

    def save_draft(self, draft_id: str, data: dict[str, Any]) -> None:
        """Called on every keystroke: the encrypted draft is written at most once a second (the
        first change at once, the latest within the second), so a kill loses at most the last
        second of typing. ``flush_drafts`` writes it at once; locking does too."""
        self.store.buffer_draft(draft_id, data)

    def flush_drafts(self) -> None:
        """Write every draft still waiting: call when the user leaves a form and when the app is
        paused or hidden. Harmless when nothing waits or the store is already locked."""
        if self._store is not None:
            self._store.flush_drafts()

    def load_draft(self, draft_id: str) -> dict[str, Any] | None:
        return self.store.load_draft(draft_id)

    def discard_draft(self, draft_id: str) -> None:
        self.store.delete_draft(draft_id)

    def drop_orphan_drafts(self) -> int:
        """Delete the drafts whose record or subject is gone from the store (a withdrawn subject's
        own unsent records stay until delivered, but can no longer be corrected); returns how many."""
        store = self.store
        gone = 0
        for did, _ in self._drafts():
            record, subject = fs.draft_owner(did)
            if record is not None:  # a correction: gone with its record, or with the record's subject
                rec = store.get(record)
                subject = rec.subject if rec is not None else record
            if subject is not None and store.get(subject) is None:
                store.delete_draft(did)
                gone += 1
        return gone

    def _drafts(self) -> list[tuple[str, str]]:
        """(draft id, saved at) of every draft; none when a draft file is damaged, so the subject
        page and unlocking still work (``store.check()`` names the damaged file)."""
        try:
            return self.store.list_drafts()
        except StoreCorrupt:
            return []


def _helper_status(r: Record, sent: dict[str, str]) -> str:
    """On the helper's phone: 未导出 / 已导出 / 已送达 for the helper's own records (as the sync
    pipeline counts them), 司法所发来 for what the office wrote, 他人填写 for anything else."""
    if r.id in sent:
        return sent[r.id]
    if r.kind in OFFICE_KINDS:
        return STATUS_FROM_OFFICE
    return STATUS_OTHERS
