"""Composition root: ``uv run main.py`` opens the app; ``uv run main.py <command>`` runs the CLI.

The ``xietong`` console script is ``cli`` below; both share ``sync.cli.main``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEMO_HELPERS = ("周晓梅", "吴建国", "郑丽华")  # the first two are enrolled, the third has only asked



def _app(argv: list[str]) -> int:
    import argparse

    from sync.app.home import default_home

    parser = argparse.ArgumentParser(prog="main.py", description="协通:打开应用(无命令时)")
    parser.add_argument("--home", help="数据目录")
    parser.add_argument("--port", type=int, default=8550, help="浏览器视图端口(默认 8550)")
    parser.add_argument("--web", action="store_true", help="总是使用浏览器视图")
    parser.add_argument("--demo", action="store_true",
                        help="在临时目录中用演示数据打开应用:司法所在 --port,一位协助人员的手机在 --port+1")
    args = parser.parse_args(argv)
    home = Path(args.home or os.environ.get("XIETONG_HOME") or default_home())
    from views.app import run

    if not args.demo:
        run(home, port=args.port, web=True if args.web else None)
        return 0
    import subprocess

    demo = demo_homes()
    phone = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--web", "--port", str(args.port + 1),
                              "--home", str(demo.helper)])
    print(f"演示口令(两边相同):{demo.passphrase}")
    print(f"司法所:http://127.0.0.1:{args.port}/   数据目录 {demo.office}")
    print(f"协助人员{demo.helper_name}的手机:http://127.0.0.1:{args.port + 1}/   数据目录 {demo.helper}")
    print(f"交换文件夹(登记申请、协助人员数据包):{demo.exchange}")
    try:
        run(demo.office, port=args.port, web=True if args.web else None)
    finally:
        phone.terminate()
    return 0


@dataclass(frozen=True)
class DemoHomes:
    office: Path
    helper: Path
    helper_name: str
    passphrase: str
    exchange: Path


def demo_homes() -> DemoHomes:
    """Throw-away homes filled with ``xietong demo`` data: the office, and the phone of an enrolled
    helper who has imported the office's bundle (subjects, notices) and reported an urgent case."""
    import tempfile

    from sync.cli.main import run as cli_run

    root = Path(tempfile.mkdtemp(prefix="xietong-demo-"))
    home = root / "home"
    passphrase = "demo-口令-2026"
    os.environ["XIETONG_PASSPHRASE"] = passphrase
    cli_run(["--home", str(home), "init", "--role", "office", "--name", "演示司法所"])
    cli_run(["--home", str(home), "demo", "--subjects", "40", "--records", "12"])
    exchange = _demo_exchange(root, home, passphrase)
    return DemoHomes(home, root / "helper-1", DEMO_HELPERS[0], passphrase, exchange)


