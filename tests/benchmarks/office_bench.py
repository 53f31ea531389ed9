"""Office console benchmark: batch import of helper bundles and the dashboard, each against a naive peer.

    uv run python tests/benchmarks/office_bench.py [--helpers 50] [--per-bundle 20] [--subjects 500] [--records 50000]

- ``batch_import_s``: ``sync.app.office.batch_import`` of one folder holding one bundle from each of
  ``--helpers`` enrolled helpers (``--per-bundle`` visits + one urgent report each), the store
  kept open throughout.
  ``naive_batch_import_s``: the same bundles into an identical copy of the office store, the way
  ``xietong import FILE`` run once per file does it: open the store (scrypt at the bench's store
  cost ``--kdf-n``), import one file, close.
- ``dashboard_s``: ``sync.app.office.dashboard`` on ``--subjects`` subjects and ``--records``
  records (index summaries; only partitions with an open urgent report are opened), measured
  cold (just unlocked, no partition cached) and warm (second call). Urgent reports are counted
  from the summaries and listed in full for the 50 most recently active subjects.
  ``naive_dashboard_s``: the same figures computed by listing every record and applying the
  ``core.rules`` functions to them, cold and warm.
  ``agree``: both give the same urgent reports, overdue, ending-soon sets.

Timings print as they are measured; the last line is one JSON object. Never fails on timing.
"""

from __future__ import annotations

import os

os.environ.setdefault("XIETONG_INSECURE_TEST_KDF", "1")  # these measure the store, not scrypt: cheap keys

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from core import demo  # noqa: E402
from core.demo import SAMPLE_SUBJECT  # noqa: E402
from core.records import Record  # noqa: E402
from core.rules import BADGE_TERM_ENDING, BADGE_VISIT_OVERDUE, open_urgent_reports, subject_badges  # noqa: E402
from storage import KdfParams  # noqa: E402
from sync import exchange  # noqa: E402
from sync.app import office
from sync.app.session import Service  # noqa: E402
from sync.protocol.identity import Identity, make_enrolment_request, make_office_card  # noqa: E402

PASS = "bench passphrase"
CHEAP = KdfParams(n=2**4, r=8, p=1)
TODAY = date(2026, 11, 23)
SUBJECT = SAMPLE_SUBJECT


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


def _say(*parts: Any) -> None:
    print(*parts, flush=True)


# ---------------------------------------------------------------------------- batch import


def batch_part(tmp: Path, helpers: int, per_bundle: int, kdf_n: int) -> dict[str, Any]:
    clock = Clock()
    home = tmp / "office"
    svc = Service(home, clock=clock, kdf=KdfParams(n=kdf_n, r=8, p=1))
    svc.setup("office", "青山镇司法所", PASS)
    me = svc.me
    inbox = tmp / "inbox"
    inbox.mkdir()
    t0 = time.perf_counter()
    for i in range(helpers):
        phone = Service(tmp / f"phone{i}", clock=clock, kdf=CHEAP)
        phone.setup("helper", f"协助人员{i}", PASS)
        exchange.pin_office(phone.store, make_office_card(me), me.public().grouped)
        req = tmp / f"req{i}"
        req.write_bytes(make_enrolment_request(phone.me, "青山村民委员会", "13800138000"))
        office.enrol_from_request(
            svc,
            req,
            phone.me.public().grouped,
            committee="青山村民委员会",
            conditions=[1, 2, 3, 4],
            reviewer="所长",
            review_date="2026-11-20",
        )
        subject = office.save_subject(svc, {**SUBJECT, "name": f"对象{i}"})
        office.assign(svc, subject.id, phone.me.fingerprint)
        fp = phone.me.fingerprint
        recs = [
            Record.new(
                "visit",
                {
                    "date": "2026-11-01",
                    "place": "家中",
                    "present": "本人",
                    "thinking": "稳定",
                    "work": "务农",
                    "life": "正常",
                    "family": "和睦",
                    "notes": f"走访{j}",
                },
                author=fp,
                subject=subject.id,
                clock=clock,
            )
            for j in range(per_bundle)
        ]
        recs.append(
            Record.new(
                "report",
                {"category": "经济纠纷", "urgency": "紧急", "occurred": "2026-11-20", "description": "借款纠纷"},
                author=fp,
                subject=subject.id,
                clock=clock,
            )
        )
        phone.store.apply(recs, actor=fp)
        (inbox / f"{i:03d}.xtb").write_bytes(exchange.export_bundle(phone.store, phone.me, me.fingerprint, clock=clock))
        phone.lock()
    svc.lock()
    _say(f"set-up: {helpers} helpers enrolled, {helpers} bundles written in {time.perf_counter() - t0:.1f} s")
    shutil.copytree(home, tmp / "office-copy")
    shutil.copytree(inbox, tmp / "inbox-copy")

    svc.unlock(PASS)
    t = time.perf_counter()
    results = office.batch_import(svc, inbox)
    batch_s = time.perf_counter() - t
    svc.lock()
    accepted = sum(r["status"] == "accepted" for r in results)
    _say(f"batch_import: {len(results)} bundles ({accepted} accepted) in {batch_s:.2f} s")

    from storage import Store

    t = time.perf_counter()
    naive_ok = 0
    for path in sorted((tmp / "inbox-copy").iterdir()):
        store = Store.open(tmp / "office-copy", PASS, clock=clock)
        try:
            who = Identity.from_private_dict(store.meta_get("identity"))
            outcome = exchange.import_file(store, who, path, tmp / "office-copy" / "quarantine", clock=clock)
            naive_ok += outcome.status == "accepted"
        finally:
            store.close()
    naive_s = time.perf_counter() - t
    _say(f"naive (open, import one file, close; x{helpers}): {naive_s:.2f} s ({naive_ok} accepted)")
    return {
        "batch_import_s": round(batch_s, 3),
        "naive_batch_import_s": round(naive_s, 3),
        "batch_bundles": len(results),
        "batch_accepted": accepted,
        "naive_accepted": naive_ok,
        "records_per_bundle": per_bundle + 1,
        "kdf_n": kdf_n,
    }


