"""One passphrase rule and one scrypt floor, enforced by the store itself on every path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from store_helpers import CHEAP_KDF, PASS, TickClock

from storage import KdfParams, Store, policy
from storage.crypto import MIN_SCRYPT_N
from storage.errors import WeakKdf, WeakPassphrase
from storage.keyfile import KEY_FILE

WEAK = {
    "": "至少需要8个字符",
    "abc1234": "至少需要8个字符",
    "口令七个字符呀": "至少需要8个字符",
    "12345678": "纯数字口令至少需要12位",
    "20261123": "纯数字口令至少需要12位",
    "1234 5678 901": "纯数字口令至少需要12位",  # 11 digits, spaces aside
    "1234-5678-90": "纯数字口令至少需要12位",
    "１２３４５６７８９０": "纯数字口令至少需要12位",  # full-width digits are digits too
}
GOOD = ["123456789012", "1234 5678 9012", "abcd1234", "correct horse", "社区矫正协助口令", "12345678a"]


@pytest.fixture
def no_test_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(policy.INSECURE_TEST_KDF, raising=False)


@pytest.mark.parametrize("weak", list(WEAK))
def test_store_create_refuses_a_weak_passphrase_naming_the_rule(tmp_path: Path, clock: TickClock, weak: str) -> None:
    with pytest.raises(WeakPassphrase) as err:
        Store.create(tmp_path / "home", weak, clock=clock, kdf=CHEAP_KDF)
    assert WEAK[weak] in str(err.value) and str(err.value).endswith("。")
    assert not Store.exists(tmp_path / "home")


@pytest.mark.parametrize("good", GOOD)
def test_store_create_accepts_passphrases_that_meet_the_rule(tmp_path: Path, clock: TickClock, good: str) -> None:
    assert policy.passphrase_problem(good) is None
    Store.create(tmp_path / "home", good, clock=clock, kdf=CHEAP_KDF).close()
    Store.open(tmp_path / "home", good, clock=clock).close()


@pytest.mark.parametrize("weak", ["12345678", "short"])
def test_passphrase_change_and_rekey_refuse_a_weak_new_passphrase_and_keep_the_key_file(
    tmp_path: Path, clock: TickClock, weak: str
) -> None:
    home = tmp_path / "home"
    store = Store.create(home, PASS, clock=clock, kdf=CHEAP_KDF)
    before = (home / KEY_FILE).read_bytes()
    with pytest.raises(WeakPassphrase):
        store.change_passphrase(PASS, weak)
    with pytest.raises(WeakPassphrase):
        store.rekey(PASS, weak)
    assert (home / KEY_FILE).read_bytes() == before
    store.close()


def test_a_cheap_scrypt_cost_is_refused_without_the_test_switch(
    tmp_path: Path, clock: TickClock, no_test_switch: None
) -> None:
    for n in (2**4, 2**10, 2**14):
        with pytest.raises(WeakKdf) as err:
            Store.create(tmp_path / "home", PASS, clock=clock, kdf=KdfParams(n=n))
        assert "XIETONG_INSECURE_TEST_KDF" in str(err.value) and str(n) in str(err.value)
        assert not Store.exists(tmp_path / "home")


def test_the_floor_itself_needs_no_switch(tmp_path: Path, clock: TickClock, no_test_switch: None) -> None:
    store = Store.create(tmp_path / "home", PASS, clock=clock, kdf=KdfParams(n=MIN_SCRYPT_N))
    store.close()
    assert json.loads((tmp_path / "home" / KEY_FILE).read_text())["kdf"]["n"] == 2**15


def test_without_kdf_the_store_calibrates(tmp_path: Path, clock: TickClock, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(policy, "calibrate_scrypt", lambda: calls.append(1) or KdfParams(n=2**16))
    Store.create(tmp_path / "home", PASS, clock=clock).close()
    assert calls == [1]
    assert json.loads((tmp_path / "home" / KEY_FILE).read_text())["kdf"]["n"] == 2**16


def test_a_passphrase_change_raises_an_old_cheap_store_to_a_calibrated_cost(
    tmp_path: Path, clock: TickClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    store = Store.create(home, PASS, clock=clock, kdf=CHEAP_KDF)  # as a store made before the floor
    monkeypatch.delenv(policy.INSECURE_TEST_KDF)
    monkeypatch.setattr(policy, "calibrate_scrypt", lambda: KdfParams(n=2**15))
    store.change_passphrase(PASS, "a new passphrase")
    store.close()
    assert json.loads((home / KEY_FILE).read_text())["kdf"]["n"] == 2**15
    Store.open(home, "a new passphrase", clock=clock).close()


def test_scrypt_n_from_the_environment_needs_the_switch() -> None:
    assert policy.kdf_from_env({}) is None
    with pytest.raises(WeakKdf) as err:
        policy.kdf_from_env({"XIETONG_SCRYPT_N": "1024"})
    assert "XIETONG_INSECURE_TEST_KDF" in str(err.value)
    assert policy.kdf_from_env({"XIETONG_SCRYPT_N": "1024", "XIETONG_INSECURE_TEST_KDF": "1"}) == KdfParams(n=1024)
    with pytest.raises(WeakKdf):
        policy.kdf_from_env({"XIETONG_SCRYPT_N": "1000", "XIETONG_INSECURE_TEST_KDF": "1"})
    with pytest.raises(WeakKdf):  # only "1" switches it on
        policy.kdf_from_env({"XIETONG_SCRYPT_N": "1024", "XIETONG_INSECURE_TEST_KDF": "yes"})
