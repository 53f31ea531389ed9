"""The ``xietong`` command line: the same operations the app offers, for scripts and officers.

Conventions: ``--home DIR`` (or ``XIETONG_HOME``; default from platformdirs); the passphrase
comes from ``XIETONG_PASSPHRASE`` or an interactive prompt, never from argv. Expected failures
print one Chinese sentence to stderr and exit non-zero; no traceback.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import random
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, TextIO

from core.errors import XietongError
from core.kinds import KIND_LABELS
from core.records import ALL_KINDS, Clock, Record, utc_now
from storage import KdfParams, Store
from sync.app.home import default_home
from sync.protocol.identity import Identity



class CliError(XietongError):
    """A mistake in how the command was called."""


@dataclass
class Context:
    """What every command needs: where the store lives, the clock, how to ask for a passphrase."""

    home: Path
    clock: Clock = utc_now
    out: TextIO = field(default_factory=lambda: sys.stdout)
    ask: Callable[[str], str] = getpass.getpass

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
        first = self.passphrase("请设置新口令(至少 8 个字符):", env="XIETONG_NEW_PASSPHRASE_UNSET")
        second = self.passphrase("请再次输入新口令:", env="XIETONG_NEW_PASSPHRASE_UNSET")
        if first != second:
            raise CliError("两次输入的口令不一致,请重新设置。")
        return first

    def kdf(self) -> KdfParams | None:
        """scrypt cost; ``XIETONG_SCRYPT_N`` lowers it for test suites only (default: calibrated)."""
        n = os.environ.get("XIETONG_SCRYPT_N")
        return KdfParams(n=int(n)) if n else None

    def open_store(self) -> Store:
        return Store.open(self.home, self.passphrase())

    def today(self) -> date:
        return self.clock().date()

    def print(self, *parts: Any) -> None:
        print(*parts, file=self.out)


def load_identity(store: Store) -> Identity:
    data = store.meta_get("identity")
    if not data:
        raise CliError("本机尚未初始化身份,请先运行 xietong init。")
    return Identity.from_private_dict(data)


# -- commands ---------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace, ctx: Context) -> int:
    if Store.exists(ctx.home):
        raise CliError(f"该目录已有数据存储:{ctx.home}。如需重新开始,请换一个 --home 目录。")
    if not args.name.strip():
        raise CliError("请用 --name 提供名称(司法所名称或协助人员姓名)。")
    passphrase = ctx.passphrase("请设置口令(至少 8 个字符):")
    identity = Identity.generate(args.role, args.name.strip())
    store = Store.create(ctx.home, passphrase, clock=ctx.clock, kdf=ctx.kdf())
    try:
        store.apply(
            [],
            actor=identity.fingerprint,
            meta={
                "identity": identity.to_private_dict(),
                "role": args.role,
                "name": identity.name,
                "org": args.org or "",
            },
        )
    finally:
        store.close()
    role = "司法所" if args.role == "office" else "协助人员"
    ctx.print(f"已初始化:{role} {identity.name}")
    ctx.print(f"本机指纹:{identity.public().grouped}")
    ctx.print(f"数据目录:{ctx.home}")
    return 0


def cmd_demo(args: argparse.Namespace, ctx: Context) -> int:
    from core import demo

    store = ctx.open_store()
    try:
        identity = load_identity(store)
        rng = random.Random(args.seed)
        if identity.role == "office":
            helper_fps = ["".join(str(rng.randrange(10)) for _ in range(30)) for _ in range(max(1, args.subjects // 10))]
            records = demo.generate(
                rng,
                subjects=args.subjects,
                records_per_subject=args.records,
                office_fp=identity.fingerprint,
                helper_fps=helper_fps,
                today=ctx.today(),
            )
            # The office's own identity stays authoritative; demo fills the register around it.
            records = [r for r in records if r.kind != "office"]
        else:
            subjects = [s for s in store.list("subject") if identity.fingerprint in s.data.get("helpers", [])]
            if not subjects:
                raise CliError("本机还没有分配给您的社区矫正对象:请先导入司法所发来的数据包。")
            records = demo.generate_for_helper(rng, subjects, identity.fingerprint, args.records, ctx.today())
        by_author: dict[str, list[Record]] = {}
        for r in records:
            by_author.setdefault(r.author, []).append(r)
        total = 0
        for author, group in by_author.items():
            for start in range(0, len(group), 5000):
                result = store.apply(group[start : start + 5000], actor=author)
                total += result.new
    finally:
        store.close()
    ctx.print(f"已生成演示数据 {total} 条。")
    return 0


def _record_json(r: Record) -> dict[str, Any]:
    out = {
        "id": r.id,
        "kind": r.kind,
        "subject": r.subject,
        "author": r.author,
        "revision": r.revision,
        "created": r.created,
        "updated": r.updated,
    }
    for key, value in r.data.items():
        out.setdefault(key, value)
    out["data"] = r.data
    return out


def _record_line(r: Record) -> str:
    d = r.data
    title = d.get("number") or d.get("name") or d.get("category") or d.get("period") or d.get("type") or ""
    when = d.get("date") or d.get("issue_date") or d.get("fill_date") or d.get("occurred") or r.updated[:10]
    return f"{r.id}  {KIND_LABELS.get(r.kind, r.kind)}  {when}  {title}"


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    if args.kind not in ALL_KINDS:
        raise CliError(f"未知的记录类型“{args.kind}”。可用类型:{', '.join(sorted(ALL_KINDS))}。")
    store = ctx.open_store()
    try:
        records = store.list(args.kind, args.subject, skip_damaged=True)
    finally:
        store.close()
    for r in records:
        if args.json:
            ctx.print(json.dumps(_record_json(r), ensure_ascii=False, sort_keys=True))
        else:
            ctx.print(_record_line(r))
    if not args.json:
        ctx.print(f"共 {len(records)} 条{KIND_LABELS.get(args.kind, args.kind)}。")
    return 0


def cmd_check(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.open_store()
    try:
        problems = store.check()
        count = store.count()
    finally:
        store.close()
    if problems:
        for p in problems:
            print(f"损坏:{p}", file=sys.stderr)
        print(f"检查发现 {len(problems)} 处问题。", file=sys.stderr)
        return 2
    ctx.print(f"检查通过:{count} 条记录,审计链完整。")
    return 0


def cmd_passwd(args: argparse.Namespace, ctx: Context) -> int:
    old = ctx.passphrase("请输入当前口令:")
    new = ctx.new_passphrase()
    store = Store.open(ctx.home, old)
    try:
        store.change_passphrase(old, new)
    finally:
        store.close()
    ctx.print("口令已更改。")
    return 0


# -- parser -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xietong", description="协通:社区矫正协助工作离线应用")
    parser.add_argument("--home", help="数据目录(默认:XIETONG_HOME 或系统用户数据目录)")
    sub = parser.add_subparsers(dest="command", metavar="命令")

    p = sub.add_parser("init", help="创建数据存储与本机身份")
    p.add_argument("--role", choices=["office", "helper"], required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--org", default="")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="填入虚构的演示数据")
    p.add_argument("--subjects", type=int, default=20)
    p.add_argument("--records", type=int, default=10)
    p.add_argument("--seed", type=int, default=2026)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("list", help="列出某类记录")
    p.add_argument("kind")
    p.add_argument("--subject")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("check", help="检查数据完整性与审计链")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("passwd", help="更改口令")
    p.set_defaults(func=cmd_passwd)

    try:
        from sync.cli import sync_commands as cli_sync
    except ImportError:  # the sync commands land separately
        cli_sync = None  # type: ignore[assignment]
    if cli_sync is not None:
        cli_sync.register(sub)
    return parser


def run(argv: list[str] | None = None, *, clock: Clock = utc_now, out: TextIO | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its usage message
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help(out or sys.stdout)
        return 1
    home = Path(args.home or os.environ.get("XIETONG_HOME") or default_home())
    ctx = Context(home=home, clock=clock, out=out or sys.stdout)
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
