"""Stored paragraphs → the report record shown by the document page and the API."""

from __future__ import annotations


def report_record(paragraphs: list[dict]) -> dict:
    """A report's metadata (from its paragraphs' stored fields) and its paragraphs in order."""
    first = paragraphs[0]
    return {
        "id": first["report_id"],
        "title": first["report_title"],
        "source": first["source"],
        "org": first["org"],
        "date": first["date"],
        "region": first["region_path"],
        "year": int(first["year"]) if first.get("year") else None,
        "paragraphs": [
            {
                "id": p["id"],
                "paragraph": p["number"],
                "section": list(p.get("section_path", [])),
                "topics": list(p.get("topic_list", [])),
                "text": p["text"],
            }
            for p in paragraphs
        ],
    }
