"""How the e2e tests act like a person on Flutter's accessibility tree, in one place.

Flutter draws on a canvas; Playwright sees the ``flt-semantics`` nodes. Two things make a naive
script flaky on a loaded 2-core machine: input sent to a screen that is still being built is
lost, and an overlay (a snack bar, the bottom bar mid-animation) can sit over the target's node
and take the pointer. These helpers wait for the first and go around the second.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def settle(page, ms: int = 800) -> None:  # type: ignore[no-untyped-def]
    """Let Flutter finish building a new screen: input typed into a half-built one is lost."""
    page.wait_for_timeout(ms)


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_timeout(500)  # let Flutter paint the frame the text arrived in
    page.screenshot(path=str(SCREENSHOTS / name))


def tap(page, target, *, timeout: float = 10_000) -> None:  # type: ignore[no-untyped-def]
    """Tap ``target`` (a locator). When another node keeps intercepting the pointer for
    ``timeout`` ms, the click is delivered to the target's own node instead."""
    target.scroll_into_view_if_needed()
    try:
        target.click(timeout=timeout)
    except PlaywrightTimeout:
        target.dispatch_event("click")
    page.wait_for_timeout(300)


def fill_checked(page, label: str, value: str) -> None:  # type: ignore[no-untyped-def]
    """Replace a field's text as a person does (tap, select all, delete, type) and check it
    arrived. Playwright's ``fill`` sets the DOM value, which Flutter sometimes took as an
    insertion: a field with text in it then grew with every retry. Input typed into a screen
    still being built is lost, so a miss is retyped, waiting longer each time."""
    field = page.get_by_label(label, exact=True)
    for attempt in range(5):
        field.click()
        page.wait_for_timeout(200)
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.type(value)
        page.wait_for_timeout(400 * (attempt + 1))  # the value travels to the app before the next tap
        if field.input_value() == value:
            return
    assert field.input_value() == value


def toast_gone(page, text: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until the snack bar saying ``text`` has gone: while shown it takes taps meant for
    what is beneath it."""
    page.get_by_text(text, exact=True).wait_for(state="hidden", timeout=20_000)
