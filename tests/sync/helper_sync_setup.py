"""What the helper-sync tests share: an office store, a helper's Service, sample records."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from core.demo import SAMPLE_SUBJECT
from storage import KdfParams, Store
from sync.protocol.identity import Identity
from sync.app.session import Service

CHEAP = KdfParams(n=2**4, r=8, p=1)
PASS = "correct horse 1"
SUBJECT = dict(SAMPLE_SUBJECT)
VISIT = {"date": "2026-11-20", "place": "家中", "present": "本人、母亲", "thinking": "思想稳定", "work": "务农",
         "life": "正常", "family": "和睦", "notes": "情绪稳定"}
REPORT = {"category": "其他", "urgency": "紧急", "occurred": "2026-11-21", "description": "夜间外出未归"}


def clock() -> datetime:
    return datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


class Office:
    """A bare office store (no Service): the tests drive the pipeline on it directly."""

    def __init__(self, home: Path) -> None:
        self.store = Store.create(home, PASS, clock=clock, kdf=CHEAP)
        self.me = Identity.generate("office", "青山镇司法所")
        self.store.meta_set("identity", self.me.to_private_dict())
        self.store.meta_set("role", "office")


def new_helper(home: Path) -> Service:
    svc = Service(home, clock=clock, kdf=CHEAP)
    svc.setup("helper", "王五", PASS)
    return svc
