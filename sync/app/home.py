"""Where the app keeps its data when no ``--home`` is given.

A module of its own so that ``main.py`` can find the home without importing the CLI and the
store: the web server then starts sooner (``tests/benchmarks/launch_bench.py``).
"""

from __future__ import annotations

from pathlib import Path

APP_NAME = "xietong"


def default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))
