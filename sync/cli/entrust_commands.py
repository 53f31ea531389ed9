"""委托调查评估 before the register (issue 15 item 5): record an entrustment, list the open ones,
record the assessment's result and convert one into a register entry.

Calls the ``sync.app`` functions the office console calls; this module parses and prints.
"""

from __future__ import annotations

import argparse

from core.schemas_office import ENTRUSTMENT_RESULTS, ENTRUSTMENT_STATUSES
from core.vocabularies import CATEGORIES, GENDERS
from sync.app import office
from sync.cli.main import CliError, Context
from sync.cli.text import terminal_safe

SENT_TO_HELPER = "指定的协助人员下次同步时收到该任务,可在手机上填写调查评估。"
# option dest -> subject field, for --convert
_SENTENCE = {
    "judgment_date": "judgment_date",
    "crime": "crime",
    "court": "court",
    "sentence": "sentence",
    "category": "category",
    "term_start": "term_start",
    "term_end": "term_end",
    "household": "household",
    "committee": "committee",
    "town": "town",
    "birth": "birth",
    "phone": "phone",
}


def _list(ctx: Context) -> int:
    with ctx.session() as svc:
        rows = office.open_entrustments(svc)
    if not rows:
        ctx.print("没有未办结的委托调查评估。")
        return 0
    for r in rows:
        result = r["result"] or "尚未评估"
        helper = f",协助人员:{r['helper_name']}" if r["helper_name"] else ""
        ctx.print(
            terminal_safe(
                f"{r['id']}  {r['name']}({r['status']})  {r['court']}  委托 {r['entrusted_date']},"
                f"期限 {r['due_date']}  {result}{helper}"
            )
        )
    return 0


def cmd_entrust(args: argparse.Namespace, ctx: Context) -> int:
    if args.list:
        return _list(ctx)
    if args.convert:
        sentence = {field: getattr(args, dest) for dest, field in _SENTENCE.items() if getattr(args, dest)}
        with ctx.session() as svc:
            subject = office.convert_entrustment(svc, args.convert, sentence)
        ctx.print(f"已转为社区矫正对象:{terminal_safe(subject.data['name'])}(编号 {subject.id})。")
        ctx.print("请在名册中为其分配协助人员。")
        return 0
    if args.assign:
        with ctx.session() as svc:
            rec = office.assign_entrustment_helper(svc, args.assign, args.helper or "")
            who = office.open_entrustments(svc)
        name = next((r["helper_name"] for r in who if r["id"] == rec.id), "")
        if rec.data.get("helper"):
            ctx.print(f"已指定协助人员{terminal_safe(name)}协助调查:{terminal_safe(rec.data['name'])}。")
            ctx.print(SENT_TO_HELPER)
        else:
            ctx.print(f"已取消指定协助人员:{terminal_safe(rec.data['name'])}。")
        return 0
    if args.result:
        if not args.outcome:
            raise CliError(f"请用 --outcome 写明评估意见:{'或'.join(ENTRUSTMENT_RESULTS)}。")
        with ctx.session() as svc:
            rec = office.record_assessment_result(svc, args.result, args.outcome, args.summary or "", args.date)
        ctx.print(f"已记录评估意见:{terminal_safe(rec.data['name'])},{rec.data['result']}({rec.data['result_date']})。")
        return 0
    if not args.name:
        raise CliError("请写明被调查评估人的姓名,或用 --list、--assign ID、--result ID、--convert ID。")
    data = {
        "name": args.name,
        "gender": args.gender or "",
        "birth": args.birth or "",
        "residence": args.residence or "",
        "status": args.status or "",
        "court": args.court or "",
        "entrusted_date": args.date or ctx.today().isoformat(),
        "due_date": args.due or "",
        "request": args.request or "",
        "helper": args.helper or "",
    }
    with ctx.session() as svc:
        rec = office.record_entrustment(svc, data)
    ctx.print(
        f"已登记委托调查评估:{terminal_safe(rec.data['name'])}({rec.data['status']}),"
        f"委托机关 {terminal_safe(rec.data['court'])},完成期限 {rec.data['due_date']}。编号 {rec.id}。"
    )
    ctx.print(SENT_TO_HELPER if rec.data.get("helper") else "未指定协助人员:该记录留在司法所(可用 --assign 指定)。")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("entrust", help="司法所:委托调查评估(登记、列出、评估意见、判决后转入名册)")
    p.add_argument("name", nargs="?", help="被调查评估人姓名(登记新的委托时)")
    p.add_argument("--list", action="store_true", help="列出未办结的委托调查评估")
    p.add_argument("--result", metavar="ID", help="为该委托记录评估意见(配合 --outcome、--summary)")
    p.add_argument("--outcome", choices=ENTRUSTMENT_RESULTS, help="评估意见")
    p.add_argument("--summary", help="评估情况(含协助人员协助调查的情况)")
    p.add_argument("--convert", metavar="ID", help="判决社区矫正后,将该委托转入名册")
    p.add_argument("--assign", metavar="ID", help="为该委托指定协助调查的协助人员(配合 --helper;不写 --helper 即取消)")
    p.add_argument("--gender", choices=GENDERS)
    p.add_argument("--birth", help="出生年月 YYYY-MM(选填)")
    p.add_argument("--residence", help="居住地")
    p.add_argument("--status", choices=ENTRUSTMENT_STATUSES, help="身份")
    p.add_argument("--court", help="委托机关(登记时);转入时:判决法院")
    p.add_argument("--date", help="委托日期 YYYY-MM-DD(默认今天);--result 时:评估日期")
    p.add_argument("--due", help="完成期限 YYYY-MM-DD")
    p.add_argument("--request", help="委托事项")
    p.add_argument("--helper", help="协助调查的协助人员身份指纹(选填)")
    p.add_argument("--judgment-date", dest="judgment_date", help="判决日期 YYYY-MM-DD")
    p.add_argument("--crime", help="罪名")
    p.add_argument("--sentence", help="判处")
    p.add_argument("--category", choices=CATEGORIES, help="矫正类别")
    p.add_argument("--term-start", dest="term_start", help="矫正期限起 YYYY-MM-DD")
    p.add_argument("--term-end", dest="term_end", help="矫正期限止 YYYY-MM-DD")
    p.add_argument("--household", help="户籍地")
    p.add_argument("--committee", help="村(居)民委员会")
    p.add_argument("--town", help="乡镇(街道)")
    p.add_argument("--phone", help="联系电话(选填)")
    p.set_defaults(func=cmd_entrust)
