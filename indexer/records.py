"""The records every front end and every engine share: a request, its hits, facets and result; a report and a
stored paragraph as an engine hands them out. Frozen, plain fields, no engine's types."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field

FACETS = {"region": "地区", "year": "年份", "topic": "主题"}
SORTS = ("relevance", "year", "added")  # added: most recently indexed reports first
REGION_SEPARATOR = "/"
SECTION_SEPARATOR = " › "
UNKNOWN_REGION = "地区不详"
UNKNOWN_YEAR = "年份不详"
# where a hit's word was found
FOUND_ZH = {"text": "正文", "heading": "章节标题", "title": "报告标题", "region": "地区"}


def region_line(region: list[str] | tuple[str, ...]) -> str:
    """A region as people read it: 广东省 › 清远市 › 清城区, or 地区不详."""
    return SECTION_SEPARATOR.join(region) or UNKNOWN_REGION


@dataclass(frozen=True)
class SearchRequest:
    """A question: query text, facet filters (values OR within a facet, AND across), sort and page."""

    query: str
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    page: int = 1
    page_size: int = 10
    sort: str = "relevance"
    relaxed: bool = True  # list paragraphs missing one of several words after those with all of them
    across_words: bool = False  # let a word match across two jieba words too (调解 in 协调|解决): off by default
    collapse: bool = True  # each text once: copies of a better-ranked hit's text fold into it (Hit.also_in)
    related: bool = False  # after the hits, list related paragraphs (tier "related") where a page has room


def passage_key(title: str, region: list[str] | tuple[str, ...], year: int | str | None, text: str) -> str:
    """A paragraph's identity across rebuilds, moves and renumbering: its report's title, region, year and its text."""
    identity = "\x1f".join((title, "/".join(region), str(year or ""), text))
    return hashlib.sha1(identity.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class ReportInfo:
    """An indexed report's metadata."""

    id: str
    title: str
    source: str  # the path of the indexed file
    org: str  # issuing body
    date: str  # signed, yyyy-mm-dd
    region: tuple[str, ...]  # province first
    year: int | None
    paragraphs: int
    digest: str = ""  # of everything indexed for it: an unchanged file is not indexed again
    added: str = ""  # when it was indexed (UTC, ISO 8601)
    reader: str = ""  # its file's format and what read it ("PDF · pdfminer.six …"; "… OCR" when recognised)

    def to_dict(self) -> dict:
        """The report as plain JSON-ready data."""
        return {k: list(v) if k == "region" else v for k, v in asdict(self).items() if k != "digest"}


@dataclass(frozen=True)
class StoredParagraph:
    """One indexed paragraph with its report, as an engine returns it."""

    report: ReportInfo
    number: int  # 1-based position in the report
    text: str
    section: tuple[str, ...]  # headings above it, outermost first
    topics: tuple[str, ...]
    # the text's word edges (analyzers.index_terms) when the engine stored them; None: the search layer finds them
    edges: tuple[int, ...] | None = field(default=None, compare=False, repr=False)

    @property
    def id(self) -> str:
        """The paragraph's id: `<report id>#<number>`."""
        return f"{self.report.id}#{self.number}"

    @property
    def key(self) -> str:
        """The paragraph's passage key (see passage_key)."""
        return passage_key(self.report.title, self.report.region, self.report.year, self.text)

    def to_dict(self) -> dict:
        """The paragraph as plain JSON-ready data (without its report)."""
        return {
            "id": self.id,
            "paragraph": self.number,
            "section": list(self.section),
            "topics": list(self.topics),
            "text": self.text,
        }


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
    found: dict[str, str] = field(default_factory=dict)  # query word → where: text, heading, title or region
    also_in: list[dict] = field(default_factory=list)  # other hits with the same (or nearly the same) text
    tier: str = "hit"  # hit (every word), partial (missing one), related (other words for the same thing)

    @property
    def key(self) -> str:
        """The paragraph's passage key (what saved searches remember as seen)."""
        return passage_key(self.title, self.region, self.year, self.text)

    def to_dict(self) -> dict:
        """The hit as plain JSON-ready data."""
        return asdict(self)


@dataclass(slots=True)
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
    cut_short: bool = False  # the search ran out of time re-ranking: part of the order is plain BM25F
    distinct: int = 0  # the `total` hits counted once per text (copies of a paragraph in other reports fold)
    related: int = 0  # related paragraphs filling the last page of hits (never counted in `total`)

    @property
    def pages(self) -> int:
        """How many pages the hits fill."""
        return max(1, -(-(self.distinct + self.partial) // self.request.page_size))

    def to_dict(self) -> dict:
        """The result as plain JSON-ready data: the shape behind every front end."""
        return {
            "query": self.request.query,
            "understood": self.understood,
            "words": self.words,
            "filters": {k: list(v) for k, v in self.request.filters.items()},
            "sort": self.request.sort,
            "total": self.total,
            "distinct": self.distinct,
            "partial": self.partial,
            "related": self.related,
            "explain": self.explain,
            "page": self.request.page,
            "page_size": self.request.page_size,
            "pages": self.pages,
            "took_ms": round(self.took_ms, 1),
            "cut_short": self.cut_short,
            "hits": [h.to_dict() for h in self.hits],
            "facets": {k: [v.to_dict() for v in values] for k, values in self.facets.items()},
            "years": [{"year": y, "count": c} for y, c in self.years],
        }
