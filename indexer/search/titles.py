"""A query word in a report's title, matched per report (a title is the same for every paragraph of its
report): the same exact characters and word-edge rule as the engine's matching of headings and text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import accumulate

import numpy as np

from analyzers import char_spans, index_terms, on_word_edges

from .facets import Docs

TITLE_WORDS_KEPT = 4096  # title look-ups kept per view (a few reports' numbers each): common words recur
_LONGEST = 16  # characters up to which a word's places come from the haystack's pairs (longer: str.find)
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
        self._index_haystack()
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

    def _index_haystack(self) -> None:
        """Every two adjacent characters of the haystack, sorted (each pair's places in order), so a word's places
        are a look-up rather than a scan; and where a kept word edge stands, for titles whose characters are their
        tokens: their matches are told hits all at once."""
        codes = np.frombuffer(self.haystack.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        pairs = (codes[:-1] << 21) | codes[1:]
        self._pairs = np.r_[pairs, np.full(_LONGEST, -1, dtype=np.int64)]  # past the end: no pair
        self._pair_places = np.argsort(pairs, kind="stable")
        self._pair_codes = pairs[self._pair_places]
        self._codes = codes
        self._starts = np.array(self.starts, dtype=np.int64)
        self._quick = np.array([self.simple[n] and n in self._edges for n in range(len(self.titles))], dtype=bool)
        self._edge_at = np.zeros(len(self.haystack) + 1, dtype=bool)
        for number, edges in self._edges.items():
            if self.simple[number] and edges:
                self._edge_at[self.starts[number] + np.fromiter(edges, dtype=np.int64)] = True

    def _places(self, joined: str) -> np.ndarray:
        """Where `joined` starts in the haystack, in order."""
        if len(joined) == 1:
            return np.flatnonzero(self._codes == ord(joined))
        if len(joined) > _LONGEST:
            places, at = [], self.haystack.find(joined)
            while at >= 0:
                places.append(at)
                at = self.haystack.find(joined, at + 1)
            return np.array(places, dtype=np.int64)
        code = (ord(joined[0]) << 21) | ord(joined[1])
        low, high = np.searchsorted(self._pair_codes, [code, code + 1])
        places = self._pair_places[low:high]
        for k in range(1, len(joined) - 1):
            places = places[self._pairs[places + k] == (ord(joined[k]) << 21) | ord(joined[k + 1])]
        return places

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
        places = self._places(joined)
        numbers = np.searchsorted(self._starts, places, side="right") - 1
        quick = np.zeros(0, dtype=np.int64)
        if one_each and not across_words:  # titles whose characters are their tokens, edges kept: all at once
            fast = self._quick[numbers]
            at, length = places[fast], len(tokens)
            inside = np.zeros(len(at), dtype=bool)
            for k in range(1, length):
                inside |= self._edge_at[at + k]
            quick = numbers[fast][~inside | (self._edge_at[at] & self._edge_at[at + length])]
            places, numbers = places[~fast], numbers[~fast]
        done: set[int] = set()
        found: list[int] = []
        for at, number in zip(places.tolist(), numbers.tolist(), strict=True):
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
        merged = np.sort(np.r_[quick, np.array(found, dtype=np.int64)])  # each report once, in order
        return merged[np.r_[True, merged[1:] != merged[:-1]]] if len(merged) else merged
