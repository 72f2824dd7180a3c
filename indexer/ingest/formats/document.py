"""What a reader gives: the text, and how it was got (shown on the report page)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Extracted:
    """A report file's text as lines (a paragraph or a heading each), its format and the reader that made it."""

    text: str
    format: str  # text, html, mhtml, docx, doc, wps, pdf, ofd
    reader: str  # e.g. "pdfminer.six 20260107", "Tesseract 5.3.0 (chi_sim) OCR"
    ocr: bool = False  # the text was recognised from page images

    @property
    def described(self) -> str:
        """How the text was got, for the report page: 'PDF · pdfminer.six 20260107'."""
        return f"{self.format.upper()} · {self.reader}"
