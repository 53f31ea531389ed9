"""The helper's enrolment panels: pin the office's card after comparing fingerprints, and
write this helper's enrolment request for the office. Shown at set-up, in 设置 and on 同步.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import flet as ft

from core.errors import XietongError
from sync.app import folders
from sync.app import helper_sync as hs
from views.dialogs import bytes_first, pick_one, save_dialog
from views.work import Failed, run

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol


def heading(text: str) -> ft.Text:
    return ft.Text(text, size=18, weight=ft.FontWeight.BOLD)


def result_box(title: str, lines: list[str], *, ok: bool) -> ft.Container:
    colour = ft.Colors.GREEN_50 if ok else ft.Colors.RED_50
    return ft.Container(
        bgcolor=colour,
        padding=12,
        border_radius=8,
        content=ft.Column([ft.Text(title, size=16, weight=ft.FontWeight.BOLD)] + [ft.Text(line) for line in lines]),
    )


def said(message: ft.Text) -> Callable[[XietongError], None]:
    """A ``failed`` for ``views.work.run``: the error's sentence (each field's problem) in red."""

    def show(exc: XietongError) -> None:
        errors = getattr(exc, "errors", None)
        message.value = ";".join(errors.values()) if errors else exc.message
        message.color = ft.Colors.RED_700

    return show


def office_pin_panel(shell: ShellProtocol, on_done: Callable[[], None] | None = None) -> ft.Control:
    """Import the office card: pick the file (or type its path), show its fingerprint, type the
    digits read aloud, pin."""
    svc = shell.service
    folder = folders.default_folder()
    loaded: dict[str, bytes] = {}  # the card's bytes once picked or read; pinning uses exactly these
    path = ft.TextField(label="司法所身份卡文件路径", value=folder + "/")
    shown = ft.Text("")
    typed = ft.TextField(
        label="司法所念出的指纹数字", keyboard_type=ft.KeyboardType.NUMBER, helper="30位数字,空格可有可无"
    )
    message = ft.Text("")

    def unreadable(exc: XietongError) -> None:
        loaded.clear()
        shown.value, message.value, message.color = "", exc.message, ft.Colors.RED_700

    async def show_card(data: bytes, label: str) -> None:
        card = await run(shell, lambda: hs.office_card_preview_bytes(data), failed=unreadable)
        if not isinstance(card, Failed):
            loaded["data"] = data
            shown.value = f"{label}\n{card['name']}\n文件中的指纹:{card['fingerprint']}"
            message.value, message.color = "请司法所工作人员念出其指纹,在下面逐组输入并核对。", None
            shell.page.update()

    async def preview(e: ft.Event[ft.Button]) -> None:
        where = path.value
        data = await run(shell, lambda: hs.read_file(where), failed=unreadable)
        if not isinstance(data, Failed):
            await show_card(data, f"文件:{where}")

    async def pick(e: ft.Event[ft.Button]) -> None:
        picked = await run(shell, pick_one(shell, hs.CARD_EXTENSIONS), failed=said(message))
        if picked is None or isinstance(picked, Failed):  # cancelled: nothing changes
            return
        await show_card(picked[1], f"已选择:{picked[0]}")

    def typed_path(e: ft.Event[ft.TextField]) -> None:
        loaded.clear()  # a new path: read it again before pinning

    path.on_change = typed_path

    def pinned(office: dict[str, Any]) -> None:
        message.value, message.color = f"已信任司法所:{office['name']}", ft.Colors.GREEN_800
        if on_done:
            on_done()

    async def pin(e: ft.Event[ft.Button]) -> None:
        digits, data, where = typed.value or "", loaded.get("data"), path.value

        def trust() -> dict[str, Any]:
            if data is not None:
                return hs.pin_office_from_bytes(svc, data, digits)
            return hs.pin_office_from_file(svc, where, digits)

        await run(shell, trust, done=pinned, failed=said(message))

    return ft.Column(
        [
            heading("导入司法所身份卡"),
            ft.Button("选择身份卡文件…", icon=ft.Icons.FOLDER_OPEN, on_click=pick),
            ft.Text("选择不了文件时,把司法所给的身份卡文件放到本机,填写其路径:", size=13),
            path,
            ft.OutlinedButton("读取身份卡", on_click=preview),
            shown,
            typed,
            ft.Button("核对并信任司法所", on_click=pin),
            message,
        ]
    )


def rotation_panel(shell: ShellProtocol, office_name: str, on_done: Callable[[], None] | None = None) -> ft.Control:
    """The office changed its key: the phone keeps the old one until the helper types the new
    fingerprint an officer reads out in person (the phone never shows those digits, so they
    cannot be copied from the bundle that announced the change)."""
    svc = shell.service
    typed = ft.TextField(
        label="司法所工作人员当面念出的新指纹", keyboard_type=ft.KeyboardType.NUMBER, helper="30位数字,空格可有可无"
    )
    message = ft.Text("")

    def confirmed(office: dict[str, Any]) -> None:
        message.value, message.color = f"已改用{office['name']}的新密钥:{office['fingerprint']}", ft.Colors.GREEN_800
        if on_done:
            on_done()

    async def confirm(e: ft.Event[ft.Button]) -> None:
        digits = typed.value or ""
        await run(shell, lambda: hs.confirm_office_rotation(svc, digits), done=confirmed, failed=said(message))

    return ft.Container(
        bgcolor=ft.Colors.AMBER_50,
        padding=12,
        border_radius=8,
        content=ft.Column(
            [
                heading("司法所更换了密钥,请当面核对"),
                ft.Text(
                    f"{office_name}发来的数据包说明其已更换密钥。请到司法所(或请工作人员来访时)当面请工作人员"
                    "念出新指纹,在下面输入。核对一致前,本机继续使用原来的密钥;指纹不一致请立即报告司法所。"
                ),
                typed,
                ft.Button("核对新指纹", icon=ft.Icons.VERIFIED_USER, on_click=confirm),
                message,
            ]
        ),
    )


def enrolment_panel(shell: ShellProtocol) -> ft.Control:
    """Write this helper's enrolment request to a file for the office."""
    svc = shell.service
    contact = hs.saved_contact(svc)
    committee = ft.TextField(label="所在村(居)委会", value=contact["committee"])
    phone = ft.TextField(label="联系电话", value=contact["phone"], keyboard_type=ft.KeyboardType.PHONE)
    out = ft.TextField(label="登记申请保存位置", value=folders.default_folder())
    message = ft.Text("")

    failed = said(message)

    def saved(where: str) -> None:
        message.value = f"登记申请已保存:{where}。请交给司法所,并当面核对指纹。"
        message.color = ft.Colors.GREEN_800

    async def write(e: ft.Event[ft.Button]) -> None:
        folder, who = out.value.strip(), {"committee": committee.value or "", "phone": phone.value or ""}
        await run(shell, lambda: hs.write_enrolment_request(svc, folder, **who), done=saved, failed=failed)

    async def save(e: ft.Event[ft.Button]) -> None:
        who = {"committee": committee.value or "", "phone": phone.value or ""}
        made = await run(shell, lambda: hs.enrolment_request_bytes(svc, **who), failed=failed)  # contact checked first
        if isinstance(made, Failed):
            return
        name, blob = made
        if bytes_first(shell):
            where = await run(shell, save_dialog(shell, name, hs.REQUEST_SUFFIX[1:], blob), failed=failed)
            if where is None or isinstance(where, Failed):
                return  # cancelled: nothing saved, nothing said
            await run(shell, lambda: hs.remember_contact(svc, **who), done=lambda _: saved(where), failed=failed)
        else:
            target = await run(shell, save_dialog(shell, name, hs.REQUEST_SUFFIX[1:]), failed=failed)
            if target is None or isinstance(target, Failed):
                return
            await run(shell, lambda: hs.write_enrolment_request(svc, target, **who), done=saved, failed=failed)

    return ft.Column(
        [
            heading("导出登记申请"),
            committee,
            phone,
            ft.Button("保存登记申请文件…", icon=ft.Icons.SAVE_ALT, on_click=save),
            ft.Text("或者写入本机文件夹:", size=13),
            out,
            ft.Button("导出登记申请", on_click=write),
            message,
        ]
    )
