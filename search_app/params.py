"""URL parameters ↔ search requests: the whole search state lives in the URL."""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

from werkzeug.datastructures import MultiDict

from indexer import FACETS, SORTS, QueryError, SearchRequest
from indexer.search.query import And, Text, describe, parse_query


def request_from_args(args: MultiDict, page_size: int) -> SearchRequest:
    """Build a SearchRequest from query-string arguments (q, region, year, topic, sort, page)."""
    try:
        page = int(args.get("page", "1") or 1)
    except ValueError as exc:
        raise QueryError("page must be a whole number, e.g. page=2", "页码要是整数，如 page=2") from exc
    if page < 1:
        raise QueryError("page must be 1 or more", "页码要从 1 起")
    sort = args.get("sort", "relevance") or "relevance"
    if sort not in SORTS:
        raise QueryError(f"sort must be one of: {', '.join(SORTS)}", f"排序只能是：{'、'.join(SORTS)}")
    filters = {f: tuple(v for v in args.getlist(f) if v.strip()) for f in FACETS}
    return SearchRequest(
        query=args.get("q", "").strip(),
        filters={f: v for f, v in filters.items() if v},
        page=page,
        page_size=page_size,
        sort=sort,
        across_words=args.get("across") == "1",
        related=args.get("related", "1") != "0",  # the pages and the API list related paragraphs where there is room
    )


def args_of(request: SearchRequest, **changes) -> list[tuple[str, str]]:
    """Query-string pairs for `request` with changes (q=, filters=, page=, sort=, across=, extra=[pairs]) applied."""
    query = changes.get("q", request.query)
    filters = changes.get("filters", request.filters)
    page = changes.get("page", request.page)
    sort = changes.get("sort", request.sort)
    pairs = [("q", query)]
    for facet in FACETS:
        pairs += [(facet, v) for v in filters.get(facet, ())]
    if sort != "relevance":
        pairs.append(("sort", sort))
    if page != 1:
        pairs.append(("page", str(page)))
    if changes.get("across", request.across_words):
        pairs.append(("across", "1"))
    return pairs + list(changes.get("extra", ()))


def url_of(path: str, request: SearchRequest, **changes) -> str:
    """A URL for `request` with changes applied."""
    return f"{path}?{urlencode(args_of(request, **changes))}"


def toggled(request: SearchRequest, facet: str, value: str) -> dict[str, tuple[str, ...]]:
    """The filters with `value` of `facet` switched on or off."""
    current = request.filters.get(facet, ())
    values = tuple(v for v in current if v != value) if value in current else (*current, value)
    filters = dict(request.filters)
    filters[facet] = values
    return {k: v for k, v in filters.items() if v}


def without_one_word(query: str) -> list[tuple[str, str]]:
    """For a query of several words: (word, query without it), to offer when nothing matched."""
    try:
        tree = parse_query(query)
    except QueryError:
        return []
    if not isinstance(tree, And):
        return []
    options = []
    for i, node in enumerate(tree.nodes):
        if isinstance(node, Text):
            rest = [describe(n) for j, n in enumerate(tree.nodes) if j != i]
            options.append((node.text, " ".join(rest)))
    return options


_OPERATOR = re.compile(r"^(?:OR|AND|NOT|-|－)$")
_FIELD = re.compile(r"(?<!\S)[^\s:：()\"“”]+[:：](?=\S)")


def _closed(query: str) -> str:
    opened = query.count("(") - query.count(")")
    query = query + ")" * opened if opened > 0 else query
    if query.count('"') % 2:
        query += '"'
    return query + "”" if query.count("“") > query.count("”") else query


def _plain(query: str) -> str:
    words = re.sub(r'[()"“”]', " ", query).split()
    while words and _OPERATOR.match(words[0]):
        words.pop(0)
    while words and _OPERATOR.match(words[-1]):
        words.pop()
    return " ".join(words)


def repaired(query: str) -> str:
    """For a query that cannot parse: the nearest one that does (brackets and quotes closed, else removed, with
    dangling operators and unknown field names dropped), or "" when none is found."""
    for fix in (_closed, _plain, lambda text: _plain(_FIELD.sub("", text))):
        candidate = fix(query).strip()
        if candidate and candidate != query.strip():
            try:
                parse_query(candidate)
            except QueryError:
                continue
            return candidate
    return ""


def local_path(target: str) -> str:
    """`target` when it is a path on this site (/…, not //host or a scheme), else "": redirects stay here."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return ""
    return target
