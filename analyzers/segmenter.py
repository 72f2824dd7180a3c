"""jieba, loaded once per process, and the two token streams built on it: words and characters."""

from __future__ import annotations

import logging
import re
import threading
import warnings
from array import array
from collections.abc import Collection, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

with warnings.catch_warnings():
    # jieba 0.42.1 imports pkg_resources, deprecated by setuptools; nothing we can change there.
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="pkg_resources")
    import jieba

from . import jieba_route
from .folding import fold

DOMAIN_DICTIONARY = Path(__file__).with_name("dictionary.txt")

# Latin letters and digits stay whole (FM88.7, PM2.5, 5G, 12348, 95.52); % stands alone so 95.52 finds
# 95.52%; CJK runs go to jieba; every other word character (kana, Greek …) is a token of its own.
_ALNUM = r"[a-z0-9]+(?:\.[a-z0-9]+)*"
_CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"
_RUNS = re.compile(rf"{_ALNUM}|{_CJK}|%|[^\W_]")
_CHAR_RUNS = re.compile(rf"{_CJK}|{_ALNUM}|%|[^\W_]")  # one match: a character token, or a Chinese run of them
_IS_CJK = re.compile(_CJK)
# Punctuation between two tokens leaves a token of its own among the characters, so neither a phrase nor a word
# matches across it (复议、行政 is not 复议行政); a query's own punctuation makes the same token, so 复议、行政 still
# finds itself. Spaces are no break (text extracted from pages and PDFs breaks lines and words with them).
BREAK = "\x1f"
# Word edges: a token stacked on every position where a jieba word (or a dictionary sub-word stacked in it)
# starts or ends, so matching can tell 调解 in 人民|调解 (a hit) from 调解 in 协调|解决 (across two words).
EDGE = "\x1e"
_BREAKING = re.compile(r"[^\w\s]|_")
# Runs of CJK characters between punctuation recur (a fifth to a third of all characters in reports and laws);
# jieba's words of a run depend on the run alone, so each worker segments a recurring run once.
RUN_CACHE = 1 << 17


class Token(NamedTuple):
    """A search term with its ordinal position and character span in the original text."""

    text: str
    pos: int
    start: int
    end: int


_lock = threading.Lock()
_loaded = False


def load_jieba(cache_dir: Path | None = None, user_dictionaries: tuple[Path, ...] = ()) -> None:
    """Load jieba's dictionary and ours once per process, quietly, caching in `cache_dir`."""
    global _loaded
    with _lock:
        if _loaded:
            return
        jieba.setLogLevel(logging.WARNING)
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            jieba.dt.tmp_dir = str(cache_dir)
        jieba.initialize()
        for path in (DOMAIN_DICTIONARY, *user_dictionaries):
            if path.is_file():
                with path.open("rb") as handle:  # given a path, jieba would leave the file open
                    jieba.load_userdict(handle)
        _loaded = True


def _is_word(gram: str) -> bool:
    return jieba.dt.FREQ.get(gram, 0) > 0


@lru_cache(maxsize=1 << 16)
def _stacked(word: str) -> tuple[tuple[str, int], ...]:
    """The dictionary words of 2 and 3 characters inside a longer word, with their offsets in it."""
    if len(word) <= 2:
        return ()
    return tuple(
        (gram, i)
        for size in (2, 3)
        for i in range(len(word) - size + 1)
        if (gram := word[i : i + size]) != word and _is_word(gram)
    )


def word_tokens(text: str) -> Iterator[Token]:
    """Yield jieba words at ordinal positions, with dictionary sub-words stacked on their word's position."""
    load_jieba()
    folded = fold(text)
    pos = 0
    for run in _RUNS.finditer(folded):
        piece, base = run.group(), run.start()
        if not _IS_CJK.match(piece):
            yield Token(piece, pos, base, run.end())
            pos += 1
            continue
        offset = 0
        for word in jieba_route.cut(piece):
            start = base + offset
            offset += len(word)
            yield Token(word, pos, start, start + len(word))
            for gram, i in _stacked(word):
                yield Token(gram, pos, start + i, start + i + len(gram))
            pos += 1


