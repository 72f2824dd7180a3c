"""Report → index documents, one per paragraph, with every field already analysed.

This runs in indexing worker processes, so the writer process only writes: segmentation (the costly
part) happens once, on both cores.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict

from analyzers import PreAnalysed, Token, char_tokens, word_tokens

from .reports import Report
from .results import REGION_SEPARATOR

_FIELD_GAP = 2  # positions left between title, headings and text, so no phrase spans two of them


def region_values(region: tuple[str, ...]) -> list[str]:
    """Every level of a region as an indexed value: 广东省, 广东省/清远市, 广东省/清远市/清城区."""
    return [REGION_SEPARATOR.join(region[: i + 1]) for i in range(len(region))]


def report_digest(report: Report) -> str:
    """A digest of everything indexed for a report: unchanged digest, nothing to re-index."""
    return hashlib.sha1(repr(asdict(report)).encode()).hexdigest()


def _chain(*streams: list[Token]) -> list[Token]:
    out: list[Token] = []
    offset = 0
    for stream in streams:
        out.extend(Token(t.text, t.pos + offset, t.start, t.end) for t in stream)
        if stream:
            offset = out[-1].pos + 1 + _FIELD_GAP
    return out


def report_documents(report: Report) -> list[dict]:
    """The index documents of one report, one per paragraph, fields analysed."""
    digest = report_digest(report)
    title_words = PreAnalysed(list(word_tokens(report.title)))
    title_chars = char_tokens(report.title)
    regions = region_values(report.region)
    added = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    docs = []
    for para in report.paragraphs:
        heading = " ".join(para.section)
        docs.append(
            {
                "id": f"{report.id}#{para.number}",
                "report_id": report.id,
                "number": para.number,
                "text": para.text,
                "body": PreAnalysed(list(word_tokens(para.text))),
                "section": PreAnalysed(list(word_tokens(heading))),
                "title": title_words,
                "chars": PreAnalysed(_chain(title_chars, char_tokens(heading), char_tokens(para.text))),
                "region": ",".join(regions),
                "year": str(report.year) if report.year else "",
                "topics": ",".join(para.topics),
                "section_path": list(para.section),
                "topic_list": list(para.topics),
                "report_title": report.title,
                "source": report.source,
                "org": report.org,
                "date": report.date,
                "region_path": list(report.region),
                "paragraphs": len(report.paragraphs),
                "digest": digest,
                "added": added,
            }
        )
    return docs
