"""Who may use the office's actions, and the small lookups several of them share."""

from __future__ import annotations

from collections.abc import Callable

from storage import Store
from sync.app.errors import WrongRole
from sync.app.session import Service
from sync.protocol.identity import Identity

Progress = Callable[[int, int, str], None]  # (done, total, file name)


def office_of(svc: Service) -> tuple[Store, Identity]:
    """The open store and the office identity; refused on a helper's device."""
    store, me = svc.store, svc.me
    if me.role != "office":
        raise WrongRole("此功能只能在司法所的设备上使用。")
    return store, me


def helper_names(store: Store) -> dict[str, str]:
    """Fingerprint -> name of every helper ever enrolled (revoked ones too)."""
    return {
        str(h.data.get("fingerprint", "")): str(h.data.get("name", ""))
        for h in store.list("helper", include_deleted=True)
    }
