"""Fixtures of the helper-sync tests (``helper_sync_setup`` holds what they share besides)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helper_sync_setup import Office, new_helper

from sync.app.session import Service


@pytest.fixture
def office(tmp_path: Path) -> Office:
    """A bare office store (a test module may define its own ``office``)."""
    return Office(tmp_path / "office")


@pytest.fixture
def helper(tmp_path: Path) -> Service:
    """A helper's Service, set up and unlocked (a test module may define its own ``helper``)."""
    return new_helper(tmp_path / "helper")
