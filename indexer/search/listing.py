"""A page of results: the hits ranked in tiers (every word; missing one; related), each text once, as Hit
records with highlights, where their words were found and where else their text stands."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from analyzers import fold

from ..records import SECTION_SEPARATOR, Hit, SearchRequest, StoredParagraph
from . import query as q
from .distinct import Distinct, SameTexts
from .facets import Docs
from .highlight import hit_spans, mark, match_spans, merge_spans, plain_needles, plain_spans, snippet
from .matching import Selection
from .ranking import is_glossary, rerank
from .related import related
from .scoring import scores, scores_of
from .tiers import Ranking, Tier

MAX_COPIES = 20  # "also in" links per hit


@dataclass(frozen=True)
class Listed:
    """One page of hits and what the result says about the list it comes from."""

    hits: list[Hit]
    distinct: int
    related: int
    cut_short: bool


def list_page(
    sel: Selection, request: SearchRequest, final: Docs, partial: Docs, deadline: float, texts: SameTexts
) -> Listed:
    """The page of `request`: hits with every word, then missing one, then (when asked and the page has room)
    related paragraphs; copies folded into the best-ranked of them (`texts`: the view's paragraphs by text)
    unless `collapse` is off."""
    view = sel.view
    total = len(sel.members(final))
    start, end = (request.page - 1) * request.page_size, request.page * request.page_size
    ranked = _rank(sel, final, partial, request.sort, deadline) if total or partial.any() else None
    room = _room(request, sel, start, end)
    more = related(view, sel.plan, sel.constraints(), final | partial, sel.facets.stable) if room else []
    if more:
        ranked = ranked or Ranking([])
        ranked.parts.append(more)
    if ranked is None:
        return Listed([], total, 0, False)
    distinct = total
    if request.collapse:  # each text once, its copies as "also in"
        hits = final | partial if partial.any() else final
        once = Distinct(ranked, texts, hits, lambda d: sel.paragraph(d).text, total, sel.members)
        page = [(score, d, once.copies(d)[:MAX_COPIES]) for score, d in once.page(start, end)]
        distinct = once.count(final)
    else:
        page = [(score, d, []) for score, d in ranked.page(start, end)]
    hits = []
    for score, d, copies in page:
        tier = "hit" if final[d] else "partial" if partial[d] else "related"
        hits.append(_hit(sel.paragraph(d), score, sel, d, [_copy(sel.paragraph(c)) for c in copies], tier))
    return Listed(hits, distinct, len(more), ranked.cut_short)


def _room(request: SearchRequest, sel: Selection, start: int, end: int) -> bool:
    """Whether related paragraphs are asked for and this is the last page of hits, with room left: they fill it
    (never pages of their own, so the page count is the hits' whatever page is shown)."""
    counted = int(np.count_nonzero(sel.matched | sel.partial))
    last_page = start < counted < end or counted == start == 0
    return request.related and last_page and bool(q.positive_texts(sel.plan.tree))


def _rank(sel: Selection, final: Docs, partial: Docs, sort: str, deadline: float) -> Ranking:
    """Every hit, best first: all words before missing one; within each, BM25F re-ranked on the text."""
    wanted = final | partial
    if sort == "relevance" and q.positive_texts(sel.plan.tree):
        # the hits scored now, the paragraphs missing a word only if a page reaches them
        rank = functools.partial(
            Tier,
            rerank=functools.partial(_rerank, sel),
            deadline=deadline,
            stable=sel.facets.stable,
            members=sel.members,
        )
        score = functools.partial(scores_of, sel.view, sel.plan, sel.facets)
        return Ranking(
            [rank(final, score(final, sel.members(final))), rank(partial, functools.partial(score, partial))]
        )
    score = scores(sel.view, sel.plan, sel.facets, wanted)
    if sort == "added":
        docs = np.flatnonzero(wanted)
        added = {int(d): sel.paragraph(int(d)).report.added for d in docs}
        order = sorted(docs.tolist(), key=lambda d: (bool(final[d]), added[d], score[d], d), reverse=True)
        return Ranking([[(float(score[d]), d) for d in order]], score)
    if sort == "year":
        docs = np.flatnonzero(wanted)
        order = docs[np.lexsort((sel.facets.stable[docs], -score[docs], -sel.facets.years[docs], ~final[docs]))]
        return Ranking([order], score)
    # browsing: nothing to rank by, so newest year first, reports in order
    docs = np.flatnonzero(wanted)
    return Ranking([docs[np.lexsort((sel.facets.stable[docs], -sel.facets.years[docs]))]], score)


def _rerank(sel: Selection, score: float, docnum: int) -> tuple[float, bool]:
    """(BM25F adjusted on the text, whether it is a glossary line): a word found as typed counts above a synonym."""
    para = sel.paragraph(docnum)
    text = para.text
    folded = fold(text)  # once for every word
    literal, spans = 0, []
    for word in _words_of(sel):
        typed, needles = word.typed, word.needles
        spans.append(match_spans(text, needles) if word.plain is None else plain_spans(folded, word.plain))
        if typed == needles:
            in_text = bool(spans[-1])
        elif word.plain_typed is None:
            in_text = bool(match_spans(text, typed))
        else:
            in_text = bool(plain_spans(folded, word.plain_typed))
        # a report's title and headings recur on many paragraphs: each looked at once per request
        literal += in_text or _typed_around(sel, para.report.title, para.section, typed)
    return rerank(score, text, spans, literal), is_glossary(text, para.section)


@dataclass(frozen=True)
class _Word:
    """A word a hit may miss (or the whole query), as re-ranking looks for it."""

    typed: list[str]  # its positive words as typed
    needles: list[str]  # every string it is found by
    plain: list[str] | None  # the needles for plain_spans (None: matched token by token)
    plain_typed: list[str] | None  # the same of `typed`


def _words_of(sel: Selection) -> list[_Word]:
    """Per word a hit may miss (or the whole query): its positive words as typed, and every string it is found by."""
    found = sel.seen.get("words")
    if found is None:
        found = sel.seen["words"] = []
        for node in sel.plan.soft or [sel.plan.tree]:
            typed, needles = [t.text for t in q.positive_texts(node)], sel.plan.needles(node)
            found.append(_Word(typed, needles, plain_needles(tuple(needles)), plain_needles(tuple(typed))))
    return found


def _typed_around(sel: Selection, title: str, section: tuple[str, ...], typed: list[str]) -> bool:
    """Whether a word as typed stands in a paragraph's title or headings (remembered for the request)."""
    key = (title, section, tuple(typed))
    found = sel.seen.get(key)
    if found is None:
        found = sel.seen[key] = any(match_spans(part, typed) for part in (title, *section))
    return found


def _copy(para: StoredParagraph) -> dict:
    """Where else a hit's text stands: the paragraph and its report, for an "also in" link."""
    report = para.report
    return {"id": para.id, "report_id": report.id, "paragraph": para.number, "title": report.title} | {
        "year": report.year,
        "region": list(report.region),
    }


def _hit(
    para: StoredParagraph,
    score: float | None,
    sel: Selection,
    docnum: int,
    also_in: list[dict] | None = None,
    tier: str = "hit",
) -> Hit:
    """A stored paragraph as a hit: its report's metadata, highlights and (a partial hit) what it misses."""
    across = sel.finder is not None and sel.finder.across_words  # then matches across words are hits too
    edges = None if para.edges is None else frozenset(para.edges)  # made once for all the words
    in_text = {t: hit_spans(para.text, sel.plan.plans[t].needles, edges) for t in q.positive_texts(sel.plan.tree)}
    # the highlights: every word's spans in the text (on word edges unless asked otherwise)
    spans = match_spans(para.text, sel.plan.needles()) if across else merge_spans(sum(in_text.values(), []))
    missing = [] if sel.matched[docnum] or not sel.plan.relaxed else sel.missing(docnum)
    found = _found_in(para, sel, in_text)
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
        tier=tier,
    )


def _found_in(para: StoredParagraph, sel: Selection, in_text: dict[q.Text, list]) -> dict[str, str]:
    """Where each of the query's positive words was found: text (`in_text`: its spans there), heading, title or
    region (absent: missing)."""
    found = {}
    headings = " ".join(para.section)
    for text in q.positive_texts(sel.plan.tree):
        plan = sel.plan.plans[text]
        if in_text[text]:
            found[text.text] = "text"
            continue
        for zone, where in (("heading", headings), ("title", para.report.title)):
            if hit_spans(where, plan.needles):
                found[text.text] = zone
                break
        else:
            if set(plan.regions) & {"/".join(para.report.region[: i + 1]) for i in range(len(para.report.region))}:
                found[text.text] = "region"
    return found
