"""The ``xietong`` command line: the same operations the app offers, for scripts and officers.

Conventions: ``--home DIR`` (or ``XIETONG_HOME``; default from platformdirs); the passphrase
comes from ``XIETONG_PASSPHRASE`` or an interactive prompt, never from argv. Expected failures
print one Chinese sentence to stderr and exit non-zero; no traceback.

Every command opens the session through ``sync.app`` (``Context.session``) and calls the same
function a screen calls; this package only parses arguments and prints.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from core.errors import XietongError
from core.records import Clock, utc_now
from sync.app.home import default_home
from sync.app.session import Service, test_kdf_from_env


class CliError(XietongError):
    """A mistake in how the command was called."""

    code = "cli_usage"


@dataclass
class Context:
    """What every command needs: where the store lives, the clock, how to ask for a passphrase."""

    home: Path
    clock: Clock = utc_now
    out: TextIO = field(default_factory=lambda: sys.stdout)
    ask: Callable[[str], str] = getpass.getpass
    sleep: Callable[[float], None] = time.sleep  # the unlock back-off waits through this

    def passphrase(self, prompt: str = "请输入口令:", env: str = "XIETONG_PASSPHRASE") -> str:
        value = os.environ.get(env)
        if value:
            return value
        if not sys.stdin or not sys.stdin.isatty():
            raise CliError(f"需要口令:请设置环境变量 {env},或在终端中运行以便输入口令。")
        return self.ask(prompt)

    def new_passphrase(self) -> str:
        value = os.environ.get("XIETONG_NEW_PASSPHRASE")
        if value:
            return value
        first = self.passphrase("请设置新口令(至少 8 个字符;纯数字至少 12 位):", env="XIETONG_NEW_PASSPHRASE_UNSET")
        second = self.passphrase("请再次输入新口令:", env="XIETONG_NEW_PASSPHRASE_UNSET")
        if first != second:
            raise CliError("两次输入的口令不一致,请重新设置。")
        return first

    def service(self) -> Service:
        """The session object, locked (set-up and the passphrase change start from here).

        Its unlock is the app's: the same growing delay after wrong passphrases, counted in the
        same file, so alternating between the CLI and the app does not escape it."""
        return Service(self.home, clock=self.clock, kdf=test_kdf_from_env(), sleep=self.sleep)

    @contextmanager
    def session(self) -> Iterator[Service]:
        """An unlocked session for one command (the app's unlock, with its growing delay after
        wrong passphrases), locked again when the command ends."""
        svc = self.service()
        if not svc.exists():
            raise CliError(f"该目录还没有数据存储:{self.home}。请先运行 xietong init。")
        svc.unlock(self.passphrase())
        try:
            yield svc
        finally:
            svc.lock()

    def today(self) -> date:
        return self.clock().date()

    def print(self, *parts: Any) -> None:
        print(*parts, file=self.out)


def build_parser() -> argparse.ArgumentParser:
    from sync.cli import (
        assessment_commands,
        case_commands,
        entrust_commands,
        handover_commands,
        store_commands,
        sync_commands,
        workflow_commands,
    )

    parser = argparse.ArgumentParser(prog="xietong", description="协通:社区矫正协助工作离线应用")
    parser.add_argument("--home", help="数据目录(默认:XIETONG_HOME 或系统用户数据目录)")
    sub = parser.add_subparsers(dest="command", metavar="命令")
    store_commands.register(sub)
    sync_commands.register(sub)
    case_commands.register(sub)  # close, subsidy
    workflow_commands.register(sub)  # team, decide
    handover_commands.register(sub)  # handover
    entrust_commands.register(sub)  # entrust (委托调查评估)
    assessment_commands.register(sub)  # assess (协助人员考核)
    return parser


def run(
    argv: list[str] | None = None,
    *,
    clock: Clock = utc_now,
    out: TextIO | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its usage message
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help(out or sys.stdout)
        return 1
    home = Path(args.home or os.environ.get("XIETONG_HOME") or default_home())
    ctx = Context(home=home, clock=clock, out=out or sys.stdout, sleep=sleep)
    try:
        return int(args.func(args, ctx))
    except XietongError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
        return 0