def _demo_exchange(root: Path, home: Path, passphrase: str) -> Path:
    """Real helper phones for the demo: two enrolled with bundles waiting, one request to enrol.

    The helpers' throw-away stores use cheap scrypt (demo only); their bundles carry an urgent
    report each, so the console's batch import and dashboard have something to show.
    """
    from sync import exchange
    from sync.app import office
    from sync.protocol.identity import make_enrolment_request, make_office_card
    from sync.app.session import Service
    from storage import KdfParams

    cheap = KdfParams(n=2**10, r=8, p=1)
    shared = root / "交换"
    inbox, outbox, requests = shared / "来自协助人员", shared / "至协助人员", shared / "登记申请"
    for folder in (inbox, outbox, requests):
        folder.mkdir(parents=True, exist_ok=True)
    svc = Service(home)
    svc.unlock(passphrase)
    try:
        me = svc.me
        today = svc.clock().date().isoformat()
        subjects = [r["id"] for r in office.subject_rows(svc)]
        phones = []
        for i, name in enumerate(DEMO_HELPERS):
            phone = Service(root / f"helper-{i + 1}", kdf=cheap)
            phone.setup("helper", name, passphrase)
            exchange.pin_office(phone.store, make_office_card(me), me.public().grouped)
            request = requests / f"登记申请-{name}.xtreq"
            request.write_bytes(make_enrolment_request(phone.me, "青山村民委员会", f"1380013800{i}"))
            phones.append((phone, request))
        for phone, request in phones[:2]:
            office.enrol_from_request(svc, request, phone.me.public().grouped, committee="青山村民委员会",
                                      conditions=[1, 2, 3, 4], reviewer="演示审查人", review_date=today)
            request.unlink()
        for n, sid in enumerate(subjects[:6]):
            office.assign(svc, sid, phones[n % 2][0].me.fingerprint)
        for row in office.export_all(svc, outbox):
            for phone, _ in phones[:2]:
                if row["fingerprint"] == phone.me.fingerprint:
                    exchange.import_bundle(phone.store, phone.me, Path(row["file"]).read_bytes(),
                                           clock=phone.clock)
        _demo_history(svc, phones[0][0])
        for phone, _ in phones[:2]:
            mine = phone.subject_rows()
            if mine:
                phone.save_record("report", {"category": "家庭重大变故", "urgency": "紧急", "occurred": today,
                                             "description": "演示:家中老人突发重病住院,对象情绪波动。"},
                                  subject=mine[0]["id"])
            blob = exchange.export_bundle(phone.store, phone.me, me.fingerprint, clock=phone.clock)
            (inbox / f"来自{phone.me.name}.xtb").write_bytes(blob)
        _demo_today(phones[0][0])
        for phone, _ in phones:
            phone.lock()
    finally:
        svc.lock()
    return shared


def _demo_history(office_svc: Any, phone: Any) -> None:
    """The first demo phone gets work of every status: records the office has received
    (已送达) here; the caller adds the bundle waiting in the exchange folder (已导出) and
    ``_demo_today`` a visit not yet exported (未导出) and one half typed (草稿)."""
    import random

    from core import demo
    from sync import exchange

    office_me, me = office_svc.me, phone.me
    store = phone.store
    subjects = store.list(kind="subject")
    today = phone.clock().date()
    history = demo.generate_for_helper(random.Random(7), subjects, me.fingerprint, 4, today)
    for rec in history:
        store.put(rec, actor=me.fingerprint)
    delivered = exchange.export_bundle(store, me, office_me.fingerprint, clock=phone.clock)
    exchange.import_bundle(office_svc.store, office_me, delivered, clock=office_svc.clock)
    receipt = exchange.export_bundle(office_svc.store, office_me, me.fingerprint, clock=office_svc.clock)
    exchange.import_bundle(store, me, receipt, clock=phone.clock)


def _demo_today(phone: Any) -> None:
    """After the export: today's visit, not exported yet, and one half typed (a draft)."""
    from core import formstate as fs

    subjects = phone.store.list(kind="subject")
    today = phone.clock().date()
    if subjects:
        first = subjects[0]
        phone.save_record("visit", {"date": today.isoformat(), "place": "家中", "present": "本人及其母亲",
                                    "thinking": "思想稳定", "work": "在家务农", "life": "生活正常",
                                    "family": "家庭和睦", "notes": "演示:今天的走访,尚未导出。"},
                          subject=first.id)
        values = fs.set_value(fs.new_values("visit", today), "place", "村委会")
        phone.save_draft(fs.draft_id("visit", subjects[-1].id, None), fs.to_draft("visit", values))


def cli(argv: list[str] | None = None) -> int:
    from sync.cli.main import run

    return run(sys.argv[1:] if argv is None else argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # "--home DIR" and "--port N" take a value; any other word is a command (or a mistake the
    # CLI explains). No command opens the app, without importing the CLI (a faster start).
    positionals = [a for i, a in enumerate(argv) if not a.startswith("-") and (i == 0 or argv[i - 1] not in {"--home", "--port"})]
    if not positionals:
        return _app(argv)
    from sync.cli.main import build_parser

    commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    if positionals[0] in commands:
        return cli(argv)
    return _app(argv)


if __name__ == "__main__":
    sys.exit(main())
