"""The encrypted, crash-safe, partitioned store: the only way to reach data on disk.

Layout of a store's home folder::

    xietong.key        format version, scrypt parameters, wrapped data key (no personal data)
    index.bin          checkpoint: record id -> partition map, per-subject summaries, meta,
                       open conflicts, audit position (sealed)
    journal.bin        transactions committed since that checkpoint (sealed frames)
    audit.bin          hash-chained audit entries up to that checkpoint (sealed frames)
    parts/<name>.bin   one encrypted TinyDB per subject, one for records without subject
    drafts/<name>.bin  one sealed file per draft
    lock               held with flock while a process has the store open

A commit appends one frame to the journal and fsyncs it: the save is durable and cheap whatever
the store's size. After ``checkpoint_every`` commits, after a commit that found at least
``checkpoint_bytes`` in the journal, and on close, the pending changes are folded into the partitions, the audit log and a new index, each written atomically, and the
journal restarts under the new generation. A crash at any instant leaves either the old
checkpoint plus its journal, or the new checkpoint (the older journal is then ignored).
"""

from __future__ import annotations

import copy
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Collection, Iterable

from core.records import Clock, Record, iso, utc_now
from storage import history, keyfile, migrations, partition, sealed
from storage.audit import AUDIT_FILE, AuditLog, chained, verify
from storage.crypto import INDEX, KEY_LEN, Entropy, KdfParams, SubKeys, calibrate_scrypt
from storage.drafts import DRAFTS_DIR, Drafts
from storage.errors import (
    StoreBusy,
    StoreCorrupt,
    StoreError,
    StoreExists,
    StoreLocked,
    StoreMissing,
    StoreTooNew,
    UnknownVersion,
)
from storage.fsio import atomic_write, fsync_dir, leftover_temps, remove_durably
from storage.index import INDEX_FILE, Index
from storage.journal import JOURNAL_FILE, Journal
from storage.summary import summarise

try:  # POSIX advisory lock; Windows has none here (one app instance per profile there)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

FORMAT_VERSION = migrations.CURRENT_VERSION
PARTS_DIR = "parts"
LOCK_FILE = "lock"
NO_SUBJECT = ""  # partition key of records without subject

Doc = dict[str, Any]


@dataclass(frozen=True)
class StoreOptions:
    """Tuning knobs; tests shrink them to exercise checkpoints and cache eviction."""

    checkpoint_every: int = 256  # commits folded into partitions per checkpoint
    checkpoint_bytes: int = 8 * 1024 * 1024  # or when the journal grows past this
    cache_partitions: int = 64  # decrypted partitions kept in memory


@dataclass
class ApplyResult:
    """What an apply did, per record id (a record appears once per version received)."""

    new_ids: list[str] = field(default_factory=list)
    updated_ids: list[str] = field(default_factory=list)
    duplicate_ids: list[str] = field(default_factory=list)
    conflict_ids: list[str] = field(default_factory=list)
    historical_ids: list[str] = field(default_factory=list)

    @property
    def new(self) -> int:
        return len(self.new_ids)

    @property
    def updated(self) -> int:
        return len(self.updated_ids)

    @property
    def duplicate(self) -> int:
        return len(self.duplicate_ids)

    @property
    def conflict(self) -> int:
        return len(self.conflict_ids)

    @property
    def historical(self) -> int:
        return len(self.historical_ids)

    @property
    def changed(self) -> bool:
        return bool(self.new_ids or self.updated_ids or self.conflict_ids or self.historical_ids)

    def counts(self) -> dict[str, int]:
        return {
            "new": self.new,
            "updated": self.updated,
            "duplicate": self.duplicate,
            "conflict": self.conflict,
            "historical": self.historical,
        }

    def _add(self, status: str, rid: str) -> None:
        getattr(self, f"{status}_ids").append(rid)


@dataclass(frozen=True)
class Conflict:
    """Two or more contents at one revision of a record, waiting for the officer."""

    record_id: str
    kind: str
    subject: str | None
    revision: int
    hashes: tuple[str, ...]
    versions: tuple[Record, ...]  # the rival versions, in arrival order
    current_hash: str  # content hash of the current version


