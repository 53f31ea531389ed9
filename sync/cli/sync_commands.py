"""Commands between installations and for the office's paperwork: identity, trust, enrolment,
the register, assignment, revocation, key rotation, bundles, print-outs and reports.

Each command calls the ``sync.app`` function the matching screen calls.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import asdict
from typing import Any

from core.errors import ValidationError
from core.fingerprint import group_fingerprint, normalise_fingerprint
from core.sync_wording import IMPORT_LABELS, import_lines
from sync.app import helper_sync, office
from sync.cli.main import CliError, Context
from sync.cli.text import terminal_safe


def cmd_identity(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.session() as svc:
        me = svc.identity()
        if args.card:
            if me["role"] == "office":
                office.write_office_card(svc, args.card)
            else:
                saved = helper_sync.saved_contact(svc)
                committee = args.committee or saved["committee"]
                phone = args.phone or saved["phone"]
                if not committee or not phone:
                    raise CliError("协助人员的登记申请需要所在村(居)委会和联系电话:请加上 --committee 和 --phone。")
                helper_sync.write_enrolment_request(svc, args.card, committee=committee, phone=phone)
    ctx.print(f"身份:{me['role_label']} {terminal_safe(me['name'])}")
    ctx.print(f"指纹:{' '.join(me['fingerprint_groups'])}")
    if args.card:
        ctx.print(f"已写入:{args.card}")
    return 0


def cmd_trust(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.session() as svc:
        pinned = helper_sync.pin_office_from_file(svc, args.card, args.fingerprint)
    ctx.print(f"已信任司法所:{terminal_safe(pinned['name'])}({pinned['fingerprint']})")
    return 0


def _conditions(text: str) -> list[int]:
    try:
        values = sorted({int(x) for x in re.split(r"[,,\s]+", text.strip()) if x})
    except ValueError as exc:
        raise CliError("--qualified 应为 1,2,3,4 这样的条件编号。") from exc
    return values


def cmd_enroll(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.session() as svc:
        row = office.enrol_from_request(
            svc,
            args.request,
            args.fingerprint,
            committee=args.committee,
            conditions=_conditions(args.qualified),
            reviewer=args.reviewer or svc.identity()["name"],
            filed_date=args.filed,
        )
    ctx.print(
        f"已登记协助人员:{terminal_safe(row['name'])}({terminal_safe(row['committee'])})"
        f"指纹 {row['fingerprint_grouped']}"
    )
    return 0


def cmd_subjects_import(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.session() as svc:
        if args.dry_run:
            plan = office.roster_preview(svc, args.file)
            for line in plan.lines(limit=10_000):
                ctx.print(terminal_safe(line))
            ctx.print("(预览,未写入任何记录。去掉 --dry-run 即可导入。)")
            return 1 if plan.refuse else 0
        try:
            counts = office.import_roster(svc, args.file)
        except ValidationError as exc:
            for e in exc.errors.values():
                print(terminal_safe(e), file=sys.stderr)
            raise
    ctx.print(
        f"已导入:新增 {counts['added']} 名,更新 {counts['updated']} 名,无变化跳过 {counts['skipped']} 名社区矫正对象。"
    )
    return 0


def cmd_assign(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.session() as svc:
        rec = office.assign(svc, args.subject, args.helper)
    fp = group_fingerprint(normalise_fingerprint(args.helper))
    ctx.print(f"已将 {terminal_safe(rec.data['name'])} 分配给协助人员 {fp}。")
    return 0


def cmd_revoke(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.session() as svc:
        office.revoke(svc, args.helper, args.reason)
    ctx.print("已撤销该协助人员的设备;此后来自该设备的新数据包将被拒收。")
    return 0


def cmd_rotate(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.session() as svc:
        grouped = office.rotate_key(svc)
    ctx.print(f"已更换司法所密钥。新指纹:{grouped}")
    ctx.print(
        "请为每位协助人员导出数据包:数据包用旧密钥签名并附带更换声明。协助人员导入后,"
        "须当面听工作人员读出上面的新指纹并输入确认(xietong confirm-key),才改用新密钥。"
    )
    return 0


def cmd_confirm_key(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.session() as svc:
        done = helper_sync.confirm_office_rotation(svc, args.fingerprint)
    ctx.print(f"已核对并改用司法所新密钥:{terminal_safe(done['name'])}({done['fingerprint']})")
    return 0


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    written: list[tuple[str, str]] = []
    with ctx.session() as svc:
        role = svc.identity()["role"]
        if args.all:
            if not args.out_dir:
                raise CliError("请用 --out-dir 指定保存数据包的文件夹。")
            for row in office.export_all(svc, args.out_dir):
                if row["error"]:
                    ctx.print(f"未能导出给 {terminal_safe(row['helper'])}:{row['error']}")
                else:
                    written.append((row["file"], row["helper"]))
        elif not args.out:
            raise CliError("请用 --out 指定数据包文件。")
        elif role == "office":
            if not args.to:
                raise CliError("请用 --to 指定协助人员的指纹,或用 --all 为全部协助人员导出。")
            done = office.export_to_helper(svc, args.to, args.out)
            written.append((done["file"], done["fingerprint"]))
        else:
            done = helper_sync.export_to(svc, args.out)
            written.append((done["path"], "司法所"))
    for path, who in written:
        ctx.print(f"已导出:{terminal_safe(path)}({terminal_safe(who)})")
    return 0


def _office_import_lines(results: list[dict[str, Any]]) -> tuple[list[str], int]:
    lines, rejected = [], 0
    for r in results:
        name = terminal_safe(r["file"])
        if r["status"] == "accepted":
            c = r["counts"] if isinstance(r["counts"], dict) else {}
            line = (
                f"{name}:已导入 新增 {c.get('new', 0)} 更新 {c.get('updated', 0)} "
                f"重复 {c.get('duplicate', 0)} 冲突 {c.get('conflict', 0)}"
            )
            gap = r["gap"]
            if isinstance(gap, tuple):
                line += f"(注意:缺少第 {gap[0]}–{gap[1]} 号数据包,可能在途中丢失)"
            for warning in r.get("warnings") or []:
                line += f"【警告】{terminal_safe(str(warning))}"
        elif r["status"] == "already":
            line = f"{name}:已导入过,无变化"
        else:
            rejected += 1
            line = f"{name}:已拒绝 {r['message']}(文件已移至隔离区 {terminal_safe(r['quarantined'])})"
        lines.append(line)
    return lines, rejected


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    from sync.app.files import bundle_paths

    paths = bundle_paths(args.paths)
    lines: list[str] = []
    rejected = 0
    with ctx.session() as svc:
        if svc.identity()["role"] == "office":
            lines, rejected = _office_import_lines(office.batch_import(svc, paths))
        else:
            for path in paths:
                summary = helper_sync.import_bundle_file(svc, path)
                rejected += summary.status == "rejected"
                detail = ";".join(import_lines(asdict(summary)))
                lines.append(f"{terminal_safe(path.name)}:{IMPORT_LABELS[summary.status]} {terminal_safe(detail)}")
    for line in lines:
        ctx.print(line)
    if not paths:
        ctx.print("没有找到数据包文件(.xtb)。")
    return 1 if rejected else 0


def cmd_print(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.session() as svc:
        if args.what == "notice":
            if not args.id:
                raise CliError("请给出通知单编号,例如 “(2026)协通字第12号” 或 12。")
            out = office.save_notice_docx(svc, office.notice_id(svc, args.id, year=args.year), args.out)
        elif args.what == "registration":
            if not args.id:
                raise CliError("请给出社区矫正对象的编号(xietong list subject 可查)。")
            out = office.save_registration_docx(svc, args.id, args.out)
        else:
            out = office.write_card_docx(svc, args.out)
    ctx.print(f"已生成:{terminal_safe(out)}")
    return 0


def cmd_report(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.session() as svc:
        out = office.write_report(svc, args.kind, args.out, date_from=args.date_from, date_to=args.date_to)
    ctx.print(f"已生成:{terminal_safe(out)}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("identity", help="显示本机身份与指纹;可写出身份卡或登记申请")
    p.add_argument("--card", help="写出司法所身份卡或协助人员登记申请的文件")
    p.add_argument("--committee", help="协助人员所在村(居)委会")
    p.add_argument("--phone", help="协助人员联系电话")
    p.set_defaults(func=cmd_identity)

    p = sub.add_parser("trust", help="协助人员:信任司法所身份卡")
    p.add_argument("card")
    p.add_argument("--fingerprint", required=True)
    p.set_defaults(func=cmd_trust)

    p = sub.add_parser("enroll", help="司法所:登记协助人员")
    p.add_argument("request")
    p.add_argument("--fingerprint", required=True)
    p.add_argument("--committee", required=True)
    p.add_argument("--qualified", default="1,2,3,4")
    p.add_argument("--reviewer")
    p.add_argument("--filed", help="备案日期 YYYY-MM-DD")
    p.set_defaults(func=cmd_enroll)

    p = sub.add_parser("subjects", help="司法所:社区矫正对象名册")
    ss = p.add_subparsers(dest="subjects_command", metavar="子命令")
    q = ss.add_parser("import", help="从 CSV 或 XLSX 导入名册")
    q.add_argument("file")
    q.add_argument("--dry-run", action="store_true", help="只预览将新增、更新、跳过和不能导入的行,不写入")
    q.set_defaults(func=cmd_subjects_import)

    p = sub.add_parser("assign", help="司法所:分配协助人员")
    p.add_argument("subject")
    p.add_argument("helper")
    p.set_defaults(func=cmd_assign)

    p = sub.add_parser("revoke", help="司法所:注销丢失的设备")
    p.add_argument("helper")
    p.add_argument("--reason", default="设备丢失")
    p.set_defaults(func=cmd_revoke)

    p = sub.add_parser("rotate", help="司法所:更换本所密钥(旧设备或密钥可能泄露时)")
    p.set_defaults(func=cmd_rotate)

    p = sub.add_parser("confirm-key", help="协助人员:当面核对司法所新指纹后改用新密钥")
    p.add_argument("--fingerprint", required=True, help="司法所工作人员当面读出的新指纹")
    p.set_defaults(func=cmd_confirm_key)

    p = sub.add_parser("export", help="导出数据包")
    p.add_argument("--to")
    p.add_argument("--out")
    p.add_argument("--all", action="store_true")
    p.add_argument("--out-dir")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help="导入数据包(文件或文件夹)")
    p.add_argument("paths", nargs="+")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("print", help="司法所:打印通知单、登记表或身份卡(DOCX)")
    p.add_argument("what", choices=["notice", "registration", "card"])
    p.add_argument("id", nargs="?")
    p.add_argument("--year", type=int, help="通知单的年份(同一序号在几个年份都有时必须给出)")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_print)

    p = sub.add_parser("report", help="司法所:导出报表(XLSX)")
    p.add_argument("kind", choices=["visits", "evaluations", "subjects", "helpers"])
    p.add_argument("--from", dest="date_from")
    p.add_argument("--to", dest="date_to")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_report)
