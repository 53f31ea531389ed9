"""Composition root: ``uv run main.py`` opens the app; ``uv run main.py <command>`` runs the CLI.

The ``xietong`` console script is ``cli`` below; both share ``sync.cli``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

APP_FLAGS = {"--demo", "--port", "--web", "--home"}


def _app(argv: list[str]) -> int:
    import argparse

    from sync.cli import default_home

    parser = argparse.ArgumentParser(prog="main.py", description="协通:打开应用(无命令时)")
    parser.add_argument("--home", help="数据目录")
    parser.add_argument("--port", type=int, default=8550, help="浏览器视图端口(默认 8550)")
    parser.add_argument("--web", action="store_true", help="总是使用浏览器视图")
    parser.add_argument("--demo", action="store_true", help="在临时目录中用演示数据打开应用")
    args = parser.parse_args(argv)
    home = Path(args.home or os.environ.get("XIETONG_HOME") or default_home())
    if args.demo:
        home = _demo_home()
    from views.app import run

    run(home, port=args.port, web=True if args.web else None)
    return 0


def _demo_home() -> Path:
    """A throw-away home filled with ``xietong demo`` data; the passphrase is printed."""
    from sync.cli import run as cli_run

    home = Path(tempfile.mkdtemp(prefix="xietong-demo-"))
    passphrase = "demo-口令-2026"
    os.environ["XIETONG_PASSPHRASE"] = passphrase
    cli_run(["--home", str(home), "init", "--role", "office", "--name", "演示司法所"])
    cli_run(["--home", str(home), "demo", "--subjects", "40", "--records", "12"])
    print(f"演示数据目录:{home}  口令:{passphrase}")
    return home


def cli(argv: list[str] | None = None) -> int:
    from sync.cli import run

    return run(sys.argv[1:] if argv is None else argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    first = next((a for a in argv if not a.startswith("-")), None)
    # No command: open the app. Flags that only the app knows also mean "open the app".
    if first is None or (argv and argv[0] in APP_FLAGS and first is None):
        return _app(argv)
    # "--home DIR cmd ..." and "--port N" are ambiguous only in shape: a known command wins.
    from sync.cli import build_parser

    commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    positionals = [a for i, a in enumerate(argv) if not a.startswith("-") and (i == 0 or argv[i - 1] not in {"--home", "--port"})]
    if positionals and positionals[0] in commands:
        return cli(argv)
    return _app(argv)


if __name__ == "__main__":
    sys.exit(main())
