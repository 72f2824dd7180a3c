"""Saved searches at work: validate and save a question, count and list its new hits, import and export.

Shared by the CLI, the web pages, the feed and the API, so they all agree on what "new" means: a hit whose
passage key (report title, region, year and paragraph text) is not among the saved search's seen passages.
The hits a search has when it is saved (or its question is edited) count as seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from indexer import FACETS, Hit, QueryError, SearchBackend, SearchRequest, SearchResult

from .saved_import import parse_export
from .saved_store import SavedError, SavedSearch, SavedStore, clean_name

CHECK_LIMIT = 1000  # new hits listed per saved search and check; the rest stay new for the next one


@dataclass
class SavedStatus:
    """A saved search with its hit counts now, or the reason it cannot run."""

    saved: SavedSearch
    total: int = 0
    new: int = 0
    error: str = ""

    def to_dict(self) -> dict:
        """The saved search with its counts, as plain JSON-ready data."""
        return self.saved.to_dict() | {"total": self.total, "new": self.new, "error": self.error}


@dataclass
class ImportSummary:
    """What an import did: names added, and names skipped with the reason."""

    added: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def request_of(saved: SavedSearch, page: int = 1, page_size: int = 10, sort: str = "relevance") -> SearchRequest:
    """The search request a saved search stands for: its hits only (a paragraph missing one of the words is never a
    hit of a saved search, nor new, nor in its feed)."""
    return SearchRequest(saved.query, dict(saved.filters), page=page, page_size=page_size, sort=sort, relaxed=False)


def clean_filters(filters: dict) -> dict[str, tuple[str, ...]]:
    """Filters as facet → tuple of non-empty values; SavedError for a facet that does not exist."""
    cleaned = {}
    for facet, values in (filters or {}).items():
        if facet not in FACETS:
            raise SavedError(
                f"unknown filter “{facet}”; filter by {', '.join(FACETS)}",
                f"没有“{facet}”这种筛选；可按地区、年份、主题筛选",
            )
        if isinstance(values, str):
            values = [values]
        kept = tuple(str(v).strip() for v in values if str(v).strip())
        if kept:
            cleaned[facet] = kept
    return cleaned


def _checked(backend: SearchBackend, query: str, filters: dict) -> tuple[str, dict[str, tuple[str, ...]], set[str]]:
    """Validate a question against the index: (query, filters, passage keys of its hits now)."""
    query = (query or "").strip()
    if not query:
        raise SavedError("a saved search needs a query", "请填写检索式")
    filters = clean_filters(filters)
    try:
        keys = backend.passage_keys(SearchRequest(query, filters))
    except QueryError as exc:
        raise SavedError(f"the query cannot be saved: {exc}", f"检索式有误，无法保存：{exc.zh}") from exc
    return query, filters, keys


def save(store: SavedStore, backend: SearchBackend, name: str, query: str, filters: dict) -> SavedSearch:
    """Save a question under a name; the hits it has now count as seen."""
    name = clean_name(name)
    query, filters, keys = _checked(backend, query, filters)
    return store.add(name, query, filters, seen=keys)


def edit(
    store: SavedStore,
    backend: SearchBackend,
    ref: str | int,
    name: str | None = None,
    query: str | None = None,
    filters: dict | None = None,
) -> SavedSearch:
    """Rename a saved search and/or change its question (whose current hits then count as seen)."""
    current = store.get(ref)
    if query is None and filters is None:
        return store.update(current.id, name=name)
    query, filters, keys = _checked(
        backend, current.query if query is None else query, current.filters if filters is None else filters
    )
    return store.update(current.id, name=name, query=query, filters=filters, seen=keys)


def new_count(backend: SearchBackend, saved: SavedSearch, seen: set[str]) -> int:
    """How many hits of a saved search are not among `seen`."""
    return backend.search(request_of(saved, page_size=1), exclude=seen).total


def status(store: SavedStore, backend: SearchBackend, saved: SavedSearch) -> SavedStatus:
    """How many hits a saved search has now, and how many of them are new."""
    try:
        total = backend.search(request_of(saved, page_size=1)).total
        new = new_count(backend, saved, store.seen(saved.id))
    except QueryError as exc:
        return SavedStatus(saved, error=str(exc))
    return SavedStatus(saved, total=total, new=new)


def new_hits(
    store: SavedStore, backend: SearchBackend, saved: SavedSearch, limit: int = CHECK_LIMIT, sort: str = "relevance"
) -> SearchResult:
    """The hits of a saved search its owner has not seen, best first (up to `limit`); a new report's copy of an
    older paragraph is new too (no folding of copies)."""
    request = replace(request_of(saved, page_size=limit, sort=sort), collapse=False)
    return backend.search(request, exclude=store.seen(saved.id))


def mark_hits_seen(store: SavedStore, saved: SavedSearch, hits: list[Hit]) -> int:
    """Mark hits seen; return how many were new."""
    return store.mark_seen(saved.id, [h.key for h in hits])


def mark_all_seen(store: SavedStore, backend: SearchBackend, saved: SavedSearch) -> int:
    """Mark every current hit of a saved search seen; return how many were new."""
    return store.mark_seen(saved.id, backend.passage_keys(request_of(saved)))


def import_saved(store: SavedStore, backend: SearchBackend, data: bytes) -> ImportSummary:
    """Add the saved searches of an exported file, all or nothing: every entry is checked (fields, then its query
    against the index) before any is added. A name already present is skipped and reported, never overwritten."""
    entries = parse_export(data)
    existing = {s.name: s for s in store.all()}
    summary, ready = ImportSummary(), []
    for number, entry in enumerate(entries, start=1):
        if entry.name in existing or entry.name in {e.name for e, _ in ready}:
            known = existing.get(entry.name)
            same = known is not None and (known.query, known.filters) == (entry.query, entry.filters)
            summary.skipped.append(
                (entry.name, "already saved (same question)" if same else "a different saved search has this name")
            )
            continue
        try:
            query, filters, keys = _checked(backend, entry.query, entry.filters)
        except SavedError as exc:
            raise SavedError(
                f"entry {number} (“{entry.name}”): {exc}; nothing was imported",
                f"第 {number} 条（「{entry.name}」）：{exc.zh}；没有导入任何检索",
            ) from exc
        ready.append((entry, (query, filters, keys)))
    for entry, (query, filters, keys) in ready:
        store.add(entry.name, query, filters, seen=entry.seen if entry.seen is not None else keys)
        summary.added.append(entry.name)
    return summary
