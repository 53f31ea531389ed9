"""Settings for the whole suite. Shared fakes live in ``tests/fakes.py``."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# The explicit switch that lets the suite use a cheap scrypt cost (fakes.CHEAP, XIETONG_SCRYPT_N):
# without it the store refuses any n below 2**15 (storage.policy). Set in the environment so the
# CLI and app processes the suite starts inherit it too.
os.environ["XIETONG_INSECURE_TEST_KDF"] = "1"

# A loaded CI machine (two cores, a browser test beside) makes data generation slow now and
# then; that says nothing about the code under test.
settings.register_profile("xietong", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.load_profile("xietong")
