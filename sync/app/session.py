"""The application service: one plain method per user action, shared by the views and the CLI.

The views and the CLI never touch the store or the identity directly; everything they show
comes back from here as plain data, and every failure is a ``XietongError`` carrying the
Chinese sentence to show.
"""

from __future__ import annotations

import json
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from core import formstate as fs
from core.closeout import CaseClosed, closed_text, closure_of
from core.errors import NotFound, ValidationError
from core.kinds import KIND_LABELS, KINDS
from core.kinds import validate as validate_kind
from core.records import HELPER_KINDS, OFFICE_KINDS, Clock, Record, utc_now
from core.routes import Screen, build_route
from core.rules import is_urgent, summary_badges
from core.timeline import PARTICULAR_FIELDS, headline, record_date, shown, timeline_row
from core.validation import check_control_chars
from storage import KdfParams, Store, StoreCorrupt, StoreLocked, WrongPassphrase
from storage.fsio import atomic_write, remove_durably
from storage.policy import MIN_PASSPHRASE, kdf_from_env, passphrase_problem
from sync.app.errors import RecordLocked, SetupError
from sync.exchange import STATUS_DELIVERED, STATUS_EXPORTED, record_status, record_statuses
from sync.exchange import drop_delivered as _drop_delivered
from sync.protocol.identity import Identity

ROLES = ("office", "helper")
DEFAULT_SETTINGS: dict[str, int] = {"idle_minutes": 5, "visit_interval_days": 30, "retention_days": 90}
SETTING_LIMITS: dict[str, tuple[int, int, str]] = {
    "idle_minutes": (1, 120, "自动锁定时间"),
    "visit_interval_days": (1, 365, "走访间隔天数"),
    "retention_days": (1, 3650, "保留天数"),
}
# Delay before answering an unlock attempt after n consecutive failures (seconds).
_DELAYS = (0.0, 0.0, 1.0, 2.0, 4.0, 8.0)
# In the home beside the store: the count of consecutive wrong passphrases and when the last was
# typed (nothing personal), so closing the app does not reset the growing delay.
#
# The limit, written down: the delay slows guessing through the app and the CLI only (both unlock
# here), to at most one guess per 8 s plus the scrypt time. Whoever can delete this file can also
# copy ``xietong.key`` and guess with scrypt directly, where no delay applies: one guess costs
# what calibration chose (about 0.87 s at n = 2**18 on the development machine, 10**8 eight-digit
# guesses about 2.8 years on one core, about 10 days on a rig 100 times faster). Through the app,
# the same 10**8 guesses at 8 s + 0.87 s each would take about 28 years. The protection
# against that attacker is the scrypt cost and the passphrase rule (storage.policy), not this
# file; so deleting it, which resets the count, gives nothing that file access did not give.
FAILURES_FILE = "unlock-failures.json"
REKEY_DONE = "口令已更改,全部数据已用新的数据密钥重新加密:此前复制的密钥文件连同旧口令已无法再打开数据。"
PASSPHRASE_ONLY = (
    "口令已更改。注意:这只改写了密钥文件,此前复制的密钥文件(xietong.key)连同旧口令仍能打开这里的数据;"
    "如担心旧副本外泄,请同时更换数据密钥(重新加密全部数据)。"
)
# Timeline statuses besides the pipeline's 未导出 / 已导出 / 已送达.
STATUS_DRAFT = "草稿"
STATUS_FROM_OFFICE = "司法所发来"
STATUS_OTHERS = "他人填写"


