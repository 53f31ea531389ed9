"""The storage error family: each message is the sentence a person reads."""

from __future__ import annotations

from pathlib import Path

from core.errors import XietongError


class StoreError(XietongError):
    code = "store_failed"
    default_message = "数据仓库操作失败,请重试。"


class StoreMissing(StoreError):
    code = "store_missing"
    default_message = "这里还没有数据仓库,请先创建。"


class StoreExists(StoreError):
    code = "store_exists"
    default_message = "这里已经有数据仓库,不能重复创建。"


class WrongPassphrase(StoreError):
    code = "wrong_passphrase"
    default_message = "口令不正确,请重新输入。"


class StoreLocked(StoreError):
    code = "store_locked"
    default_message = "数据已锁定,请输入口令解锁。"


class StoreBusy(StoreError):
    code = "store_busy"
    default_message = "数据仓库正被另一个程序使用,请先关闭它再试。"


class StoreTooNew(StoreError):
    code = "store_too_new"
    default_message = "数据由更新版本的协通创建,请先升级应用。"


class UnknownVersion(StoreError):
    code = "unknown_version"
    default_message = "所选版本不存在,请刷新后重试。"


class StoreCorrupt(StoreError):
    """A file the store owns cannot be read back; ``path`` names it."""

    code = "store_corrupt"

    def __init__(self, path: str | Path, message: str | None = None) -> None:
        self.path = Path(path)
        super().__init__(message or f"数据文件已损坏:{self.path}。其他数据不受影响,请从备份恢复或联系技术支持。")


class WeakPassphrase(StoreError):
    """A new passphrase breaks the passphrase rule (``storage.policy``); the message names the rule."""

    code = "passphrase_too_weak"
    default_message = "口令太弱:至少需要8个字符,纯数字口令至少需要12位,请重新设置。"


class WeakKdf(StoreError):
    """A key file would be written with a scrypt cost below the floor, outside the test switch."""

    code = "weak_kdf"
    default_message = "口令保护强度(scrypt 参数)低于安全下限,已拒绝。低强度参数只能在测试中使用。"


class RekeyFailed(StoreError):
    code = "rekey_failed"
    default_message = "更换数据密钥未能完成,数据仍可用原口令打开,请检查存储空间后重试。"
