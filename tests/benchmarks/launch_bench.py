"""Launch benchmark: from starting the app to a usable lock screen in the browser, against a naive peer.

    uv run python tests/benchmarks/launch_bench.py [--runs 5]

Needs Debian's ``/usr/bin/chromium`` (as the e2e tests). Each run starts the app process on a
helper home made by this script, waits until it serves, then opens the page in a fresh browser
context (nothing cached, as on a first launch) and, once the lock screen is in Flutter's accessibility
tree, screenshots it until its title and hint are drawn exactly as they are once settled (in the
Chinese font, in the app's theme).
Chromium's own start is not counted: a person's browser is already running.

- ``serving_s``: the process starts -> the web server answers.
- ``page_s``: the page is opened -> the lock screen is usable (settled as above).
- ``launch_s``: ``serving_s + page_s``, the figure the ≤ 3 s target of issue #4 is about.
- ``warm_page_s``: ``page_s`` for a second launch in the same browser (Flutter from its cache).

The naive peer is the same app started the way Flet's documentation shows: every module imported
before ``ft.run``, the font given as ``page.fonts`` (fetched after the first page update), Flet's
own font manifest (KaTeX and Cupertino fonts) and the default animated theme change.

``uv run`` adds its own start (about 0.3 s here, half of it checking compiled bytecode); this
script starts Python directly. Timings print as measured; the last line is one JSON object.
Never fails on timing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASS = "bench passphrase"
VIEWPORT = {"width": 412, "height": 915}
TITLE_BOX = {"x": 0, "y": 0, "width": 412, "height": 140}  # 协通已锁定 and its hint, not the blinking caret

OURS = ["{python}", str(ROOT / "main.py"), "--web", "--port", "{port}", "--home", "{home}"]

NAIVE = """
import sys
from pathlib import Path
import flet as ft
from views import access, forms, office, settings, subjects  # everything before the server
from views import app as A
from sync.service import Service

svc = Service(Path(sys.argv[1]))

def main(page):
    page.title = "协通"
    page.fonts = {A.FONT_NAME: A.FONT_FILE}
    page.theme = ft.Theme(font_family=A.FONT_NAME, color_scheme_seed=ft.Colors.TEAL)
    page.theme_mode = ft.ThemeMode.LIGHT
    shell = A.Shell(page, svc)
    page.on_route_change = shell.on_route_change
    shell.render(page.route or "/")

ft.run(main, view=ft.AppView.WEB_BROWSER, port=int(sys.argv[2]), host="127.0.0.1",
       assets_dir=sys.argv[3], no_cdn=True)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_home(root: Path) -> Path:
    from storage import KdfParams
    from sync.service import Service

    home = root / "home"
    Service(home, kdf=KdfParams(n=2**4, r=8, p=1)).setup("helper", "李协助", PASS)
    return home


def naive_assets(root: Path) -> Path:
    """The app's assets without its font manifest: what a plain Flet app ships."""
    assets = root / "naive-assets"
    shutil.copytree(ROOT / "assets" / "fonts", assets / "fonts")
    return assets


def start(command: list[str], log: Path) -> tuple[subprocess.Popen[bytes], float]:
    t0 = time.monotonic()
    with log.open("ab") as out:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
    return proc, t0


def wait_serving(proc: subprocess.Popen[bytes], port: int, t0: float) -> float:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).read(10)
            return time.monotonic() - t0
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("the app exited before serving")
            time.sleep(0.02)
    raise SystemExit("the app did not serve within 60 s")


def usable_after(page: Any, url: str) -> float:
    """Seconds from opening ``url`` to the first screenshot identical to the settled lock screen.

    Screenshots cost ~0.1 s each here and would slow the start they measure, so they begin
    only once Flutter's accessibility tree holds the lock screen's title (a cheap DOM wait)."""
    t0 = time.monotonic()
    page.goto(url, wait_until="commit")
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=60_000)
    page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
    page.get_by_text("协通已锁定").wait_for(timeout=60_000)
    shots: list[tuple[float, bytes]] = []
    while time.monotonic() - t0 < 60:
        shot = page.screenshot(clip=TITLE_BOX)
        shots.append((time.monotonic() - t0, shot))
        if len(shots) >= 4 and all(s == shot for _, s in shots[-4:]) and not blank(shot):
            break
    final = shots[-1][1]
    return next(at for at, shot in shots if shot == final)


def blank(png: bytes) -> bool:
    """Nothing drawn in the box yet: a one-colour PNG compresses to a few hundred bytes, the
    title and hint in any font to several kilobytes."""
    return len(png) < 1500


def measure(kind: str, command: list[str], port: int, browser: Any, log: Path) -> dict[str, float]:
    proc, t0 = start(command, log)
    try:
        serving = wait_serving(proc, port, t0)
        ctx = browser.new_context(viewport=VIEWPORT)
        try:
            page = ctx.new_page()
            url = f"http://127.0.0.1:{port}/"
            try:
                page_s = usable_after(page, url)
            except Exception:
                print(f"{kind}: the lock screen did not come; the app said:\n" + log.read_text(errors="replace")[-3000:])
                raise
            warm = usable_after(page, url)  # same browser, Flutter now cached
        finally:
            ctx.close()
    finally:
        proc.terminate()
        proc.wait(10)
    row = {"serving_s": serving, "page_s": page_s, "launch_s": serving + page_s, "warm_page_s": warm}
    print(f"{kind:6} serving {serving:5.2f}  page {page_s:5.2f}  launch {serving + page_s:5.2f}  "
          f"(warm page {warm:4.2f})", flush=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit("needs /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp(prefix="xietong-launch-"))
    try:
        home = make_home(root)
        assets = naive_assets(root)
        script = root / "naive_app.py"
        script.write_text(NAIVE, encoding="utf-8")
        rows: dict[str, list[dict[str, float]]] = {"ours": [], "naive": []}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            for _ in range(args.runs):  # interleaved, so both see the same machine
                port = free_port()
                ours = [c.format(python=sys.executable, port=port, home=home) for c in OURS]
                rows["ours"].append(measure("ours", ours, port, browser, root / "ours.log"))
                port = free_port()
                naive = [sys.executable, str(script), str(home), str(port), str(assets)]
                rows["naive"].append(measure("naive", naive, port, browser, root / "naive.log"))
            browser.close()
        result: dict[str, Any] = {"runs": args.runs}
        for kind, runs in rows.items():
            for key in ("serving_s", "page_s", "launch_s", "warm_page_s"):
                result[f"{kind}_{key}"] = round(statistics.median(r[key] for r in runs), 2)
        print(f"median launch: ours {result['ours_launch_s']:.2f} s, naive {result['naive_launch_s']:.2f} s "
              f"(target ≤ 3 s)")
        print(json.dumps(result))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
