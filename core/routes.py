"""The app's navigation as data: a route string <-> a ``Screen``, outside Flet.

The route is the single source of navigation truth; views render whatever screen the
current route parses to. Parsing never raises: anything unknown is the not-found screen.
Extra query parameters (``/office/subjects?filter=overdue``) travel as screen params.

Screens build routes with the functions at the end (``route``, ``subject``, ``new_record``...),
never by hand, and ``guard`` decides which screen a session may see: the set-up until there is
a store, the lock screen until this session has had the passphrase, and the screens of its role.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from core.errors import NotFound
from core.records import ALL_KINDS

HOME = "home"
NOT_FOUND = "not_found"

# (name, path pattern); ``<id>`` and ``<kind>`` are parameters.
ROUTES: tuple[tuple[str, str], ...] = (
    (HOME, "/"),
    ("lock", "/lock"),
    ("setup", "/setup"),
    ("subjects", "/subjects"),
    ("subject", "/subjects/<id>"),
    ("new_record", "/subjects/<id>/new/<kind>"),
    ("edit_record", "/records/<id>/edit"),
    ("entrustment_task", "/tasks/<id>"),  # issue 15: 委托调查评估 the helper helps with
    ("sync", "/sync"),
    ("settings", "/settings"),
    ("office_dashboard", "/office/dashboard"),
    ("office_helpers", "/office/helpers"),
    ("office_subjects", "/office/subjects"),
    ("office_subject", "/office/subjects/<id>"),
    ("office_notices", "/office/notices"),
    ("office_sync", "/office/sync"),
    ("office_reports", "/office/reports"),
    ("office_team", "/office/subjects/<id>/team"),
)
SCREEN_NAMES: frozenset[str] = frozenset(name for name, _ in ROUTES) | {NOT_FOUND}
OFFICE_SCREENS: frozenset[str] = frozenset(name for name, _ in ROUTES if name.startswith("office_"))
# Screens shown without an unlocked store.
PUBLIC_SCREENS: frozenset[str] = frozenset({"lock", "setup", NOT_FOUND})
# Screens not worth coming back to after an unlock.
NOT_RESUMED: frozenset[str] = frozenset({HOME, "lock", "setup", NOT_FOUND})
# Screens of the helper's app the office may also use (its console has the rest).
SHARED_SCREENS: frozenset[str] = frozenset({"setup", "settings", NOT_FOUND})

_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,128}")
_PATTERNS: dict[str, tuple[str, ...]] = {name: tuple(s for s in path.split("/") if s) for name, path in ROUTES}


def _valid_param(key: str, value: str) -> bool:
    if key == "kind":
        return value in ALL_KINDS
    return bool(_ID_RE.fullmatch(value))


@dataclass(frozen=True)
class Screen:
    """A screen name and its parameters (path parameters and query parameters alike)."""

    name: str
    params: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Read-only copy, so a Screen can be shared and hashed safely.
        object.__setattr__(self, "params", MappingProxyType({str(k): str(v) for k, v in dict(self.params).items()}))

    def __hash__(self) -> int:
        return hash((self.name, tuple(sorted(self.params.items()))))

    @classmethod
    def of(cls, name: str, **params: str) -> Screen:
        return cls(name, params)

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.params.get(key, default)

    @property
    def is_office(self) -> bool:
        return self.name in OFFICE_SCREENS


def _not_found(route: str) -> Screen:
    return Screen(NOT_FOUND, {"path": route})


def parse_route(route: Any) -> Screen:
    """The screen a route names; unknown or malformed routes give the not-found screen."""
    if route is None or route == "":
        return Screen(HOME)
    if not isinstance(route, str):
        return _not_found(repr(route)[:200])
    try:
        parts = urlsplit(route if route.startswith("/") else "/" + route)
        segments = tuple(unquote(s, errors="strict") for s in parts.path.split("/") if s)
        query = parse_qsl(parts.query, keep_blank_values=True, errors="strict")
    except (ValueError, UnicodeDecodeError):
        return _not_found(route)
    for name, pattern in _PATTERNS.items():
        if len(pattern) != len(segments):
            continue
        params: dict[str, str] = {}
        for want, got in zip(pattern, segments, strict=False):
            if want.startswith("<"):
                key = want[1:-1]
                if not _valid_param(key, got):
                    break
                params[key] = got
            elif want != got:
                break
        else:
            extra = {k: v for k, v in query if k not in params}
            return Screen(name, {**extra, **params})
    return _not_found(route)


def build_route(screen: Screen) -> str:
    """The route string for a screen: path parameters in the path, the rest as a query."""
    if screen.name == NOT_FOUND:
        path = screen.params.get("path", "")
        return path if path.startswith("/") else "/404"
    pattern = _PATTERNS.get(screen.name)
    if pattern is None:
        raise NotFound("找不到该页面。")
    segments = []
    used: set[str] = set()
    for part in pattern:
        if part.startswith("<"):
            key = part[1:-1]
            value = screen.params.get(key)
            if value is None or not _valid_param(key, value):
                raise NotFound("找不到该页面。")
            segments.append(quote(value, safe=""))
            used.add(key)
        else:
            segments.append(part)
    path = "/" + "/".join(segments)
    extra = sorted((k, v) for k, v in screen.params.items() if k not in used)
    return path + ("?" + urlencode(extra) if extra else "")


# ---------------------------------------------------------------------- building routes


def route(name: str, **params: str) -> str:
    """The route of screen ``name``; raises ``NotFound`` for an unknown screen or a bad parameter."""
    return build_route(Screen(name, params))


def subject(subject_id: str) -> str:
    """The helper's page of one subject."""
    return route("subject", id=subject_id)


