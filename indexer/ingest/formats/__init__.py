"""Reports as they are published — plain text, web pages (HTML, MHTML), Word (DOCX; DOC and WPS through LibreOffice),
PDF (text, or a scan through Tesseract) and OFD — each read into the same plain text, a line per paragraph or
heading, that the .txt path gives; cleaning, outline, metadata, topics and paragraphing stay one pipeline."""

from __future__ import annotations

from pathlib import Path

from ...errors import ReportError
from .detect import KNOWN_SUFFIXES, MAX_BYTES, detect
from .document import Extracted

__all__ = ["KNOWN_SUFFIXES", "Extracted", "detect", "read_document"]


def read_document(path: Path) -> Extracted:
    """The text of a report file in any supported format (chosen by its content, then its name), or ReportError
    saying why it cannot be read."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReportError(path, f"cannot be read ({exc.strerror})") from exc
    if size > MAX_BYTES:
        raise ReportError(path, f"larger than {MAX_BYTES // 2**20} MiB ({size / 2**20:.0f} MiB): split it")
    kind = detect(path)
    if kind == "text":
        from .text import read_text_file as reader
    elif kind in ("html", "mhtml"):
        from .web import read_web_page as reader
    elif kind == "docx":
        from .word import read_docx as reader
    elif kind == "pdf":
        from .pdf import read_pdf as reader
    elif kind == "ofd":
        from .ofd import read_ofd as reader
    elif kind in ("doc", "wps"):
        from .office import read_with_libreoffice as reader
    else:
        raise ReportError(path, f"unsupported format: {kind}")
    return reader(path)
