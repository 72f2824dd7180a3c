"""Bounds that keep one hostile file from taking the machine: zip bombs, page counts, converter time."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ...errors import ReportError

MAX_UNPACKED = 256 * 2**20  # bytes a zip-based document (DOCX, OFD) may unpack to
MAX_RATIO = 200  # unpacked ÷ packed: more is a zip bomb, not a document
MAX_PAGES = 1000  # pages read from one PDF or OFD
CONVERTER_SECONDS = 120  # LibreOffice or Tesseract on one file (Tesseract: per page)


def check_zip(path: Path) -> None:
    """ReportError for a zip that is damaged, encrypted, or unpacks to far more than a document would."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReportError(path, f"a damaged zip archive ({exc})") from exc
    if any(m.flag_bits & 0x1 for m in members):
        raise ReportError(path, "an encrypted document: save it without a password and index it again")
    unpacked = sum(m.file_size for m in members)
    packed = max(sum(m.compress_size for m in members), 1)
    if unpacked > MAX_UNPACKED or unpacked / packed > MAX_RATIO:
        raise ReportError(
            path, f"unpacks to {unpacked / 2**20:.0f} MiB from {packed / 2**20:.1f} MiB: a zip bomb, not a document"
        )
