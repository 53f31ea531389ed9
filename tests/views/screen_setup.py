"""What the screen tests built outside the browser share: a helper's Service holding one subject."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from core.demo import SAMPLE_SUBJECT
from core.records import Record
from storage import KdfParams
from sync.app.session import Service

CHEAP = KdfParams(n=2**4, r=8, p=1)
PASS = "correct horse 1"
SUBJECT = {**SAMPLE_SUBJECT, "gender": "女", "household": "四川省某县城关镇"}


def clock() -> datetime:
    return datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def helper_with_subject(home: Path) -> tuple[Service, str]:
    """A helper set up and unlocked, with ``SUBJECT`` in its store (as an office bundle leaves it)."""
    svc = Service(home, clock=clock, kdf=CHEAP)
    svc.setup("helper", "王五", PASS)
    subject = Record.new("subject", dict(SUBJECT), author="office", clock=clock)
    svc.store.put(subject, actor="office")
    return svc, subject.id
