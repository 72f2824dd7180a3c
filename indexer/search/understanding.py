"""How a query was understood: its words, their synonym expansions and region readings, and which words may be
missed by a partial match. Front ends show this (`--explain`, the line under the search box)."""

from __future__ import annotations

from dataclasses import dataclass, field

from analyzers import words

from ..errors import QueryError
from . import query as q
from .facets import FacetSets
from .synonyms import Synonyms


@dataclass(frozen=True)
class WordPlan:
    """One query word or phrase: what it matches besides itself."""

    text: str
    phrase: bool
    expansions: tuple[str, ...] = ()  # synonyms and abbreviations, ranked below the word itself
    regions: tuple[str, ...] = ()  # indexed region values the word also matches (保定 → 河北省/保定市)

    @property
    def needles(self) -> list[str]:
        """The strings whose exact occurrence in a paragraph counts as this word (for highlights)."""
        return [self.text, *self.expansions]


@dataclass
class Understanding:
    """A parsed query with its plans; `soft` children of a top-level AND may be missed by partial hits."""

    tree: q.Node
    plans: dict[q.Text, WordPlan]
    soft: list[q.Node] = field(default_factory=list)
    hard: list[q.Node] = field(default_factory=list)

    @property
    def relaxed(self) -> bool:
        """Whether paragraphs missing one of the words are listed after those that have them all."""
        return len(self.soft) >= 2

    def regions_of(self, node: q.Node) -> list[str]:
        """The region values the words under `node` also match."""
        return [r for t in q.positive_texts(node) for r in self.plans[t].regions]

    def needles(self, node: q.Node | None = None) -> list[str]:
        """Highlight strings of every positive word under `node` (the whole query by default)."""
        texts = q.positive_texts(self.tree if node is None else node)
        return [n for t in texts for n in self.plans[t].needles]

    def to_dict(self) -> dict:
        """What the front ends show: segmentation, expansions, region readings, partial matching."""
        texts = q.positive_texts(self.tree)
        return {
            "understood": q.describe(self.tree),
            "words": [w for t in texts for w in words(t.text)],
            "expansions": {p.text: list(p.expansions) for p in self.plans.values() if p.expansions},
            "regions": {p.text: list(p.regions) for p in self.plans.values() if p.regions},
            "partial": f"paragraphs missing one of {len(self.soft)} words follow those that have all"
            if self.relaxed
            else "",
        }


def understand(tree: q.Node, facets: FacetSets, synonyms: Synonyms, relaxed: bool = True) -> Understanding:
    """Plan every word of a parsed query: synonyms for bare words; regions for place names beside other words."""
    top = list(tree.nodes) if isinstance(tree, q.And) else [tree]
    soft = [n for n in top if not isinstance(n, q.Not | q.Filter)]
    hard = [n for n in top if isinstance(n, q.Not | q.Filter)]
    several = len(soft) >= 2
    plans = {}
    for text in q.all_texts(tree):
        if text.phrase:
            plans[text] = WordPlan(text.text, True)
            continue
        regions = _region_values(facets, text.text) if several and text in soft else ()
        plans[text] = WordPlan(text.text, False, synonyms.expand(text.text), regions)
    if not (relaxed and several):
        soft, hard = [], top
    return Understanding(tree, plans, soft, hard)


def _region_values(facets: FacetSets, word: str) -> tuple[str, ...]:
    """The indexed regions a place name means (河北 → 河北省), or () for a word that is no place name."""
    from ..ingest.regions import region_names

    if word not in region_names():
        return ()
    try:
        return tuple(facets.resolve("region", word))
    except QueryError:
        return ()
