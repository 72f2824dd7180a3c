"""The Atom feed of a saved search: its most recently indexed hits, for any feed reader."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from html import escape

from feedgen.feed import FeedGenerator

from indexer import FACETS, Hit, SearchResult, region_line

from .saved_store import SavedSearch

FEED_SIZE = 50


def _when(stamp: str) -> datetime:
    try:
        return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return datetime(1970, 1, 1, tzinfo=UTC)


def atom_feed(
    saved: SavedSearch, result: SearchResult, feed_url: str, results_url: str, link_of: Callable[[Hit], str]
) -> bytes:
    """An Atom document: one entry per hit (title, region, year, highlighted snippet, link to the paragraph)."""
    feed = FeedGenerator()
    feed.id(feed_url)
    feed.title(f"{saved.name} · 政府报告全文检索")
    filters = "；".join(f"{FACETS[f]}：{'、'.join(v)}" for f, v in saved.filters.items())
    feed.subtitle(f"检索：{saved.query}" + (f"；{filters}" if filters else ""))
    feed.author({"name": "govsearch"})
    feed.link(href=feed_url, rel="self")
    feed.link(href=results_url, rel="alternate")
    feed.language("zh-CN")
    feed.generator("govsearch")
    newest = max((_when(h.added) for h in result.hits), default=_when(saved.updated))
    feed.updated(max(newest, _when(saved.updated)))
    for hit in result.hits:
        entry = feed.add_entry(order="append")
        entry.id(f"tag:govsearch,2026:saved/{saved.id}/{hit.key}")
        entry.title(f"{hit.title} · {region_line(hit.region)} · {hit.year or '年份不详'}")
        entry.link(href=link_of(hit), rel="alternate")
        entry.updated(_when(hit.added))
        for topic in hit.topics:
            entry.category({"term": topic})
        section = f"<p><em>{escape(hit.section)}</em></p>" if hit.section else ""  # the snippet is escaped already
        # <b>, not <mark>: feed readers' sanitisers (feedparser's among them) drop the HTML5 element
        snippet = hit.snippet.replace("<mark>", "<b>").replace("</mark>", "</b>")
        entry.content(f"{section}<p>{snippet}</p>", type="html")
    return feed.atom_str(pretty=True)
