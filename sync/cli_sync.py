"""The second part of the CLI: identity, trust, enrolment, register, assignment, bundles."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from core.errors import ValidationError
from core.fingerprint import group_fingerprint, normalise_fingerprint
from storage import Store
from sync import office, pipeline
from sync.cli import CliError, Context, load_identity
from sync.identity import make_enrolment_request, make_office_card

BUNDLE_SUFFIX = office.BUNDLE_SUFFIX


def _require_role(store: Store, role: str) -> None:
    if store.meta_get("role") != role:
        who = "司法所" if role == "office" else "协助人员"
        raise CliError(f"此命令只能在{who}的设备上使用。")


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CliError(f"无法读取文件:{path}。请检查路径。") from exc


def _write(path: Path, data: bytes) -> None:
    from storage.documents import write_atomically

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"无法创建文件夹:{path.parent}。请选择其他位置。") from exc
    write_atomically(path, data)


def cmd_identity(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.open_store()
    try:
        me = load_identity(store)
        if args.card:
            if me.role == "office":
                blob = make_office_card(me)
            else:
                committee = args.committee or store.meta_get("committee") or ""
                phone = args.phone or store.meta_get("phone") or ""
                if not committee or not phone:
                    raise CliError("协助人员的登记申请需要所在村(居)委会和联系电话:请加上 --committee 和 --phone。")
                blob = make_enrolment_request(me, committee, phone)
                store.meta_set("committee", committee)
                store.meta_set("phone", phone)
            _write(Path(args.card), blob)
    finally:
        store.close()
    ctx.print(f"身份:{'司法所' if me.role == 'office' else '协助人员'} {me.name}")
    ctx.print(f"指纹:{me.public().grouped}")
    if args.card:
        ctx.print(f"已写入:{args.card}")
    return 0


def cmd_trust(args: argparse.Namespace, ctx: Context) -> int:
    blob = _read(args.card)
    store = ctx.open_store()
    try:
        _require_role(store, "helper")
        pinned = pipeline.pin_office(store, blob, args.fingerprint)
    finally:
        store.close()
    ctx.print(f"已信任司法所:{pinned.name}({pinned.grouped})")
    return 0


def _conditions(text: str) -> list[int]:
    try:
        values = sorted({int(x) for x in re.split(r"[,,\s]+", text.strip()) if x})
    except ValueError as exc:
        raise CliError("--qualified 应为 1,2,3,4 这样的条件编号。") from exc
    return values


def cmd_enroll(args: argparse.Namespace, ctx: Context) -> int:
    blob = _read(args.request)
    store = ctx.open_store()
    try:
        _require_role(store, "office")
        me = load_identity(store)
        rec = pipeline.enroll_helper(
            store,
            me,
            blob,
            args.fingerprint,
            committee=args.committee,
            conditions=_conditions(args.qualified),
            reviewer=args.reviewer or me.name,
            review_date=ctx.today().isoformat(),
            filed_date=args.filed,
            clock=ctx.clock,
        )
    finally:
        store.close()
    ctx.print(f"已登记协助人员:{rec.data['name']}({rec.data['committee']})指纹 {group_fingerprint(rec.data['fingerprint'])}")
    return 0


def cmd_subjects_import(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.open_store()
    try:
        _require_role(store, "office")
        me = load_identity(store)
        if getattr(args, "dry_run", False):
            plan = office.preview_roster_in(store, args.file, today=ctx.today())
            for line in plan.lines(limit=10_000):
                ctx.print(line)
            ctx.print("(预览,未写入任何记录。去掉 --dry-run 即可导入。)")
            return 1 if plan.refuse else 0
        try:
            counts = office.import_roster_into(store, me, args.file, clock=ctx.clock)
        except ValidationError as exc:
            for e in exc.errors.values():
                print(e, file=sys.stderr)
            raise CliError(exc.message) from exc
    finally:
        store.close()
    ctx.print(f"已导入:新增 {counts['added']} 名,更新 {counts['updated']} 名,无变化跳过 {counts['skipped']} 名社区矫正对象。")
    return 0


def cmd_assign(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.open_store()
    try:
        _require_role(store, "office")
        me = load_identity(store)
        rec = pipeline.assign(store, me, args.subject, normalise_fingerprint(args.helper), ctx.clock)
    finally:
        store.close()
    ctx.print(f"已将 {rec.data['name']} 分配给协助人员 {group_fingerprint(normalise_fingerprint(args.helper))}。")
    return 0


def cmd_revoke(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.open_store()
    try:
        _require_role(store, "office")
        me = load_identity(store)
        pipeline.revoke_helper(store, me, normalise_fingerprint(args.helper), args.reason, ctx.clock)
    finally:
        store.close()
    ctx.print("已撤销该协助人员的设备;此后来自该设备的新数据包将被拒收。")
    return 0


def cmd_rotate(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.open_store()
    try:
        _require_role(store, "office")
        new = pipeline.rotate_office_key(store, load_identity(store), ctx.clock)
    finally:
        store.close()
    ctx.print(f"已更换司法所密钥。新指纹:{new.public().grouped}")
    ctx.print("请为每位协助人员导出数据包:数据包用旧密钥签名并附带更换声明,协助人员导入后自动改用新密钥。")
    return 0


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.open_store()
    written: list[tuple[Path, str]] = []
    try:
        me = load_identity(store)
        if args.all:
            _require_role(store, "office")
            if not args.out_dir:
                raise CliError("请用 --out-dir 指定保存数据包的文件夹。")
            for row in office.export_all_to(store, me, args.out_dir, clock=ctx.clock):
                if row["error"]:
                    ctx.print(f"未能导出给 {row['helper']}:{row['error']}")
                else:
                    written.append((Path(row["file"]), row["helper"]))
        else:
            if not args.out:
                raise CliError("请用 --out 指定数据包文件。")
            if me.role == "office":
                if not args.to:
                    raise CliError("请用 --to 指定协助人员的指纹,或用 --all 为全部协助人员导出。")
                peer = normalise_fingerprint(args.to)
            else:
                pinned = store.meta_get("sync/office") or {}
                peer = pinned.get("fingerprint") or ""
                if not peer:
                    raise CliError("尚未信任司法所:请先用 xietong trust 导入司法所身份卡。")
            sealed = pipeline.seal_bundle(store, me, peer, clock=ctx.clock)
            _write(Path(args.out), sealed.blob)
            sealed.commit()
            written.append((Path(args.out), peer))
    finally:
        store.close()
    for path, who in written:
        ctx.print(f"已导出:{path}({who})")
    return 0


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    paths = office.bundle_paths(args.paths)
    store = ctx.open_store()
    try:
        me = load_identity(store)
        results = office.import_paths(store, me, paths, ctx.home / office.QUARANTINE_DIR, clock=ctx.clock)
    finally:
        store.close()
    rejected = 0
    for r in results:
        if r["status"] == "accepted":
            c = r["counts"]
            line = (
                f"{r['file']}:已导入 新增 {c.get('new', 0)} 更新 {c.get('updated', 0)} "
                f"重复 {c.get('duplicate', 0)} 冲突 {c.get('conflict', 0)}"
            )
            if r["gap"]:
                line += f"(注意:缺少第 {r['gap'][0]}–{r['gap'][1]} 号数据包,可能在途中丢失)"
        elif r["status"] == "already":
            line = f"{r['file']}:已导入过,无变化"
        else:
            rejected += 1
            line = f"{r['file']}:已拒绝 {r['message']}(文件已移至隔离区 {r['quarantined']})"
        ctx.print(line)
    if not paths:
        ctx.print("没有找到数据包文件(.xtb)。")
    return 1 if rejected else 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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

    p = sub.add_parser("export", help="导出数据包")
    p.add_argument("--to")
    p.add_argument("--out")
    p.add_argument("--all", action="store_true")
    p.add_argument("--out-dir")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help="导入数据包(文件或文件夹)")
    p.add_argument("paths", nargs="+")
    p.set_defaults(func=cmd_import)

    register_office_documents(sub)


def cmd_print(args: argparse.Namespace, ctx: Context) -> int:
    from sync import printing

    store = ctx.open_store()
    try:
        _require_role(store, "office")
        out = Path(args.out)
        if args.what == "notice":
            if not args.id:
                raise CliError("请给出通知单编号,例如 “(2026)协通字第12号” 或 12。")
            printing.print_notice(store, args.id, out, today=ctx.today(), year=args.year)
        elif args.what == "registration":
            if not args.id:
                raise CliError("请给出社区矫正对象的编号(xietong list subject 可查)。")
            printing.print_registration(store, args.id, out, today=ctx.today())
        else:
            printing.print_card(load_identity(store), out, today=ctx.today())
    finally:
        store.close()
    ctx.print(f"已生成:{out}")
    return 0


def cmd_report(args: argparse.Namespace, ctx: Context) -> int:
    from sync import printing

    store = ctx.open_store()
    try:
        _require_role(store, "office")
        printing.report(store, args.kind, Path(args.out), date_from=args.date_from, date_to=args.date_to)
    finally:
        store.close()
    ctx.print(f"已生成:{args.out}")
    return 0


def register_office_documents(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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
