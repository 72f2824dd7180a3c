"""The search service: govsearch's search semantics over any engine's primitives (see engine/base.py).

It parses and plans the query, matches it as mask algebra, scores with BM25F, ranks in tiers (all words first,
then missing one), re-ranks each tier's head on the paragraph's own text, counts facets and builds highlighted
hits; everything else (look-ups, writing, rebuilds) passes through to the engine.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from analyzers import straddled_words

from ..engine.base import Engine, EngineView, Outcome, ReadReport, Rebuild, Task
from ..errors import QueryError
from ..ingest.regions import region_names
from ..records import FacetValue, ReportInfo, SearchRequest, SearchResult, StoredParagraph
from . import query as q
from .distinct import SameTexts
from .facets import FacetSets
from .listing import list_page
from .matching import Selection, select
from .suggest import MAX_SUGGESTIONS, Suggestion, suggested_queries
from .synonyms import DEFAULT_SYNONYMS, Synonyms, load_synonyms
from .titles import Titles
from .understanding import understand

RERANK_BUDGET = 0.5  # seconds of a search after which hits are no longer re-ranked on their text
EXAMPLES_FROM = 200  # paragraphs of the across-words tier read for its examples
MAX_COPIES = 20  # "also in" links per hit


@dataclass(frozen=True)
class AcrossWords:
    """The across-words tier: how many paragraphs, and (words run through, paragraphs) most frequent first."""

    count: int
    examples: list[tuple[str, int]]


class SearchService:
    """A SearchBackend: search, look-ups and writing over one engine, with the synonyms of an instance folder."""

    def __init__(self, engine: Engine, home: Path) -> None:
        self.engine = engine
        self.home = Path(home)
        self._facets: tuple[EngineView, FacetSets] | None = None
        self._titles: tuple[EngineView, Titles] | None = None
        self._texts: tuple[EngineView, SameTexts] | None = None
        self._synonyms: tuple[tuple[str, int], Synonyms] | None = None

    # -- search ---------------------------------------------------------------------------------------

    def synonyms(self) -> Synonyms:
        """The synonyms in force: `<home>/synonyms.txt` when present, else the shipped file; re-read when edited."""
        own = self.home / "synonyms.txt"
        path = own if own.is_file() else DEFAULT_SYNONYMS
        stamp = (str(path), path.stat().st_mtime_ns)
        if self._synonyms is None or self._synonyms[0] != stamp:
            self._synonyms = (stamp, load_synonyms(path))
        return self._synonyms[1]

    def _facet_sets(self, view: EngineView) -> FacetSets:
        """The facet sets of a view, made once per view."""
        cached = self._facets
        if cached is None or cached[0] is not view:
            cached = self._facets = (view, FacetSets.of_arrays(view.facet_arrays, view.live))
        return cached[1]

    def _prepare(self, view: EngineView) -> SameTexts:
        """What searches need of a view, made once per view: facet sets, report titles, paragraphs by text (those
        returned)."""
        self._facet_sets(view), self._report_titles(view)
        return self._same_texts(view)

    def _same_texts(self, view: EngineView) -> SameTexts:
        """The paragraphs of a view grouped by text, made once per view."""
        cached = self._texts
        if cached is None or cached[0] is not view:
            cached = self._texts = (view, SameTexts.of(view.same_text))
        return cached[1]

    def _report_titles(self, view: EngineView) -> Titles:
        """The report titles of a view, ready for matching, made once per view."""
        cached = self._titles
        if cached is None or cached[0] is not view:
            titles = Titles(view.report_titles, view.facet_arrays.get("report", {}), view.size, view.title_edges)
            cached = self._titles = (view, titles)
        return cached[1]

    def _select(self, view: EngineView, request: SearchRequest, exclude: Collection[str] = ()) -> Selection:
        return select(request, view, self._facet_sets(view), self._report_titles(view), self.synonyms(), exclude)

    def search(self, request: SearchRequest, exclude: Collection[str] = ()) -> SearchResult:
        """Run a request: ranked page of hits with highlights, total, and facet counts.

        Hits with every word come first (`total` counts them); for a query of several words, paragraphs missing
        one of them follow (`partial` counts them; each hit names what it misses). `exclude` holds passage keys
        (Hit.key) to leave out, e.g. what a saved search has already seen; it turns partial hits off.
        """
        started = time.perf_counter()
        with self.engine.reading() as view:
            # before the re-ranking budget starts: a new view's first search is no slow query
            texts = self._prepare(view)
            budget_from = time.perf_counter()
            sel = self._select(view, request, exclude)
            final = sel.facets.narrow(sel.matched, sel.chosen)
            partial = sel.facets.narrow(sel.partial, sel.chosen)
            total, partials = len(sel.members(final)), int(np.count_nonzero(partial))
            counted = sel.matched if sel.matched.any() or not sel.partial.any() else sel.partial
            listed = list_page(sel, request, final, partial, budget_from + RERANK_BUDGET, texts)
            explain = sel.plan.to_dict()
            if listed.cut_short:
                explain["cut_short"] = f"re-ranking stopped after {RERANK_BUDGET:g} s; the rest is in BM25F order"
            return SearchResult(
                request=request,
                understood=explain["understood"],
                words=explain["words"],
                total=total,
                hits=listed.hits,
                facets=sel.facets.count(counted, sel.chosen, sel.members),
                years=sel.facets.histogram(final if total else partial, sel.members(final if total else partial)),
                took_ms=(time.perf_counter() - started) * 1000,
                partial=partials,
                explain=explain,
                cut_short=listed.cut_short,
                distinct=listed.distinct,
                related=listed.related,
            )

    def across_words(self, request: SearchRequest) -> AcrossWords:
        """The tier after the hits: paragraphs that would be hits if a word could also match across two jieba
        words (调解 in 协调|解决), with the words it ran through most often; computed only when a page asks."""
        with self.engine.reading() as view:
            sel = self._select(view, replace(request, relaxed=False))
            docs = np.flatnonzero(sel.across_words())
            needles = sel.plan.needles()
            seen: Counter[str] = Counter()
            for docnum in docs[:EXAMPLES_FROM]:
                text = view.paragraph(int(docnum)).text
                seen.update({w for needle in needles for w in straddled_words(text, needle)})
            return AcrossWords(len(docs), seen.most_common(5))

    def passage_keys(self, request: SearchRequest) -> set[str]:
        """The passage keys of every hit with all the words of a request (all pages)."""
        with self.engine.reading() as view:
            sel = self._select(view, request)
            docs = np.flatnonzero(sel.facets.narrow(sel.matched, sel.chosen))
            return {view.paragraph(int(d)).key for d in docs}

    def highlight_words(self, query: str) -> list[str]:
        """The strings a query's hits are highlighted for (its words and their expansions); [] if it cannot parse."""
        try:
            tree = q.parse_query(query)
        except QueryError:
            return []
        with self.engine.reading() as view:
            return understand(tree, self._facet_sets(view), self.synonyms()).needles()

    def suggestions(self, request: SearchRequest) -> list[Suggestion]:
        """For a request without hits: the same request with one word corrected (did-you-mean), each with its
        total under the same filters; best first, those that still find nothing left out."""
        with self.engine.reading() as view:
            queries = suggested_queries(request.query, view)
        found = []
        for corrected in queries:
            total = self.search(
                replace(request, query=corrected, page=1, page_size=1, relaxed=False, related=False)
            ).total
            if total and len(found) < MAX_SUGGESTIONS:
                found.append(Suggestion(corrected, total))
        return found

    def warm(self) -> None:
        """Open the index and make what searches need of it, then set everything the process holds by now out of
        the garbage collector's sight (gc.freeze): a server's long-lived state is never traversed again, and a
        full collection no longer stops one search for tens of milliseconds. For a process that goes on
        serving (`govsearch serve`'s workers), once, before its first request."""
        if not self.exists():
            return
        with self.engine.reading() as view:
            self._prepare(view)
            facets = self._facet_sets(view)
            facets.count(facets.everything(), {})  # each facet's index made
        self.synonyms(), region_names()  # read once per process
        gc.collect()
        gc.freeze()

    def facet_values(self) -> dict[str, list[FacetValue]]:
        """Facet counts over the whole index."""
        with self.engine.reading() as view:
            facets = self._facet_sets(view)
            return facets.count(facets.everything(), {})

    # -- look-ups and writing: the engine's ------------------------------------------------------------

    def exists(self) -> bool:
        """Whether an index has been built."""
        return self.engine.exists()

    def report_paragraphs(self, report_id: str) -> list[StoredParagraph]:
        """All paragraphs of a report, in order (empty for an unknown report)."""
        return self.engine.report_paragraphs(report_id)

    def paragraph(self, paragraph_id: str) -> StoredParagraph | None:
        """One paragraph by id (`<report id>#<number>`), or None."""
        report_id, _, number = paragraph_id.rpartition("#")
        return self.engine.paragraph(report_id, int(number)) if number.isdigit() else None

    def reports(self) -> list[ReportInfo]:
        """Every indexed report, by region, year and title."""
        return sorted(self.engine.reports(), key=lambda r: (r.region, str(r.year or ""), r.title))

    def paragraph_count(self) -> int:
        """How many paragraphs are indexed."""
        return self.engine.paragraph_count()

    def digests(self, report_ids: Iterable[str], into: Rebuild | None = None) -> dict[str, str]:
        """Indexed report id → digest of what is indexed for it."""
        return self.engine.digests(report_ids, into)

    def index(
        self, tasks: Iterable[Task], read: ReadReport, workers: int, into: Rebuild | None = None
    ) -> Iterator[Outcome]:
        """Index reports (see Engine.index)."""
        return self.engine.index(tasks, read, workers, into)

    def recover(self) -> list[str]:
        """Clean up what interrupted runs left behind; say what was done."""
        return self.engine.recover()

    def remove(self, report_ids: Collection[str]) -> None:
        """Delete reports by id."""
        self.engine.remove(report_ids)

    def begin_rebuild(self) -> Rebuild:
        """Start a fresh index aside."""
        return self.engine.begin_rebuild()

    def finish_rebuild(self, rebuild: Rebuild) -> None:
        """Swap a rebuilt index in."""
        self.engine.finish_rebuild(rebuild)

    def abandon_rebuild(self, rebuild: Rebuild) -> None:
        """Throw a rebuild away."""
        self.engine.abandon_rebuild(rebuild)

    def close(self) -> None:
        """Release open files."""
        self._facets = self._titles = self._texts = None
        self.engine.close()
