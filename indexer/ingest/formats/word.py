"""Word documents (.docx) by python-docx, in the body's own order: paragraphs, headings (a Word heading style or
outline level puts the heading on its own line), tables as rows of cells. Footnotes and endnotes live in parts of
their own and are not body text. No macro runs: python-docx reads the XML only."""

from __future__ import annotations

import zipfile
from importlib.metadata import version
from pathlib import Path

from ...errors import ReportError
from .document import Extracted
from .limits import check_zip


def _lines(document) -> list[str]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
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
