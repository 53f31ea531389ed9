"""Where the app keeps its data and its temporary files when no ``--home`` is given.

On a phone, Flet's runtime names both (``FLET_APP_STORAGE_DATA``, ``FLET_APP_STORAGE_TEMP``:
private to the app, kept across updates); on a desktop the platform's user data folder
(platformdirs). A module of its own so that ``main.py`` can find the home without importing the
CLI and the store: the web server then starts sooner (``tests/benchmarks/launch_bench.py``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

APP_NAME = "xietong"
PHONE_DATA = "FLET_APP_STORAGE_DATA"
PHONE_TEMP = "FLET_APP_STORAGE_TEMP"


def default_home() -> Path:
    phone = os.environ.get(PHONE_DATA)
    if phone:
        return Path(phone) / APP_NAME
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def temp_root() -> Path:
    """The folder for throw-away files (the ``--demo`` homes): the phone's own, else the system's."""
    phone = os.environ.get(PHONE_TEMP)
    return Path(phone) if phone else Path(tempfile.gettempdir())
