"""The root of every error Xietong raises on purpose.

Each error's message is the sentence a person reads (Chinese), and each class has a stable
``code`` (snake_case, unique across the app) that logs, tests and callers match on instead of
the wording, which may change. Packages define their own
families below this root: ``storage.errors`` (StoreLocked, WrongPassphrase, StoreCorrupt...)
and ``sync.protocol.errors`` (BundleRejected and its reasons). Third-party exceptions are converted
where they cross into our code (``raise ... from exc``).
"""

from __future__ import annotations


class XietongError(Exception):
    """Base class. ``str(err)`` is the user's sentence; ``code`` names the failure for programs."""

    code = "error"
    default_message = "操作失败。"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)

    @property
    def message(self) -> str:
        return str(self.args[0])


class ValidationError(XietongError):
    """A record or form has field-level problems.

    ``errors`` maps a field's code name (dotted for nested rows, e.g. ``family.1.phone``)
    to a Chinese sentence saying what is wrong and what to do.
    """

    code = "validation_failed"

    def __init__(self, errors: dict[str, str], message: str | None = None) -> None:
        self.errors = dict(errors)
        if message is None:
            first = "; ".join(f"{v}" for v in list(self.errors.values())[:3])
            message = f"填写有误:{first}" if first else "填写有误。"
        super().__init__(message)


class NotFound(XietongError):
    code = "not_found"
    default_message = "找不到该记录。"


class PermissionDenied(XietongError):
    code = "permission_denied"
    default_message = "当前身份无权进行此操作。"


class BadFingerprint(ValidationError):
    """A typed or scanned fingerprint is not 30 digits."""

    code = "bad_fingerprint"

    def __init__(self, message: str = "身份指纹应为30位数字,请核对后重新输入") -> None:
        super().__init__({"fingerprint": message}, message)


class BadNoticeNumber(ValidationError):
    """The text is not a notice number; keyed on ``number`` like any form field."""

    code = "bad_notice_number"

    def __init__(self, text: str) -> None:
        msg = f"通知单编号“{text}”无法识别,请按 (2026)协通字第12号 的格式填写,或只填序号"
        super().__init__({"number": msg}, msg)
