"""How the e2e tests act like a person on Flutter's accessibility tree, in one place.

Flutter draws on a canvas; Playwright sees the ``flt-semantics`` nodes. Two things make a naive
script flaky on a loaded 2-core machine: input sent to a screen that is still being built is
lost, and an overlay (a snack bar, the bottom bar mid-animation) can sit over the target's node
and take the pointer. These helpers wait for the first and go around the second.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
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
    _steady(page, target)
    try:
        target.click(timeout=timeout)
    except PlaywrightTimeout:
        target.dispatch_event("click")
    page.wait_for_timeout(300)


def replace_text(page, field, value: str) -> None:  # type: ignore[no-untyped-def]
    """Replace a field's text as a person does and check it arrived: tap, select all, delete,
    type. Under load Flutter can apply the tap's caret after the select-all (the old text then
    stays and the new is inserted into it), Playwright's ``fill`` was sometimes taken as an
    insertion, and the DOM can show the field's value late; so the typed value is polled for a
    while and a miss retyped, waiting longer each time (input sent to a half-built screen is lost)."""
    box = None
    for attempt in range(5):
        pause = 300 * (attempt + 1)
        # Held from before the tap: a focused empty field with a hint is no longer named by its
        # label, so a retry that cannot find it by label keeps the node it had.
        try:
            field.scroll_into_view_if_needed(timeout=5_000)
            box = field.element_handle(timeout=5_000)
        except PlaywrightError:
            if box is None:
                raise
        _focus(page, box)
        page.wait_for_timeout(pause)  # the tap's caret lands before the select-all
        page.keyboard.press("Control+A")
        page.wait_for_timeout(100)
        page.keyboard.press("Delete")
        page.wait_for_timeout(pause)
        left = _value(box) or _active_value(page)
        if left:  # the select-all missed (or the DOM is late): delete from the end, one by one
            page.keyboard.press("End")
            for _ in range(len(left)):
                page.keyboard.press("Backspace")
            page.wait_for_timeout(pause)
        page.keyboard.type(value)
        # The value travels to the app (and back to the DOM) before the next tap; read from the
        # held node, else the field found again by its label.
        seen = _read_until(page, (box, field), value, tries=10, wait_ms=pause // 3 + 100)
        if seen == value:
            return
        print(
            f"replace_text {field}, attempt {attempt + 1}: left {len(left)} characters, then read {seen!r};"
            f" the keys went to {_focused(page)}"
        )
    raise AssertionError(f"could not type {value!r} into the field")


def _focus(page, box, *, taps: int = 3) -> None:  # type: ignore[no-untyped-def]
    """Tap ``box`` until it keeps the keyboard. Two misses happen under load: the focus is handed
    from the accessible input to Flutter's editing input and dropped (the body has it a moment
    later), and a tap made while the form still scrolls lands on the field that has moved under
    the pointer (Flutter hit-tests what it has drawn, and the accessible nodes follow a frame
    later). Keys typed then go nowhere, or into another field: wait for the node to stand
    still, tap again."""
    for _ in range(taps):
        _steady(page, box)
        box.click()
        held = 0
        for _ in range(10):
            page.wait_for_timeout(100)
            held = held + 1 if _typing_in(box) else 0
            if held == 2:
                return


def _steady(page, box) -> None:  # type: ignore[no-untyped-def]
    """Wait (up to 2 s) until ``box`` (a node or a locator) is where it was 100 ms before."""
    last = None
    for _ in range(20):
        try:
            now = box.bounding_box()
        except PlaywrightError:
            return
        if now is not None and now == last:
            return
        last = now
        page.wait_for_timeout(100)


def _typing_in(box) -> bool:  # type: ignore[no-untyped-def]
    """Whether keys go to ``box``: it has the focus, or Flutter's own editing input has (which
    edits the field tapped last)."""
    try:
        return bool(
            box.evaluate(
                "el => { const a = document.activeElement;"
                " return a === el || (!!a && a.classList.contains('flt-text-editing')); }"
            )
        )
    except PlaywrightError:
        return False


def _focused(page) -> str:  # type: ignore[no-untyped-def]
    """The focused element, for a message: its tag, class and accessible name."""
    try:
        return str(
            page.evaluate(
                "(a => a ? `${a.tagName}.${a.className} named ${a.getAttribute('aria-label')}`"
                " : 'nothing')(document.activeElement)"
            )
        )
    except PlaywrightError as exc:
        return f"unknown ({type(exc).__name__})"


def _read_until(page, nodes, expect: str, *, tries: int, wait_ms: float) -> str:  # type: ignore[no-untyped-def]
    """Read ``nodes`` (and Flutter's editing input) every ``wait_ms`` until one shows ``expect``;
    what was read last. A field focused (autofocus) before the test turned the accessibility tree
    on takes the keys in Flutter's own editing input, and its accessible node stays empty."""
    seen = ""
    for _ in range(tries):
        page.wait_for_timeout(wait_ms)
        for seen in (*(_value(n) for n in nodes), _active_value(page)):
            if seen == expect:
                return seen
    return seen


def _active_value(page) -> str:  # type: ignore[no-untyped-def]
    """The text of Flutter's own editing input when it has the keyboard ("" otherwise): it edits
    whichever field was tapped last. Another field's accessible input is never read here."""
    try:
        return str(
            page.evaluate("(a => a && a.classList.contains('flt-text-editing') ? a.value : '')(document.activeElement)")
        )
    except PlaywrightError:
        return ""


def _value(node) -> str:  # type: ignore[no-untyped-def]
    """A field's text as the DOM shows it, or "" when it cannot be read now."""
    try:
        return str(node.input_value(timeout=5_000))
    except PlaywrightError:
        return ""


def shown_value(page, field, expect: str, *, seconds: float = 10) -> str:  # type: ignore[no-untyped-def]
    """Tap ``field`` and read its text (Flutter puts it in the DOM only while the field has the
    focus, and late under load): polled until it reads ``expect`` or ``seconds`` pass."""
    field.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    field.click()
    return _read_until(page, (field,), expect, tries=round(seconds / 0.3), wait_ms=300)


def fill_checked(page, label: str, value: str) -> None:  # type: ignore[no-untyped-def]
    """``replace_text`` on the field labelled ``label``."""
    replace_text(page, page.get_by_label(label, exact=True), value)


def toast_gone(page, text: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until the snack bar saying ``text`` has gone: while shown it takes taps meant for
    what is beneath it."""
    page.get_by_text(text, exact=True).wait_for(state="hidden", timeout=20_000)


def tap_until(page, target, expect, *, attempts: int = 3, wait_ms: float = 30_000) -> None:  # type: ignore[no-untyped-def]
    """Tap ``target`` until ``expect`` (a locator) shows. Under load a tap on a screen that is
    still settling is sometimes lost; a person taps again. A tap that did land but is slow is
    not repeated once its target has gone."""
    for attempt in range(attempts):
        if attempt == 0 or target.count():
            tap(page, target)
        try:
            expect.wait_for(timeout=wait_ms)
            return
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise


def unlock(page, passphrase: str, opened) -> None:  # type: ignore[no-untyped-def]
    """Unlock from the lock screen until ``opened`` (a locator on the first screen behind it)
    shows: the passphrase is typed and checked like any field, and a tap on 解锁 lost on a screen
    still settling is made again."""
    page.get_by_text("协通已锁定").wait_for()
    settle(page)
    for attempt in range(4):
        if page.get_by_label("口令", exact=True).count():
            fill_checked(page, "口令", passphrase)
            tap(page, page.get_by_role("button", name="解锁"))
        try:
            opened.first.wait_for(timeout=20_000)
            break
        except PlaywrightTimeout:
            if attempt == 3:
                raise
    settle(page)


def nav(page, label: str) -> None:  # type: ignore[no-untyped-def]
    """Tap a destination of the office's navigation rail or the phone's bottom bar (its
    accessible name starts with ``label``)."""
    name = re.compile(r"^\s*" + re.escape(label))
    for target in (
        page.get_by_role("tab", name=name),
        page.get_by_role("button", name=name),
        page.get_by_role("menuitem", name=name),
    ):
        if target.count():
            tap(page, target.first)
            break
    else:
        raise AssertionError(f"destination {label} not found: " + page.inner_text("body")[:500])
    settle(page)


def chip(page, name: str, nth: int = 0):  # type: ignore[no-untyped-def]
    """A chip (a visit's 在场人员 or answer) by its word, whichever role Flutter gives a filter
    chip; ``nth`` counts the chips of that word in form order (异常 is offered four times)."""
    return (
        page.get_by_role("checkbox", name=name, exact=True).or_(page.get_by_role("button", name=name, exact=True))
    ).nth(nth)


def button(page, name: str):  # type: ignore[no-untyped-def]
    """The first button whose accessible name contains ``name``."""
    return page.get_by_role("button", name=name).first


def press(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """``tap`` the first button whose name contains ``name``."""
    tap(page, button(page, name))


def fingerprint_digits(text: str) -> str:
    """The first six groups of five digits in ``text`` (a screen's): this device's fingerprint."""
    groups = re.findall(r"(?<!\d)\d{5}(?!\d)", text)
    assert len(groups) >= 6, text
    return "".join(groups[:6])
