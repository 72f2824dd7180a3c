"""A query word in a report's title, matched per report (a title is the same for every paragraph of its
report): the same exact characters and word-edge rule as the engine's matching of headings and text."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from analyzers import index_terms, on_word_edges

from .facets import Docs


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

    def __init__(self, titles: Mapping[str, str], report_docs: Mapping[str, np.ndarray], size: int) -> None:
        self.size = size
        self.entries = []
        for report_id, title in titles.items():
            _, chars, edges = index_terms(title)
            self.entries.append((chars, set(edges), report_docs[report_id]))
        # every title's characters in one string, NUL between titles: one C-speed search finds the candidates
        self.haystack = "\x00".join("".join(chars) for chars, _, _ in self.entries)
        self.starts = np.cumsum([0] + [len("".join(chars)) + 1 for chars, _, _ in self.entries])

    def docs(self, tokens: list[str], across_words: bool = False) -> Docs:
        """The paragraphs of every report whose title holds the character tokens in a row."""
        found = np.zeros(self.size, dtype=bool)
        joined = "".join(tokens)
        candidates = set()
        at = self.haystack.find(joined)
        while at >= 0:
            candidates.add(int(np.searchsorted(self.starts, at, side="right")) - 1)
            at = self.haystack.find(joined, at + 1)
        for number in candidates:
            chars, edges, docs = self.entries[number]
            if _edge_hits(chars, edges, tokens, across_words):
                found[docs] = True
        return found
