"""Every error Xietong raises on purpose (core, storage, sync) has a stable code of its own and a
Chinese sentence for a message."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from types import ModuleType

import core
import storage
import sync
from core.errors import XietongError

SKIP_PACKAGES: tuple[str, ...] = ("sync.cli.__main__",)


def _modules(package: ModuleType) -> list[ModuleType]:
    out = [package]
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if info.name.startswith(SKIP_PACKAGES):
            continue
        out.append(importlib.import_module(info.name))
    return out


def _error_classes() -> list[type[XietongError]]:
    found: dict[str, type[XietongError]] = {}
    for module in _modules(core) + _modules(storage) + _modules(sync):
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, XietongError) and not obj.__module__.startswith(SKIP_PACKAGES):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[name] for name in sorted(found)]


def _instance(cls: type[XietongError]) -> XietongError:
    from core.errors import BadNoticeNumber, ValidationError
    from storage.errors import StoreCorrupt
    from storage.exports import ExportFailed
    from sync.app.printing import AmbiguousNotice

    if issubclass(cls, AmbiguousNotice):
        return cls(12, ["（2025）协通字第12号", "（2026）协通字第12号"])
    if issubclass(cls, ExportFailed):
        return cls("/媒体/U盘/报表.xlsx", "磁盘空间不足")
    if issubclass(cls, StoreCorrupt):
        return cls("parts/x.bin")
    if issubclass(cls, BadNoticeNumber):
        return cls("第X号")
    if cls is ValidationError:
        return cls({"phone": "电话号码应为11位数字。"})
    return cls()


ERRORS = _error_classes()
_CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_walk_finds_the_error_families_of_every_layer() -> None:
    names = {cls.__name__ for cls in ERRORS}
    assert {
        "XietongError",
        "ValidationError",
        "NotFound",
        "StoreError",
        "StoreCorrupt",
        "WrongPassphrase",
        "BundleRejected",
        "Replayed",
        "NotEnrolled",
        "RecordLocked",
        "FileUnwritable",
        "CliError",
    } <= names


def test_every_error_class_declares_its_own_snake_case_code() -> None:
    for cls in ERRORS:
        assert "code" in vars(cls), f"{cls.__qualname__} inherits its code instead of declaring one"
        assert isinstance(cls.code, str) and re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", cls.code), cls


def test_error_codes_are_unique() -> None:
    codes = [cls.code for cls in ERRORS]
    assert len(codes) == len(set(codes)), sorted(c for c in codes if codes.count(c) > 1)


def test_every_error_message_is_a_chinese_sentence() -> None:
    for cls in ERRORS:
        message = _instance(cls).message
        assert _CJK.search(message), f"{cls.__qualname__}: {message!r}"
        assert not re.match(r"[A-Za-z]", message), f"{cls.__qualname__} starts in English: {message!r}"
        assert "Traceback" not in message and "\n" not in message
