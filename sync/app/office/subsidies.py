"""Visit subsidies and special rewards (四.3): the office's rate per valid visit, its monthly
cap per subject, rewards with a reason, and the amounts per helper per month.

The arithmetic is ``core.subsidy``; the visits report (``write_report(svc, "visits", ...)``)
prints these amounts with totals and a signature column (补贴核算).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core.errors import NotFound, ValidationError
from core.fingerprint import normalise_fingerprint
from core.kinds import validate as validate_kind
from core.records import Record
from core.subsidy import parse_yuan, yuan
from storage import Store
from sync.app.office.access import helper_names, office_of
from sync.app.session import Service

SUBSIDY_META = "subsidy"
MAX_CAP = 31


def stored_subsidy(store: Store) -> dict[str, int]:
    """{"rate_fen", "cap"} as saved (0 and 0 until the office sets them; cap 0 means no cap)."""
    saved = store.meta_get(SUBSIDY_META) or {}
    return {"rate_fen": int(saved.get("rate_fen", 0)), "cap": int(saved.get("cap", 0))}


def subsidy_settings(svc: Service) -> dict[str, Any]:
    store, _me = office_of(svc)
    s = stored_subsidy(store)
    return {**s, "rate": yuan(s["rate_fen"])}


def set_subsidy(svc: Service, rate: str | int, cap: str | int | None = None) -> dict[str, Any]:
    """Set the rate per valid visit (yuan, up to two decimals) and, if given, the cap of counted
    visits per subject per month (0: no cap)."""
    store, me = office_of(svc)
    errors: dict[str, str] = {}
    current = stored_subsidy(store)
    try:
        current["rate_fen"] = parse_yuan(rate)
    except ValueError as exc:
        errors["rate"] = f"每次走访补贴:{exc}"
    if cap not in (None, ""):
        try:
            number = int(str(cap).strip())
        except ValueError:
            number = -1
        if not 0 <= number <= MAX_CAP:
            errors["cap"] = f"每月计补贴走访次数上限应为0至{MAX_CAP}之间的整数(0表示不设上限)。"
        else:
            current["cap"] = number
    if errors:
        raise ValidationError(errors)
    store.meta_set(SUBSIDY_META, current, actor=me.fingerprint)
    return subsidy_settings(svc)


def add_reward(
    svc: Service, helper_fp: str, amount: str | int, reason: str, on: str | date | None = None, *, by: str | None = None
) -> Record:
    """A special reward (专项奖励) for a helper, with its reason; paid in the month of its date."""
    store, me = office_of(svc)
    fp = normalise_fingerprint(helper_fp)
    if fp not in helper_names(store):
        raise NotFound(f"找不到身份指纹为“{str(helper_fp).strip()}”的协助人员,请先登记该协助人员。")
    try:
        fen = parse_yuan(amount)
    except ValueError as exc:
        raise ValidationError({"amount": f"奖励金额:{exc}"}) from exc
    if fen % 100:
        raise ValidationError({"amount": "奖励金额请按整元填写。"})
    day = on.isoformat() if isinstance(on, date) else (on or "").strip() or svc.today().isoformat()
    data = {
        "helper": fp,
        "date": day,
        "amount": fen // 100,
        "reason": (reason or "").strip(),
        "by": (by or "").strip() or str(store.meta_get("name", me.name)),
    }
    errors = validate_kind("reward", data, today=svc.today())
    if errors:
        raise ValidationError(errors)
    return store.put(Record.new("reward", data, author=me.fingerprint, clock=svc.clock), actor=me.fingerprint)


def reward_rows(svc: Service) -> list[dict[str, Any]]:
    store, _me = office_of(svc)
    names = helper_names(store)
    rows = [
        {
            "id": r.id,
            "helper": names.get(r.data.get("helper", ""), ""),
            "date": r.data.get("date", ""),
            "amount": r.data.get("amount", 0),
            "reason": r.data.get("reason", ""),
        }
        for r in store.list("reward")
    ]
    rows.sort(key=lambda r: (r["date"], r["helper"]), reverse=True)
    return rows
