"""Stored fields: a paragraph found by report and number, and whoosh's stored fields as govsearch's records (the
field names stay inside the engine)."""

from __future__ import annotations

from ...records import ReportInfo, StoredParagraph


def report_of(fields: dict) -> ReportInfo:
    """The report a paragraph's stored fields belong to."""
    return ReportInfo(
        id=fields["report_id"],
        title=fields["report_title"],
        source=fields["source"],
        org=fields.get("org", ""),
        date=fields.get("date", ""),
        region=tuple(fields.get("region_path", ())),
        year=int(fields["year"]) if fields.get("year") else None,
        paragraphs=int(fields.get("paragraphs", 0)),
        digest=fields.get("digest", ""),
        added=fields.get("added", ""),
        reader=fields.get("reader", ""),
    )


def paragraph_of(fields: dict, report: ReportInfo | None = None) -> StoredParagraph:
    """A stored paragraph from its stored fields (with its report, when already made)."""
    return StoredParagraph(
        report=report or report_of(fields),
        number=fields["number"],
        text=fields["text"],
        section=tuple(fields.get("section_path", ())),
        topics=tuple(fields.get("topic_list", ())),
        edges=fields.get("edges"),
    )


def find_fields(searcher, report_id: str, number: int) -> dict | None:
    """The stored fields of paragraph `number` of a report, or None. A report's paragraphs are written in order,
    all in one segment, so its n-th document is the paragraph looked for; any other is found by its number."""
    docnums = list(searcher.document_numbers(report_id=report_id))
    guess = [docnums[number - 1]] if 0 < number <= len(docnums) else []
    for docnum in (*guess, *docnums):
        fields = searcher.stored_fields(docnum)
        if fields.get("number") == number:
            return fields
    return None
