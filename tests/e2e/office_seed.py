"""An office home for the e2e tests, made with cheap scrypt before the app starts.

Shared by the office console tests: one subject (张三), helpers 王五 and 钱八 enrolled and
assigned, 赵七's enrolment request waiting, an XLSX roster of two more subjects and three helper
bundles in an inbox folder (钱八's tampered). The helpers' phones stay in ``tmp_path`` so a test
can go on using them (``Office.phones``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from conftest import PASS

from core.demo import SAMPLE_SUBJECT

SUBJECT = dict(SAMPLE_SUBJECT)


@dataclass
class Office:
    exchange: Path
    request: Path
    typed: str
    roster: Path
    inbox: Path
    tampered: str
    subject: str = ""
    phones: dict[str, Path] = field(default_factory=dict)  # helper name -> its phone's home


def cheap_kdf():  # type: ignore[no-untyped-def]
    from storage import KdfParams

    return KdfParams(n=2**4, r=8, p=1)


def seed_office(home: Path, tmp_path: Path) -> Office:
    """An office store with two enrolled helpers, one request to enrol, a roster and three bundles."""
    from openpyxl import Workbook

    from core.kinds import KINDS
    from core.records import Record
    from sync import exchange as sync_exchange
    from sync.app import office
    from sync.app.session import Service
    from sync.protocol.identity import make_enrolment_request, make_office_card

    cheap = cheap_kdf()
    exchange = tmp_path / "交换"
    inbox = exchange / "来自协助人员"
    inbox.mkdir(parents=True)
    svc = Service(home, kdf=cheap)
    svc.setup("office", "青山镇司法所", PASS)
    me = svc.me
    today = date.today().isoformat()
    subject = office.save_subject(svc, SUBJECT)
    phones = []
    for name in ("王五", "赵七", "钱八"):
        phone = Service(tmp_path / f"phone-{name}", kdf=cheap)
        phone.setup("helper", name, PASS)
        sync_exchange.pin_office(phone.store, make_office_card(me), me.public().grouped)
        request = exchange / f"登记申请-{name}.xtreq"
        request.write_bytes(make_enrolment_request(phone.me, "青山村民委员会", "13800138000"))
        phones.append((phone, request))
    for phone, request in (phones[0], phones[2]):  # 赵七 is left to enrol through the console
        office.enrol_from_request(
            svc,
            request,
            phone.me.public().grouped,
            committee="青山村民委员会",
            conditions=[1, 2, 3, 4],
            reviewer="所长",
            review_date=today,
        )
        office.assign(svc, subject.id, phone.me.fingerprint)
        request.unlink()
    wang, zhao, qian = (p for p, _ in phones)
    report = Record.new(
        "report",
        {"category": "家庭重大变故", "urgency": "紧急", "occurred": today, "description": "E2E父亲病重住院"},
        author=wang.me.fingerprint,
        subject=subject.id,
    )
    wang.store.put(report, actor=wang.me.fingerprint)
    visit = Record.new(
        "visit",
        {
            "date": today,
            "place": "家中",
            "present": "本人",
            "thinking": "稳定",
            "work": "务农",
            "life": "正常",
            "family": "和睦",
            "notes": "E2E走访",
        },
        author=qian.me.fingerprint,
        subject=subject.id,
    )
    qian.store.put(visit, actor=qian.me.fingerprint)
    for n, phone in enumerate((wang, zhao, qian), start=1):
        blob = sync_exchange.export_bundle(phone.store, phone.me, me.fingerprint, clock=phone.clock)
        (inbox / f"{n}-{phone.me.name}.xtb").write_bytes(blob)
    tampered = inbox / "3-钱八.xtb"
    blob = bytearray(tampered.read_bytes())
    blob[-40] ^= 0x01
    tampered.write_bytes(bytes(blob))
    fields = [f for f in KINDS["subject"].fields if f.name in SUBJECT]
    wb = Workbook()
    ws = wb.active
    ws.append([f.label for f in fields])
    for name in ("李四", "孙六"):
        ws.append([{**SUBJECT, "name": name}[f.name] for f in fields])
    roster = exchange / "名册.xlsx"
    wb.save(roster)
    typed = zhao.me.public().grouped
    for phone, _ in phones:
        phone.lock()
    svc.lock()
    return Office(
        exchange,
        exchange / "登记申请-赵七.xtreq",
        typed,
        roster,
        inbox,
        tampered.name,
        subject.id,
        {name: phone.home for name, (phone, _) in zip(("王五", "赵七", "钱八"), phones, strict=False)},
    )
