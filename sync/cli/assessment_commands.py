"""Helper assessment (四.2, issue 15) from the command line: record one for a period, or list a
helper's assessments.

Calls the ``sync.app`` functions the 协助人员 screen calls; this module parses and prints.
"""

from __future__ import annotations

import argparse
from typing import Any

from core.vocabularies import ASSESSMENT_RESULTS
from sync.app import office
from sync.app.office.assessment import PERIOD_HINT
from sync.cli.main import CliError, Context
from sync.cli.text import terminal_safe


def _print(ctx: Context, a: dict[str, Any], prefix: str = "") -> None:
    """Two lines: the period with its figures and result, then the office's evaluation."""
    ctx.print(
        terminal_safe(
            f"{prefix}{a['period']}({a['period_start']}至{a['period_end']})  "
            f"走访 {a['visits_done']}/{a['visits_due']} 次  按时报告 {a['reports_on_time']}/{a['reports_total']} 次  "
            f"{a['result']}  考核人 {a['by']},{a['date']}"
        )
    )
    ctx.print("  " + terminal_safe(f"司法所评价:{a['evaluation']}"))


def cmd_assess(args: argparse.Namespace, ctx: Context) -> int:
    if args.list:
        with ctx.session() as svc:
            rows = office.helper_assessments(svc, args.helper)
        if not rows:
            ctx.print("该协助人员还没有考核记录。")
        for a in rows:
            _print(ctx, a)
        return 0
    if not args.period:
        raise CliError(f"请用 --period 指明考核期间:{PERIOD_HINT}。")
    with ctx.session() as svc:
        label, start, end = office.period_bounds(args.period, svc.today())
        rec = office.assess_helper(
            svc, args.helper, label, start, end, result=args.result, evaluation=args.evaluation or ""
        )
        name = next((h["name"] for h in office.helper_rows(svc) if h["fingerprint"] == rec.data["helper"]), "")
    _print(ctx, rec.data, prefix=f"已保存考核:{name} ")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("assess", help="司法所:考核协助人员(走访完成、报告及时、评价、合格与否),或列出其考核")
    p.add_argument("helper", help="协助人员身份指纹(30位数字,空格可有可无)")
    p.add_argument("--period", help="考核期间:年度 2026、季度 2026-Q1 或月份 2026-03")
    p.add_argument("--evaluation", help="司法所评价(必填)")
    p.add_argument(
        "--result", default=ASSESSMENT_RESULTS[0], help=f"考核结果:{'或'.join(ASSESSMENT_RESULTS)}(默认合格)"
    )
    p.add_argument("--list", action="store_true", help="列出该协助人员的考核记录(最近的期间在前)")
    p.set_defaults(func=cmd_assess)
