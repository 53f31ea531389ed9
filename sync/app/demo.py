"""Fictional but realistic records for a demonstration or a trial run (``xietong demo``)."""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from core import demo
from core.closeout import is_closed
from core.records import Record
from sync import exchange
from sync.app.errors import AppError
from sync.app.home import temp_root
from sync.app.session import Service, test_kdf_from_env

BATCH = 5000  # records per commit
# The office's 走访补贴 as the demo sets it (四.3), unless the office has set its own.
DEMO_RATE, DEMO_CAP = "20", 2


def fill_demo(svc: Service, *, subjects: int, records: int, seed: int) -> int:
    """Fill the open store: on the office a register with notices and helpers' records around it
    (with issue 15's closed case, assessments, rewards, open entrustment, and the subsidy rate and
    cap set through the app), on a phone records for the open cases already assigned to it.
    Returns how many records were new."""
    store, me = svc.store, svc.me
    rng = random.Random(seed)
    if me.role == "office":
        helper_fps = ["".join(str(rng.randrange(10)) for _ in range(30)) for _ in range(max(1, subjects // 10))]
        made = demo.generate(
            rng,
            subjects=subjects,
            records_per_subject=records,
            office_fp=me.fingerprint,
            helper_fps=helper_fps,
            today=svc.today(),
        )
        # The office's own identity stays authoritative; demo fills the register around it.
        made = [r for r in made if r.kind != "office"]
    else:
        closed = {sid for sid, summary in store.summaries().items() if is_closed(summary)}
        mine = [s for s in store.list("subject") if me.fingerprint in s.data.get("helpers", []) and s.id not in closed]
        if not mine:
            raise AppError("本机还没有分配给您的社区矫正对象:请先导入司法所发来的数据包。")
        made = demo.generate_for_helper(
            rng, mine, me.fingerprint, records, svc.today(), enrolled=_first_heard_from_office(svc)
        )
    by_author: dict[str, list[Record]] = {}
    for r in made:
        by_author.setdefault(r.author, []).append(r)
    total = 0
    for author, group in by_author.items():
        for start in range(0, len(group), BATCH):
            total += store.apply(group[start : start + BATCH], actor=author).new
    if me.role == "office":
        _demo_subsidy(svc)
    return total


def _demo_subsidy(svc: Service) -> None:
    """The rate and cap through the app's own setter (its checks), so the visits report shows
    amounts; an office that has set its own keeps them."""
    from sync.app import office

    if not office.subsidy_settings(svc)["rate_fen"]:
        office.set_subsidy(svc, DEMO_RATE, DEMO_CAP)


def _first_heard_from_office(svc: Service) -> date | None:
    """When the phone first imported a bundle from its office: it was enrolled by then, so no
    demo record of this helper is dated earlier."""
    office = exchange.pinned_office_fp(svc.store)
    dates = [str(e.get("at", ""))[:10] for e in svc.store.audit_entries() if e.get("actor") == office]
    return date.fromisoformat(min(dates)) if dates else None


DEMO_HELPERS = ("周晓梅", "吴建国", "郑丽华")  # the first two are enrolled, the third has only asked


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
    root = Path(tempfile.mkdtemp(prefix="xietong-demo-", dir=temp_root()))
    home = root / "home"
    passphrase = "demo-口令-2026"
    office_svc = Service(home, kdf=test_kdf_from_env())
    office_svc.setup("office", "演示司法所", passphrase)
    try:
        fill_demo(office_svc, subjects=40, records=12, seed=2026)
    finally:
        office_svc.lock()
    exchange = _demo_exchange(root, home, passphrase)
    return DemoHomes(home, root / "helper-1", DEMO_HELPERS[0], passphrase, exchange)


def _demo_exchange(root: Path, home: Path, passphrase: str) -> Path:
    """Real helper phones for the demo: two enrolled with bundles waiting, one request to enrol.

    The helpers' throw-away stores use cheap scrypt (demo only); their bundles carry an urgent
    report each, so the console's batch import and dashboard have something to show.
    """
    from storage import KdfParams
    from sync.app import helper_sync, office

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
        subjects = [r["id"] for r in office.subject_rows(svc, status="active")]  # not a closed case
        phones = []
        card = office.write_office_card(svc, shared / "司法所身份卡.xtcard")
        for i, name in enumerate(DEMO_HELPERS):
            phone = Service(root / f"helper-{i + 1}", kdf=cheap)
            phone.setup("helper", name, passphrase)
            helper_sync.pin_office_from_file(phone, card, me.public().grouped)
            request = Path(
                helper_sync.write_enrolment_request(
                    phone, requests / f"登记申请-{name}.xtreq", committee="青山村民委员会", phone=f"1380013800{i}"
                )
            )
            phones.append((phone, request))
        for phone, request in phones[:2]:
            office.enrol_from_request(
                svc,
                request,
                phone.me.public().grouped,
                committee="青山村民委员会",
                conditions=[1, 2, 3, 4],
                reviewer="演示审查人",
                review_date=today,
            )
            request.unlink()
        for n, sid in enumerate(subjects[:6]):
            office.assign(svc, sid, phones[n % 2][0].me.fingerprint)
        for row in office.export_all(svc, outbox):
            for phone, _ in phones[:2]:
                if row["fingerprint"] == phone.me.fingerprint:
                    helper_sync.import_bundle_file(phone, row["file"])
        _demo_history(svc, phones[0][0])
        for phone, _ in phones[:2]:
            mine = phone.subject_rows()
            if mine:
                phone.save_record(
                    "report",
                    {
                        "category": "家庭重大变故",
                        "urgency": "紧急",
                        "occurred": today,
                        "description": "演示:家中老人突发重病住院,对象情绪波动。",
                    },
                    subject=mine[0]["id"],
                )
            helper_sync.export_to(phone, inbox / f"来自{phone.me.name}.xtb")
        _demo_today(phones[0][0])
        for phone, _ in phones:
            phone.lock()
    finally:
        svc.lock()
    return shared


def _demo_history(office_svc: Service, phone: Service) -> None:
    """The first demo phone gets work of every status: records the office has received
    (已送达) here; the caller adds the bundle waiting in the exchange folder (已导出) and
    ``_demo_today`` a visit not yet exported (未导出) and one half typed (草稿)."""

    office_me, me = office_svc.me, phone.me
    store = phone.store
    subjects = store.list(kind="subject")
    today = phone.clock().date()
    enrolled = _first_heard_from_office(phone) or today  # nothing dated before the enrolment
    history = demo.generate_for_helper(random.Random(7), subjects, me.fingerprint, 4, today, enrolled=enrolled)
    for rec in history:
        store.put(rec, actor=me.fingerprint)
    delivered = exchange.export_bundle(store, me, office_me.fingerprint, clock=phone.clock)
    exchange.import_bundle(office_svc.store, office_me, delivered, clock=office_svc.clock)
    receipt = exchange.export_bundle(office_svc.store, office_me, me.fingerprint, clock=office_svc.clock)
    exchange.import_bundle(store, me, receipt, clock=phone.clock)


def _demo_today(phone: Service) -> None:
    """After the export: today's visit, not exported yet, and one half typed (a draft)."""
    from core import formstate as fs

    subjects = phone.store.list(kind="subject")
    today = phone.clock().date()
    if subjects:
        first = subjects[0]
        phone.save_record(
            "visit",
            {
                "date": today.isoformat(),
                "place": "家中",
                "present_who": ["本人", "家属"],
                "thinking_state": "稳定",
                "work_state": "正常",
                "life_state": "正常",
                "family_state": "正常",
                "notes": "演示:今天的走访,尚未导出。",
            },
            subject=first.id,
        )
        values = fs.set_value(fs.new_values("visit", today), "place", "村委会")
        phone.save_draft(fs.draft_id("visit", subjects[-1].id, None), fs.to_draft("visit", values))