class Store:
    """Open with ``Store.open`` or ``Store.create``; ``close()`` drops the key material."""

    # ------------------------------------------------------------------ lifecycle

    def __init__(
        self,
        home: Path,
        store_id: str,
        data_key: bytes,
        *,
        clock: Clock,
        entropy: Entropy,
        options: StoreOptions,
        lock_fd: int | None,
    ) -> None:
        self.home = home
        self._store_id = store_id
        self._keys: SubKeys | None = SubKeys.derive(data_key, store_id)
        self._clock = clock
        self._entropy = entropy
        self._options = options
        self._lock_fd = lock_fd
        self._mutex = threading.RLock()
        self._problems: list[str] = []
        self._names: dict[str, str] = {}
        self._index = Index()  # checkpoint state plus committed transactions
        # since the checkpoint
        self._pending: dict[str, dict[str, Doc | None]] = {}
        self._audit_pending: list[dict[str, Any]] = []
        self._cache: OrderedDict[str, dict[str, Doc]] = OrderedDict()
        keys = self._keys
        self._journal = Journal(home / JOURNAL_FILE, keys.journal, entropy)
        self._audit = AuditLog(home / AUDIT_FILE, keys.audit, entropy)
        self._drafts = Drafts(home, keys, lambda: iso(self._clock()), entropy)

    @staticmethod
    def exists(home: str | os.PathLike[str]) -> bool:
        return (Path(home) / keyfile.KEY_FILE).is_file()

    @classmethod
    def create(
        cls,
        home: str | os.PathLike[str],
        passphrase: str,
        *,
        clock: Clock = utc_now,
        kdf: KdfParams | None = None,
        entropy: Entropy = os.urandom,
        options: StoreOptions | None = None,
    ) -> "Store":
        """Make a new empty store; the key file is written last, so a half-made store does not exist."""
        root = Path(home)
        if cls.exists(root):
            raise StoreExists()
        _check_passphrase(passphrase)
        params = kdf or calibrate_scrypt()
        root.mkdir(parents=True, exist_ok=True)
        lock_fd = _lock(root)
        try:
            store_id = entropy(16).hex()
            data_key = entropy(KEY_LEN)
            store = cls(
                root,
                store_id,
                data_key,
                clock=clock,
                entropy=entropy,
                options=options or StoreOptions(),
                lock_fd=lock_fd,
            )
            store._init_layout()
            blob = keyfile.build(
                version=FORMAT_VERSION,
                store_id=store_id,
                passphrase=passphrase,
                data_key=data_key,
                params=params,
                entropy=entropy,
            )
            atomic_write(root / keyfile.KEY_FILE, blob, entropy(8).hex())
            return store
        except BaseException:
            _unlock(lock_fd)
            raise

    @classmethod
    def open(
        cls,
        home: str | os.PathLike[str],
        passphrase: str,
        *,
        clock: Clock = utc_now,
        entropy: Entropy = os.urandom,
        options: StoreOptions | None = None,
    ) -> "Store":
        """Unlock: derive the key, read the index, replay the journal. Writes nothing."""
        root = Path(home)
        if not cls.exists(root):
            raise StoreMissing()
        lock_fd = _lock(root)
        try:
            header = keyfile.parse(root / keyfile.KEY_FILE)
            if header.version > FORMAT_VERSION:
                raise StoreTooNew()
            if header.version < FORMAT_VERSION:
                migrations.upgrade(root, passphrase, header, clock=clock, entropy=entropy)
                header = keyfile.parse(root / keyfile.KEY_FILE)
            data_key = keyfile.unwrap(header, passphrase)
            store = cls(
                root,
                header.store_id,
                data_key,
                clock=clock,
                entropy=entropy,
                options=options or StoreOptions(),
                lock_fd=lock_fd,
            )
            store._load()
            return store
        except BaseException:
            _unlock(lock_fd)
            raise

    def close(self) -> None:
        """Fold pending changes into the files, then forget every key (the store is locked)."""
        with self._mutex:
            if self._keys is None:
                return
            try:
                if self._journal.count:
                    self._checkpoint()
            except (OSError, StoreError):
                pass  # the journal still holds everything; the next open replays it
            finally:
                self._journal.forget()
                self._audit.forget()
                self._drafts.forget()
                self._keys = None
                self._cache.clear()
                self._pending.clear()
                self._index = Index()
                self._audit_pending.clear()
                _unlock(self._lock_fd)
                self._lock_fd = None

    lock = close

    @property
    def closed(self) -> bool:
        return self._keys is None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def check_passphrase(self, passphrase: str) -> None:
        """Raise ``WrongPassphrase`` unless ``passphrase`` opens this store's key file: a second
        session asking to unlock a store that another session holds open must still know it."""
        with self._mutex:
            self._ensure_open()
            keyfile.unwrap(keyfile.parse(self.home / keyfile.KEY_FILE), passphrase)

    def change_passphrase(self, old: str, new: str) -> None:
        """Re-wrap the same data key under a new passphrase: only the key file changes."""
        with self._mutex:
            self._ensure_open()
            _check_passphrase(new)
            path = self.home / keyfile.KEY_FILE
            header = keyfile.parse(path)
            data_key = keyfile.unwrap(header, old)
            blob = keyfile.build(
                version=header.version,
                store_id=header.store_id,
                passphrase=new,
                data_key=data_key,
                params=header.params,
                entropy=self._entropy,
            )
            atomic_write(path, blob, self._entropy(8).hex())

    # ------------------------------------------------------------------ records

    def put(self, record: Record, *, actor: str) -> Record:
        """Store one version; returns the record's current version afterwards."""
        with self._mutex:
            _, docs = self._apply([record], actor, None)
            return history.current_record(docs[record.id])

    def apply(
        self,
        records: Iterable[Record],
        *,
        actor: str,
        meta: dict[str, Any] | None = None,
        purge: Iterable[str] = (),
    ) -> ApplyResult:
        """Store many versions (and meta keys, and removals) in one all-or-nothing commit."""
        with self._mutex:
            result, _ = self._apply(list(records), actor, meta, list(purge))
            return result

    def purge(self, record_ids: Iterable[str], *, actor: str) -> int:
        """Remove records and their whole history (data minimisation); audited. Returns how many."""
        with self._mutex:
            self._ensure_open()
            _check_actor(actor)
            tx = _empty_tx()
            count = self._purge_into(tx, record_ids, actor)
            if count:
                self._commit(tx)
            return count

    def _purge_into(self, tx: dict[str, Any], record_ids: Iterable[str], actor: str) -> int:
        count = 0
        for rid in dict.fromkeys(record_ids):
            pkey = self._index.where.get(rid)
            if pkey is None:
                continue
            doc = self._partition(pkey).get(rid)
            tx["parts"].setdefault(pkey, {})[rid] = None
            tx["members"].setdefault(pkey, {})[rid] = None
            if rid in self._index.conflicts:
                tx["conflicts"][rid] = None
            cur = history.current_dict(doc) if doc else {"kind": None}
            self._audit_entry(tx, "purge", actor, rid, cur.get("kind"), doc["current"] if doc else None, None)
            count += 1
        return count

    def get(self, record_id: str) -> Record | None:
        with self._mutex:
            self._ensure_open()
            pkey = self._index.where.get(record_id)
            if pkey is None:
                return None
            doc = self._partition(pkey).get(record_id)
            return _fresh(history.current_record(doc)) if doc else None

    def list(
        self,
        kind: str | None = None,
        subject: str | None = None,
        *,
        kinds: Collection[str] | None = None,
        include_deleted: bool = False,
        skip_damaged: bool = False,
    ) -> list[Record]:
        """Current versions, oldest created first. With ``subject`` only that partition is read.

        ``kinds`` keeps only those kinds; partitions holding none of them (the index knows each
        record's kind) are not decrypted at all.

        A damaged partition raises ``StoreCorrupt`` naming it; with ``skip_damaged`` it is left
        out instead (and reported by ``check()``), so a register can still show everything else.
        """
        with self._mutex:
            self._ensure_open()
            if subject is not None:
                pkeys = [subject] if subject in self._index.members else []
            else:
                pkeys = [p for p, m in self._index.members.items() if kind is None or kind in m.values()]
            if kinds is not None:
                wanted = frozenset(kinds)
                pkeys = [p for p in pkeys if not wanted.isdisjoint(self._index.members[p].values())]
            out: list[Record] = []
            for pkey in pkeys:
                try:
                    docs = self._partition(pkey)
                except StoreCorrupt as exc:
                    if not skip_damaged:
                        raise
                    if exc.message not in self._problems:
                        self._problems.append(exc.message)
                    continue
                for doc in docs.values():
                    cur = history.current_dict(doc)
                    if kind is not None and cur["kind"] != kind:
                        continue
                    if kinds is not None and cur["kind"] not in wanted:
                        continue
                    if subject is not None and cur.get("subject") != subject:
                        continue
                    if cur.get("deleted") and not include_deleted:
                        continue
                    out.append(_fresh(Record.from_dict(cur)))
            out.sort(key=lambda r: (r.created, r.id))
            return out

    def history(self, record_id: str) -> list[Record]:
        """Every version ever stored, oldest revision first (rivals in arrival order)."""
        with self._mutex:
            self._ensure_open()
            pkey = self._index.where.get(record_id)
            doc = self._partition(pkey).get(record_id) if pkey is not None else None
            return [_fresh(r) for r in history.history(doc)] if doc else []

    def summaries(self) -> dict[str, dict[str, Any]]:
        """Per-subject summaries from the index.

        Only partitions changed since the summaries were last computed are read (normally still
        cached); everything else comes from the index alone.
        """
        with self._mutex:
            self._ensure_open()
            self._refresh_summaries()
            return _json_copy(self._index.summaries)

    def count(self) -> int:
        """How many records the store holds (from the index)."""
        with self._mutex:
            self._ensure_open()
            return len(self._index.where)

    def conflicts(self) -> list[Conflict]:
        with self._mutex:
            self._ensure_open()
            out: list[Conflict] = []
            for rid, pkey in sorted(self._index.conflicts.items()):
                doc = self._partition(pkey).get(rid)
                if not doc:
                    continue
                cur = history.current_dict(doc)
                for rev_key, hashes in sorted(doc["conflicts"].items(), key=lambda kv: int(kv[0])):
                    rivals = tuple(
                        _fresh(Record.from_dict(v["record"]))
                        for h in hashes
                        for v in doc["versions"]
                        if v["rev"] == int(rev_key) and v["hash"] == h
                    )
                    out.append(
                        Conflict(
                            rid, cur["kind"], cur.get("subject"), int(rev_key), tuple(hashes), rivals, doc["current"][1]
                        )
                    )
            return out

    def resolve_conflict(self, record_id: str, chosen_content_hash: str, *, actor: str) -> Record:
        """The officer picks one rival; it becomes current if the conflict is at the current revision."""
        with self._mutex:
            self._ensure_open()
            _check_actor(actor)
            pkey = self._index.where.get(record_id)
            doc = self._partition(pkey).get(record_id) if pkey is not None else None
            if doc is None:
                raise UnknownVersion()
            new_doc, _rev = history.resolve(doc, chosen_content_hash)
            tx = _empty_tx()
            tx["parts"][pkey] = {record_id: new_doc}
            if not new_doc["conflicts"]:
                tx["conflicts"][record_id] = None
            kind = history.current_dict(new_doc)["kind"]
            self._audit_entry(tx, "resolve", actor, record_id, kind, doc["current"], new_doc["current"])
            self._commit(tx)
            return _fresh(history.current_record(new_doc))

    # ------------------------------------------------------------------ meta

    def meta_get(self, key: str, default: Any = None) -> Any:
        with self._mutex:
            self._ensure_open()
            return _json_copy(self._index.meta[key]) if key in self._index.meta else default

    def meta_set(self, key: str, value: Any, *, actor: str = "system") -> None:
        """Set an encrypted setting (JSON value). Unchanged values write nothing."""
        with self._mutex:
            self._apply([], actor, {key: value})

    def meta_delete(self, key: str, *, actor: str = "system") -> None:
        with self._mutex:
            self._ensure_open()
            if key not in self._index.meta:
                return
            tx = _empty_tx()
            tx["meta_del"].append(key)
            self._audit_entry(tx, "meta-delete", actor, key, "meta", None, None)
            self._commit(tx)

    def meta_keys(self) -> list[str]:
        with self._mutex:
            self._ensure_open()
            return sorted(self._index.meta)

    # ------------------------------------------------------------------ drafts

    def save_draft(self, draft_id: str, data: dict[str, Any]) -> None:
        with self._mutex:
            self._ensure_open()
            self._drafts.save(draft_id, data)

    def load_draft(self, draft_id: str) -> dict[str, Any] | None:
        with self._mutex:
            self._ensure_open()
            return self._drafts.load(draft_id)

    def delete_draft(self, draft_id: str) -> None:
        with self._mutex:
            self._ensure_open()
            self._drafts.delete(draft_id)

    def list_drafts(self) -> list[tuple[str, str]]:
        with self._mutex:
            self._ensure_open()
            return self._drafts.list()

    # ------------------------------------------------------------------ audit, check, files

    def audit_entries(self) -> list[dict[str, Any]]:
        """The whole audit log, oldest first (entries since the checkpoint included)."""
        with self._mutex:
            self._ensure_open()
            entries, problems = self._audit.read(self._index.audit_bytes)
            if problems:
                raise StoreCorrupt(self._audit.path)
            return entries + copy.deepcopy(self._audit_pending)

    def check(self) -> list[str]:
        """Read back every file and verify the audit chain; returns the problems (Chinese)."""
        with self._mutex:
            self._ensure_open()
            keys = self._require_keys()
            problems = list(self._problems)
            try:
                sealed.read(self.home / INDEX_FILE, keys.index, INDEX, INDEX_FILE)
            except StoreCorrupt as exc:
                problems.append(exc.message)
            state = self._journal.read()
            problems.extend(state.problems)
            entries, audit_problems = self._audit.read(self._index.audit_bytes)
            problems.extend(audit_problems)
            chain = entries + self._audit_pending
            problems.extend(verify(chain))
            if not audit_problems and self._index.audit_last is not None:
                last = entries[-1] if entries else None
                if (
                    last is None
                    or last["seq"] != self._index.audit_last["seq"]
                    or last["hash"] != self._index.audit_last["hash"]
                ):
                    problems.append(f"审计日志与索引记录的末条不一致,日志可能被截短或替换:{self._audit.path}。")
            by_name = {self._part_name(p) + ".bin": p for p in [*self._index.members, *self._pending]}
            for path in sorted((self.home / PARTS_DIR).glob("*.bin")):
                pkey = by_name.pop(path.name, None)
                try:
                    docs = partition.load(path, keys.partition, f"{PARTS_DIR}/{path.name}", self._entropy)
                except StoreCorrupt as exc:
                    problems.append(exc.message)
                    continue
                if pkey is None:
                    if docs:
                        problems.append(f"数据文件不属于任何已登记的分区:{path}。")
                    continue
                for rid, doc in self._pending.get(pkey, {}).items():
                    if doc is None:
                        docs.pop(rid, None)
                    else:
                        docs[rid] = doc
                problems.extend(self._membership_problems(pkey, docs))
            for pkey in by_name.values():  # partitions with no file yet: all their records are pending
                docs = {rid: d for rid, d in self._pending.get(pkey, {}).items() if d is not None}
                problems.extend(self._membership_problems(pkey, docs))
            problems.extend(self._drafts.problems())
            return list(dict.fromkeys(problems))  # each problem once, in the order found

    def _membership_problems(self, pkey: str, docs: dict[str, Doc]) -> list[str]:
        members = self._index.members.get(pkey, {})
        missing = sum(1 for rid in members if rid not in docs)
        extra = sum(1 for rid in docs if rid not in members)
        if missing or extra:
            return [f"分区与索引不一致(缺少 {missing} 条,多出 {extra} 条):{self._part_path(pkey)}。"]
        return []

    def files(self) -> list[Path]:
        """Every file under the home this store owns (what tests scan for plaintext)."""
        out = [self.home / name for name in (keyfile.KEY_FILE, INDEX_FILE, JOURNAL_FILE, AUDIT_FILE, LOCK_FILE)]
        out = [p for p in out if p.is_file()] + leftover_temps(self.home)
        for folder in (self.home / PARTS_DIR, self.home / DRAFTS_DIR):
            if folder.is_dir():
                out.extend(p for p in folder.iterdir() if p.is_file())
        return sorted(out)

    def checkpoint(self) -> None:
        """Fold the journal into the partitions and index now (normally automatic)."""
        with self._mutex:
            self._ensure_open()
            if self._journal.count:
                self._checkpoint()

    # ------------------------------------------------------------------ internals: apply

    def _apply(
        self, records: list[Record], actor: str, meta: dict[str, Any] | None, purge: list[str] | None = None
    ) -> tuple[ApplyResult, dict[str, Doc]]:
        self._ensure_open()
        _check_actor(actor)
        for rec in records:
            if not isinstance(rec, Record):
                raise StoreError("只能保存记录对象。")
        result = ApplyResult()
        tx = _empty_tx()
        work: dict[str, Doc] = {}  # record id -> doc as this transaction leaves it
        origin: dict[str, str | None] = {}  # record id -> partition before this transaction
        for rec in records:
            rid = rec.id
            if rid not in work:
                pkey = self._index.where.get(rid)
                origin[rid] = pkey
                doc = self._partition(pkey).get(rid) if pkey is not None else None
                if doc is not None:
                    work[rid] = doc
            merged = history.merge(work.get(rid), rec)
            result._add(merged.status, rid)
            if merged.status == history.DUPLICATE:
                continue
            work[rid] = merged.doc
            self._audit_entry(
                tx, merged.status, actor, rid, rec.kind, list(merged.old) if merged.old else None, list(merged.new)
            )
        for rid in dict.fromkeys(result.new_ids + result.updated_ids + result.conflict_ids + result.historical_ids):
            doc = work[rid]
            cur = history.current_dict(doc)
            pkey = cur.get("subject") or NO_SUBJECT
            old_pkey = origin.get(rid)
            if old_pkey is not None and old_pkey != pkey:
                tx["parts"].setdefault(old_pkey, {})[rid] = None
                tx["members"].setdefault(old_pkey, {})[rid] = None
            tx["parts"].setdefault(pkey, {})[rid] = doc
            tx["members"].setdefault(pkey, {})[rid] = cur["kind"]
            if doc["conflicts"]:
                tx["conflicts"][rid] = pkey
            elif rid in self._index.conflicts:
                tx["conflicts"][rid] = None
        if meta:
            try:
                sealed.dumps(meta)
            except (TypeError, ValueError) as exc:
                raise StoreError("设置值无法保存,只能保存文字、数字、列表和字典。") from exc
            for key, value in meta.items():
                if not isinstance(key, str):
                    raise StoreError("设置名必须是文字。")
                if key in self._index.meta and self._index.meta[key] == value:
                    continue
                tx["meta"][key] = copy.deepcopy(value)
                self._audit_entry(tx, "meta", actor, key, "meta", None, None)
        if purge:
            self._purge_into(tx, purge, actor)
        if tx["parts"] or tx["meta"]:
            self._commit(tx)
        return result, work

    def _refresh_summaries(self) -> None:
        """Recompute the summaries of subjects changed since they were last computed.

        Kept off the save path (it reads the whole partition); done when summaries are read
        and before each checkpoint writes the index. A damaged partition keeps its old summary.
        """
        for pkey in sorted(self._index.dirty):
            if pkey == NO_SUBJECT:
                continue
            try:
                docs = self._partition(pkey) if pkey in self._index.members else {}
            except StoreCorrupt as exc:
                if exc.message not in self._problems:
                    self._problems.append(exc.message)
                continue
            self._set_summary(pkey, docs)
        self._index.dirty.clear()

    def _set_summary(self, pkey: str, docs: dict[str, Doc]) -> None:
        if docs:
            records = [Record.from_dict(history.current_dict(d)) for d in docs.values()]
            self._index.summaries[pkey] = summarise(pkey, records)
        else:
            self._index.summaries.pop(pkey, None)

    def _audit_entry(
        self,
        tx: dict[str, Any],
        action: str,
        actor: str,
        rid: str,
        kind: str | None,
        old: list[Any] | None,
        new: list[Any] | None,
    ) -> None:
        prev = (
            tx["audit"][-1]
            if tx["audit"]
            else (self._audit_pending[-1] if self._audit_pending else self._index.audit_last)
        )
        tx["audit"].append(
            chained(
                prev,
                {
                    "at": iso(self._clock()),
                    "actor": actor,
                    "action": action,
                    "record": rid,
                    "kind": kind,
                    "old": old,
                    "new": new,
                },
            )
        )

    # ------------------------------------------------------------------ internals: commit, checkpoint

    def _commit(self, tx: dict[str, Any]) -> None:
        """Durable once the journal frame is fsynced; then folded into memory."""
        if self._journal.gen != self._index.gen:
            self._journal.reset(self._index.gen)  # a journal of an older checkpoint is obsolete
        before = self._journal.bytes
        try:
            self._journal.append(tx)
        except OSError as exc:
            raise StoreError("保存失败:无法写入存储(空间不足或存储卡被移除?)。请检查后重试。") from exc
        self._absorb(tx)
        # The size test counts the journal as this commit found it, so a save never waits for the
        # folding of its own large transaction: a big import is durable at its fsync and folded
        # by the next commit, an explicit checkpoint() or close().
        if self._journal.count >= self._options.checkpoint_every or before >= self._options.checkpoint_bytes:
            try:
                self._checkpoint()
            except (OSError, StoreError) as exc:
                # The commit is already durable in the journal; report the failure through check().
                self._problems.append(f"整理数据文件失败,将在下次保存时重试:{exc}")

    def _absorb(self, tx: dict[str, Any]) -> None:
        for pkey, changes in tx["parts"].items():
            self._pending.setdefault(pkey, {}).update(changes)
            cached = self._cache.get(pkey)
            if cached is not None:
                for rid, doc in changes.items():
                    if doc is None:
                        cached.pop(rid, None)
                    else:
                        cached[rid] = doc
        self._index.absorb(tx)
        self._audit_pending.extend(tx["audit"])

    def _checkpoint(self) -> None:
        keys = self._require_keys()
        for pkey, changes in self._pending.items():
            docs = partition.save(
                self._part_path(pkey), keys.partition, self._part_role(pkey), self._entropy, changes, sync_dir=False
            )
            if pkey in self._index.dirty and pkey != NO_SUBJECT:
                self._set_summary(pkey, docs)  # summarise what was just written: no second read
                self._index.dirty.discard(pkey)
        if self._pending:
            fsync_dir(self.home / PARTS_DIR)  # every partition rename durable before the index names them
        self._refresh_summaries()
        audit_bytes = self._index.audit_bytes
        if self._audit_pending:
            audit_bytes = self._audit.append(self._audit_pending, self._index.audit_bytes)
        audit_last = self._audit_pending[-1] if self._audit_pending else self._index.audit_last
        self._write_index(gen=self._index.gen + 1, audit_bytes=audit_bytes, audit_last=audit_last)
        self._index.gen += 1
        self._index.audit_bytes = audit_bytes
        self._index.audit_last = {"seq": audit_last["seq"], "hash": audit_last["hash"]} if audit_last else None
        self._pending.clear()
        self._audit_pending.clear()
        self._journal.reset(self._index.gen)
        for folder in (self.home, self.home / PARTS_DIR, self.home / DRAFTS_DIR):
            for tmp in leftover_temps(folder):
                remove_durably(tmp)

    def _init_layout(self) -> None:
        """Empty partitions folder, audit log, index and journal (before the key file exists)."""
        for folder in (self.home / PARTS_DIR, self.home / DRAFTS_DIR):
            folder.mkdir(exist_ok=True)
            for stale in folder.glob("*.bin"):
                stale.unlink()  # leftovers of an interrupted create or migration
        atomic_write(self.home / AUDIT_FILE, b"", self._entropy(8).hex())
        self._write_index()
        self._journal.reset(0)

    def _write_index(self, *, gen: int = 0, audit_bytes: int = 0, audit_last: dict[str, Any] | None = None) -> None:
        body = self._index.body(gen=gen, audit_bytes=audit_bytes, audit_last=audit_last, fmt=FORMAT_VERSION)
        sealed.write(self.home / INDEX_FILE, body, self._require_keys().index, INDEX, INDEX_FILE, self._entropy)

    def _load(self) -> None:
        keys = self._require_keys()
        path = self.home / INDEX_FILE
        body = sealed.read(path, keys.index, INDEX, INDEX_FILE)
        self._index = Index.from_body(body, path)
        state = self._journal.read()
        self._problems.extend(state.problems)
        if state.gen == self._index.gen:
            self._journal.adopt(state)
            for tx in state.txs:
                self._absorb(tx)
        elif state.gen is not None and state.gen > self._index.gen:
            self._problems.append(f"索引文件比事务日志旧,可能被替换:{path}。")

    # ------------------------------------------------------------------ internals: partitions

    def _part_name(self, pkey: str) -> str:
        name = self._names.get(pkey)
        if name is None:
            name = self._require_keys().file_name("partition", pkey)
            self._names[pkey] = name
        return name

    def _part_path(self, pkey: str) -> Path:
        return self.home / PARTS_DIR / f"{self._part_name(pkey)}.bin"

    def _part_role(self, pkey: str) -> str:
        return f"{PARTS_DIR}/{self._part_name(pkey)}.bin"

    def _partition(self, pkey: str) -> dict[str, Doc]:
        """Decrypted documents of a partition (checkpointed file + pending changes), LRU-cached."""
        cached = self._cache.get(pkey)
        if cached is not None:
            self._cache.move_to_end(pkey)
            return cached
        keys = self._require_keys()
        path = self._part_path(pkey)
        docs = partition.load(path, keys.partition, self._part_role(pkey), self._entropy) if path.exists() else {}
        for rid, doc in self._pending.get(pkey, {}).items():
            if doc is None:
                docs.pop(rid, None)
            else:
                docs[rid] = doc
        if self._options.cache_partitions > 0:
            self._cache[pkey] = docs
            while len(self._cache) > self._options.cache_partitions:
                self._cache.popitem(last=False)
        return docs

    def _require_keys(self) -> SubKeys:
        if self._keys is None:
            raise StoreLocked()
        return self._keys

    def _ensure_open(self) -> None:
        if self._keys is None:
            raise StoreLocked()


