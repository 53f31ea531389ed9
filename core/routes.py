"""The app's navigation as data: a route string <-> a ``Screen``, outside Flet.

The route is the single source of navigation truth; views render whatever screen the
current route parses to. Parsing never raises: anything unknown is the not-found screen.
Extra query parameters (``/office/subjects?filter=overdue``) travel as screen params.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping
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
    ("sync", "/sync"),
    ("settings", "/settings"),
    ("office_dashboard", "/office/dashboard"),
    ("office_helpers", "/office/helpers"),
    ("office_subjects", "/office/subjects"),
    ("office_subject", "/office/subjects/<id>"),
    ("office_notices", "/office/notices"),
    ("office_sync", "/office/sync"),
    ("office_reports", "/office/reports"),
)
SCREEN_NAMES: frozenset[str] = frozenset(name for name, _ in ROUTES) | {NOT_FOUND}
OFFICE_SCREENS: frozenset[str] = frozenset(name for name, _ in ROUTES if name.startswith("office_"))
# Screens shown without an unlocked store.
PUBLIC_SCREENS: frozenset[str] = frozenset({"lock", "setup", NOT_FOUND})

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
    def of(cls, name: str, **params: str) -> "Screen":
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
        for want, got in zip(pattern, segments):
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
