"""Handover (移交, issue 15): how many of the last visits and evaluations a new helper receives.

Calls the ``sync.app`` function the office console calls.
"""

from __future__ import annotations

import argparse

from sync.app import office
from sync.cli.main import Context


def cmd_handover(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.session() as svc:
        keep = office.set_handover_keep(svc, args.keep) if args.keep is not None else office.handover_keep(svc)
    ctx.print(
        f"更换协助人员时,新协助人员收到:最新登记表、最近 {keep} 次走访记录和 {keep} 次社区评议、未处理的重要情况报告。"
    )
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("handover", help="司法所:设置更换协助人员时移交的记录条数")
    p.add_argument("--keep", help="移交最近几次走访记录和社区评议(0至20,默认3)")
    p.set_defaults(func=cmd_handover)
