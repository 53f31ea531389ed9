"""Commands for a case's life and the people around it (issue 15): close-out (解矫)
and the visit subsidy (四.3).

Each command calls the ``sync.app`` function the matching screen calls.
"""

from __future__ import annotations

import argparse

from core.vocabularies import CLOSE_REASONS
from sync.app import office
from sync.cli.main import Context
from sync.cli.text import terminal_safe


def cmd_close(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.session() as svc:
        rec = office.close_case(
            svc, args.subject, args.reason, args.date, transfer_to=args.to or "", note=args.note or ""
        )
        subject = svc.store.get(args.subject)
        name = (subject.data.get("name") if subject is not None else "") or args.subject
    ctx.print(f"已办理解矫:{terminal_safe(name)}({rec.data['reason']},{rec.data['date']})。")
    ctx.print("下次导出时通知协助人员;其手机上的记录送达司法所后,该对象将从手机上移除。对象仍保留在名册中(已解矫)。")
    return 0


def cmd_subsidy(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.session() as svc:
        saved = office.set_subsidy(svc, args.rate, args.cap)
    cap = f",每名对象每月至多计 {saved['cap']} 次" if saved["cap"] else ",不设每月上限"
    ctx.print(f"已设置走访补贴:每次有效走访 {saved['rate']} 元{cap}。走访统计表(xietong report visits)按此核算。")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("close", help="司法所:办理解矫(期满、收监执行、死亡或迁出)")
    p.add_argument("subject", help="社区矫正对象编号")
    p.add_argument("--reason", required=True, choices=CLOSE_REASONS)
    p.add_argument("--date", required=True, help="解矫日期 YYYY-MM-DD")
    p.add_argument("--to", help="迁出时:迁往单位")
    p.add_argument("--note", help="备注")
    p.set_defaults(func=cmd_close)

    p = sub.add_parser("subsidy", help="司法所:设置走访补贴标准(每次金额、每月上限)")
    p.add_argument("--rate", required=True, help="每次有效走访补贴(元)")
    p.add_argument("--cap", help="每名对象每月计补贴的走访次数上限(0为不限)")
    p.set_defaults(func=cmd_subsidy)
