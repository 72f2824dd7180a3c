"""A query word in a report's title, matched per report (a title is the same for every paragraph of its
report): the same exact characters and word-edge rule as the engine's matching of headings and text."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from itertools import accumulate

import numpy as np

from analyzers import char_spans, index_terms, on_word_edges

from .facets import Docs

TITLE_WORDS_KEPT = 4096  # title look-ups kept per view (a few reports' numbers each): common words recur
MANY_REPORTS = 64  # reports past which a word's paragraphs are found by one look-up over every paragraph


def _edge_hits(chars: list[str], edges: set[int], tokens: list[str], across_words: bool) -> bool:
    """Whether the tokens occur in a row among `chars` (inside one word or edge to edge unless `across_words`)."""
    length = len(tokens)
    for start in range(len(chars) - length + 1):
        if chars[start : start + length] != tokens:
            continue
        if across_words or on_word_edges(start, length, edges):
            return True
    return False


class Titles:
    """Every report's title as characters with word edges, and each report's paragraphs."""

    def __init__(
        self,
        titles: Mapping[str, str],
        report_docs: Mapping[str, np.ndarray],
        size: int,
        edges: Mapping[str, Sequence[int]] | None = None,
    ) -> None:
        self.size = size
        self.titles = list(titles.values())
        self.docs_of = [report_docs[report_id] for report_id in titles]
        self.chars = [char_spans(title)[0] for title in self.titles]  # as index_terms gives them, without jieba
        # a title's word edges: as the engine kept them, else segmented when a search first needs them
        kept = edges or {}
        self._edges = {n: set(kept[r]) for n, r in enumerate(titles) if r in kept}
        # every title's characters in one string, NUL between titles: one C-speed search finds the candidates
        joined = ["".join(chars) for chars in self.chars]
        self.haystack = "\x00".join(joined)
        self.starts = list(accumulate((len(j) + 1 for j in joined), initial=0))
        self.simple = [len(j) == len(chars) for j, chars in zip(joined, self.chars, strict=True)]
        # each paragraph's report (its place in `titles`; the last place, never a hit, for none): a common title
        # word's paragraphs are one look-up of this, not an assignment per report
        self.report_of = np.full(size, len(self.titles), dtype=np.int32)
        for number, docs in enumerate(self.docs_of):
            self.report_of[docs] = number
        # … as runs of paragraphs of one report (a report's paragraphs stand together): a mask is one repeat
        starts = np.flatnonzero(np.r_[True, np.diff(self.report_of) != 0]) if size else np.zeros(0, dtype=np.int64)
        self.runs = self.report_of[starts]  # each run's report
        self.run_lengths = np.diff(np.r_[starts, size])
        self._found: dict[tuple[tuple[str, ...], bool], np.ndarray] = {}  # (tokens, across) → reports

    def edges(self, number: int) -> set[int]:
        """The word edges of title `number` (jieba, once per title)."""
        found = self._edges.get(number)
        if found is None:
            found = self._edges[number] = set(index_terms(self.titles[number])[2])
        return found

    def docs(self, tokens: list[str], across_words: bool = False) -> Docs:
        """The paragraphs of every report whose title holds the character tokens in a row."""
        key = (tuple(tokens), across_words)
        reports = self._found.get(key)
        if reports is None:
            if len(self._found) >= TITLE_WORDS_KEPT:
                self._found.clear()
            reports = self._found[key] = self.reports(tokens, across_words)
        if len(reports) > MANY_REPORTS:
            chosen = np.zeros(len(self.titles) + 1, dtype=bool)
            chosen[reports] = True
            return np.repeat(chosen[self.runs], self.run_lengths)
        found = np.zeros(self.size, dtype=bool)
        for number in reports.tolist():
            found[self.docs_of[number]] = True
        return found

    def reports(self, tokens: list[str], across_words: bool = False) -> np.ndarray:
        """The reports (places in `titles`) whose title holds the character tokens in a row."""
        joined = "".join(tokens)
        one_each = len(joined) == len(tokens)  # the word's tokens are single characters
        done: set[int] = set()
        found: list[int] = []
        at = self.haystack.find(joined)
        while at >= 0:
            number = bisect_right(self.starts, at) - 1
            if number not in done:
                if across_words:
                    hit = one_each and self.simple[number] or _edge_hits(self.chars[number], set(), tokens, True)
                elif one_each and self.simple[number]:  # characters are tokens: the find gives the position
                    hit = on_word_edges(at - self.starts[number], len(tokens), self.edges(number))
                else:
                    hit = _edge_hits(self.chars[number], self.edges(number), tokens, False)
                    done.add(number)  # every occurrence in this title looked at
                if hit:
                    found.append(number)
                    done.add(number)
            at = self.haystack.find(joined, at + 1)
        return np.array(found, dtype=np.int64)
