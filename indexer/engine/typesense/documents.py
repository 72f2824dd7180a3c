"""Report → Typesense documents, one per paragraph: the characters as one token each (exact matching by phrase
queries), and beside them, stored but not indexed, what the search layer's primitives need (the jieba words of the
ranked fields, the word edges, the facets, the report's fields).

Every character token is written as `g` + its UTF-8 bytes in hex, so Typesense's tokenizer, which drops symbols
and may normalise letters, keeps each of our tokens whole and distinct (`%`, `95.52`, kana); a punctuation mark
is the BREAK token (phrases never cross it), and GAP stands between the headings and the text.
"""

from __future__ import annotations

import time

from analyzers import index_terms, same_text_key

from ...ingest.reports import Report, report_digest
from ...records import REGION_SEPARATOR

GAP = "gap"  # not `g` + hex: no token of ours is written so
SCHEMA_FIELDS = [
    {"name": "chars", "type": "string"},
    {"name": "num", "type": "int32", "facet": True},  # our paragraph number: matches come back as its facet values
    {"name": "report_id", "type": "string"},
]


def token_of(text: str) -> str:
    """One character token as Typesense indexes it."""
    return "g" + text.encode("utf-8").hex()


def chars_field(heading_chars: list[str], text_chars: list[str]) -> str:
    """The `chars` field: the headings' tokens, GAP, the text's tokens."""
    tokens = [token_of(c) for c in heading_chars]
    if tokens:
        tokens.append(GAP)
    tokens.extend(token_of(c) for c in text_chars)
    return " ".join(tokens)


def phrase(tokens: list[str]) -> str:
    """A quoted phrase query for a run of character tokens."""
    return '"' + " ".join(token_of(t) for t in tokens) + '"'


def report_documents(report: Report, first: int) -> list[dict]:
    """The documents of one report, numbered from `first`; every text segmented once."""
    digest = report_digest(report)
    title_words, _, title_edges = index_terms(report.title)
    regions = [REGION_SEPARATOR.join(report.region[: i + 1]) for i in range(len(report.region))]
    added = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    headings: dict[tuple[str, ...], tuple[list[str], list[str], list[int]]] = {}
    docs = []
    for offset, para in enumerate(report.paragraphs):
        if para.section not in headings:
            headings[para.section] = index_terms(" ".join(para.section))
        heading_words, heading_chars, heading_edges = headings[para.section]
        text_words, text_chars, text_edges = index_terms(para.text)
        num = first + offset
        docs.append(
            {
                "id": str(num),
                "num": num,
                "report_id": report.id,
                "chars": chars_field(heading_chars, text_chars),
                "number": para.number,
                "text": para.text,
                "section_path": list(para.section),
                "topic_list": list(para.topics),
                "body_words": text_words,
                "section_words": heading_words,
                "edges": text_edges,
                "section_edges": heading_edges,
                "same_text": str(same_text_key(para.text)),
                "report": {
                    "title": report.title,
                    "title_words": title_words,
                    "title_edges": title_edges,
                    "source": report.source,
                    "org": report.org,
                    "date": report.date,
                    "region_path": list(report.region),
                    "regions": regions,
                    "year": report.year,
                    "paragraphs": len(report.paragraphs),
                    "digest": digest,
                    "added": added,
                    "reader": report.reader,
                },
            }
        )
    return docs