class Service:
    """One per running app or CLI command; holds the open store while unlocked."""

    def __init__(
        self,
        home: Path,
        *,
        clock: Clock = utc_now,
        kdf: KdfParams | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.home = Path(home)
        self.clock = clock
        self._kdf = kdf
        self._sleep = sleep
        self._store: Store | None = None
        self._identity: Identity | None = None
        self._failures = UnlockFailures()  # used only while the file cannot be written
        self._failures_unsaved = False

    # ------------------------------------------------------------------ lifecycle

    def exists(self) -> bool:
        return Store.exists(self.home)

    @property
    def locked(self) -> bool:
        return self._store is None

    def setup(
        self,
        role: str,
        name: str,
        passphrase: str,
        *,
        org: str | None = None,
        committee: str | None = None,
        phone: str | None = None,
    ) -> dict[str, Any]:
        """First run: make the store and this installation's identity; leaves the store unlocked."""
        if role not in ROLES:
            raise SetupError("请选择身份:协助人员或司法所。")
        name = (name or "").strip()
        if not name:
            raise SetupError("请填写姓名(或司法所名称)。")
        for value, label in (
            (name, "姓名(或司法所名称)"),
            (org, "单位"),
            (committee, "所在村(居)委会"),
            (phone, "联系电话"),
        ):
            problem = check_control_chars(value, label) if isinstance(value, str) else None
            if problem:
                raise SetupError(problem + "。")
        # The passphrase rule and the scrypt floor are the store's (storage.policy): Store.create
        # refuses a weak passphrase with WeakPassphrase naming the rule, on every path.
        identity = Identity.generate(role, name)
        store = Store.create(self.home, passphrase, clock=self.clock, kdf=self._kdf)
        store.meta_set("identity", identity.to_private_dict(), actor="setup")
        store.meta_set("role", role, actor="setup")
        store.meta_set("name", name, actor="setup")
        if org:
            store.meta_set("org", org, actor="setup")
        for key, value in (("committee", committee), ("phone", phone)):
            if value:
                store.meta_set(key, value, actor="setup")
        store.meta_set("settings", dict(DEFAULT_SETTINGS), actor="setup")
        self._store, self._identity = store, identity
        self._set_failures(UnlockFailures())
        return self.identity()

    def unlock(self, passphrase: str) -> dict[str, Any]:
        """Open the store; each consecutive wrong passphrase waits longer before answering.

        The count survives a restart (``FAILURES_FILE``); time already spent since the last
        failure counts towards the wait. A wrong passphrase raises ``WrongPassphrase`` whose
        message also says how many times in a row and how long the next try waits."""
        state = self._load_failures()
        wait = unlock_wait(state, self.clock())
        if wait:
            self._sleep(wait)
        held = self._store  # another browser session may have unlocked it: the passphrase still counts
        try:
            if held is not None:
                held.check_passphrase(passphrase)
            store = held or Store.open(self.home, passphrase, clock=self.clock)
        except WrongPassphrase as exc:
            count = state.count + 1
            self._set_failures(UnlockFailures(count, self.clock()))
            raise WrongPassphrase(wrong_passphrase_message(count, unlock_delay(count))) from exc
        if state.count:
            self._set_failures(UnlockFailures())
        if held is not None:
            return self.identity()
        self._store = store
        self._identity = Identity.from_private_dict(store.meta_get("identity"))
        self.drop_delivered()
        return self.identity()

    @property
    def failures(self) -> int:
        """Consecutive wrong passphrases so far (also those typed before the app restarted)."""
        return self._load_failures().count

    def unlock_note(self) -> str:
        """What the lock screen says before anyone types: the failures so far and the next wait."""
        count = self.failures
        return failures_note(count, unlock_delay(count))

    def unlock_wait(self) -> float:
        """Seconds the next unlock attempt would wait now (what the lock screen says meanwhile)."""
        return unlock_wait(self._load_failures(), self.clock())

    def _load_failures(self) -> UnlockFailures:
        """The file's count (shared with a CLI run on the same home), or this session's when the
        last write failed."""
        return self._failures if self._failures_unsaved else read_unlock_failures(self.home)

    def _set_failures(self, state: UnlockFailures) -> None:
        self._failures = state
        self._failures_unsaved = not write_unlock_failures(self.home, state)

    def lock(self) -> None:
        if self._store is not None:
            self._store.close()
        self._store, self._identity = None, None

    @property
    def store(self) -> Store:
        """The open store; ``StoreLocked`` while locked."""
        if self._store is None:
            raise StoreLocked()
        return self._store

    @property
    def me(self) -> Identity:
        """This installation's identity; ``StoreLocked`` while locked."""
        if self._store is None or self._identity is None:
            raise StoreLocked()
        return self._identity

    def identity(self) -> dict[str, Any]:
        me = self.me
        store = self.store
        public = me.public()
        return {
            "role": store.meta_get("role", me.role),
            "role_label": "司法所" if me.role == "office" else "协助人员",
            "name": store.meta_get("name", me.name),
            "org": store.meta_get("org"),
            "fingerprint": public.fingerprint,
            "fingerprint_groups": public.grouped.split(),
        }

    # ------------------------------------------------------------------ settings

    def settings(self) -> dict[str, int]:
        stored = self.store.meta_get("settings") or {}
        return {**DEFAULT_SETTINGS, **{k: v for k, v in stored.items() if k in DEFAULT_SETTINGS}}

    def update_settings(self, **changes: Any) -> dict[str, int]:
        errors: dict[str, str] = {}
        current = self.settings()
        for key, value in changes.items():
            if key not in SETTING_LIMITS:
                errors[key] = "没有这项设置。"
                continue
            lo, hi, label = SETTING_LIMITS[key]
            try:
                number = int(value)
            except (TypeError, ValueError):
                errors[key] = f"{label}应为整数,请重新填写。"
                continue
            if not lo <= number <= hi:
                errors[key] = f"{label}应在{lo}至{hi}之间。"
                continue
            current[key] = number
        if errors:
            raise ValidationError(errors)
        self.store.meta_set("settings", current, actor=self._actor())
        self.drop_delivered()
        return current

    def drop_delivered(self) -> int:
        """Data minimisation (四.5): my records the office acknowledged and nobody changed for the
        retention period leave this phone. Run on unlock and when the period changes; returns
        how many went (always 0 on the office, or before the first receipt).

        Drafts for a record or a subject no longer on the phone (dropped here, or withdrawn by the
        office in a bundle) go as well: they hold the same personal data."""
        dropped = _drop_delivered(self.store, self.me, self.settings()["retention_days"], self.clock)
        self.drop_orphan_drafts()
        return dropped

    def drop_orphan_drafts(self) -> int:
        """Delete the drafts whose record or subject is gone from the store; returns how many."""
        store = self.store
        gone = 0
        for did, _ in self._drafts():
            record, subject = fs.draft_owner(did)
            owner = record or subject
            if owner is not None and store.get(owner) is None:
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

    def change_passphrase(self, old: str, new: str, *, rekey: bool = False) -> str:
        """Change the passphrase; returns the sentence to show afterwards.

        Without ``rekey`` only the key file is rewritten, and the sentence says that an old copy
        of it still opens the data with the old passphrase. With ``rekey`` every file is
        re-encrypted under a new data key (slower: the whole store is rewritten), after which
        such a copy opens nothing. The rule for ``new`` is the store's (``WeakPassphrase``); a
        wrong ``old`` raises ``WrongPassphrase`` and changes nothing."""
        if not rekey:
            self.store.change_passphrase(old, new)
            return PASSPHRASE_ONLY
        self._store = self.store.rekey(old, new)
        return REKEY_DONE

    def list_records(self, kind: str | None = None, subject: str | None = None) -> list[Record]:
        """Records of a kind (and subject) as stored; a damaged partition is skipped (``check``
        names it) so a listing still shows everything readable."""
        return self.store.list(kind, subject, skip_damaged=True)

    def check_store(self) -> tuple[list[str], int]:
        """Every partition opened and the audit chain verified: (problems found, records)."""
        store = self.store
        return store.check(), store.count()

    def reload_identity(self) -> None:
        """Read this installation's identity again (after the office rotated its key)."""
        self._identity = Identity.from_private_dict(self.store.meta_get("identity"))

    # ------------------------------------------------------------------ subjects

    def today(self) -> date:
        """Today by the service's clock: what a new record's date starts at."""
        return self.clock().date()

    def _actor(self) -> str:
        return self.me.fingerprint

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
        acked = {r.data.get("report") for r in records if r.kind == "ack"}
        me = self._actor()
        mine = [r for r in records if r.kind in HELPER_KINDS and r.author == me and not r.deleted]
        sent = record_statuses(store, mine)  # one read of the sync state for the whole timeline
        tasks: list[str] = []
        timeline: list[dict[str, Any]] = []
        for r in records:
            if r.kind == "subject":
                continue
            if r.kind == "notice":
                tasks.extend(t for t in r.data.get("tasks", []) if isinstance(t, str) and t not in tasks)
            row = timeline_row(r, acked)
            row["status"] = _helper_status(r, sent)
            row["editable"] = r.id in sent and sent[r.id] not in (STATUS_EXPORTED, STATUS_DELIVERED)
            row["route"] = build_route(Screen.of("edit_record", id=r.id))
            row["draft"] = False
            timeline.append(row)
        timeline.sort(key=lambda row: (row["date"], row["id"]), reverse=True)
        editable = {row["id"] for row in timeline if row["editable"]}
        timeline[:0] = self._draft_rows(subject_id, {r.id: r for r in records}, editable)
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
        if subject is not None:
            target = store.get(subject)
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


@dataclass(frozen=True)
class UnlockFailures:
    """Consecutive wrong passphrases and when the last one was typed (aware UTC)."""

    count: int = 0
    last: datetime | None = None


def read_unlock_failures(home: Path) -> UnlockFailures:
    """The stored failures; a missing or damaged file means none (never raises)."""
    try:
        raw = json.loads((Path(home) / FAILURES_FILE).read_bytes())
        count, last = raw["count"], raw.get("last")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            return UnlockFailures()
        when = datetime.fromisoformat(last) if isinstance(last, str) else None
        if when is not None and when.tzinfo is None:
            when = None
        return UnlockFailures(count, when)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return UnlockFailures()


def write_unlock_failures(home: Path, state: UnlockFailures) -> bool:
    """Keep ``state`` (atomically); none left removes the file. False when the home cannot be
    written: the caller keeps the count for this session, unlocking never fails because of it."""
    path = Path(home) / FAILURES_FILE
    try:
        if state.count <= 0:
            remove_durably(path)
        else:
            body = {"count": state.count, "last": state.last.isoformat() if state.last else None}
            atomic_write(path, json.dumps(body).encode("ascii"), secrets.token_hex(8))
    except OSError:
        return False
    return True


def unlock_delay(failures: int) -> float:
    """Seconds the next unlock attempt waits after ``failures`` consecutive wrong passphrases."""
    return _DELAYS[max(0, min(failures, len(_DELAYS) - 1))]


def unlock_wait(state: UnlockFailures, now: datetime) -> float:
    """What is left of the delay at ``now``: time since the last failure counts towards it (a
    clock set back does not shorten it)."""
    delay = unlock_delay(state.count)
    if not delay or state.last is None:
        return delay
    elapsed = (now - state.last).total_seconds()
    return delay if elapsed < 0 else max(0.0, delay - elapsed)


def failures_note(failures: int, next_delay: float) -> str:
    """The lock screen's note, e.g. 已连续输错3次,下次需等待2秒。 (only the count when the next
    try does not wait); empty before any failure."""
    if failures <= 0:
        return ""
    if next_delay > 0:
        return f"已连续输错{failures}次,下次需等待{math.ceil(next_delay)}秒。"
    return f"已连续输错{failures}次。"


def wrong_passphrase_message(failures: int, next_delay: float) -> str:
    """The lock screen's sentence after a wrong passphrase: what is wrong, then the count and wait."""
    return WrongPassphrase.default_message + failures_note(failures, next_delay)


def test_kdf_from_env() -> KdfParams | None:
    """A cheap scrypt cost for test suites (``XIETONG_SCRYPT_N``), honoured only with the explicit
    switch ``XIETONG_INSECURE_TEST_KDF=1`` and refused without it; None means calibrated."""
    return kdf_from_env()


def passphrase_strength(passphrase: str) -> str:
    """A rough hint (弱/中/强) shown while a person types a new passphrase."""
    if not passphrase:
        return ""
    classes = sum(1 for test in (str.isdigit, str.islower, str.isupper) if any(test(c) for c in passphrase))
    classes += any(not c.isascii() or not c.isalnum() for c in passphrase)
    if len(passphrase) < MIN_PASSPHRASE:
        return "太短"
    if passphrase_problem(passphrase):
        return "太弱"
    if len(passphrase) >= 14 and classes >= 2 or len(passphrase) >= 10 and classes >= 3:
        return "强"
    return "中" if classes >= 2 else "弱"


def _helper_status(r: Record, sent: dict[str, str]) -> str:
    """On the helper's phone: 未导出 / 已导出 / 已送达 for the helper's own records (as the sync
    pipeline counts them), 司法所发来 for what the office wrote, 他人填写 for anything else."""
    if r.id in sent:
        return sent[r.id]
    if r.kind in OFFICE_KINDS:
        return STATUS_FROM_OFFICE
    return STATUS_OTHERS
