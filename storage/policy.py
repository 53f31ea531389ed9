"""The rules a new passphrase and a new key file must meet, checked where every path passes.

``Store.create``, ``Store.change_passphrase`` and ``Store.rekey`` call these, so the app, the
CLI and any later entry point get the same rule and the same sentence.

Why these numbers (measured on the development machine, one core of an AMD EPYC, cryptography
50; the figures are in ``docs/threat-model.md``): at the cost calibration chose there (n = 2**18,
about 0.87 s per guess) trying all 10**8 eight-digit passphrases takes about 2.8 years on one
core and about 10 days on a rig 100 times faster; at the floor n = 2**15 (about 0.13 s) that rig
needs about 1.5 days. Twelve digits (10**12) take that rig about 275 years at the calibrated
cost and about 40 years at the floor; eight characters drawn from letters and digits
(62**8, about 2 * 10**14) longer still. Hence: at least 8 characters, and a passphrase made
only of digits (spaces and separators aside, so "1234-5678-9" counts as 9 digits) needs at
least 12 of them.

The scrypt floor is ``MIN_SCRYPT_N``. Cheaper parameters exist only for test suites, and only
with the explicit switch ``XIETONG_INSECURE_TEST_KDF=1`` (tests/conftest.py sets it); without it
a cheap ``KdfParams`` or ``XIETONG_SCRYPT_N`` is refused, never silently used or ignored.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from storage.crypto import MIN_SCRYPT_N, KdfParams, calibrate_scrypt
from storage.errors import WeakKdf, WeakPassphrase

MIN_PASSPHRASE = 8
MIN_DIGITS_ONLY = 12
INSECURE_TEST_KDF = "XIETONG_INSECURE_TEST_KDF"
SCRYPT_N_ENV = "XIETONG_SCRYPT_N"
# Typed between groups of digits ("1234 5678", "1234-5678"): they add nothing to a guesser's work.
_SEPARATORS = frozenset(" \t-_.,/:·—,。、")


def passphrase_problem(passphrase: object) -> str | None:
    """The sentence naming the rule a new passphrase breaks, or None when it is acceptable."""
    if not isinstance(passphrase, str) or len(passphrase) < MIN_PASSPHRASE:
        return f"口令至少需要{MIN_PASSPHRASE}个字符,请重新设置。"
    core = [c for c in passphrase if c not in _SEPARATORS]
    if core and all(c.isdigit() for c in core) and len(core) < MIN_DIGITS_ONLY:
        return (
            f"纯数字口令至少需要{MIN_DIGITS_ONLY}位数字(8位数字口令在专用设备上几天内就能被逐一试出),"
            "请加入字母或汉字,或改用更长的数字。"
        )
    return None


def check_passphrase(passphrase: object) -> None:
    """Raise ``WeakPassphrase`` naming the rule unless ``passphrase`` may protect a store."""
    problem = passphrase_problem(passphrase)
    if problem:
        raise WeakPassphrase(problem)


def insecure_kdf_allowed(environ: Mapping[str, str] | None = None) -> bool:
    """True only when a test suite switched cheap scrypt on explicitly."""
    env = os.environ if environ is None else environ
    return env.get(INSECURE_TEST_KDF) == "1"


def check_kdf(params: KdfParams, environ: Mapping[str, str] | None = None) -> None:
    """Refuse scrypt parameters below the floor unless the test switch is on."""
    if params.n < MIN_SCRYPT_N and not insecure_kdf_allowed(environ):
        raise WeakKdf(
            f"口令保护强度过低(scrypt n={params.n},下限为 {MIN_SCRYPT_N}),已拒绝。"
            f"低强度参数仅供测试,须同时设置 {INSECURE_TEST_KDF}=1。"
        )


def kdf_for_new_key(
    requested: KdfParams | None,
    current: KdfParams | None = None,
    *,
    calibrate: Callable[[], KdfParams] | None = None,
) -> KdfParams:
    """The parameters for a key file about to be written.

    ``requested`` (a test's cheap cost, or a caller's choice) must pass ``check_kdf``. Otherwise
    the store's ``current`` parameters are kept when they meet the floor (a passphrase change
    need not recalibrate), and anything older and weaker is replaced by a fresh calibration.
    """
    if requested is not None:
        check_kdf(requested)
        return requested
    if current is not None and (current.n >= MIN_SCRYPT_N or insecure_kdf_allowed()):
        return current
    return (calibrate or calibrate_scrypt)()


def kdf_from_env(environ: Mapping[str, str] | None = None) -> KdfParams | None:
    """``XIETONG_SCRYPT_N`` for test suites driving the CLI; None (calibrate) when unset.

    Set without the switch it is refused with a sentence saying so: a stray variable on an
    officer's laptop must not quietly weaken a new store, nor be quietly ignored."""
    env = os.environ if environ is None else environ
    raw = env.get(SCRYPT_N_ENV)
    if not raw:
        return None
    if not insecure_kdf_allowed(env):
        raise WeakKdf(f"环境变量 {SCRYPT_N_ENV} 仅供测试使用,须同时设置 {INSECURE_TEST_KDF}=1;正式使用请删除该变量。")
    try:
        return KdfParams.from_dict({"n": raw, "r": 8, "p": 1})
    except (TypeError, ValueError) as exc:
        raise WeakKdf(f"环境变量 {SCRYPT_N_ENV} 的值无效:应为 2 的整数次幂。") from exc