def _empty_tx() -> dict[str, Any]:
    return {"parts": {}, "members": {}, "conflicts": {}, "meta": {}, "meta_del": [], "audit": []}


def _fresh(record: Record) -> Record:
    """A copy the caller may mutate without touching the cache."""
    return Record(
        record.id,
        record.kind,
        record.subject,
        record.author,
        record.revision,
        record.created,
        record.updated,
        record.deleted,
        _json_copy(record.data),
    )


def _json_copy(value: Any) -> Any:
    """Deep copy of JSON-shaped data (dicts, lists, scalars): several times faster than
    ``copy.deepcopy``, which matters when listing thousands of records."""
    if isinstance(value, dict):
        return {k: _json_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_copy(v) for v in value]
    return value


def _check_actor(actor: str) -> None:
    if not isinstance(actor, str) or not actor:
        raise StoreError("缺少操作人,无法记录审计日志。")


def _check_passphrase(passphrase: str) -> None:
    if not isinstance(passphrase, str) or not passphrase:
        raise StoreError("口令不能为空,请输入口令。")


def _lock(home: Path) -> int | None:
    """Hold an exclusive advisory lock so two processes never write one store."""
    if fcntl is None:
        return None
    path = home / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        raise StoreBusy() from exc
    return fd


def _unlock(fd: int | None) -> None:
    if fd is None:
        return
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


__all__ = ["ApplyResult", "Conflict", "FORMAT_VERSION", "Store", "StoreOptions"]
