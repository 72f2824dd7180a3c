"""Bytes on disk → text: BOMs first, then strict UTF-8, then charset-normalizer's detection."""

from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

from ..errors import ReportError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Encodings a Chinese report really comes in; a detector's guess outside these is not trusted.
_CHINESE_ENCODINGS = {"gb18030", "gbk", "gb2312", "big5", "utf_16", "utf_16_le", "utf_16_be", "utf_8"}


def decode_report(data: bytes, path: Path) -> str:
    """Return the text of a report file's bytes, or raise ReportError saying why it is not text. A few stray NULs
    in a text are dropped; a file more than a tenth NULs is binary."""
    text = _decode(data, path)
    if "\x00" in text:
        if text.count("\x00") * 10 > len(text) or not text.replace("\x00", "").strip():
            raise ReportError(path, "binary data (NUL bytes), not a text report")
        text = text.replace("\x00", "")
    return text


def _decode(data: bytes, path: Path) -> str:
    if not data.strip():
        raise ReportError(path, "the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ReportError(path, f"starts with a {encoding} mark but is not {encoding} text") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=sorted(_CHINESE_ENCODINGS)).best()
    if best is not None and best.encoding in _CHINESE_ENCODINGS:
        text = str(best)
        if "\x00" not in text:
            return text
    if b"\x00" in data:
        raise ReportError(path, "binary data (NUL bytes), not a text report")
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ReportError(path, "not text in UTF-8, UTF-16, GB18030/GBK or Big5") from exc


def read_text(path: Path) -> str:
    """Read and decode one report file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(path, f"cannot be read ({exc.strerror})") from exc
    return decode_report(data, path)
