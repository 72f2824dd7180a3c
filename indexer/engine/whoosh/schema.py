"""The whoosh schema: one document per paragraph."""

from __future__ import annotations

from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from analyzers import CharAnalyzer, WordAnalyzer


def make_schema() -> Schema:
    """Return the schema of a govsearch index."""
    return Schema(
        id=STORED,  # "<report id>#<paragraph number>"; found through report_id (a term per paragraph cost a third of
        # the segment's terms and blocks; indexes made before keep it indexed, harmlessly)
        report_id=ID(stored=True),  # stable per source file
        number=STORED,  # 1-based paragraph number in its report
        text=STORED,  # the paragraph as shown
        body=TEXT(analyzer=WordAnalyzer(), phrase=False),  # jieba words of the paragraph: ranking (no positions)
        section=TEXT(analyzer=WordAnalyzer(), phrase=False),  # words of the headings above it: ranking
        title=TEXT(analyzer=WordAnalyzer(), phrase=False),  # words of the report title: ranking
        chars=TEXT(analyzer=CharAnalyzer(), phrase=True),  # exact characters of title, headings, text: matching
        region=KEYWORD(commas=True, scorable=False),  # 广东省,广东省/清远市,广东省/清远市/清城区
        year=ID(stored=True, sortable=True),  # the year the report is about
        topics=KEYWORD(commas=True, scorable=False),  # topics of the paragraph
        section_path=STORED,  # headings above the paragraph, outermost first
        topic_list=STORED,
        report_title=STORED,
        source=STORED,  # path of the indexed file
        org=STORED,  # issuing body
        date=STORED,  # signed date, yyyy-mm-dd
        region_path=STORED,  # [province, city, county]
        paragraphs=STORED,  # paragraphs in the report
        digest=STORED,  # digest of the report as indexed, to skip unchanged files
        added=STORED,  # when the report was (re)indexed, UTC ISO 8601: "newest hits" for feeds
        reader=STORED,  # the report file's format and what read it (PDF · pdfminer.six …, OCR)
        same_text=COLUMN(NumericColumn("Q", default=0)),  # key of the normalised text: copies show once (search)
    )