@lru_cache(maxsize=RUN_CACHE)
def _run_analysis(run: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """jieba's words of one run of CJK characters, each longer word followed by its stacked sub-words; and the
    offsets in the run where a word or a stacked sub-word starts or ends (0 … len): one segmentation for both."""
    terms: list[str] = []
    edges = {0}
    offset = 0
    for word in jieba_route.cut(run):
        terms.append(word)
        if len(word) > 2:
            for gram, i in _stacked(word):
                terms.append(gram)
                edges.update((offset + i, offset + i + len(gram)))
        offset += len(word)
        edges.add(offset)
    return tuple(terms), tuple(sorted(edges))


def _run_edges(run: str) -> tuple[int, ...]:
    """Offsets in a run of CJK characters where a jieba word or a stacked sub-word starts or ends (0 … len)."""
    return _run_analysis(run)[1]


def on_word_edges(start: int, length: int, edges: Collection[int]) -> bool:
    """Whether a match of `length` tokens at `start` is a hit: inside one word (no edge strictly within it) or from a
    word edge to a word edge; a match that begins or ends inside a word and crosses an edge is not."""
    inside = any(start + i in edges for i in range(1, length))
    return not inside or (start in edges and start + length in edges)


def straddled_words(text: str, needle: str) -> list[str]:
    """For each occurrence of `needle` in `text` that begins or ends inside a jieba word and crosses a word edge:
    the words it runs through, joined (调解 in 协调解决 → 协调解决). Only runs of CJK characters can straddle."""
    load_jieba()
    folded, wanted = fold(text), fold(needle)
    found = []
    if len(wanted) < 2 or not _IS_CJK.fullmatch(wanted):
        return found
    for run in _RUNS.finditer(folded):
        piece = run.group()
        start = piece.find(wanted)
        if start < 0:
            continue
        edges = set(_run_edges(piece))
        words, offset = [], 0
        for word in jieba_route.cut(piece):
            words.append((offset, offset + len(word)))
            offset += len(word)
        while start >= 0:
            end = start + len(wanted)
            if not on_word_edges(start, len(wanted), edges):
                low = max(a for a, _ in words if a <= start)
                high = min(b for _, b in words if b >= end)
                found.append(piece[low:high])
            start = piece.find(wanted, start + 1)
    return found


def index_terms(text: str) -> tuple[list[str], list[str], list[int]]:
    """The terms the index stores for `text`: its words (as `word_tokens`, without positions), its characters
    (as `char_tokens`), and the positions among the characters where a word starts or ends (see EDGE). Lists,
    made with as little per-token work as possible."""
    load_jieba()
    terms: list[str] = []
    chars: list[str] = []
    edges: list[int] = []
    folded = fold(text)
    end = 0
    for run in _RUNS.finditer(folded):
        piece = run.group()
        if chars and _BREAKING.search(folded, end, run.start()):
            chars.append(BREAK)
        end = run.end()
        at = len(chars)
        if _IS_CJK.match(piece):
            words, offsets = _run_analysis(piece)
            terms.extend(words)
            chars.extend(piece)  # a CJK run's characters are what char_tokens finds there
            edges.extend(at + e for e in offsets if not edges or at + e > edges[-1])
        else:
            terms.append(piece)
            chars.append(piece)
            edges.extend((at, at + 1) if not edges or at > edges[-1] else (at + 1,))
    return terms, chars, edges


def char_spans(text: str) -> tuple[list[str], array, array]:
    """The tokens of char_tokens as three parallel sequences (texts, starts, ends), made a run of Chinese
    characters at a time: what highlighting needs, without a Token per character."""
    folded = fold(text)
    texts: list[str] = []
    starts, ends = array("i"), array("i")
    end = -1
    for match in _CHAR_RUNS.finditer(folded):
        start, stop = match.span()
        if end >= 0 and _BREAKING.search(folded, end, start):
            texts.append(BREAK)
            starts.append(end)
            ends.append(start)
        end = stop
        run = match.group()
        if stop - start > 1 and _IS_CJK.match(run):  # the alternation tries a Chinese run first
            texts.extend(run)
            starts.extend(range(start, stop))
            ends.extend(range(start + 1, stop + 1))
        else:
            texts.append(run)
            starts.append(start)
            ends.append(stop)
    return texts, starts, ends


def token_indices(folded: str, offsets: Iterable[int]) -> dict[int, int]:
    """Per offset of a Chinese character in a folded text, its token's index among char_spans' tokens of the
    text, read only as far as the last offset asked for (what a word's matches need to meet its word edges)."""
    wanted = sorted(set(offsets))
    found: dict[int, int] = {}
    count, end, i = 0, -1, 0
    for match in _CHAR_RUNS.finditer(folded):
        if i == len(wanted):
            break
        start, stop = match.span()
        if end >= 0 and _BREAKING.search(folded, end, start):
            count += 1  # a BREAK token
        end = stop
        chinese = _IS_CJK.match(folded, start) is not None  # a run of Chinese characters: one token each
        while i < len(wanted) and wanted[i] < stop:
            found[wanted[i]] = count + (max(wanted[i], start) - start if chinese else 0)
            i += 1
        count += stop - start if chinese else 1
    return found


def char_tokens(text: str) -> list[Token]:
    """Return single CJK characters and whole Latin/number runs at ordinal positions (exact substrings), with a
    BREAK token where punctuation stands between two of them (never first or last)."""
    texts, starts, ends = char_spans(text)
    return [Token(t, i, s, e) for i, (t, s, e) in enumerate(zip(texts, starts, ends, strict=True))]


def words(text: str) -> list[str]:
    """Return the words of `text` as a query sees them: precise segmentation, no stacked sub-words."""
    seen_pos = -1
    result = []
    for token in word_tokens(text):
        if token.pos != seen_pos:
            result.append(token.text)
            seen_pos = token.pos
    return result
