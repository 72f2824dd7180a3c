"""Exact highlights: the spans of a paragraph that a query's words and phrases matched, HTML-escaped."""

from __future__ import annotations

import functools
import re
import threading
from array import array
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Collection
from html import escape

from analyzers import char_spans, fold, index_terms, on_word_edges, token_indices

SNIPPET_CHARS = 160


_GAP = "\x00"
# Words of Chinese characters only: each character is a token of its own, so the exact-character rule is a plain
# substring search of the folded text with its spaces taken out (the rule skips spaces; punctuation is never in
# such a word, and a find can never run across it).
_SPACE = re.compile(r"\s")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
Compact = tuple[str, array, array]  # see _compacted


_CACHE_CHARS = 8_000_000  # characters of texts kept compacted: ~14 bytes each with their positions, ~110 MB
_cache: OrderedDict[str, Compact] = OrderedDict()
_cached_chars = 0
_cache_lock = threading.Lock()


def _compact(text: str) -> Compact:
    """`_compacted(text)`, the most recently used kept while they hold under _CACHE_CHARS characters in all."""
    global _cached_chars
    with _cache_lock:
        found = _cache.get(text)
        if found is not None:
            _cache.move_to_end(text)
            return found
    found = _compacted(text)
    with _cache_lock:
        if text not in _cache:
            _cache[text] = found
            _cached_chars += len(text)
        while _cached_chars > _CACHE_CHARS and len(_cache) > 1:
            old, _ = _cache.popitem(last=False)
            _cached_chars -= len(old)
    return found


def _compacted(text: str) -> Compact:
    """The exact characters of `text` joined by NULs (no token holds one: a token is a run of word characters or
    BREAK); each token's start and end in `text` (compact arrays: a cache of them stays small)."""
    texts, token_starts, token_ends = char_spans(text)
    return _GAP + _GAP.join(texts) + _GAP, token_starts, token_ends


def hit_spans(text: str, needles: list[str], edges: Collection[int] | None = None) -> list[tuple[int, int]]:
    """The spans of `text` a hit highlights: as match_spans, without occurrences across two jieba words (调解 in
    协调|解决), which do not make a hit. `edges`: the text's word edges when stored (else jieba finds them)."""
    plain = plain_needles(tuple(needles))
    if plain is not None:  # words of Chinese characters: each found plainly, then its first token's edges read
        folded = fold(text)
        found = _occurrences(folded, plain)
        if not found:
            return []
        edges = _edges(text) if edges is None else edges
        first = token_indices(folded, [start for start, _, _ in found])
        return merge_spans([(s, e) for s, e, size in found if on_word_edges(first[s], size, edges)])
    spans = match_spans(text, needles)
    if not spans:
        return spans
    return match_spans(text, needles, _edges(text) if edges is None else frozenset(edges))


@functools.lru_cache(maxsize=1024)
def _edges(text: str) -> frozenset[int]:
    return frozenset(index_terms(text)[2])


def match_spans(text: str, needles: list[str], edges: frozenset[int] | None = None) -> list[tuple[int, int]]:
    """Character spans of `text` where a needle occurs, by the same exact-character rule as search; with the
    text's word `edges` (token positions), only occurrences inside one word or from edge to edge."""
    if edges is None:
        plain = plain_needles(tuple(needles))
        if plain is not None:  # each character a token: a plain find, spaces aside
            return plain_spans(fold(text), plain)
    compact, token_starts, token_ends = _compact(text)
    spans = []
    for needle in needles:
        wanted = _compact(needle)[0]
        if wanted == _GAP + _GAP:
            continue
        at = compact.find(wanted)
        while at >= 0:
            first = compact.count(_GAP, 0, at)  # the token after the NUL at `at`: as many NULs stand before it
            last = first + wanted.count(_GAP) - 2
            if edges is None or on_word_edges(first, last + 1 - first, edges):
                spans.append((token_starts[first], token_ends[last]))
            at = compact.find(wanted, at + 1)
    return merge_spans(spans)


@functools.lru_cache(maxsize=4096)
def plain_needles(needles: tuple[str, ...]) -> list[str] | None:
    """The needles folded, when every one is a word of Chinese characters only (else None: token by token); for
    plain_spans (callers only read it)."""
    folded = [fold(n) for n in needles]
    return folded if all(_CJK_RUN.fullmatch(n) for n in folded) else None


def plain_spans(folded: str, plain: list[str]) -> list[tuple[int, int]]:
    """match_spans without edges for needles made by plain_needles, in a text folded already."""
    return merge_spans([(start, end) for start, end, _ in _occurrences(folded, plain)])


def _occurrences(folded: str, needles: list[str]) -> list[tuple[int, int, int]]:
    """The spans of words of Chinese characters in a folded text, each with its needle's length (in characters,
    so in tokens): found with its spaces taken out (the rule skips them), mapped back to the text."""
    if not _SPACE.search(folded):
        return _found(folded, needles)
    found = _found(_SPACE.sub("", folded), needles)
    if not found:
        return found
    before = [m.start() - j for j, m in enumerate(_SPACE.finditer(folded))]  # the j-th space's squeezed place

    def back(at: int) -> int:
        return at + bisect_right(before, at)

    return [(back(start), back(end - 1) + 1, size) for start, end, size in found]


def _found(text: str, needles: list[str]) -> list[tuple[int, int, int]]:
    """Every occurrence of each needle in `text`, as spans with the needle's length."""
    spans = []
    for needle in needles:
        size = len(needle)
        at = text.find(needle)
        while at >= 0:
            spans.append((at, at + size, size))
            at = text.find(needle, at + 1)
    return spans


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in order, those that overlap or touch joined into one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """HTML-escape text[start:end] and wrap each span in <mark>."""
    end = len(text) if end is None else end
    out, cursor = [], start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        out += [escape(text[cursor:s]), "<mark>", escape(text[s:e]), "</mark>"]
        cursor = e
    out.append(escape(text[cursor:end]))
    return "".join(out)


def snippet(text: str, spans: list[tuple[int, int]], size: int = SNIPPET_CHARS) -> str:
    """A window of about `size` characters around the densest matches, highlighted, with … at cuts."""
    if len(text) <= size:
        return mark(text, spans)
    best_start, best_count = 0, -1
    for s, _ in spans:
        window_start = max(0, s - size // 4)
        count = sum(1 for a, b in spans if a >= window_start and b <= window_start + size)
        if count > best_count:
            best_start, best_count = window_start, count
    start = min(best_start, len(text) - size)
    end = start + size
    return ("…" if start > 0 else "") + mark(text, spans, start, end) + ("…" if end < len(text) else "")
