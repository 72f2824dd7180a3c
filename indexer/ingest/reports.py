"""Report and Paragraph records, and read_report(path): one file on disk → one report of paragraphs."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import ReportError
from .cleaning import clean_text
from .formats import read_document
from .metadata import read_metadata
from .outline import split_sections
from .overrides import Overrides
from .topics import Taxonomy


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a report: the unit that is indexed and found."""

    number: int  # 1-based position in the report
    text: str
    section: tuple[str, ...]  # headings above it, outermost first
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    """A report's metadata and paragraphs."""

    id: str  # stable: derived from the file's resolved path
    source: str  # the path of the indexed file
    title: str
    org: str
    date: str
    year: int | None
    region: tuple[str, ...]  # province first
    paragraphs: tuple[Paragraph, ...]
    reader: str = ""  # the file's format and what read it: "PDF · pdfminer.six 20260107", "… OCR"


def report_digest(report: Report) -> str:
    """A digest of everything indexed for a report: unchanged digest, nothing to re-index."""
    return hashlib.sha1(repr(report).encode()).hexdigest()  # a dataclass's repr shows every field, nested too


def report_id(path: Path) -> str:
    """A stable, readable id for the report at `path`: its file name's stem and a short path hash."""
    resolved = str(path.resolve())
    stem = re.sub(r"[^\w\u4e00-\u9fff-]+", "-", path.stem).strip("-")[:40] or "report"
    return f"{stem}-{hashlib.sha1(resolved.encode()).hexdigest()[:6]}"


def parse_report(text: str, path: Path, taxonomy: Taxonomy, overrides: Overrides | None = None) -> Report:
    """Build a Report from a report's decoded text."""
    clean = clean_text(text)
    meta, content = read_metadata(list(clean.lines), clean.chrome)
    sections = split_sections(content)
    if not sections:
        raise ReportError(path, "no paragraphs of text after removing page furniture")
    paragraphs = tuple(
        Paragraph(n, s.text, s.path, taxonomy.tag(s.text, s.path)) for n, s in enumerate(sections, start=1)
    )
    report = Report(
        id=report_id(path),
        source=str(path),
        title=meta.title,
        org=meta.org,
        date=meta.date,
        year=meta.year,
        region=meta.region,
        paragraphs=paragraphs,
    )
    if overrides:
        report = replace(report, **overrides.fields)
    return report


def read_report(path: Path, taxonomy: Taxonomy, overrides: Overrides | None = None) -> Report:
    """Read (in any supported format), clean and split one report file; raise ReportError when it cannot be
    indexed."""
    extracted = read_document(path)
    return replace(parse_report(extracted.text, path, taxonomy, overrides), reader=extracted.described)
