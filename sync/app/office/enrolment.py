"""The helper roster: enrolment in person after the qualification review, revocation, the
office card helpers pin."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from core.errors import ValidationError
from core.fingerprint import group_fingerprint, normalise_fingerprint
from core.kinds import HELPER_CONDITIONS, HELPER_STATUSES
from core.records import Record
from sync import exchange
from sync.app.files import CARD_SUFFIX, read_file, typed_path, write_file
from sync.app.office.access import office_of
from sync.app.session import Service
from sync.protocol.identity import make_office_card, parse_enrolment_request


def helper_rows(svc: Service) -> list[dict[str, Any]]:
    """The helper roster: who, where, status, dates, and the last bundle received from each."""
    store, _me = office_of(svc)
    assigned: dict[str, int] = {}
    for s in store.summaries().values():
        if s.get("deleted"):
            continue
        for fp in s.get("helpers") or []:
            assigned[fp] = assigned.get(fp, 0) + 1
    rows = []
    for h in store.list("helper", include_deleted=True):
        d = h.data
        fp = d.get("fingerprint", "")
        last = exchange.peer_info(store, fp).get("last_in") or {}
        rows.append(
            {
                "id": h.id,
                "name": d.get("name", ""),
                "committee": d.get("committee", ""),
                "phone": d.get("phone", ""),
                "fingerprint": fp,
                "fingerprint_grouped": group_fingerprint(fp) if fp else "",
                "status": d.get("status", ""),
                "status_label": HELPER_STATUSES.get(d.get("status", ""), d.get("status", "")),
                "enrolled_date": d.get("enrolled_date", ""),
                "filed_date": d.get("filed_date", ""),
                "last_bundle": str(last.get("at") or "")[:10],
                "last_seq": last.get("seq"),
                "subjects": assigned.get(fp, 0),
            }
        )
    rows.sort(key=lambda r: (r["status"] != "active", r["committee"], r["name"]))
    return rows


def enrolment_preview(svc: Service, path: str | Path) -> dict[str, Any]:
    """What a request file says (name, committee, phone, fingerprint), before the officer confirms."""
    office_of(svc)
    req = parse_enrolment_request(read_file(path))
    return {
        "name": req.name,
        "committee": req.committee,
        "phone": req.phone,
        "fingerprint": req.fingerprint,
        "fingerprint_groups": req.public.grouped.split(),
    }


def enrol_from_request(
    svc: Service,
    path: str | Path,
    fingerprint_typed: str,
    *,
    committee: str,
    conditions: Iterable[int],
    reviewer: str,
    review_date: str | None = None,
    filed_date: str | None = None,
) -> dict[str, Any]:
    """Enrol a helper from its request file after the digits were compared and the review done."""
    store, me = office_of(svc)
    errors: dict[str, str] = {}
    if not (committee or "").strip():
        errors["committee"] = "请填写所在村(居)委会。"
    if not (reviewer or "").strip():
        errors["reviewer"] = "请填写审查人。"
    chosen = sorted({int(c) for c in conditions})
    if chosen != sorted(HELPER_CONDITIONS):
        errors["conditions"] = "四项资格条件须全部符合才能登记,请逐项核实后勾选。"
    if errors:
        raise ValidationError(errors)
    rec = exchange.enroll_helper(
        store,
        me,
        read_file(path),
        fingerprint_typed,
        committee=committee.strip(),
        conditions=chosen,
        reviewer=reviewer.strip(),
        review_date=review_date or svc.today().isoformat(),
        filed_date=filed_date or None,
        clock=svc.clock,
    )
    return next(r for r in helper_rows(svc) if r["id"] == rec.id)


def revoke(svc: Service, fingerprint: str, reason: str = "设备丢失") -> Record:
    """Revoke a helper's device: its later bundles are refused and quarantined."""
    store, me = office_of(svc)
    return exchange.revoke_helper(store, me, normalise_fingerprint(fingerprint), reason or "设备丢失", svc.clock)


def write_office_card(svc: Service, out: str | Path) -> Path:
    """The office's public card (keys + name) for helpers to pin after comparing the digits."""
    _store, me = office_of(svc)
    target = typed_path(out)
    if target.is_dir():
        target = target / f"司法所身份卡-{me.name}{CARD_SUFFIX}"
    return write_file(target, make_office_card(me))


def rotate_key(svc: Service) -> str:
    """Replace the office key (an old device or key may have leaked); returns the new grouped
    fingerprint. Each helper's next bundle carries the hand-over (docs/bundle-format.md)."""
    store, me = office_of(svc)
    new = exchange.rotate_office_key(store, me, svc.clock)
    svc.reload_identity()
    return new.public().grouped
