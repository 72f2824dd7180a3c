"""PDF reports: the text layer by pdfminer.six in reading order, page by page, without the page furniture (page
numbers such as 第 3 页 / - 3 - / 3/12, and lines repeated at the top or bottom of most pages); a PDF without a text
layer (a scan of the signed copy) goes to OCR. pdfminer runs no JavaScript and reads at most MAX_PAGES pages."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from importlib.metadata import version
from pathlib import Path

from ...errors import ReportError
from .document import Extracted
from .limits import MAX_PAGES

_PAGE_NUMBER = re.compile(
    r"^\s*(?:第\s*\d+\s*页(?:\s*[,，/／]?\s*共\s*\d+\s*页)?|[-—–－]\s*\d+\s*[-—–－]|\d+\s*/\s*\d+|\d{1,4})\s*$"
)
SCANNED_CHARS = 20  # a page with fewer characters of text than this has no text layer worth the name


def _pages(path: Path) -> list[str]:
    """Each page's text, a line per pdfminer text box (a paragraph, a heading, a title set over two lines)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # fonts without metrics are common and harmless here
    pages = []
    try:
        for layout in extract_pages(str(path), maxpages=MAX_PAGES, laparams=LAParams()):
            boxes = [element for element in layout if isinstance(element, LTTextContainer)]
            boxes.sort(key=lambda box: (-box.y1, box.x0))  # top to bottom, then left to right
            lines = ["".join(line.strip() for line in box.get_text().splitlines()) for box in boxes]
            pages.append("\n".join(line for line in lines if line))
    except (PDFEncryptionError, PDFPasswordIncorrect) as exc:
        raise ReportError(path, "an encrypted PDF: save it without a password and index it again") from exc
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AssertionError) as exc:
        raise ReportError(path, f"a damaged PDF ({type(exc).__name__}: {exc})") from exc
    return [unradical(page) for page in pages]


_RADICALS = re.compile(r"[\u2e80-\u2fdf]")  # Kangxi and supplementary radicals some fonts map ideographs to (⼯ for 工)


# the supplementary radicals that stand for whole simplified ideographs (NFKC leaves these alone)
_RADICAL_OF = "⺠⺟⺮⺶⻄⻅⻆⻉⻋⻓⻔⻘⻚⻛⻜⻝⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳"
_IDEOGRAPH = "民母竹羊西见角贝车长门青页风飞食马骨鬼鱼鸟卤麦黄黾齐齿龙龟"
_SUPPLEMENT = dict(zip(_RADICAL_OF, _IDEOGRAPH, strict=True))


def unradical(text: str) -> str:
    """Radicals a PDF's font tables gave for ideographs, back to the ideographs (⼯ → 工 by NFKC, ⻅ → 见)."""
    return _RADICALS.sub(lambda m: _SUPPLEMENT.get(m.group()) or unicodedata.normalize("NFKC", m.group()), text)


def without_furniture(pages: list[str]) -> list[str]:
    """Every page's lines less page numbers and the header or footer lines most pages repeat (a line counts as
    furniture only where it stands: among the first or last two lines of a page)."""
    split = [[line.strip() for line in page.splitlines() if line.strip()] for page in pages]
    edges = Counter(line for lines in split for line in {*lines[:2], *lines[-2:]})
    repeated = {line for line, n in edges.items() if len(split) >= 3 and n >= 0.6 * len(split)}
    kept = []
    for lines in split:
        for number, line in enumerate(lines):
            at_edge = number < 2 or number >= len(lines) - 2
            if not (_PAGE_NUMBER.match(line) or (at_edge and line in repeated)):
                kept.append(line)
    return kept


def read_pdf(path: Path) -> Extracted:
    """A PDF report's text: its text layer, or (a scan) what OCR reads from its page images."""
    pages = _pages(path)
    if sum(len(page.strip()) for page in pages) < SCANNED_CHARS * max(len([p for p in pages if p.strip()]), 1):
        from .ocr import ocr_pdf

        return ocr_pdf(path)
    lines = without_furniture(pages)
    if not lines:
        raise ReportError(path, "a PDF without text")
    return Extracted("\n".join(lines), "pdf", f"pdfminer.six {version('pdfminer.six')}")
