"""Scanned PDFs: each page rendered by poppler's pdftoppm and read by Tesseract with its simplified-Chinese model,
when both are installed (Debian: tesseract-ocr tesseract-ocr-chi-sim poppler-utils); otherwise the file is skipped
with that install line. A progress bar per page on a terminal."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from tqdm import tqdm

from ...errors import ReportError
from .document import Extracted
from .limits import CONVERTER_SECONDS, MAX_PAGES
from .pdf import without_furniture

INSTALL = "apt-get install tesseract-ocr tesseract-ocr-chi-sim poppler-utils"
LANGUAGE = "chi_sim"


def _tesseract_version() -> str:
    out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, timeout=30, check=False)
    first = (out.stdout or out.stderr).splitlines()
    return first[0].replace("tesseract ", "") if first else "?"


def ocr_ready() -> str:
    """ "" when Tesseract with chi_sim and pdftoppm are installed, else why not (with the install line)."""
    if not (shutil.which("tesseract") and shutil.which("pdftoppm")):
        return f"a scanned PDF (no text layer) and no OCR installed: {INSTALL}"
    languages = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    if LANGUAGE not in languages.stdout.split():
        return "a scanned PDF and Tesseract lacks its simplified-Chinese model: apt-get install tesseract-ocr-chi-sim"
    return ""


def ocr_pdf(path: Path) -> Extracted:
    """The text Tesseract reads from each page of a scanned PDF (at most MAX_PAGES pages)."""
    problem = ocr_ready()
    if problem:
        raise ReportError(path, problem)
    with tempfile.TemporaryDirectory(prefix="govsearch-ocr-") as scratch:
        render = ["pdftoppm", "-r", "200", "-gray", "-png", "-l", str(MAX_PAGES), str(path), f"{scratch}/page"]
        try:
            subprocess.run(render, capture_output=True, timeout=CONVERTER_SECONDS * 5, check=True)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise ReportError(path, f"its pages could not be rendered for OCR ({exc})") from exc
        pages = []
        images = sorted(Path(scratch).glob("page*.png"))
        for image in tqdm(images, desc=f"OCR {path.name}", unit="page", disable=None, leave=False):
            read = subprocess.run(
                ["tesseract", str(image), "-", "-l", LANGUAGE, "--psm", "6"],
                capture_output=True,
                text=True,
                timeout=CONVERTER_SECONDS,
                check=False,
            )
            pages.append(read.stdout)
    lines = [_joined(line) for line in without_furniture(pages)]
    if not any(lines):
        raise ReportError(path, "a scanned PDF in which OCR found no text")
    return Extracted("\n".join(lines), "pdf", f"Tesseract {_tesseract_version()} ({LANGUAGE}) OCR", ocr=True)


def _joined(line: str) -> str:
    """Tesseract puts spaces between Chinese characters; take them out (keeping those between Latin words)."""
    import re

    return re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])", "", line)
