"""The seam between govsearch and a search engine: what an engine implements, and what every caller uses.

An engine (`Engine`) stores paragraphs and answers a few primitives over a consistent snapshot (`EngineView`):
the paragraphs where a run of exact characters occurs, BM25F scores of a term for a set of paragraphs, the
paragraphs of each facet value, and stored paragraphs by number. The engine-neutral search layer
(`indexer.search`) composes those into ranked, highlighted, faceted results; `SearchBackend` is what callers
(the CLI, the web app, saved searches, benchmarks) see: typed records in, typed records out.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from ..records import FacetValue, ReportInfo, SearchRequest, SearchResult, StoredParagraph

# A unit of indexing work handed to `Engine.index`, and the function (run in the engine's workers) that turns it
# into (path, report or None, reason): reason is "" for a report to write, "unchanged", or why it was skipped.
Task = object
ReadReport = Callable[[Task], tuple[str, object, str]]
Outcome = tuple[str, int, str]  # (path, paragraphs written, reason) per task


@dataclass(frozen=True)
class Rebuild:
    """A fresh index being built aside, invisible to readers until `Engine.finish_rebuild` swaps it in."""

    location: str


class EngineView(Protocol):
    """One consistent snapshot of an engine's paragraphs, numbered 0 … size − 1 (some numbers may be dead)."""

    size: int
    live: np.ndarray  # bool per paragraph number: True where the paragraph exists
    # facet (region, year, topic, and report: report id) → indexed value → sorted live paragraph numbers
    facet_arrays: Mapping[str, Mapping[str, np.ndarray]]
    report_titles: Mapping[str, str]  # report id → title, for every report with a live paragraph
    title_edges: Mapping[str, Sequence[int]]  # report id → its title's word edges, where the engine kept them
    same_text: np.ndarray  # per paragraph: the key of its normalised text (analyzers.same_text_key)

    def docs_with(self, tokens: list[str], across_words: bool = False) -> np.ndarray:
        """Sorted numbers of live paragraphs where these character tokens occur in a row in the headings above or
        in the text (never across the two, nor across punctuation), and inside one jieba word or from a word edge
        to a word edge (`across_words`: anywhere). The report title is not searched here: the search layer
        matches it per report (search/titles.py)."""

    def term_scores(
        self, field: str, word: str, boost: float, wanted: np.ndarray, into: np.ndarray | None = None
    ) -> np.ndarray:
        """boost × BM25F of one word in one field (body, section, title), per paragraph; 0 where not `wanted`.
        With `into`, the scores are added to it (and it is returned): no array of their own, and nothing written
        where not wanted (the search layer sums a request's scores in arrays it reuses)."""

    def paragraph(self, docnum: int) -> StoredParagraph:
        """The stored paragraph with this number."""

    def doc_frequency(self, field: str, word: str) -> int:
        """How many paragraphs hold a word in a field (body, section, title): related results' feedback."""

    def words(self, prefix: str) -> Iterator[str]:
        """The indexed jieba words of paragraph texts that start with `prefix`, in order (did-you-mean's vocabulary)."""


class Writing(Protocol):
    """Writing an index, in one commit per run; rebuilding it aside. Engines and backends alike offer this."""

    def digests(self, report_ids: Iterable[str], into: Rebuild | None = None) -> dict[str, str]:
        """Indexed report id → digest of what is indexed for it, for the ids given that are indexed."""

    def index(
        self, tasks: Iterable[Task], read: ReadReport, workers: int, into: Rebuild | None = None
    ) -> Iterator[Outcome]:
        """Read and write the reports of `tasks` (each replacing what was indexed under its id); yield each
        task's outcome as it finishes; commit once at the end, so a failed run changes nothing."""

    def recover(self) -> list[str]:
        """Clean up what interrupted runs left behind (a lock of a dead process, unfinished rebuilds); return a
        sentence for each thing done."""

    def remove(self, report_ids: Collection[str]) -> None:
        """Delete reports by id, in one commit."""

    def begin_rebuild(self) -> Rebuild:
        """Start a fresh, empty index aside."""

    def finish_rebuild(self, rebuild: Rebuild) -> None:
        """Make a rebuilt index the current one, atomically."""

    def abandon_rebuild(self, rebuild: Rebuild) -> None:
        """Throw a rebuild away."""

    def close(self) -> None:
        """Release open files."""


class Engine(Writing, Protocol):
    """What an engine implements: storage, writing, and the reading primitives of `EngineView`."""

    def exists(self) -> bool:
        """Whether an index has been built."""

    def reading(self) -> AbstractContextManager[EngineView]:
        """The current snapshot (refreshed after commits), held for the duration of the `with` block."""

    def report_paragraphs(self, report_id: str) -> list[StoredParagraph]:
        """All paragraphs of a report, in order (empty for an unknown report)."""

    def paragraph(self, report_id: str, number: int) -> StoredParagraph | None:
        """Paragraph `number` of a report, or None."""

    def reports(self) -> list[ReportInfo]:
        """Every indexed report."""

    def paragraph_count(self) -> int:
        """How many paragraphs are indexed."""


@runtime_checkable
class SearchBackend(Writing, Protocol):
    """What the front ends use: search, look-ups and writing (see Writing), in govsearch's records."""

    def exists(self) -> bool:
        """Whether an index has been built."""

    def search(self, request: SearchRequest, exclude: Collection[str] = ()) -> SearchResult:
        """A ranked, highlighted page of hits with total and facets; `exclude` holds passage keys to leave out."""

    def across_words(self, request: SearchRequest):
        """The tier of paragraphs that would be hits if a word could match across two jieba words: AcrossWords
        (count, examples)."""

    def passage_keys(self, request: SearchRequest) -> set[str]:
        """The passage keys of every hit of a request (all pages)."""

    def highlight_words(self, query: str) -> list[str]:
        """The strings a query's hits are highlighted for (its words and their expansions); [] if it cannot parse."""

    def suggestions(self, request: SearchRequest) -> list:
        """For a request without hits: corrected requests (did-you-mean), as Suggestion(query, total)."""

    def warm(self) -> None:
        """Open the index before the first request of a process that goes on serving."""

    def facet_values(self) -> dict[str, list[FacetValue]]:
        """Facet counts over the whole index."""

    def report_paragraphs(self, report_id: str) -> list[StoredParagraph]:
        """All paragraphs of a report, in order."""

    def paragraph(self, paragraph_id: str) -> StoredParagraph | None:
        """One paragraph by id (`<report id>#<number>`), or None."""

    def reports(self) -> list[ReportInfo]:
        """Every indexed report, by region, year and title."""

    def paragraph_count(self) -> int:
        """How many paragraphs are indexed."""
