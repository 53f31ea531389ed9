"""Why a bundle or an identity document was refused, as the sentence a person reads.

Each ``BundleRejected`` reason has a stable ``code`` (used by the frozen test vectors and
by the quarantine log) and a Chinese message saying what is wrong and what to do. A
``detail`` may be appended (e.g. which field was wrong); it never contains record data.
"""

from __future__ import annotations

from core.errors import XietongError


class SyncError(XietongError):
    """Root of everything ``sync`` raises on purpose."""

    code = "sync_error"
    default_message = "同步失败。"

    def __init__(self, message: str | None = None, *, detail: str | None = None) -> None:
        text = message or self.default_message
        if detail:
            text = f"{text}({detail})"
        self.detail = detail
        super().__init__(text)


# --- bundles ------------------------------------------------------------------------------


class BundleRejected(SyncError):
    """A bundle file was refused; the store is unchanged and the file goes to quarantine."""

    code = "rejected"
    default_message = "数据包被拒绝,未导入任何内容。文件已移入隔离区,请联系对方重新导出。"


class TooLarge(BundleRejected):
    code = "too_large"
    default_message = "数据包过大,超过允许的上限,未导入。请确认文件来源,或请对方分批导出。"


class Malformed(BundleRejected):
    code = "malformed"
    default_message = "文件不是有效的协通数据包(格式错误或被改动),未导入。请请对方重新导出后再试。"


class Truncated(BundleRejected):
    code = "truncated"
    default_message = "数据包不完整(文件被截断,可能是复制中断),未导入。请重新复制完整文件后再试。"


class WrongRecipient(BundleRejected):
    code = "wrong_recipient"
    default_message = "该数据包不是发给本机的,未导入。请确认拿到的是发给本机的文件。"


class UnknownSender(BundleRejected):
    code = "unknown_sender"
    default_message = "数据包来自未登记的设备,未导入。请先完成协助人员登记(或核对司法所身份)后再导入。"


class Revoked(BundleRejected):
    code = "revoked"
    default_message = "发送该数据包的设备已被注销,未导入。文件已隔离,请司法所工作人员核查。"


class BadSignature(BundleRejected):
    code = "bad_signature"
    default_message = "数据包签名无效(内容被改动或并非对方所发),未导入。请请对方重新导出,并检查传输介质。"


class Replayed(BundleRejected):
    code = "replayed"
    default_message = "该数据包比已导入的更旧或已被替换(重放),未导入。请导入对方最新导出的数据包。"


class DecryptFailed(BundleRejected):
    code = "decrypt_failed"
    default_message = "数据包内容无法解密(密文被改动或不是用本机密钥加密),未导入。请请对方重新导出。"


class OutOfScope(BundleRejected):
    code = "out_of_scope"
    default_message = "数据包包含发送方无权提交的记录,整包未导入。文件已隔离,请司法所工作人员核查。"


class SchemaInvalid(BundleRejected):
    code = "schema_invalid"
    default_message = "数据包中的记录格式不正确,整包未导入。请确认双方使用的软件版本一致后重新导出。"


REJECTION_CODES: dict[str, type[BundleRejected]] = {
    cls.code: cls
    for cls in (
        TooLarge,
        Malformed,
        Truncated,
        WrongRecipient,
        UnknownSender,
        Revoked,
        BadSignature,
        Replayed,
        DecryptFailed,
        OutOfScope,
        SchemaInvalid,
    )
}


# --- identities: cards, enrolment requests, key rotation --------------------------------


class IdentityError(SyncError):
    code = "identity_error"
    default_message = "身份信息无效。"


class FingerprintMismatch(IdentityError):
    code = "fingerprint_mismatch"
    default_message = "指纹不一致,可能拿错了文件或文件被替换。请当面核对双方屏幕上显示的指纹后再确认。"


class BadCard(IdentityError):
    code = "bad_card"
    default_message = "司法所身份卡无效(格式错误、签名无效或被改动)。请当面重新导出身份卡。"


class BadEnrolmentRequest(IdentityError):
    code = "bad_enrolment_request"
    default_message = "登记申请文件无效(格式错误、签名无效或被改动)。请协助人员当面重新导出登记申请。"


class BadRotation(IdentityError):
    code = "bad_rotation"
    default_message = "司法所密钥更换声明无效(签名不符或被改动),未采用新密钥。请当面核对司法所新指纹。"


class IdentityCorrupt(IdentityError):
    code = "identity_corrupt"
    default_message = "本机身份密钥损坏,无法使用。请从备份恢复,或联系司法所重新登记。"
