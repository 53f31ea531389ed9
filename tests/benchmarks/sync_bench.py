"""Sync benchmark: export and import of large bundles, re-import, a batch, against a naive peer.

    uv run python tests/benchmarks/sync_bench.py [--records 10000] [--office 50000] [--batch 50x200] [--repeat 5]

- ``export_10k_s``: a helper exports ``--records`` unacknowledged visits (one bundle).
- ``import_10k_s``: the office (already holding ``--office`` records) imports that bundle:
  every stage, one atomic apply.
- ``checkpoint_after_import_s``: folding that import from the journal into the partitions
  (the import is durable before this; the store does it at its next checkpoint).
- The import and its checkpoint are measured ``--repeat`` times, each into its own copy of the
  same office store, opened afresh as an officer opens the app (nothing cached), after the copy
  is on disk (``os.sync``: its write-back is not the import's). The figures are the medians;
  ``import_end_to_end_runs`` lists every run's records/s, so the spread is in the output.
- ``reimport_10k_s``: the same file again (recognised as already imported; store unchanged).
- ``batch_50_s``: bundles from 50 different helpers, 200 new records each, imported one after
  another, then one checkpoint.
- ``naive_import_10k_s``: a naive peer decrypts one AES-GCM JSON file and inserts each record
  into one encrypted TinyDB file (which TinyDB rewrites on every insert). Measured over
  ``--naive-sample`` inserts into a store of the same size and extrapolated linearly (the
  file only grows, so this underestimates it); ``naive_measured_inserts`` says how many.

The visits have the current form's shape (choices, short notes, 走访记录), as phones write them.

Targets (issue 16.3, checked here, never in tests): import end to end (every stage, the apply
and folding it into the partitions) at least 20,000 records/s for 10k records into a 50k store
(the median run);
re-import of an accepted bundle <= 0.05 s; export of 10k <= 1 s.

Scrypt is cheap here: store unlock is not what is measured. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402

from core.demo import SAMPLE_SUBJECT  # noqa: E402
from core.records import Record  # noqa: E402
from storage import KdfParams, Store  # noqa: E402
from sync.exchange import assign, enroll_helper, export_bundle, import_bundle, pin_office  # noqa: E402
from sync.protocol.identity import Identity, make_enrolment_request, make_office_card  # noqa: E402

os.environ.setdefault("XIETONG_INSECURE_TEST_KDF", "1")  # these measure the store, not scrypt: cheap keys

KDF = KdfParams(n=2**10)
PASS = "bench passphrase"
PER_SUBJECT = 100
WORDS = "情绪稳定 按时报到 家庭和睦 工作正常 邻里关系良好 无异常 参加社区服务 思想汇报 生活困难 已帮扶".split()
SUBJECT = SAMPLE_SUBJECT


class Clock:
    def __init__(self) -> None:
        self.t = datetime(2026, 3, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.t += timedelta(milliseconds=1)
        return self.t


def _text(rng: random.Random, n: int) -> str:
    return ",".join(rng.choice(WORDS) for _ in range(n)) + "。"


ASSESSED = (
    ("thinking", ("稳定", "有波动", "异常")),
    ("work", ("正常", "有变化", "异常")),
    ("life", ("正常", "有变化", "异常")),
    ("family", ("正常", "有变化", "异常")),
)


def _visit(rng: random.Random, author: str, subject_id: str, clock: Clock) -> Record:
    """A visit as the current form writes it: the four assessments (about one answer in seven
    not the normal one, with its note), who was there, and 走访记录."""
    data: dict[str, object] = {
        "date": f"2026-0{rng.randrange(1, 3)}-{rng.randrange(1, 29):02d}",
        "place": "家中",
        "present_who": ["本人", "家属"],
    }
    for name, choices in ASSESSED:
        roll = rng.random()
        answer = choices[0] if roll < 0.85 else choices[1] if roll < 0.97 else choices[2]
        data[f"{name}_state"] = answer
        if answer != choices[0]:
            data[f"{name}_note"] = _text(rng, 3)
    data["notes"] = _text(rng, 8)
    return Record.new("visit", data, author=author, subject=subject_id, clock=clock)


def _log(msg: str, t0: list[float] = [time.perf_counter()]) -> None:
    print(f"[{time.perf_counter() - t0[0]:7.1f}s] {msg}", file=sys.stderr, flush=True)


def _timed(fn: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def naive_import(records: list[dict[str, Any]], base: int, sample: int, folder: Path) -> tuple[float, int]:
    """Seconds for the naive peer to import ``len(records)``, extrapolated from ``sample`` inserts."""
    from tinydb import TinyDB

    from storage.partition import EncryptedStorage

    rng = random.Random(7)
    key, file_key = os.urandom(32), AESGCM.generate_key(256)
    path = folder / "naive.bin"
    filler = _visit(rng, "0" * 30, "s", Clock()).to_dict()
    EncryptedStorage(path, key, "naive", os.urandom).write(
        {"_default": {str(i + 1): {**filler, "id": f"{i:032x}"} for i in range(base)}}
    )
    nonce = os.urandom(12)
    bundle = nonce + AESGCM(file_key).encrypt(nonce, json.dumps(records, ensure_ascii=False).encode(), None)
    db = TinyDB(path, key, "naive", os.urandom, storage=EncryptedStorage)
    n = min(sample, len(records))
    t0 = time.perf_counter()
    plain = json.loads(AESGCM(file_key).decrypt(bundle[:12], bundle[12:], None))
    for rec in plain[:n]:
        db.insert(rec)
    elapsed = time.perf_counter() - t0
    db.close()
    return elapsed * len(records) / n, n


def _import_into_copy(
    folder: Path, n: int, office_me: Identity, blob: bytes, clock: Clock, records: int
) -> tuple[Store, float, float]:
    """Import ``blob`` into a fresh copy of the office store, then fold it: the store (open) and
    the seconds each took."""
    copy = folder / f"office-{n}"
    shutil.copytree(folder / "office", copy)
    os.sync()  # the copy's write-back is not the import's
    office = Store.open(copy, PASS, clock=clock)
    import_s, out = _timed(lambda: import_bundle(office, office_me, blob, clock=clock))
    assert out.status == "accepted" and out.counts["new"] == records, out
    # Durable at the journal's fsync; folding the journal into the partitions comes after.
    fold_s, _ = _timed(office.checkpoint)
    return office, import_s, fold_s


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--office", type=int, default=50_000)
    ap.add_argument("--batch", default="50x200")
    ap.add_argument("--naive-sample", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=5, help="timed imports, each into a fresh copy of the office store")
    args = ap.parse_args()
    n_bundles, per_bundle = (int(x) for x in args.batch.split("x"))
    folder = Path(tempfile.mkdtemp(prefix="xt-sync-bench-"))
    clock = Clock()
    rng = random.Random(1)
    try:
        office_me, helper_me = Identity.generate("office", "青山镇司法所"), Identity.generate("helper", "王五")
        office = Store.create(folder / "office", PASS, clock=clock, kdf=KDF)
        helper = Store.create(folder / "helper", PASS, clock=clock, kdf=KDF)
        pin_office(helper, make_office_card(office_me), office_me.fingerprint)
        enroll_helper(
            office,
            office_me,
            make_enrolment_request(helper_me, "青山村民委员会", "13800138000"),
            helper_me.fingerprint,
            committee="青山村民委员会",
            conditions=[1, 2, 3, 4],
            reviewer="赵六",
            review_date="2026-02-20",
            clock=clock,
        )
        _log("setup: stores and enrolment done")
        # the office's existing data: other helpers' subjects with their visits
        other = "1" * 30
        for _ in range(max(1, args.office // PER_SUBJECT)):
            s = Record.new("subject", SUBJECT, author=office_me.fingerprint, clock=clock)
            office.apply([s] + [_visit(rng, other, s.id, clock) for _ in range(PER_SUBJECT - 1)], actor="bench")
        _log("setup: office data loaded")
        mine = []
        for _ in range(max(1, args.records // PER_SUBJECT)):
            s = Record.new("subject", SUBJECT, author=office_me.fingerprint, clock=clock)
            office.put(s, actor="bench")
            mine.append(assign(office, office_me, s.id, helper_me.fingerprint, clock).id)
        first = export_bundle(office, office_me, helper_me.fingerprint, clock=clock)
        out = import_bundle(helper, helper_me, first, clock=clock)
        assert out.status == "accepted", out
        for sid in mine:
            helper.apply([_visit(rng, helper_me.fingerprint, sid, clock) for _ in range(PER_SUBJECT)], actor="bench")
        _log("setup: helper records written")
        office_count = office.count()

        office.checkpoint()
        helper.checkpoint()
        export_s, blob = _timed(lambda: export_bundle(helper, helper_me, office_me.fingerprint, clock=clock))
        _log("exported")
        office.close()
        runs: list[tuple[float, float]] = []  # (import s, checkpoint s)
        for n in range(max(1, args.repeat)):
            if n:
                office.close()
            office, import_s, fold_s = _import_into_copy(folder, n, office_me, blob, clock, args.records)
            runs.append((import_s, fold_s))
        rates = sorted(round(args.records / (i + f)) for i, f in runs)
        import_s = statistics.median(i for i, _ in runs)
        fold_s = statistics.median(f for _, f in runs)
        _log(f"imported {len(runs)} times")
        reimport_s, again = _timed(lambda: import_bundle(office, office_me, blob, clock=clock))
        assert again.status == "already", again

        _log("re-imported")
        # The batch: 50 different helpers (one office, many villages), each with its own subject
        # and ``per_bundle`` new records, as when an officer empties a USB stick of the week's files.
        bundles = []
        for i in range(n_bundles):
            h_me = Identity.generate("helper", f"协助人员{i}")
            h_store = Store.create(folder / f"h{i}", PASS, clock=clock, kdf=KDF)
            pin_office(h_store, make_office_card(office_me), office_me.fingerprint)
            enroll_helper(
                office,
                office_me,
                make_enrolment_request(h_me, "青山村民委员会", "13800138000"),
                h_me.fingerprint,
                committee="青山村民委员会",
                conditions=[1, 2, 3, 4],
                reviewer="赵六",
                review_date="2026-02-20",
                clock=clock,
            )
            s = Record.new("subject", SUBJECT, author=office_me.fingerprint, clock=clock)
            office.put(s, actor="bench")
            assign(office, office_me, s.id, h_me.fingerprint, clock)
            got = import_bundle(
                h_store, h_me, export_bundle(office, office_me, h_me.fingerprint, clock=clock), clock=clock
            )
            assert got.status == "accepted", got
            h_store.apply([_visit(rng, h_me.fingerprint, s.id, clock) for _ in range(per_bundle)], actor="bench")
            bundles.append(export_bundle(h_store, h_me, office_me.fingerprint, clock=clock))
            h_store.close()
        office.checkpoint()
        _log("batch bundles exported")
        t0 = time.perf_counter()
        for b in bundles:
            res = import_bundle(office, office_me, b, clock=clock)
            assert res.status == "accepted" and res.counts["new"] == per_bundle, res
        office.checkpoint()  # the batch is folded into the partitions before the clock stops
        batch_s = time.perf_counter() - t0
        _log("batch imported")
        office.close()
        helper.close()

        naive_s, naive_n = naive_import(
            [
                json.loads(json.dumps(r))
                for r in [_visit(rng, helper_me.fingerprint, "s", clock).to_dict() for _ in range(args.records)]
            ],
            office_count,
            args.naive_sample,
            folder,
        )
        figures = {
            "records": args.records,
            "office_records": office_count,
            "bundle_bytes": len(blob),
            "export_10k_s": round(export_s, 3),
            "import_10k_s": round(import_s, 3),
            "checkpoint_after_import_s": round(fold_s, 3),
            "reimport_10k_s": round(reimport_s, 4),
            "batch_50_s": round(batch_s, 3),
            "batch": args.batch,
            "naive_import_10k_s": round(naive_s, 1),
            "naive_measured_inserts": naive_n,
            "import_records_per_s": round(args.records / import_s),
            "import_end_to_end_records_per_s": round(statistics.median(rates)),
            "import_end_to_end_runs": rates,
        }
        print(
            f"export {export_s:.2f}s, import {import_s:.2f}s (+ checkpoint {fold_s:.2f}s), re-import {reimport_s:.3f}s, "
            f"batch {batch_s:.2f}s, naive ~{naive_s:.0f}s (from {naive_n} inserts)"
        )
        e2e = figures["import_end_to_end_records_per_s"]
        print(
            f"import end to end (folding included) {e2e} records/s, the median of {len(rates)} runs "
            f"(slowest {rates[0]}, fastest {rates[-1]}; target >= 20000): "
            f"{'ok' if e2e >= 20000 else 'MISSED'}; naive peer {args.records / naive_s:.1f} records/s"
        )
        print(
            f"re-import {reimport_s:.4f} s (target <= 0.05): {'ok' if reimport_s <= 0.05 else 'MISSED'}; "
            f"export {export_s:.2f} s (target <= 1): {'ok' if export_s <= 1 else 'MISSED'}"
        )
        print(json.dumps(figures))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
