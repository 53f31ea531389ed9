"""Fictional but realistic records for a demonstration or a trial run (``xietong demo``)."""

from __future__ import annotations

import random

from core import demo
from core.records import Record
from sync.app.errors import AppError
from sync.app.session import Service

BATCH = 5000  # records per commit


def fill_demo(svc: Service, *, subjects: int, records: int, seed: int) -> int:
    """Fill the open store: on the office a register with notices and helpers' records around it,
    on a phone records for the subjects already assigned to it. Returns how many were new."""
    store, me = svc.store, svc.me
    rng = random.Random(seed)
    if me.role == "office":
        helper_fps = ["".join(str(rng.randrange(10)) for _ in range(30)) for _ in range(max(1, subjects // 10))]
        made = demo.generate(rng, subjects=subjects, records_per_subject=records, office_fp=me.fingerprint,
                             helper_fps=helper_fps, today=svc.today())
        # The office's own identity stays authoritative; demo fills the register around it.
        made = [r for r in made if r.kind != "office"]
    else:
        mine = [s for s in store.list("subject") if me.fingerprint in s.data.get("helpers", [])]
        if not mine:
            raise AppError("本机还没有分配给您的社区矫正对象:请先导入司法所发来的数据包。")
        made = demo.generate_for_helper(rng, mine, me.fingerprint, records, svc.today())
    by_author: dict[str, list[Record]] = {}
    for r in made:
        by_author.setdefault(r.author, []).append(r)
    total = 0
    for author, group in by_author.items():
        for start in range(0, len(group), BATCH):
            total += store.apply(group[start : start + BATCH], actor=author).new
    return total
