"""``main.py`` as the composition root: flags open the app, a word runs the CLI."""

from __future__ import annotations

import pytest

import main


def test_opening_the_app_with_flags_only_never_reads_a_command(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[list[str]] = []
    monkeypatch.setattr(main, "_app", lambda argv: opened.append(argv) or 0)
    monkeypatch.setattr(main, "cli", lambda argv=None: pytest.fail("the CLI ran"))
    for argv in ([], ["--port", "8600"], ["--home", "/tmp/x", "--web"], ["--demo", "--port", "9000"]):
        assert main.main(argv) == 0
    assert len(opened) == 4
