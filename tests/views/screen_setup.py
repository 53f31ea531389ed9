"""What the screen tests built outside the browser share: a helper's Service holding one subject."""

from __future__ import annotations

from pathlib import Path

from fakes import CHEAP, PASS, clock

from core.demo import SAMPLE_SUBJECT
from core.records import Record
from sync.app.session import Service

SUBJECT = {**SAMPLE_SUBJECT, "gender": "女", "household": "四川省某县城关镇"}


def helper_with_subject(home: Path) -> tuple[Service, str]:
    """A helper set up and unlocked, with ``SUBJECT`` in its store (as an office bundle leaves it)."""
    svc = Service(home, clock=clock, kdf=CHEAP)
    svc.setup("helper", "王五", PASS)
    subject = Record.new("subject", dict(SUBJECT), author="office", clock=clock)
    svc.store.put(subject, actor="office")
    return svc, subject.id
