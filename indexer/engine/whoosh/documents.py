"""Report → index documents, one per paragraph, with every field already analysed.

This runs in indexing worker processes, so the writer process only writes: segmentation (the costly
part) happens once, on both cores.
"""

from __future__ import annotations

import time

from analyzers import EDGE, PreAnalysed, index_terms, same_text_key

from ...ingest.reports import Report, report_digest
from ...records import REGION_SEPARATOR

_FIELD_GAP = 2  # positions left between headings and text, so no phrase spans the two
# keys of a document that the lean writer keeps in the paragraph store only (textstore.py), not as whoosh fields:
# the word edges of the paragraph's text and of its report's title
STORE_ONLY_EDGES, STORE_ONLY_TITLE_EDGES = "_edges", "_title_edges"


def _chars(text: str) -> tuple[list[str], list[str], tuple[list[str], list[int]]]:
    """(words, characters, (an EDGE term per word edge, the edges' positions)) of a text."""
    words, chars, edges = index_terms(text)
    return words, chars, ([EDGE] * len(edges), edges)


def region_values(region: tuple[str, ...]) -> list[str]:
    """Every level of a region as an indexed value: 广东省, 广东省/清远市, 广东省/清远市/清城区."""
    return [REGION_SEPARATOR.join(region[: i + 1]) for i in range(len(region))]


def report_documents(report: Report) -> list[dict]:
    """The index documents of one report, one per paragraph, fields analysed (every text segmented once)."""
    digest = report_digest(report)
    title_words, _, title_edges = index_terms(report.title)  # its characters are matched per report (titles.py)
    headings: dict[tuple[str, ...], tuple[list[str], list[str], tuple[list[str], list[int]]]] = {}
    regions = region_values(report.region)
    added = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    docs = []
    for para in report.paragraphs:
        if para.section not in headings:
            headings[para.section] = _chars(" ".join(para.section))
        heading_words, heading_chars, heading_edges = headings[para.section]
        text_words, text_chars, text_edges = _chars(para.text)
        docs.append(
            {
                "id": f"{report.id}#{para.number}",
                "report_id": report.id,
                "number": para.number,
                "text": para.text,
                "body": PreAnalysed(text_words),
                "section": PreAnalysed(heading_words),
                "title": PreAnalysed(title_words),
                "chars": PreAnalysed.chained((heading_chars, text_chars), _FIELD_GAP, (heading_edges, text_edges)),
                "region": ",".join(regions),
                "year": str(report.year) if report.year else None,
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
                "same_text": same_text_key(para.text),
                "reader": report.reader,
                STORE_ONLY_EDGES: tuple(text_edges[1]),
                STORE_ONLY_TITLE_EDGES: tuple(title_edges),
            }
        )
    return docs
