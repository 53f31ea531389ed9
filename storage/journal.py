"""The write-ahead journal: each committed transaction since the last checkpoint.

A commit is one sealed frame appended and fsynced; that is the moment a save is durable.
The header names the checkpoint generation the journal continues; a journal of an older
generation was already folded into the index and is ignored. A frame that is incomplete or
fails authentication ends the journal (a torn tail from a crash); it is cut off before the
next append.

A rolling checkpoint ``retire``s the journal: it is renamed to ``journal.old.bin`` (read-only
from then on, folded a slice at a time) and an empty journal of the next generation takes its
place, so saves never wait for the fold. Frames are bound to their file name only through the
generation, so the renamed file still authenticates.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storage import jsontext
from storage.crypto import JOURNAL, DecryptError, Entropy, seal_chunks, unseal
from storage.fsio import AppendFile, atomic_write, fsync_dir, scan_frames

JOURNAL_FILE = "journal.bin"
OLD_JOURNAL_FILE = "journal.old.bin"  # the retired journal a rolling checkpoint is folding
MAGIC = b"XTJ1"
_GEN = struct.Struct(">Q")
HEADER_LEN = len(MAGIC) + _GEN.size


def _aad(gen: int, seq: int) -> bytes:
    return JOURNAL + b"|" + JOURNAL_FILE.encode() + b"|" + f"{gen}|{seq}".encode()


@dataclass
class JournalState:
    gen: int | None  # None: no usable header
    txs: list[dict[str, Any]] = field(default_factory=list)
    valid_end: int = 0
    problems: list[str] = field(default_factory=list)


class Journal:
    def __init__(self, path: Path, key: bytes, entropy: Entropy) -> None:
        self.path = path
        self._key = key
        self._entropy = entropy
        self._file: AppendFile | None = None
        self.gen: int | None = None
        self.count = 0
        self.valid_end = 0
        self.bytes = 0

    def read(self) -> JournalState:
        """Parse without writing anything (opening a store must not change its files)."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return JournalState(None)
        if len(data) < HEADER_LEN or not data.startswith(MAGIC):
            return JournalState(None, problems=[f"事务日志头部已损坏:{self.path}。"])
        (gen,) = _GEN.unpack_from(data, len(MAGIC))
        state = JournalState(gen, valid_end=HEADER_LEN)
        scan = scan_frames(data, HEADER_LEN)
        for seq, blob in enumerate(scan.frames):
            try:
                state.txs.append(json.loads(unseal(self._key, blob, _aad(gen, seq)).decode("utf-8")))
            except (DecryptError, ValueError):
                if seq < len(scan.frames) - 1:
                    state.problems.append(
                        f"事务日志中间有损坏的记录,其后的 {len(scan.frames) - seq - 1} 条无法读取:{self.path}。"
                    )
                break
            state.valid_end = scan.offsets[seq] + 4 + len(blob)
        return state

    def adopt(self, state: JournalState) -> None:
        """Continue the journal read at open (appends go after its last whole frame)."""
        self.gen = state.gen
        self.count = len(state.txs)
        self.valid_end = state.valid_end
        self.bytes = state.valid_end

    def reset(self, gen: int) -> None:
        """Start an empty journal for checkpoint generation ``gen`` (atomic replace)."""
        self.close()
        atomic_write(self.path, MAGIC + _GEN.pack(gen), self._entropy(8).hex())
        self.gen, self.count, self.valid_end, self.bytes = gen, 0, HEADER_LEN, HEADER_LEN

    def append(self, tx: dict[str, Any] | Iterable[bytes]) -> int:
        """Make ``tx`` durable (a frame's body, or its UTF-8 text in chunks: ``Transaction.spell``);
        returns the frame's size. On failure the journal is unchanged."""
        if self.gen is None:
            raise RuntimeError("journal not started")
        chunks = [jsontext.text(tx).encode("utf-8")] if isinstance(tx, dict) else tx
        sealed = seal_chunks(self._key, chunks, _aad(self.gen, self.count), self._entropy)
        try:
            if self._file is None:
                self._file = AppendFile(self.path, self.valid_end)
            self._file.append_frame(list(sealed))
        except OSError:
            self.close()  # reopening cuts whatever part of the frame reached the disk
            raise
        self.count += 1
        self.valid_end = self._file.end
        self.bytes = self.valid_end
        return sum(len(p) for p in sealed)

    def sibling(self, path: Path) -> Journal:
        """Another journal file under the same key (the retired one, for reading)."""
        return Journal(path, self._key, self._entropy)

    def retire(self, to: Path) -> Journal:
        """Rename this journal to ``to``; returns it (same generation and frames, never appended
        to again). This journal is then unstarted: the caller ``reset``s it to the next
        generation (a failure there is retried by the next commit, the retired file is safe).
        """
        if self.gen is None:
            raise RuntimeError("journal not started")
        self.close()
        os.replace(self.path, to)
        fsync_dir(self.path.parent)
        old = self.sibling(to)
        old.gen, old.count, old.valid_end, old.bytes = self.gen, self.count, self.valid_end, self.bytes
        self.gen, self.count, self.valid_end, self.bytes = None, 0, 0, 0
        return old

    def forget(self) -> None:
        """Drop the key (the store is locking)."""
        self.close()
        self._key = b""

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def truncated_message(path: Path, missing: int) -> str:
    return (
        f"事务日志末尾少了 {missing} 条已保存的修改,文件可能被截短或替换为旧副本:{path}。请从备份恢复或联系技术支持。"
    )


def missing_journal_message(path: Path) -> str:
    return f"事务日志缺失,其中已保存的修改无法恢复:{path}。请从备份恢复或联系技术支持。"


def journal_problems(
    anchors: list[list[int]], gen: int, home: Path, old: JournalState, active: JournalState
) -> list[str]:
    """Journals shorter than a file written after them saw (``anchors``: [generation, frames]).

    Only journals the index still continues from are compared; older ones are folded already.
    """
    out: list[str] = []
    for jgen, frames in anchors:
        if jgen < gen:
            continue
        if old.gen == jgen:
            have, path = len(old.txs), home / OLD_JOURNAL_FILE
        elif active.gen == jgen:
            have, path = len(active.txs), home / JOURNAL_FILE
        else:
            if frames:
                out.append(missing_journal_message(home / (OLD_JOURNAL_FILE if jgen == gen else JOURNAL_FILE)))
            continue
        if have < frames:
            out.append(truncated_message(path, frames - have))
    return list(dict.fromkeys(out))
