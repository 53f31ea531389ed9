"""``xietong handover --keep N`` sets what a new helper receives, as the console does."""

from __future__ import annotations

from pathlib import Path

from test_cli_case import PASS, cheap_env, office_home, xt  # noqa: F401  (fixtures)

from sync.app import office
from sync.app.session import Service


def test_handover_keep_is_set_and_shown(office_home: Path) -> None:  # noqa: F811
    code, out = xt(office_home, "handover")
    assert code == 0 and "最近 3 次走访记录" in out
    code, out = xt(office_home, "handover", "--keep", "5")
    assert code == 0 and "最近 5 次走访记录" in out
    svc = Service(office_home)
    svc.unlock(PASS)
    assert office.handover_keep(svc) == 5
    svc.lock()
    code, _out = xt(office_home, "handover", "--keep", "99")
    assert code != 0
