"""Unlocking: the growing delay after wrong passphrases and the sentences about passphrases.

The count of consecutive failures lives in a small file beside the store so that closing the
app does not reset it; the lock screen and the settings page take their wording from here.
"""

from __future__ import annotations

import json
import math
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from storage import KdfParams, WrongPassphrase
from storage.fsio import atomic_write, remove_durably
from storage.policy import MIN_PASSPHRASE, kdf_from_env, passphrase_problem

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
