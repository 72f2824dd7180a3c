"""Which format a file is, by its first bytes (magic numbers, a zip's table of contents), then by its name."""

from __future__ import annotations

import zipfile
from pathlib import Path

MAX_BYTES = 200 * 2**20  # no report file is read past this size
KNOWN_SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".mht": "mhtml",
    ".mhtml": "mhtml",
    ".docx": "docx",
    ".doc": "doc",
    ".wps": "wps",
    ".pdf": "pdf",
    ".ofd": "ofd",
}
READABLE = ".txt, .html, .mht, .docx, .doc, .wps, .pdf, .ofd"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003 and WPS documents are OLE compound files


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "a damaged zip archive"
    if "word/document.xml" in names:
        return "docx"
    if "OFD.xml" in names:
        return "ofd"
    return "a zip archive that is neither a Word document nor OFD"


def detect(path: Path) -> str:
    """The format of a file: text, html, mhtml, docx, doc, wps, pdf or ofd; otherwise a phrase saying what it is."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    by_name = KNOWN_SUFFIXES.get(path.suffix.lower())
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(_OLE):
        return by_name if by_name in ("doc", "wps") else "doc"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"mime-version:" in lowered[:1024] and b"multipart/related" in lowered:
        return "mhtml"
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in lowered or by_name == "html":
        return "html"
    if by_name in ("docx", "pdf", "ofd", "doc", "wps"):
        return f"not a {by_name.upper()} file inside (its first bytes say otherwise)"
    if by_name is None:
        return f"{path.suffix.lower() or 'no extension'} (reports are read from {READABLE})"
    return by_name
