"""Plain-text reports: decoded as before (BOMs, UTF-8, GB18030/GBK, UTF-16, Big5)."""

from __future__ import annotations

from pathlib import Path

from ..decoding import read_text
from .document import Extracted


def read_text_file(path: Path) -> Extracted:
    """A .txt report's text."""
    return Extracted(read_text(path), "text", "text decoding (charset-normalizer)")
