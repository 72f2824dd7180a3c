"""One whoosh searcher as an EngineView: exact-character matches, BM25F term scores, facet arrays, stored
paragraphs. Accelerated, matching runs on the numpy character index and scoring on numpy postings; plain, both
run through whoosh's own phrase queries and BM25F scorer (the reference the accelerated path must equal)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from whoosh.query import Term

from ...records import ReportInfo, StoredParagraph
from .bm25 import Scorer
from .charindex import CharIndex
from .phrases import phrase_docs
from .reading import facet_arrays, leaves_of, live_documents
from .stored import find_fields, paragraph_of, report_of
from .textstore import TextStore

BODY = "body"  # jieba words of the paragraph text


class WhooshView:
    """The primitives of engine/base.py's EngineView over one whoosh searcher. whoosh reads segment files by
    seek + read, so every call that reads them holds `io` (one lock per engine: views after a refresh share
    segment readers); the numpy work between those reads runs unlocked, so one slow query never holds the others
    up for longer than a read."""

    def __init__(self, searcher, folder: Path, accelerated: bool, io: threading.RLock) -> None:
        reader = searcher.reader()
        self.searcher = searcher
        self.io = io
        self.users = 0  # searches holding this view (see WhooshEngine.reading)
        self.retired = False  # replaced by a rebuilt index: closed when its last user is done
        self.size = reader.doc_count_all()
        self.live = live_documents(reader)
        self._chars = CharIndex.open(reader, folder) if accelerated else None
        self._scorer = Scorer(searcher, folder) if accelerated else None
        self._texts = TextStore.open(leaves_of(reader), folder) if accelerated else None
        # each report's paragraphs from the paragraph store where there is one (3,500 whoosh posting lists fewer)
        from_store = {"report": self._texts.report_docs(self.live)} if self._texts is not None else {}
        self.facet_arrays = facet_arrays(reader, self.live, skip=from_store.keys()) | from_store
        self._reports: dict[str, ReportInfo] = {}
        self._titles: dict[str, str] | None = None
        self._same_text: np.ndarray | None = None

    @property
    def same_text(self) -> np.ndarray:
        """Per paragraph number, the key of its normalised text (analyzers.same_text_key); read once per view.
        An index without the column gives every paragraph a key of its own."""
        if self._same_text is None and self._texts is not None:
            self._same_text = self._texts.same_text(self.size)
        if self._same_text is None:
            reader = self.searcher.reader()
            keys = np.arange(self.size, dtype=np.int64) - self.size  # negative: never a text's key
            with self.io:
                if "same_text" in reader.schema and reader.has_column("same_text"):
                    keys = np.fromiter(reader.column_reader("same_text"), dtype=np.int64, count=self.size)
            self._same_text = keys
        return self._same_text

    @property
    def report_titles(self) -> dict[str, str]:
        """Report id → title, for every report with a live paragraph (read once per view)."""
        if self._titles is None:
            reports = self.all_reports()
            self._titles = {report_id: reports[report_id].title for report_id in self.facet_arrays["report"]}
        return self._titles

    @property
    def title_edges(self) -> dict[str, list[int]]:
        """Report id → its title's word edges, as the paragraph store kept them (empty without one)."""
        return self._texts.title_edges() if self._texts is not None else {}

    def all_reports(self) -> dict[str, ReportInfo]:
        """Every report with a live paragraph, from its first paragraph's stored fields (read once per view, so
        paragraphs come from the paragraph store alone)."""
        missing = [docs for report_id, docs in self.facet_arrays["report"].items() if report_id not in self._reports]
        if missing:
            with self.io:
                found = [report_of(self.searcher.stored_fields(int(docs[0]))) for docs in missing]
            self._reports.update((report.id, report) for report in found)
        return self._reports

    def docs_with(self, tokens: list[str], across_words: bool = False) -> np.ndarray:
        """Sorted numbers of live paragraphs where these character tokens occur in a row, on word edges or
        inside one word (`across_words`: anywhere)."""
        if self._chars is not None:
            return self._chars.docs(tokens, across_words)  # memory-mapped arrays: no file reads
        with self.io:
            found = phrase_docs(self.searcher, tokens, across_words)
        return found[self.live[found]] if len(found) else found

    def words(self, prefix: str) -> Iterator[str]:
        """The indexed jieba words of paragraph texts that start with `prefix`, in order."""
        with self.io:
            found = list(self.searcher.reader().expand_prefix(BODY, prefix))
        return iter(t.decode("utf-8") if isinstance(t, bytes) else t for t in found)

    def doc_frequency(self, field: str, word: str) -> int:
        """How many paragraphs hold a word in a field (body, section, title)."""
        if self._scorer is not None and self._scorer.arrays is not None:
            return self._scorer.frequency(field, word)
        with self.io:
            return self.searcher.doc_frequency(field, word)

    def term_scores(
        self, field: str, word: str, boost: float, wanted: np.ndarray, into: np.ndarray | None = None
    ) -> np.ndarray:
        """boost × BM25F of one word in one field, per paragraph; 0 where not `wanted` (added to `into` if given)."""
        if self._scorer is not None:
            return self._scorer.term(field, word, boost, wanted, self.io, into)
        scores = np.zeros(self.size, dtype=np.float64) if into is None else into
        ids = set(np.flatnonzero(wanted).tolist())
        if ids:
            self.io.acquire()
            # limit=None: with a limit, whoosh's collector skips blocks and can lose top hits
            try:
                top = self.searcher.search(Term(field, word, boost=boost), limit=None, filter=ids, optimize=False)
                for i in range(top.scored_length()):
                    scores[top.docnum(i)] += top.score(i)
            finally:
                self.io.release()
        return scores

    def paragraph(self, docnum: int) -> StoredParagraph:
        """The stored paragraph with this number (accelerated: its own fields from the memory-mapped store, its
        report's read from whoosh once per report)."""
        if self._texts is not None:
            report_id, number, text, section, topics, edges = self._texts.values(docnum)  # PARAGRAPH_FIELDS
            report = self._reports.get(report_id) or self.all_reports().get(report_id)
            if report is not None:
                return StoredParagraph(report, number, text, tuple(section or ()), tuple(topics or ()), edges)
        with self.io:
            own = self.searcher.stored_fields(docnum)
        report = self._reports.get(own["report_id"])
        if report is None:
            report = self._reports[own["report_id"]] = report_of(own)
        return paragraph_of(own, report)

    def report_paragraphs(self, report_id: str) -> list[StoredParagraph]:
        """All stored paragraphs of a report, in order."""
        with self.io:
            docnums = list(self.searcher.document_numbers(report_id=report_id))
        return sorted((self.paragraph(d) for d in docnums), key=lambda p: p.number)

    def find(self, report_id: str, number: int) -> StoredParagraph | None:
        """Paragraph `number` of a report, or None."""
        with self.io:
            fields = find_fields(self.searcher, report_id, number)
        return paragraph_of(fields) if fields else None

    def reports(self) -> list[ReportInfo]:
        """Every report, from its first paragraph's stored fields."""
        with self.io:
            return [report_of(d) for d in self.searcher.all_stored_fields() if d.get("number") == 1]

    def count(self) -> int:
        """How many live paragraphs there are."""
        return self.searcher.doc_count()

    def close(self) -> None:
        """Close the searcher (and the segment files it holds open)."""
        with self.io:
            self.searcher.close()
