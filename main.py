"""Composition root: ``uv run main.py`` opens the app; ``uv run main.py <command>`` runs the CLI.

The ``xietong`` console script is ``cli`` below; both share ``sync.cli.main``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _app(argv: list[str]) -> int:
    import argparse

    from sync.app.home import default_home

    parser = argparse.ArgumentParser(prog="main.py", description="协通:打开应用(无命令时)")
    parser.add_argument("--home", help="数据目录")
    parser.add_argument("--port", type=int, default=8550, help="浏览器视图端口(默认 8550)")
    parser.add_argument("--web", action="store_true", help="总是使用浏览器视图")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="在临时目录中用演示数据打开应用:司法所在 --port,一位协助人员的手机在 --port+1",
    )
    args = parser.parse_args(argv)
    home = Path(args.home or os.environ.get("XIETONG_HOME") or default_home())
    from views.app import run

    if not args.demo:
        run(home, port=args.port, web=True if args.web else None)
        return 0
    import subprocess

    from sync.app.demo import demo_homes

    demo = demo_homes()
    phone = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--web",
            "--port",
            str(args.port + 1),
            "--home",
            str(demo.helper),
        ]
    )
    print(f"演示口令(两边相同):{demo.passphrase}")
    print(f"司法所:http://127.0.0.1:{args.port}/   数据目录 {demo.office}")
    print(f"协助人员{demo.helper_name}的手机:http://127.0.0.1:{args.port + 1}/   数据目录 {demo.helper}")
    print(f"交换文件夹(登记申请、协助人员数据包):{demo.exchange}")
    try:
        run(demo.office, port=args.port, web=True if args.web else None)
    finally:
        phone.terminate()
    return 0


def cli(argv: list[str] | None = None) -> int:
    from sync.cli.main import run

    return run(sys.argv[1:] if argv is None else argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # "--home DIR" and "--port N" take a value; any other word is a command (or a mistake the
    # CLI explains). No command opens the app, without importing the CLI (a faster start).
    positionals = [
        a for i, a in enumerate(argv) if not a.startswith("-") and (i == 0 or argv[i - 1] not in {"--home", "--port"})
    ]
    if not positionals:
        return _app(argv)
    from sync.cli.main import build_parser

    commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    if positionals[0] in commands:
        return cli(argv)
    return _app(argv)


if __name__ == "__main__":
    sys.exit(main())
