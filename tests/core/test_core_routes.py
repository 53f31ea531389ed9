"""Navigation as data: routes parse to screens and back, unknown routes never raise."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import NotFound
from core.records import ALL_KINDS
from core.routes import (
    NOT_FOUND,
    OFFICE_SCREENS,
    ROUTES,
    Screen,
    build_route,
    parse_route,
)

RID = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    "route,name,params",
    [
        ("/", "home", {}),
        ("", "home", {}),
        ("/lock", "lock", {}),
        ("/setup", "setup", {}),
        ("/subjects", "subjects", {}),
        ("/subjects/", "subjects", {}),
        (f"/subjects/{RID}", "subject", {"id": RID}),
        (f"/subjects/{RID}/new/visit", "new_record", {"id": RID, "kind": "visit"}),
        (f"/records/{RID}/edit", "edit_record", {"id": RID}),
        ("/sync", "sync", {}),
        ("/settings", "settings", {}),
        ("/office/dashboard", "office_dashboard", {}),
        ("/office/helpers", "office_helpers", {}),
        ("/office/subjects", "office_subjects", {}),
        (f"/office/subjects/{RID}", "office_subject", {"id": RID}),
        ("/office/notices", "office_notices", {}),
        ("/office/sync", "office_sync", {}),
        ("/office/reports", "office_reports", {}),
        ("/office/subjects?filter=overdue", "office_subjects", {"filter": "overdue"}),
        ("subjects", "subjects", {}),
    ],
)
def test_known_routes_parse_to_their_screens(route: str, name: str, params: dict[str, str]) -> None:
    screen = parse_route(route)
    assert screen.name == name
    assert dict(screen.params) == params


@pytest.mark.parametrize(
    "route",
    [
        "/nope",
        "/subjects/a/b",
        "/subjects/x/new/party",
        "/subjects/../lock",
        "/records/abc",
        "/office",
        "/office/dashboard/x",
        "/office/subjects/a/b",
        "/office/subjects/a b",
        "/Lock",
        "/subjects/%ZZ",
        "/subjects/%ff%fe",
        "/subjects/a b",
    ],
)
def test_unknown_routes_map_to_not_found_keeping_the_path(route: str) -> None:
    screen = parse_route(route)
    assert screen.name == NOT_FOUND
    assert screen.get("path") == route


@pytest.mark.parametrize("route", [None, 3, ["/"], b"/lock", {"a": 1}])
def test_non_string_routes_never_raise(route: Any) -> None:
    assert parse_route(route).name in {"home", NOT_FOUND}


def test_path_parameters_win_over_query_parameters() -> None:
    screen = parse_route(f"/subjects/{RID}?id=evil&tab=visits")
    assert screen.get("id") == RID and screen.get("tab") == "visits"


def test_every_route_in_the_table_round_trips() -> None:
    for name, pattern in ROUTES:
        params = {k: v for k, v in (("id", RID), ("kind", "report")) if f"<{k}>" in pattern}
        screen = Screen(name, params)
        assert build_route(screen) == pattern.replace("<id>", RID).replace("<kind>", "report")
        assert parse_route(build_route(screen)) == screen


def test_screens_are_immutable_hashable_and_compare_by_value() -> None:
    a = Screen.of("subject", id=RID)
    b = Screen("subject", {"id": RID})
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    with pytest.raises(TypeError):
        a.params["id"] = "x"  # type: ignore[index]


def test_office_screens_are_flagged() -> None:
    assert parse_route("/office/reports").is_office
    assert not parse_route("/subjects").is_office
    assert parse_route(f"/office/subjects/{RID}").is_office
    assert OFFICE_SCREENS == {n for n, _ in ROUTES if n.startswith("office_")}


def test_building_an_unknown_screen_or_missing_parameter_is_not_found() -> None:
    with pytest.raises(NotFound):
        build_route(Screen("bogus"))
    with pytest.raises(NotFound):
        build_route(Screen("subject"))
    with pytest.raises(NotFound):
        build_route(Screen.of("new_record", id=RID, kind="party"))


def test_not_found_builds_back_to_its_path() -> None:
    assert build_route(parse_route("/nope?x=1")) == "/nope?x=1"
    assert build_route(Screen(NOT_FOUND)) == "/404"


_ids = st.from_regex(r"[A-Za-z0-9_-]{1,40}", fullmatch=True)
_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@st.composite
def _screens(draw: st.DrawFn) -> Screen:
    name, pattern = draw(st.sampled_from(ROUTES))
    params: dict[str, str] = {}
    if "<id>" in pattern:
        params["id"] = draw(_ids)
    if "<kind>" in pattern:
        params["kind"] = draw(st.sampled_from(sorted(ALL_KINDS)))
    extra = draw(st.dictionaries(_text.filter(lambda k: k not in ("id", "kind")), _text, max_size=3))
    return Screen(name, {**extra, **params})


@given(_screens())
def test_build_then_parse_is_identity(screen: Screen) -> None:
    assert parse_route(build_route(screen)) == screen


@given(st.text(max_size=60))
def test_parse_never_raises_on_arbitrary_text(route: str) -> None:
    screen = parse_route(route)
    assert screen.name in {n for n, _ in ROUTES} | {NOT_FOUND}


# ---------------------------------------------------------------------- route builders


def test_route_builders_give_the_routes_the_screens_parse_back() -> None:
    from core import routes

    assert routes.subject(RID) == f"/subjects/{RID}"
    assert routes.new_record(RID, "visit") == f"/subjects/{RID}/new/visit"
    assert routes.edit_record(RID) == f"/records/{RID}/edit"
    assert routes.office_subject(RID) == f"/office/subjects/{RID}"
    assert (
        routes.route("office_subjects", committee="青山村") == "/office/subjects?committee=%E9%9D%92%E5%B1%B1%E6%9D%91"
    )
    assert parse_route(routes.route("office_notices", subject=RID)) == Screen.of("office_notices", subject=RID)
    assert (routes.LOCK, routes.SETUP, routes.HOME_ROUTE, routes.SUBJECTS) == ("/lock", "/setup", "/", "/subjects")


def test_a_route_builder_refuses_an_id_that_would_change_the_path() -> None:
    from core import routes

    with pytest.raises(NotFound):
        routes.subject("../office")
    with pytest.raises(NotFound):
        routes.new_record(RID, "not_a_kind")


# ---------------------------------------------------------------------- the guard


def _guard(route: str, *, set_up: bool = True, unlocked: bool = True, role: str = "helper") -> str:
    from core.routes import guard

    return build_route(guard(parse_route(route), set_up=set_up, unlocked=unlocked, role=role))


@pytest.mark.parametrize("route", ["/", "/subjects", f"/subjects/{RID}", "/office/dashboard", "/lock", "/nowhere"])
def test_without_a_store_every_route_shows_the_setup(route: str) -> None:
    assert _guard(route, set_up=False) == "/setup"
    assert _guard(route, set_up=False, role="office") == "/setup"


@pytest.mark.parametrize("route", ["/", "/subjects", f"/subjects/{RID}/new/visit", "/settings", "/office/sync"])
def test_a_locked_store_or_a_session_without_the_passphrase_shows_the_lock_screen(route: str) -> None:
    assert _guard(route, unlocked=False) == "/lock"
    assert _guard(route, unlocked=False, role="office") == "/lock"


@pytest.mark.parametrize(
    "route,shown",
    [
        ("/", "/subjects"),
        ("/lock", "/subjects"),
        ("/office/dashboard", "/subjects"),  # the console is not for helpers
        (f"/office/subjects/{RID}", "/subjects"),
        (f"/subjects/{RID}", f"/subjects/{RID}"),
        ("/settings", "/settings"),
        ("/setup", "/setup"),  # the fingerprint after set-up
        ("/nowhere", "/nowhere"),  # not found, shown as such
    ],
)
def test_a_helper_sees_the_helper_screens(route: str, shown: str) -> None:
    assert _guard(route) == shown
    assert _guard(route, role="") == shown  # a role that could not be read is no office


@pytest.mark.parametrize(
    "route,shown",
    [
        ("/", "/office/dashboard"),
        ("/lock", "/office/dashboard"),
        ("/subjects", "/office/dashboard"),  # the helper screens are not for the office
        (f"/subjects/{RID}/new/visit", "/office/dashboard"),
        ("/sync", "/office/dashboard"),
        (f"/office/subjects/{RID}", f"/office/subjects/{RID}"),
        ("/office/reports", "/office/reports"),
        ("/settings", "/settings"),
        ("/setup", "/setup"),
        ("/nowhere", "/nowhere"),
    ],
)
def test_the_office_sees_its_console_and_the_shared_screens(route: str, shown: str) -> None:
    assert _guard(route, role="office") == shown


def test_only_real_work_screens_are_resumed_after_an_unlock() -> None:
    from core.routes import resumes

    assert resumes(parse_route(f"/subjects/{RID}/new/visit")) and resumes(parse_route("/office/sync"))
    assert not any(resumes(parse_route(r)) for r in ("/", "/lock", "/setup", "/nowhere"))


@pytest.mark.parametrize(
    "route,back",
    [
        (f"/subjects/{RID}/new/visit", f"/subjects/{RID}"),
        (f"/subjects/{RID}", "/subjects"),
        (f"/records/{RID}/edit", "/subjects"),
        (f"/office/subjects/{RID}", "/office/subjects"),
        ("/office/notices", "/office/dashboard"),
        (f"/office/subjects?id={RID}", "/office/subjects"),
        ("/settings", "/"),
    ],
)
def test_the_way_back_from_a_screen(route: str, back: str) -> None:
    from core.routes import parent

    assert build_route(parent(parse_route(route))) == back
