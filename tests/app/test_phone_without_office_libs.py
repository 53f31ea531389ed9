"""A helper's phone has no python-docx, openpyxl or lxml (Flet's Android index has lxml only as
5.3.0, and nothing on the phone prints). The whole helper path must work without them: set-up,
the enrolment request, pinning the office, importing its bundle, saving a visit, exporting, and
every helper screen's module. The phone's steps run in a fresh interpreter where importing any
of the three fails, as on the phone; the office's steps run here."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from fakes import bare_store, clock

from core.demo import SAMPLE_SUBJECT
from core.records import Record
from sync import exchange
from sync.app.files import read_file
from sync.protocol.identity import Identity, make_office_card

REPO = Path(__file__).resolve().parents[2]
ABSENT = ("docx", "openpyxl", "lxml")

PHONE_PRELUDE = """
import importlib.abc, json, sys
from pathlib import Path

class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {absent!r}:
            raise ImportError(name + " is not installed on this phone")
        return None

sys.meta_path.insert(0, Absent())
sys.path.insert(0, {tests!r})
from fakes import CHEAP, PASS, clock
from sync.app import helper_sync
from sync.app.session import Service
work = Path({work!r})
phone = Service(work / "phone", kdf=CHEAP, clock=clock)
"""

STEP_ONE = """
phone.setup("helper", "王喆", PASS)
helper_sync.write_enrolment_request(phone, work / "request.xtreq", committee="河口村民委员会", phone="13800000000")
print(json.dumps({{"fingerprint": phone.me.fingerprint,
                  "loaded": sorted(m for m in {absent!r} if m in sys.modules)}}))
"""

STEP_TWO = """
import views.app, views.access, views.subjects, views.forms, views.settings, views.sync_screen
phone.unlock(PASS)
helper_sync.pin_office_from_file(phone, work / "office.xtcard", {office_fp!r})
summary = helper_sync.import_bundle_file(phone, work / "to-helper.xtb")
subject = phone.subject_rows()[0]["id"]
phone.save_record("visit", {visit!r}, subject=subject)
done = helper_sync.export_to(phone, work / "from-helper.xtb")
print(json.dumps({{"import": summary.status, "exported": done["total"],
                  "loaded": sorted(m for m in {absent!r} if m in sys.modules)}}))
"""

VISIT = {
    "date": "2026-11-20",
    "place": "家中",
    "present": "本人",
    "thinking": "稳定",
    "work": "务农",
    "life": "正常",
    "family": "和睦",
    "notes": "情况正常",
}


def on_phone(step: str, tmp_path: Path, **values: object) -> dict[str, object]:
    script = textwrap.dedent(PHONE_PRELUDE).format(absent=ABSENT, tests=str(REPO / "tests"), work=str(tmp_path))
    script += textwrap.dedent(step).format(absent=ABSENT, **values)
    run = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    result: dict[str, object] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def test_the_helper_path_runs_without_python_docx_openpyxl_or_lxml(tmp_path: Path) -> None:
    first = on_phone(STEP_ONE, tmp_path)
    assert first["loaded"] == []
    phone_fp = str(first["fingerprint"])

    office_me = Identity.generate("office", "东岭司法所")
    store = bare_store(tmp_path / "office", office_me)
    (tmp_path / "office.xtcard").write_bytes(make_office_card(office_me))
    exchange.enroll_helper(
        store,
        office_me,
        read_file(tmp_path / "request.xtreq"),
        phone_fp,
        committee="河口村民委员会",
        conditions=[1, 2, 3, 4],
        reviewer="审查人",
        review_date="2026-11-01",
        clock=clock,
    )
    subject = Record.new(
        "subject", {**SAMPLE_SUBJECT, "helpers": [phone_fp]}, author=office_me.fingerprint, clock=clock
    )
    store.put(subject, actor=office_me.fingerprint)
    (tmp_path / "to-helper.xtb").write_bytes(exchange.export_bundle(store, office_me, phone_fp, clock=clock))

    second = on_phone(STEP_TWO, tmp_path, office_fp=office_me.public().grouped, visit=VISIT)
    assert second == {"import": "accepted", "exported": 1, "loaded": []}
    outcome = exchange.import_bundle(store, office_me, (tmp_path / "from-helper.xtb").read_bytes(), clock=clock)
    assert outcome.status == "accepted" and outcome.counts.get("new") == 1, outcome
