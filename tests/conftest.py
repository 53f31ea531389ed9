"""Settings for the whole suite. Shared fakes live in ``tests/fakes.py``."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

# A loaded CI machine (two cores, a browser test beside) makes data generation slow now and
# then; that says nothing about the code under test.
settings.register_profile(
    "xietong", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("xietong")
