"""Which paragraphs a request matches: the query tree evaluated as mask algebra over an engine's exact-character
matches and facet arrays; for several words, the paragraphs with all of them and those missing one."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from analyzers import char_tokens

from ..engine.base import EngineView
from ..errors import QueryError
from ..records import SearchRequest
from . import query as q
from .facets import Docs, FacetSets, resolve_filters
from .synonyms import Synonyms
from .understanding import Understanding, understand


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

    def missing(self, docnum: int) -> list[str]:
        """The query words a partial hit does not have."""
        return [q.describe(node) for node, docs in zip(self.plan.soft, self.soft_sets, strict=True) if not docs[docnum]]


def match(node: q.Node, view: EngineView, facets: FacetSets, plan: Understanding, regions: bool = True) -> Docs:
    """The paragraphs a query node matches."""
    if isinstance(node, q.Text):
        word = plan.plans[node]
        if not char_tokens(word.text):
            raise QueryError(
                f"“{word.text}” has nothing to search for (only punctuation): use words or numbers",
                f"“{word.text}”只有标点，没有可检索的内容：请输入词或数字",
            )
        found = facets.none()
        for needle in word.needles:
            tokens = [t.text for t in char_tokens(needle)]
            if tokens:
                found[view.docs_with(tokens)] = True
        return found | facets.union("region", list(word.regions)) if regions else found
    if isinstance(node, q.Filter):
        return facets.union(node.field, facets.resolve(node.field, node.value))
    if isinstance(node, q.All):
        return facets.live.copy()
    if isinstance(node, q.Not):
        return facets.live & ~match(node.node, view, facets, plan, regions)
    parts = [match(n, view, facets, plan, regions) for n in node.nodes]
    return np.logical_and.reduce(parts) if isinstance(node, q.And) else np.logical_or.reduce(parts)


def select(
    request: SearchRequest, view: EngineView, facets: FacetSets, synonyms: Synonyms, exclude: Collection[str] = ()
) -> Selection:
    """Parse, plan and match a request: the paragraphs with all words, and those missing one."""
    # filters and no query: every paragraph, narrowed by the filters below (browsing a region or a topic)
    tree = q.All() if not request.query.strip() and any(request.filters.values()) else q.parse_query(request.query)
    plan = understand(tree, facets, synonyms, relaxed=request.relaxed and not exclude)
    soft_sets: list[Docs] = []
    if plan.relaxed:
        # per word: the paragraphs with it in their text, and those of reports in the region it names
        in_text = [match(n, view, facets, plan, regions=False) for n in plan.soft]
        soft_sets = [d | facets.union("region", plan.regions_of(n)) for n, d in zip(plan.soft, in_text, strict=True)]
        counts = np.sum(soft_sets, axis=0, dtype=np.int16)
        allowed = facets.everything()
        for node in plan.hard:
            allowed &= match(node, view, facets, plan)
        need = len(plan.soft)
        texty = np.logical_or.reduce(in_text)  # a partial hit has one of the words in its text, not just a region
        matched = (counts == need) & allowed
        partial = (counts == need - 1) & texty & allowed
    else:
        matched = match(tree, view, facets, plan) & facets.live
        partial = facets.none()
    if exclude:
        for docnum in np.flatnonzero(matched):
            if view.paragraph(int(docnum)).key in exclude:
                matched[docnum] = False
    chosen = resolve_filters(facets, request.filters)
    return Selection(plan, view, facets, matched, partial, chosen, soft_sets)