def entrustment_task(entrustment_id: str) -> str:
    """The helper's page of one entrustment (委托调查评估) it helps with."""
    return route("entrustment_task", id=entrustment_id)


def owner(kind: str, owner_id: str) -> str:
    """The page a record's partition belongs to: an entrustment's, or a subject's."""
    return entrustment_task(owner_id) if kind == "entrustment" else subject(owner_id)


def new_record(subject_id: str, kind: str) -> str:
    """The form of a new record of ``kind`` on a subject."""
    return route("new_record", id=subject_id, kind=kind)


def edit_record(record_id: str) -> str:
    """The form (or read-only page) of a saved record."""
    return route("edit_record", id=record_id)


def office_team(subject_id: str) -> str:
    """The office's page of one subject's 矫正小组."""
    return route("office_team", id=subject_id)


def office_subject(subject_id: str) -> str:
    """The office's page of one subject."""
    return route("office_subject", id=subject_id)


LOCK = route("lock")
SETUP = route("setup")
HOME_ROUTE = route(HOME)
SUBJECTS = route("subjects")


# ---------------------------------------------------------------------- the guard


def guard(asked: Screen, *, set_up: bool, unlocked: bool, role: str) -> Screen:
    """The screen a session shows when ``asked`` is requested.

    ``set_up``: a store exists; ``unlocked``: the store is open and this session has had the
    passphrase (the browser sessions share one store, so a new tab still asks); ``role``:
    "office", "helper", or "" when it could not be read. The office works in its console, a
    helper never sees it."""
    if not set_up:
        return Screen("setup")
    if not unlocked:
        return Screen("lock")
    if role == "office":
        if asked.is_office or asked.name in SHARED_SCREENS:
            return asked
        return Screen("office_dashboard")
    if asked.name in (HOME, "lock") or asked.is_office:
        return Screen("subjects")
    return asked


def resumes(asked: Screen) -> bool:
    """Whether the lock screen shown instead of ``asked`` should lead back to it once unlocked
    (a form restores its draft there)."""
    return asked.name not in NOT_RESUMED


def parent(screen: Screen) -> Screen:
    """Where "返回" leads from ``screen`` (e.g. when it cannot be shown)."""
    name, sid = screen.name, screen.get("id")
    if name == "new_record" and sid and _valid_param("id", sid):
        return Screen("subject", {"id": sid})
    if name in ("subject", "edit_record", "entrustment_task"):
        return Screen("subjects")
    if name == "office_subject":
        return Screen("office_subjects")
    if name == "office_team" and sid and _valid_param("id", sid):
        return Screen("office_subject", {"id": sid})
    if screen.is_office and screen.params:  # e.g. the register opened on a subject deleted meanwhile
        return Screen(name)
    if screen.is_office:
        return Screen("office_dashboard")
    return Screen(HOME)
