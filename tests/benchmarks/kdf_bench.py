"""The threat model's figures: the cost of one passphrase guess at the floor and at the cost
calibration picks on this machine, and the time to try every 8-digit (10**8) and 12-digit
(10**12) passphrase on one core of it and on a rig 100 times faster.

Run: ``uv run python tests/benchmarks/kdf_bench.py``. Prints figures; never fails on timing.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from storage.crypto import MIN_SCRYPT_N, KdfParams, calibrate_scrypt, derive_kek  # noqa: E402

YEAR = 365 * 86400


def guess_seconds(n: int, rounds: int) -> float:
    took = []
    for i in range(rounds):
        start = time.perf_counter()
        derive_kek("12345678", i.to_bytes(16, "big"), KdfParams(n=n))
        took.append(time.perf_counter() - start)
    return statistics.median(took)


def main() -> None:
    calibrated = calibrate_scrypt()
    print(f"calibrated here: n=2**{calibrated.n.bit_length() - 1} (r=8, p=1); cores: {os.cpu_count()}")
    for n in sorted({MIN_SCRYPT_N, calibrated.n}):
        one = guess_seconds(n, 15 if n < 2**17 else 7)
        eight, twelve = 1e8 * one, 1e12 * one
        print(
            f"n=2**{n.bit_length() - 1}: one guess {one * 1000:.0f} ms; "
            f"10**8 guesses: {eight / YEAR:.2f} years on one core, {eight / 100 / 86400:.1f} days at 100x; "
            f"10**12 guesses at 100x: {twelve / 100 / YEAR:.0f} years"
        )


if __name__ == "__main__":
    main()
