"""The settings screen's new passphrase shows the same strength hint as first-run set-up."""

from __future__ import annotations

from sync.app.session import MIN_PASSPHRASE
from views.settings import NEW_PASSPHRASE_HELP, new_passphrase_hint


def test_an_empty_new_passphrase_shows_the_minimum_length() -> None:
    assert new_passphrase_hint("") == NEW_PASSPHRASE_HELP
    assert new_passphrase_hint(None) == NEW_PASSPHRASE_HELP
    assert str(MIN_PASSPHRASE) in NEW_PASSPHRASE_HELP


def test_the_hint_follows_the_strength_while_typing() -> None:
    assert new_passphrase_hint("ab1") == "口令强度:太短"
    assert new_passphrase_hint("a" * MIN_PASSPHRASE) == "口令强度:弱"
    assert new_passphrase_hint("Abcdefgh12345!") == "口令强度:强"
