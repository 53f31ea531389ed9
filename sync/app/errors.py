"""The application layer's own refusals (each with a stable ``code`` and the sentence to show).

The exchange's and the protocol's errors (``sync.exchange.errors``, ``sync.protocol.errors``)
and the store's (``storage.errors``) reach the screens and the CLI unchanged.
"""

from __future__ import annotations

from core.errors import PermissionDenied, XietongError
from storage.errors import StoreLocked, WrongPassphrase

__all__ = [
    "AppError",
    "FileMissing",
    "FileUnreadable",
    "FileUnwritable",
    "HelperSyncError",
    "NoOffice",
    "OfficeError",
    "RecordLocked",
    "SetupError",
    "StoreLocked",
    "WrongPassphrase",
    "WrongRole",
]


class AppError(XietongError):
    code = "app_error"
    default_message = "操作未完成,请检查后重试。"


class SetupError(AppError):
    code = "setup_invalid"
    default_message = "初次设置信息有误,请检查后重试。"


class WrongRole(PermissionDenied):
    code = "wrong_role"
    default_message = "当前身份无权进行此操作。"


class RecordLocked(PermissionDenied):
    """A correction refused: the record has left this device, or someone else wrote it."""

    code = "record_locked"
    default_message = "这条记录已导出给司法所,不能再修改。如需更正,请新增一条记录说明,或联系司法所。"


class OfficeError(AppError):
    code = "office_error"
    default_message = "操作未完成,请检查后重试。"


class HelperSyncError(AppError):
    code = "helper_sync_error"
    default_message = "同步操作未能完成,请检查后重试。"


class NoOffice(HelperSyncError):
    code = "no_office"
    default_message = "尚未导入司法所身份卡:请先在“设置”中导入司法所身份卡并核对指纹。"


class FileUnreadable(AppError):
    code = "file_unreadable"
    default_message = "无法读取该文件,请检查路径。"


class FileUnwritable(AppError):
    code = "file_unwritable"
    default_message = "无法写入该位置,请换一个文件夹。"


class FileMissing(AppError):
    code = "file_missing"
    default_message = "找不到该文件或文件夹,请检查路径。"
