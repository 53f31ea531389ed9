"""Render DOCX/XLSX the way people will see them: LibreOffice headless to PDF, poppler to PNG.

One ``soffice`` call converts a whole batch (starting LibreOffice costs about a second), with
its own throw-away profile so it never meets a LibreOffice the user has open. Page facts come
from ``pdfinfo`` and ``pdftotext -bbox``; PNGs of every page go to ``tests/documents/rendered/``
(git-ignored) for anyone to look at.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

RENDERED = Path(__file__).parent / "rendered"
TOOLS = ("soffice", "pdfinfo", "pdftoppm", "pdftotext")
_WORD_RE = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
_PAGE_RE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')


def missing_tools() -> list[str]:
    return [t for t in TOOLS if shutil.which(t) is None]


@dataclass(frozen=True)
class Word:
    page: int  # from 1
    x: float
    y: float  # top, in points from the top of the page
    text: str


@dataclass(frozen=True)
class Rendered:
    pdf: Path
    pages: int
    page_size: tuple[float, float]  # points, of page 1
    words: tuple[Word, ...]
    pngs: tuple[Path, ...]

    def page_text(self, page: int) -> str:
        return "".join(w.text for w in self.words if w.page == page)

    def first(self, text: str, *, page: int | None = None) -> Word:
        for w in self.words:
            if text in w.text and (page is None or w.page == page):
                return w
        raise AssertionError(f"“{text}” not found in {self.pdf.name}")

    def all(self, text: str) -> list[Word]:
        return [w for w in self.words if text in w.text]


def to_pdf(files: list[Path], out_dir: Path, profile: Path) -> list[Path]:
    """Convert every file with one LibreOffice run; returns the PDFs in the same order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdfs = [out_dir / (f.stem + ".pdf") for f in files]
    missing = [p.name for p in pdfs if not p.exists()]
    if missing:
        raise AssertionError(f"LibreOffice produced no PDF for {missing}")
    return pdfs


def inspect(pdf: Path, png_dir: Path = RENDERED) -> Rendered:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    words: list[Word] = []
    size = (0.0, 0.0)
    for n, chunk in enumerate(bbox.split("<page ")[1:], start=1):
        m = _PAGE_RE.match("<page " + chunk)
        if m and n == 1:
            size = (float(m.group(1)), float(m.group(2)))
        for x0, y0, _x1, _y1, text in _WORD_RE.findall(chunk):
            words.append(Word(n, float(x0), float(y0), html.unescape(text)))
    png_dir.mkdir(parents=True, exist_ok=True)
    for old in png_dir.glob(f"{pdf.stem}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf), str(png_dir / pdf.stem)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pngs = tuple(sorted(png_dir.glob(f"{pdf.stem}-*.png")))
    return Rendered(pdf, pages, size, tuple(words), pngs)
