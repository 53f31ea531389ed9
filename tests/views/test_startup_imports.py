"""What the web server waits for: main.py and views.app must not import the store, the sync
stack or the screens before it listens (they load in the warm-up thread; launch_bench.py
measures the effect, this guards it without timing anything)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HEAVY = (
    "storage",
    "sync.app.session",
    "sync.cli.main",
    "sync.exchange",
    "views.access",
    "views.subjects",
    "views.forms",
    "views.office",
    "tinydb",
    "openpyxl",
    "docx",
)


def test_opening_the_app_imports_nothing_heavy_before_the_server() -> None:
    code = (
        "import sys, json; sys.argv = ['main.py']; import main, views.app; "
        f"print(json.dumps(sorted(m for m in {list(HEAVY)!r} if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
