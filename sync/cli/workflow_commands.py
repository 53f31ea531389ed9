"""Commands for issue 14's workflow: ``team`` (replace a subject's 矫正小组) and ``decide``
(批准 / 不批准 a 外出 or 居住地变更 request). ``list team --subject ID --json`` is the
generic listing. Parsing and printing only: each calls the function the console calls."""

from __future__ import annotations

import argparse
from typing import Any

from sync.app import office
from sync.cli.main import CliError, Context
from sync.cli.text import terminal_safe


def parse_member(spec: str) -> dict[str, str]:
    """``角色:姓名[:电话]`` (full-width colons too) as a team row; the role by its label or code."""
    parts = [p.strip() for p in spec.replace(":", ":").split(":")]
    if len(parts) not in (2, 3) or not parts[1]:
        raise CliError(f"成员“{terminal_safe(spec)}”格式不对,应为 角色:姓名[:电话]。")
    slot = office.slot_code(parts[0])
    if slot is None:
        raise CliError(f"未知的成员角色“{terminal_safe(parts[0])}”。可用角色:{office.role_names()}、X。")
    member = {"slot": slot, "name": parts[1]}
    if len(parts) == 3 and parts[2]:
        member["phone"] = parts[2]
    return member


def cmd_team(args: argparse.Namespace, ctx: Context) -> int:
    members = [parse_member(s) for s in args.member or []]
    if not members:
        raise CliError("请用 --member 角色:姓名[:电话] 至少列出一名小组成员。")
    with ctx.session() as svc:
        rec = office.save_team(svc, args.subject, members, leader=args.leader or "")
        page = office.team_page(svc, args.subject)
    leader = f",组长 {terminal_safe(page['leader'])}" if page["leader"] else ""
    ctx.print(
        f"已保存 {terminal_safe(page['name'])} 的矫正小组(第{rec.revision}版):{len(members)} 人{leader}。"
        "下次导出时送达协助人员。"
    )
    return 0


def cmd_decide(args: argparse.Namespace, ctx: Context) -> int:
    if args.approve == args.refuse:
        raise CliError("请选择 --approve(批准)或 --refuse(不批准)之一。")
    with ctx.session() as svc:
        outcome: dict[str, Any] = office.decide(svc, args.record, bool(args.approve), args.note or "")
    ctx.print(f"已{outcome['decision'].data['outcome']};审批决定将在下次导出时送达协助人员。")
    move = outcome["relocation"]
    if move:
        ctx.print(
            f"{terminal_safe(move['name'])} 将迁往 {terminal_safe(move['to'])}(现属 {terminal_safe(move['from'])}):"
            "请修改其村(居)委会、重新分配协助人员,并向新的村(居)委会填发通知单。"
        )
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("team", help="司法所:设置矫正对象的矫正小组(整组替换)")
    p.add_argument("subject", metavar="SUBJECT_ID")
    p.add_argument(
        "--member", action="append", metavar="角色:姓名[:电话]", help=f"小组成员,可重复;角色:{office.role_names()}、X"
    )
    p.add_argument("--leader", metavar="姓名", help="组长(须为小组成员之一)")
    p.set_defaults(func=cmd_team)

    p = sub.add_parser("decide", help="司法所:审批外出或居住地变更申请")
    p.add_argument("record", metavar="RECORD_ID")
    p.add_argument("--approve", action="store_true", help="批准")
    p.add_argument("--refuse", action="store_true", help="不批准")
    p.add_argument("--note", help="审批意见")
    p.set_defaults(func=cmd_decide)
