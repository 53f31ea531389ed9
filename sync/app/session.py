"""The application service: one plain method per user action, shared by the views and the CLI.

The views and the CLI never touch the store or the identity directly; everything they show
comes back from here as plain data, and every failure is a ``XietongError`` carrying the
Chinese sentence to show.

``Service`` here is the lifecycle (set-up, unlock, lock, settings, passphrase); the record
actions come from ``sync.app.records`` and the unlock bookkeeping from ``sync.app.unlock``. The
names those modules define are imported back here, so ``from sync.app.session import X`` works.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from core.errors import ValidationError
from core.records import Clock, Record, utc_now
from core.validation import check_control_chars
from storage import KdfParams, Store, StoreLocked, WrongPassphrase
from storage.policy import MIN_PASSPHRASE, passphrase_problem
from sync.app.errors import RecordLocked, SetupError
from sync.app.records import STATUS_DRAFT, STATUS_FROM_OFFICE, STATUS_OTHERS, RecordsMixin
from sync.app.unlock import (
    FAILURES_FILE,
    PASSPHRASE_ONLY,
    REKEY_DONE,
    UnlockFailures,
    failures_note,
    passphrase_strength,
    read_unlock_failures,
    test_kdf_from_env,
    unlock_delay,
    unlock_wait,
    write_unlock_failures,
    wrong_passphrase_message,
)
from sync.exchange import drop_delivered as _drop_delivered
from sync.protocol.identity import Identity

__all__ = [
    "DEFAULT_SETTINGS",
    "FAILURES_FILE",
    "MIN_PASSPHRASE",
    "PASSPHRASE_ONLY",
    "REKEY_DONE",
    "ROLES",
    "SETTING_LIMITS",
    "STATUS_DRAFT",
    "STATUS_FROM_OFFICE",
    "STATUS_OTHERS",
    "RecordLocked",
    "Service",
    "SetupError",
    "UnlockFailures",
    "failures_note",
    "passphrase_problem",
    "passphrase_strength",
    "read_unlock_failures",
    "test_kdf_from_env",
    "unlock_delay",
    "unlock_wait",
    "write_unlock_failures",
    "wrong_passphrase_message",
]

ROLES = ("office", "helper")
DEFAULT_SETTINGS: dict[str, int] = {"idle_minutes": 5, "visit_interval_days": 30, "retention_days": 90}
SETTING_LIMITS: dict[str, tuple[int, int, str]] = {
    "idle_minutes": (1, 120, "自动锁定时间"),
    "visit_interval_days": (1, 365, "走访间隔天数"),
    "retention_days": (1, 3650, "保留天数"),
}


class Service(RecordsMixin):
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

    # ------------------------------------------------------------------ time and actor

    def today(self) -> date:
        """Today by the service's clock: what a new record's date starts at."""
        return self.clock().date()

    def _actor(self) -> str:
        return self.me.fingerprint
