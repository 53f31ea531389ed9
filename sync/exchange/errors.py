"""What the exchange refuses outside a bundle's own checks (those are ``sync.protocol.errors``)."""

from __future__ import annotations

from sync.protocol.errors import SyncError


class NotEnrolled(SyncError):
    code = "not_enrolled"
    default_message = "对方尚未登记或身份未核对,无法导出数据包。请先完成登记。"


class UnknownRecord(SyncError):
    code = "unknown_record"
    default_message = "找不到该记录,请刷新后重试。"


class ExportSuperseded(SyncError):
    code = "export_superseded"
    default_message = "这个数据包生成后又导出过一次,它已作废。请重新导出。"


class NotOffice(SyncError):
    code = "not_office"
    default_message = "只有司法所可以更换密钥。"


class NoPendingRotation(SyncError):
    code = "no_pending_rotation"
    default_message = "没有待核对的司法所密钥更换。请先导入司法所的数据包。"
