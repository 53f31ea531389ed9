"""What the helper-sync tests share: an office store, a helper's Service, sample records."""

from __future__ import annotations

from pathlib import Path

from fakes import CHEAP, PASS, clock

from core.demo import SAMPLE_SUBJECT
from storage import Store
from sync.app.session import Service
from sync.protocol.identity import Identity

SUBJECT = dict(SAMPLE_SUBJECT)
VISIT = {
    "date": "2026-11-20",
    "place": "家中",
    "present": "本人、母亲",
    "thinking": "思想稳定",
    "work": "务农",
    "life": "正常",
    "family": "和睦",
    "notes": "情绪稳定",
}
REPORT = {"category": "其他", "urgency": "紧急", "occurred": "2026-11-21", "description": "夜间外出未归"}


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
