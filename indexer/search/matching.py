"""Which paragraphs a request matches: the query tree evaluated as mask algebra over an engine's exact-character
matches, the report titles and the facet arrays; for several words, the paragraphs with all of them and those
missing one.

What a hit is (the README's definition): every word of the query occurs, as typed, in the paragraph's text or the
headings above it, inside one jieba word or from a word edge to a word edge (调解 in 人民调解委员会, not in
协调|解决), never across punctuation; the report's title may supply some of the words, never all of them (at least
one positive word is in the text or the headings). A word left out of the query with `-` is looked for in the
text and the headings. Matches across two words form a tier of their own, never counted unless asked for.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np

from analyzers import char_tokens

from ..engine.base import EngineView
from ..errors import QueryError
from ..records import SearchRequest, StoredParagraph
from . import query as q
from .facets import Docs, FacetSets, resolve_filters
from .synonyms import Synonyms
from .titles import Titles
from .understanding import Understanding, understand


@dataclass
class Finder:
    """Where one string occurs: in the headings or text (the engine), in report titles (per report); each
    answer kept for the request."""

    view: EngineView
    facets: FacetSets
    titles: Titles
    across_words: bool = False
    _found: dict = field(default_factory=dict)

    def body(self, needle: str, across_words: bool | None = None) -> Docs:
        """The paragraphs whose text or headings hold `needle`."""
        loose = self.across_words if across_words is None else across_words
        key = ("body", needle, loose)
        if key not in self._found:
            mask = self.facets.none()
            tokens = [t.text for t in char_tokens(needle)]
            if tokens:
                mask[self.view.docs_with(tokens, loose)] = True
            mask.flags.writeable = False  # shared by every node that looks it up: never changed in place
            self._found[key] = mask
        return self._found[key]

    def title(self, needle: str) -> Docs:
        """The paragraphs of reports whose title holds `needle`."""
        key = ("title", needle, self.across_words)
        if key not in self._found:
            tokens = [t.text for t in char_tokens(needle)]
            mask = self.titles.docs(tokens, self.across_words) if tokens else self.facets.none()
            mask.flags.writeable = False
            self._found[key] = mask
        return self._found[key]


def match(node: q.Node, finder: Finder, plan: Understanding, regions: bool = True, titles: bool = True) -> Docs:
    """The paragraphs a query node matches (`regions`: a place name also matches its reports' region;
    `titles`: a word also matches the paragraphs of reports whose title holds it)."""
    facets = finder.facets
    if isinstance(node, q.Text):
        word = plan.plans[node]
        if not char_tokens(word.text):
            raise QueryError(
                f"“{word.text}” has nothing to search for (only punctuation): use words or numbers",
                f"“{word.text}”只有标点，没有可检索的内容：请输入词或数字",
            )
        parts = [finder.body(n) for n in word.needles] + ([finder.title(n) for n in word.needles] if titles else [])
        if regions and word.regions:
            parts.append(facets.union("region", list(word.regions)))
        found = parts[0] if parts else facets.none()  # a finder's own (read-only) set when it is the only part
        for part in parts[1:]:
            found = found | part
        return found
    if isinstance(node, q.Filter):
        if node.field == "title":
            return finder.title(node.value)
        return facets.union(node.field, facets.resolve(node.field, node.value))
    if isinstance(node, q.All):
        return facets.live.copy()
    if isinstance(node, q.Not):  # a word left out is looked for where a hit's words are: text and headings
        return facets.live & ~match(node.node, finder, plan, regions, titles=False)
    parts = [match(n, finder, plan, regions, titles) for n in node.nodes]
    return functools.reduce(np.logical_and if isinstance(node, q.And) else np.logical_or, parts)


def in_text(tree: q.Node, finder: Finder, plan: Understanding) -> Docs:
    """The paragraphs with at least one of the query's positive words in their text or headings (all of them
    when the query has none: browsing, or title: on purpose)."""
    texts = q.positive_texts(tree)
    if not texts:
        return finder.facets.live.copy()
    return functools.reduce(np.logical_or, [match(t, finder, plan, regions=False, titles=False) for t in texts])


@dataclass
class Selection:
    """A request matched: the plan, the view and facets it ran on, paragraphs with all words and missing one."""

    plan: Understanding
    view: EngineView
    facets: FacetSets
    matched: Docs
    partial: Docs
    chosen: dict[str, set[str]]  # facet → indexed values the request's filters stand for
    soft_sets: list[Docs]  # per word a partial hit may miss: the paragraphs that have it
    finder: Finder | None = None
    seen: dict = field(default_factory=dict)  # what the request's ranking has already worked out, by key
    _paragraphs: dict = field(default_factory=dict)
    _members: dict = field(default_factory=dict)

    def members(self, docs: Docs) -> np.ndarray:
        """The paragraph numbers of one of the request's sets, listed once per request (the total, the ranking,
        the facets and the year chart all need those of the hits; a set is never changed once made)."""
        found = self._members.get(id(docs))
        if found is None or found[0] is not docs:  # the set itself is kept: its id is not reused meanwhile
            found = self._members[id(docs)] = (docs, np.flatnonzero(docs))
        return found[1]

    def paragraph(self, docnum: int) -> StoredParagraph:
        """A stored paragraph, read once per request (re-ranking, folding copies and the page all need it)."""
        found = self._paragraphs.get(docnum)
        if found is None:
            found = self._paragraphs[docnum] = self.view.paragraph(docnum)
        return found

    def missing(self, docnum: int) -> list[str]:
        """The query words a partial hit does not have."""
        return [q.describe(node) for node, docs in zip(self.plan.soft, self.soft_sets, strict=True) if not docs[docnum]]

    def constraints(self) -> Docs:
        """The paragraphs the request's filters and the query's own filters and exclusions allow (related
        paragraphs keep to them)."""
        allowed = self.facets.narrow(self.facets.live.copy(), self.chosen)
        top = self.plan.tree.nodes if isinstance(self.plan.tree, q.And) else (self.plan.tree,)
        for node in top:
            if isinstance(node, q.Not | q.Filter) and self.finder is not None:
                allowed &= match(node, self.finder, self.plan)
        return allowed

    def across_words(self) -> Docs:
        """The paragraphs that would be hits if a word could also match across two jieba words (协调|解决 for
        调解), and are not: the labelled tier after the hits, never in the total."""
        if self.finder is None or self.finder.across_words or not _may_straddle(self.plan):
            return self.facets.none()
        loose = Finder(self.view, self.facets, self.finder.titles, across_words=True)
        tree = self.plan.tree
        found = match(tree, loose, self.plan) & in_text(tree, loose, self.plan) & self.facets.live
        return self.facets.narrow(found & ~self.matched, self.chosen)


def _may_straddle(plan: Understanding) -> bool:
    """Whether any positive word has two or more characters (one character never straddles a word edge)."""
    return any(len(char_tokens(n)) > 1 for t in q.positive_texts(plan.tree) for n in plan.plans[t].needles)


def _all_and_all_but_one(sets: list[Docs]) -> tuple[Docs, Docs]:
    """The paragraphs in every one of `sets`, and those in all of them but one."""
    if len(sets) == 2:
        first, second = sets
        return first & second, first ^ second
    counts = sets[0].astype(np.int16)  # how many of the sets each paragraph is in (added in place: stacking the
    for docs in sets[1:]:  # masks to sum them costs three times as much)
        counts += docs
    return counts == len(sets), counts == len(sets) - 1


def select(
    request: SearchRequest,
    view: EngineView,
    facets: FacetSets,
    titles: Titles,
    synonyms: Synonyms,
    exclude: Collection[str] = (),
) -> Selection:
    """Parse, plan and match a request: the paragraphs with all words, and those missing one."""
    # filters and no query: every paragraph, narrowed by the filters below (browsing a region or a topic)
    tree = q.All() if not request.query.strip() and any(request.filters.values()) else q.parse_query(request.query)
    plan = understand(tree, facets, synonyms, relaxed=request.relaxed and not exclude)
    finder = Finder(view, facets, titles, across_words=request.across_words)
    soft_sets: list[Docs] = []
    if plan.relaxed:
        # per word: the paragraphs with it in their text or headings, in their report's title, or in the region
        # it names; a hit has at least one of them in its text or headings
        texty = [match(n, finder, plan, regions=False, titles=False) for n in plan.soft]
        soft_sets = [match(n, finder, plan) for n in plan.soft]
        allowed = facets.everything()
        for node in plan.hard:
            allowed &= match(node, finder, plan)
        allowed &= functools.reduce(np.logical_or, texty)
        every, all_but_one = _all_and_all_but_one(soft_sets)
        matched, partial = every & allowed, all_but_one & allowed
    else:
        matched = match(tree, finder, plan) & in_text(tree, finder, plan) & facets.live
        partial = facets.none()
    if exclude:
        for docnum in np.flatnonzero(matched):
            if view.paragraph(int(docnum)).key in exclude:
                matched[docnum] = False
    chosen = resolve_filters(facets, request.filters)
    return Selection(plan, view, facets, matched, partial, chosen, soft_sets, finder)