# ---------------------------------------------------------------------------- dashboard


def naive_dashboard(svc: Service) -> dict[str, Any]:
    """The same figures from every record: list all, group by subject, apply core.rules."""
    store = svc.store
    records = store.list()
    by_subject: dict[str, list[Record]] = {}
    subjects: dict[str, Record] = {}
    for r in records:
        if r.kind == "subject":
            subjects[r.id] = r
        elif r.subject is not None:
            by_subject.setdefault(r.subject, []).append(r)
    interval = svc.settings()["visit_interval_days"]
    urgent, overdue, ending = set(), set(), set()
    for sid, s in subjects.items():
        own = by_subject.get(sid, [])
        open_urgent = open_urgent_reports(own)
        urgent.update(r.id for r in open_urgent)
        visits = [r.data.get("date") for r in own if r.kind == "visit"]
        badges = subject_badges(
            s.data,
            max(visits) if visits else None,
            len(open_urgent),
            TODAY,
            visit_interval=interval,
            ending_days=office.ENDING_DAYS,
        )
        if BADGE_VISIT_OVERDUE in badges:
            overdue.add(sid)
        if BADGE_TERM_ENDING in badges:
            ending.add(sid)
    return {"urgent": urgent, "overdue": overdue, "ending": ending, "conflicts": len(store.conflicts())}


def dashboard_part(tmp: Path, subjects: int, records: int) -> dict[str, Any]:
    clock = Clock()
    home = tmp / "big"
    svc = Service(home, clock=clock, kdf=CHEAP)
    svc.setup("office", "青山镇司法所", PASS)
    me = svc.me
    helper_fps = ["".join(str((i * 7 + k) % 10) for k in range(30)) for i in range(max(1, subjects // 10))]
    t0 = time.perf_counter()
    recs = demo.generate(
        random.Random(11),
        subjects=subjects,
        records_per_subject=max(1, records // subjects),
        office_fp=me.fingerprint,
        helper_fps=helper_fps,
        today=TODAY,
    )
    recs = [r for r in recs if r.kind != "office"]
    by_author: dict[str, list[Record]] = {}
    for r in recs:
        by_author.setdefault(r.author, []).append(r)
    store = svc.store
    for author, group in by_author.items():
        for start in range(0, len(group), 5000):
            store.apply(group[start : start + 5000], actor=author)
    total = store.count()
    _say(f"set-up: {subjects} subjects, {total} records in {time.perf_counter() - t0:.1f} s")
    svc.lock()

    def timed(fn: Any) -> tuple[float, float, Any]:
        svc.unlock(PASS)  # cold: nothing cached
        t = time.perf_counter()
        fn(svc)
        cold = time.perf_counter() - t
        t = time.perf_counter()
        out = fn(svc)
        warm = time.perf_counter() - t
        svc.lock()
        return cold, warm, out

    cold, warm, board = timed(office.dashboard)
    _say(
        f"dashboard: cold {cold:.3f} s, warm {warm:.3f} s "
        f"(urgent {board['urgent_total']}, {len(board['urgent_reports'])} listed in full, overdue {len(board['overdue'])}, ending {len(board['ending_soon'])})"
    )
    ncold, nwarm, naive = timed(naive_dashboard)
    _say(
        f"naive dashboard (list every record): cold {ncold:.3f} s, warm {nwarm:.3f} s "
        f"(urgent {len(naive['urgent'])}, overdue {len(naive['overdue'])}, ending {len(naive['ending'])})"
    )
    agree = (
        {r["id"] for r in board["urgent_reports"]} <= naive["urgent"]
        and board["urgent_total"] == len(naive["urgent"])
        and {r["subject"] for r in board["overdue"]} == naive["overdue"]
        and {r["subject"] for r in board["ending_soon"]} == naive["ending"]
    )
    _say(f"same results: {agree}")
    return {
        "subjects": subjects,
        "records": total,
        "dashboard_cold_s": round(cold, 3),
        "dashboard_warm_s": round(warm, 3),
        "naive_dashboard_cold_s": round(ncold, 3),
        "naive_dashboard_warm_s": round(nwarm, 3),
        "urgent": board["urgent_total"],
        "urgent_listed": len(board["urgent_reports"]),
        "overdue": len(board["overdue"]),
        "ending_soon": len(board["ending_soon"]),
        "agree": agree,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--helpers", type=int, default=50)
    ap.add_argument("--per-bundle", type=int, default=20)
    ap.add_argument("--kdf-n", type=int, default=2**14, help="scrypt N of the office store (what each open costs)")
    ap.add_argument("--subjects", type=int, default=500)
    ap.add_argument("--records", type=int, default=50_000)
    args = ap.parse_args()
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="office-bench-") as d:
        tmp = Path(d)
        (tmp / "a").mkdir()
        (tmp / "b").mkdir()
        out.update(batch_part(tmp / "a", args.helpers, args.per_bundle, args.kdf_n))
        out.update(dashboard_part(tmp / "b", args.subjects, args.records))
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
