"""The records every front end shares: a search request, its hits, facets and result."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field

FACETS = {"region": "地区", "year": "年份", "topic": "主题"}
SORTS = ("relevance", "year", "added")  # added: most recently indexed reports first
REGION_SEPARATOR = "/"


@dataclass(frozen=True)
class SearchRequest:
    """A question: query text, facet filters (values OR within a facet, AND across), sort and page."""

    query: str
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    page: int = 1
    page_size: int = 10
    sort: str = "relevance"
    relaxed: bool = True  # list paragraphs missing one of several words after those with all of them


def passage_key(title: str, region: list[str] | tuple[str, ...], year: int | str | None, text: str) -> str:
    """A paragraph's identity across rebuilds, moves and renumbering: its report's title, region, year and its text."""
    identity = "\x1f".join((title, "/".join(region), str(year or ""), text))
    return hashlib.sha1(identity.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class Hit:
    """One matching paragraph with its report's metadata and highlights."""

    id: str
    score: float
    title: str
    source: str
    report_id: str
    paragraph: int
    section: str
    text: str
    highlight: str
    snippet: str
    region: list[str]
    year: int | None
    topics: list[str]
    org: str
    date: str
    added: str = ""  # when its report was indexed (UTC, ISO 8601)
    missing: list[str] = field(default_factory=list)  # query words a partial hit lacks (empty: has them all)

    @property
    def key(self) -> str:
        """The paragraph's passage key (what saved searches remember as seen)."""
        return passage_key(self.title, self.region, self.year, self.text)

    def to_dict(self) -> dict:
        """The hit as plain JSON-ready data."""
        return asdict(self)


@dataclass
class FacetValue:
    """A facet value with its count and selection state; region values nest (province › city › county)."""

    value: str
    label: str
    count: int
    selected: bool
    children: list[FacetValue] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The value as plain JSON-ready data."""
        return asdict(self)


@dataclass
class SearchResult:
    """Everything a page, the API or the CLI shows for a request."""

    request: SearchRequest
    understood: str
    words: list[str]
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    years: list[tuple[int, int]]  # (year, hits) for the current query and filters, oldest first
    took_ms: float
    partial: int = 0  # hits missing one of several words, listed after the `total` hits with all of them
    explain: dict = field(default_factory=dict)  # how the query was understood (words, expansions, regions)

    @property
    def pages(self) -> int:
        """How many pages the hits fill."""
        return max(1, -(-(self.total + self.partial) // self.request.page_size))

    def to_dict(self) -> dict:
        """The result as plain JSON-ready data: the shape behind every front end."""
        return {
            "query": self.request.query,
            "understood": self.understood,
            "words": self.words,
            "filters": {k: list(v) for k, v in self.request.filters.items()},
            "sort": self.request.sort,
            "total": self.total,
            "partial": self.partial,
            "explain": self.explain,
            "page": self.request.page,
            "page_size": self.request.page_size,
            "pages": self.pages,
            "took_ms": round(self.took_ms, 1),
            "hits": [h.to_dict() for h in self.hits],
            "facets": {k: [v.to_dict() for v in values] for k, values in self.facets.items()},
            "years": [{"year": y, "count": c} for y, c in self.years],
        }
