"""Word documents (.docx) by python-docx, in the body's own order: paragraphs; headings (a Word heading style
or outline level makes a heading of that level even without 一、 numbering); tables as rows of cells. Footnotes
and endnotes live in parts of their own and are not body text. No macro runs: python-docx reads the XML only."""

from __future__ import annotations

import re
import zipfile
from importlib.metadata import version
from pathlib import Path

from ...errors import ReportError
from ..outline import HEADING_MARK, heading_level
from .document import Extracted
from .limits import check_zip

_HEADING_STYLE = re.compile(r"^(?:Heading|标题)\s*([1-9])$")


def _heading_level(paragraph) -> int:
    """The outline level a Word heading style or an outline level gives a paragraph (0: body text)."""
    style = paragraph.style.name if paragraph.style is not None else ""
    if found := _HEADING_STYLE.match(style or ""):
        return int(found.group(1))
    levels = paragraph._p.xpath("./w:pPr/w:outlineLvl/@w:val")
    return int(levels[0]) + 1 if levels and levels[0].isdigit() and int(levels[0]) < 9 else 0


def _lines(document) -> list[str]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            level = _heading_level(block) if text else 0
            if level and not heading_level(text):  # numbered headings (一、 (一) 1.) speak for themselves
                text = f"{HEADING_MARK}{min(level, 4)}{text}"
            if text:
                lines.append(text)
        elif isinstance(block, Table):
            for row in block.rows:
                cells = list(dict.fromkeys(cell.text.strip() for cell in row.cells))  # merged cells repeat
                if any(cells):
                    lines.append("　".join(c for c in cells if c))
    return lines


def read_docx(path: Path) -> Extracted:
    """A .docx report's paragraphs, headings and table rows, in order."""
    import docx

    check_zip(path)
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReportError(path, f"a damaged or encrypted Word document ({exc})") from exc
    lines = _lines(document)
    if not lines:
        raise ReportError(path, "a Word document without text")
    return Extracted("\n".join(lines), "docx", f"python-docx {version('python-docx')}")
