"""Commands on this installation's store: set-up, demo data, listing, the integrity check, the
passphrase."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from core.kinds import KIND_LABELS
from core.records import ALL_KINDS, Record
from sync.cli.main import CliError, Context
from sync.cli.text import json_line, terminal_safe


def cmd_init(args: argparse.Namespace, ctx: Context) -> int:
    svc = ctx.service()
    if svc.exists():
        raise CliError(f"该目录已有数据存储:{ctx.home}。如需重新开始,请换一个 --home 目录。")
    passphrase = ctx.passphrase("请设置口令(至少 8 个字符;纯数字至少 12 位):")
    identity = svc.setup(args.role, args.name, passphrase, org=args.org or None)
    svc.lock()
    ctx.print(f"已初始化:{identity['role_label']} {terminal_safe(identity['name'])}")
    ctx.print(f"本机指纹:{' '.join(identity['fingerprint_groups'])}")
    ctx.print(f"数据目录:{ctx.home}")
    return 0


def cmd_demo(args: argparse.Namespace, ctx: Context) -> int:
    from sync.app.demo import fill_demo

    with ctx.session() as svc:
        total = fill_demo(svc, subjects=args.subjects, records=args.records, seed=args.seed)
    ctx.print(f"已生成演示数据 {total} 条。")
    return 0


def _record_json(r: Record) -> dict[str, Any]:
    out: dict[str, Any] = {
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
    return terminal_safe(f"{r.id}  {KIND_LABELS.get(r.kind, r.kind)}  {when}  {title}")


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    if args.kind not in ALL_KINDS:
        raise CliError(f"未知的记录类型“{terminal_safe(args.kind)}”。可用类型:{', '.join(sorted(ALL_KINDS))}。")
    with ctx.session() as svc:
        records = svc.list_records(args.kind, args.subject)
    for r in records:
        if args.json:
            ctx.print(json_line(_record_json(r)))
        else:
            ctx.print(_record_line(r))
    if not args.json:
        ctx.print(f"共 {len(records)} 条{KIND_LABELS.get(args.kind, args.kind)}。")
    return 0


def cmd_check(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.session() as svc:
        problems, count = svc.check_store()
    if problems:
        for p in problems:
            print(f"损坏:{terminal_safe(p)}", file=sys.stderr)
        print(f"检查发现 {len(problems)} 处问题。", file=sys.stderr)
        return 2
    ctx.print(f"检查通过:{count} 条记录,审计链完整。")
    return 0


def cmd_passwd(args: argparse.Namespace, ctx: Context) -> int:
    old = ctx.passphrase("请输入当前口令:")
    svc = ctx.service()
    svc.unlock(old)
    try:
        new = ctx.new_passphrase()
        if args.rekey:
            ctx.print("正在用新的数据密钥重新加密全部数据,请勿中断……")
        note = svc.change_passphrase(old, new, rekey=args.rekey)
    finally:
        svc.lock()
    ctx.print(note)
    if not args.rekey:
        ctx.print("如需同时更换数据密钥,请运行:xietong passwd --rekey")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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

    p = sub.add_parser("passwd", help="更改口令(可同时更换数据密钥)")
    p.add_argument(
        "--rekey",
        action="store_true",
        help="同时生成新的数据密钥并重新加密全部数据,使旧密钥文件副本连同旧口令失效",
    )
    p.set_defaults(func=cmd_passwd)
