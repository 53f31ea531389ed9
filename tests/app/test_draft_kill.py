"""Drafts through the app layer (``Service.save_draft`` on every keystroke): a real process that
is typing is killed with SIGKILL, and at most the last second of its typing is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from fakes import CHEAP, PASS, clock

from core import formstate as fs
from core.records import Record
from sync.app.session import Service

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

ROOT = Path(__file__).resolve().parents[2]
TYPIST = textwrap.dedent(
    """
    import sys, time
    sys.path[:0] = [{root!r}, {tests!r}]
    from fakes import CHEAP, PASS, clock
    from sync.app.session import Service

    svc = Service({home!r}, clock=clock, kdf=CHEAP)
    svc.unlock(PASS)
    print("ready", flush=True)
    for i in range(1, {keystrokes}):
        svc.save_draft({draft!r}, {{"notes": "走" * i}})  # what the form does on each keystroke
        print(i, time.monotonic(), flush=True)  # typed (reported after the call returned)
        time.sleep(0.008)
    print("idle", flush=True)
    time.sleep(60)  # stops typing, the form still open
    """
)


def _helper_with_a_subject(home: Path) -> tuple[Service, str]:
    """A helper's service and the draft id of a new visit for its one subject (a draft whose
    subject is gone would be dropped at unlock)."""
    svc = Service(home, clock=clock, kdf=CHEAP)
    svc.setup("helper", "李协助", PASS)
    subject = Record.new("subject", {"name": "张三"}, author="office-fp", clock=clock)
    svc.store.put(subject, actor="test")
    return svc, fs.draft_id("visit", subject.id, None)


def test_a_killed_typist_loses_at_most_the_last_second_of_its_draft(tmp_path: Path) -> None:
    home = tmp_path / "home"
    svc, DRAFT = _helper_with_a_subject(home)
    svc.lock()
    code = TYPIST.format(root=str(ROOT), tests=str(ROOT / "tests"), home=str(home), draft=DRAFT, keystrokes=100_000)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    typed: list[tuple[int, float]] = []
    started = time.monotonic()
    while time.monotonic() - started < 3.3:  # a few seconds of typing: several timed writes
        line = proc.stdout.readline()
        n, at = line.split()
        typed.append((int(n), float(at)))
    os.kill(proc.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    proc.wait()
    rest = proc.stdout.read().split("\n")
    typed.extend((int(n), float(at)) for n, at in (r.split() for r in rest if r.count(" ") == 1))
    assert typed[-1][0] > 200, "the typist should have typed for seconds"

    assert svc.unlock(PASS)
    saved = len((svc.load_draft(DRAFT) or {})["notes"])
    # Everything typed more than a second (plus a little scheduling slack) before the kill is kept.
    older = [n for n, at in typed if at <= killed_at - 1.0 - 0.3]
    assert older and saved >= older[-1], (saved, older[-1])
    # And it was not written on every keystroke: the draft lags the last keystroke a little,
    # or the kill landed just after a write.
    assert saved <= typed[-1][0]
    svc.lock()


def test_a_typist_killed_after_a_pause_keeps_every_keystroke(tmp_path: Path) -> None:
    home = tmp_path / "home"
    svc, DRAFT = _helper_with_a_subject(home)
    svc.lock()
    code = TYPIST.format(root=str(ROOT), tests=str(ROOT / "tests"), home=str(home), draft=DRAFT, keystrokes=121)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    lines = []
    while (line := proc.stdout.readline().strip()) != "idle":
        assert line, "the typist died"
        lines.append(line)
    time.sleep(1.3)  # more than a second since the last keystroke: the timer has written it
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert lines[-1].split()[0] == "120"
    svc.unlock(PASS)
    assert svc.load_draft(DRAFT) == {"notes": "走" * 120}
    svc.lock()


def test_leaving_the_form_writes_the_draft_at_once(tmp_path: Path) -> None:
    svc, DRAFT = _helper_with_a_subject(tmp_path / "home")
    for i in range(1, 30):
        svc.save_draft(DRAFT, {"notes": "走" * i})
    store = svc.store
    writes = store._drafts.writes
    assert writes < 29  # buffered, not one write per keystroke
    svc.flush_drafts()  # the form is left (or the app paused)
    assert store._drafts.writes == writes + 1
    svc.flush_drafts()
    assert store._drafts.writes == writes + 1
    svc.lock()
    svc.flush_drafts()  # locked meanwhile: nothing to do, no error
    svc.unlock(PASS)
    assert svc.load_draft(DRAFT) == {"notes": "走" * 29}
    svc.lock()
