"""Handover (移交): when a subject moves to a new helper, the history the new phone receives.

``hand_over`` writes one office record (``core.handover``) for the subject and the new helper:
copies of the latest 附件2, the last N visits and evaluations (N set here, default 3) and the
open reports, with kind, date and author's name. The export sends it to that helper only
(``sync.exchange.handover``); the old helper is withdrawn as for any unassignment, and its
phone purges the subject. ``assign`` calls this when a subject moves.
"""

from __future__ import annotations

from typing import Any

from core.errors import ValidationError
from core.handover import DEFAULT_KEEP, HANDOVER_KIND, MAX_KEEP, items, select
from core.kinds import validate as validate_kind
from core.records import Record
from sync.app.office.access import helper_names, office_of
from sync.app.session import Service

HANDOVER_META = "handover"


def handover_keep(svc: Service) -> int:
    """How many of the newest visits and of the evaluations a new helper receives."""
    store, _me = office_of(svc)
    saved = store.meta_get(HANDOVER_META) or {}
    return int(saved.get("keep", DEFAULT_KEEP))


def set_handover_keep(svc: Service, keep: str | int) -> int:
    store, me = office_of(svc)
    try:
        number = int(str(keep).strip())
    except ValueError:
        number = -1
    if not 0 <= number <= MAX_KEEP:
        raise ValidationError({"keep": f"移交的走访记录和社区评议条数应为0至{MAX_KEEP}之间的整数。"})
    store.meta_set(HANDOVER_META, {"keep": number}, actor=me.fingerprint)
    return number


def hand_over(
    svc: Service, subject_id: str, new_helper: str, old_helpers: list[str], *, only_if_history: bool = False
) -> Record | None:
    """The handover record for ``new_helper``: what it needs to continue the case, nothing more.
    With ``only_if_history`` (a subject without helpers gets one) nothing is written when there
    is nothing to hand over, as for a new subject's first helper."""
    store, me = office_of(svc)
    names = helper_names(store)
    chosen = select(store.list(subject=subject_id), keep=handover_keep(svc))
    if only_if_history and not chosen:
        return None
    if not old_helpers:  # moved after its helper was taken off: name who wrote what is handed over
        old_helpers = sorted({r.author for r in chosen if r.author in names})
    data: dict[str, Any] = {"helper": new_helper, "date": svc.today().isoformat(), "items": items(chosen, names)}
    before = "、".join(n for n in (names.get(fp, "") for fp in old_helpers) if n)[:100]
    if before:
        data["from_name"] = before
    errors = validate_kind(HANDOVER_KIND, data, today=svc.today())
    if errors:
        raise ValidationError(errors)
    rec = Record.new(HANDOVER_KIND, data, author=me.fingerprint, subject=subject_id, clock=svc.clock)
    return store.put(rec, actor=me.fingerprint)
