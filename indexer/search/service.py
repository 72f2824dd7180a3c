"""The search service: govsearch's search semantics over any engine's primitives (see engine/base.py).

It parses and plans the query, matches it as mask algebra, scores with BM25F, ranks in tiers (all words first,
then missing one), re-ranks each tier's head on the paragraph's own text, counts facets and builds highlighted
hits; everything else (look-ups, writing, rebuilds) passes through to the engine.
"""

from __future__ import annotations

import functools
import time
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from analyzers import straddled_words

from ..engine.base import Engine, EngineView, Outcome, ReadReport, Rebuild, Task
from ..errors import QueryError
from ..records import SECTION_SEPARATOR, FacetValue, Hit, ReportInfo, SearchRequest, SearchResult, StoredParagraph
from . import query as q
from .distinct import Distinct
from .facets import Docs, FacetSets
from .highlight import hit_spans, mark, match_spans, snippet
from .matching import Selection, select
from .ranking import is_glossary, rerank
from .scoring import scores
from .suggest import MAX_SUGGESTIONS, Suggestion, suggested_queries
from .synonyms import DEFAULT_SYNONYMS, Synonyms, load_synonyms
from .tiers import Ranking, Tier
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

    def _report_titles(self, view: EngineView) -> Titles:
        """The report titles of a view, ready for matching, made once per view."""
        cached = self._titles
        if cached is None or cached[0] is not view:
            titles = Titles(view.report_titles, view.facet_arrays.get("report", {}), view.size)
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
            sel = self._select(view, request, exclude)
            final = sel.facets.narrow(sel.matched, sel.chosen)
            partial = sel.facets.narrow(sel.partial, sel.chosen)
            total, partials = int(np.count_nonzero(final)), int(np.count_nonzero(partial))
            counted = sel.matched if sel.matched.any() or not sel.partial.any() else sel.partial
            hits, cut_short, distinct = [], False, total
            if total or partials:
                ranked = _rank(sel, final, partial, request.sort, started + RERANK_BUDGET)
                start, end = (request.page - 1) * request.page_size, request.page * request.page_size
                if request.collapse:  # each text once, its copies as "also in"
                    texts = functools.lru_cache(maxsize=None)(lambda d: view.paragraph(d).text)
                    once = Distinct(ranked, view.same_text, final | partial, texts, total)
                    page = [(score, d, once.copies(d)[:MAX_COPIES]) for score, d in once.page(start, end)]
                    distinct = once.count(final)
                else:
                    page = [(score, d, []) for score, d in ranked.page(start, end)]
                hits = [
                    _hit(view.paragraph(d), score, sel, d, [_copy(view.paragraph(c)) for c in copies])
                    for score, d, copies in page
                ]
                cut_short = ranked.cut_short
            explain = sel.plan.to_dict()
            if cut_short:
                explain["cut_short"] = f"re-ranking stopped after {RERANK_BUDGET:g} s; the rest is in BM25F order"
            return SearchResult(
                request=request,
                understood=explain["understood"],
                words=explain["words"],
                total=total,
                hits=hits,
                facets=sel.facets.count(counted, sel.chosen),
                years=sel.facets.histogram(final if total else partial),
                took_ms=(time.perf_counter() - started) * 1000,
                partial=partials,
                explain=explain,
                cut_short=cut_short,
                distinct=distinct,
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
            total = self.search(replace(request, query=corrected, page=1, page_size=1, relaxed=False)).total
            if total and len(found) < MAX_SUGGESTIONS:
                found.append(Suggestion(corrected, total))
        return found

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
        self._facets = None
        self.engine.close()


def _rank(sel: Selection, final: Docs, partial: Docs, sort: str, deadline: float) -> Ranking:
    """Every hit, best first: all words before missing one; within each, BM25F re-ranked on the text."""
    wanted = final | partial
    score = scores(sel.view, sel.plan, sel.facets, wanted)
    if sort == "added":
        docs = np.flatnonzero(wanted)
        added = {int(d): sel.view.paragraph(int(d)).report.added for d in docs}
        order = sorted(docs.tolist(), key=lambda d: (bool(final[d]), added[d], score[d], d), reverse=True)
        return Ranking([[(float(score[d]), d) for d in order]], score)
    if sort == "year":
        docs = np.flatnonzero(wanted)
        order = docs[np.lexsort((-docs, -score[docs], -sel.facets.years[docs], ~final[docs]))]
        return Ranking([order], score)
    if not q.positive_texts(sel.plan.tree):  # browsing: nothing to rank by, so newest year first, reports in order
        docs = np.flatnonzero(wanted)
        return Ranking([docs[np.lexsort((docs, -sel.facets.years[docs]))]], score)
    adjust = functools.partial(_rerank, sel)
    return Ranking([Tier(final, score, adjust, deadline), Tier(partial, score, adjust, deadline)], score)


def _rerank(sel: Selection, score: float, docnum: int) -> tuple[int, float, bool]:
    """(words found as typed, BM25F adjusted on the text): an expansion never outranks the word itself."""
    para = sel.view.paragraph(docnum)
    around = " ".join([para.report.title, *para.section, para.text])
    nodes = sel.plan.soft or [sel.plan.tree]
    literal = sum(1 for node in nodes if match_spans(around, [t.text for t in q.positive_texts(node)]))
    spans = [match_spans(para.text, sel.plan.needles(node)) for node in nodes]
    return literal, rerank(score, para.text, spans), is_glossary(para.text, para.section)


def _copy(para: StoredParagraph) -> dict:
    """Where else a hit's text stands: the paragraph and its report, for an "also in" link."""
    report = para.report
    return {"id": para.id, "report_id": report.id, "paragraph": para.number, "title": report.title} | {
        "year": report.year,
        "region": list(report.region),
    }


def _hit(
    para: StoredParagraph, score: float | None, sel: Selection, docnum: int, also_in: list[dict] | None = None
) -> Hit:
    """A stored paragraph as a hit: its report's metadata, highlights and (a partial hit) what it misses."""
    across = sel.finder is not None and sel.finder.across_words  # then matches across words are hits too
    spans = (match_spans if across else hit_spans)(para.text, sel.plan.needles())
    missing = [] if sel.matched[docnum] or not sel.plan.relaxed else sel.missing(docnum)
    found = _found_in(para, sel)
    report = para.report
    return Hit(
        id=para.id,
        score=round(float(score or 0.0), 4),
        title=report.title,
        source=report.source,
        report_id=report.id,
        paragraph=para.number,
        section=SECTION_SEPARATOR.join(para.section),
        text=para.text,
        highlight=mark(para.text, spans),
        snippet=snippet(para.text, spans),
        region=list(report.region),
        year=report.year,
        topics=list(para.topics),
        org=report.org,
        date=report.date,
        added=report.added,
        missing=missing,
        found=found,
        also_in=also_in or [],
    )


def _found_in(para: StoredParagraph, sel: Selection) -> dict[str, str]:
    """Where each of the query's positive words was found: text, heading, title or region (absent: missing)."""
    found = {}
    headings = " ".join(para.section)
    for text in q.positive_texts(sel.plan.tree):
        plan = sel.plan.plans[text]
        for zone, where in (("text", para.text), ("heading", headings), ("title", para.report.title)):
            if hit_spans(where, plan.needles):
                found[text.text] = zone
                break
        else:
            if set(plan.regions) & {"/".join(para.report.region[: i + 1]) for i in range(len(para.report.region))}:
                found[text.text] = "region"
    return found
