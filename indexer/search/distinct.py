"""Each text once: a ranking in which a hit whose normalised text is the same as a better-ranked hit's (any
depth), or nearly the same (character shingles, among the first NEAR_DEPTH), folds into that hit as "also in"."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from analyzers import nearly_the_same
from analyzers.sameness import NEARLY_THE_SAME, char_shingles, may_be_nearly_the_same, normalised

from .tiers import Ranking

NEAR_DEPTH = 30  # hits of the first tier compared by their shingles (within its re-ranked head: texts read anyway)
FEW_HITS = 4096  # hits past which their texts are counted by marking groups rather than by sorting their keys


@dataclass(frozen=True)
class SameTexts:
    """A view's paragraphs grouped by their text key (analyzers.same_text_key): each one's group, and each
    group's paragraphs in document order (made once per view)."""

    group: np.ndarray  # per paragraph, its group
    order: np.ndarray  # paragraphs, by group, then in document order
    starts: np.ndarray  # where each group's paragraphs start in `order` (groups + 1 offsets)

    @classmethod
    def of(cls, keys: np.ndarray) -> SameTexts:
        """The groups of paragraphs with the same key."""
        _, group = np.unique(keys, return_inverse=True)
        order = np.argsort(group, kind="stable")
        return cls(group, order, np.searchsorted(group[order], np.arange(int(group.max(initial=-1)) + 2)))

    def count(self, docs: np.ndarray) -> int:
        """How many distinct texts the paragraphs `docs` (sorted numbers) hold."""
        if len(docs) <= FEW_HITS:  # sorted and neighbours compared: np.unique's hashing is 40× slower here
            groups = np.sort(self.group[docs])
            return int(np.count_nonzero(groups[1:] != groups[:-1])) + 1 if len(groups) else 0
        seen = np.zeros(len(self.starts), dtype=bool)
        seen[self.group[docs]] = True
        return int(np.count_nonzero(seen))

    def same(self, docnum: int) -> np.ndarray:
        """Every paragraph with this one's text (itself too), in document order."""
        group = self.group[docnum]
        return self.order[self.starts[group] : self.starts[group + 1]]


class Distinct:
    """A Ranking walked in order, keeping the first hit of each text; `also[doc]` lists the hits folded into it."""

    def __init__(
        self,
        ranking: Ranking,
        texts: SameTexts,
        hits: np.ndarray,
        text: Callable[[int], str],
        first_tier: int,
        members: Callable[[np.ndarray], np.ndarray] = np.flatnonzero,
    ) -> None:
        self.ranking, self.texts, self.hits, self.text = ranking, texts, hits, text
        self.members = members  # a set's paragraph numbers (a request's Selection.members)
        self.near_depth = min(NEAR_DEPTH, first_tier)  # never into a later tier: a page of hits does not need it
        self.shown: list[tuple[float, int]] = []
        self.also: dict[int, list[int]] = {}
        self._first: dict[int, int] = {}  # text group → the hit shown for it
        # shown hits of the head as (normalised length, rank among them, doc, score), by length
        self._sizes: list[tuple[int, int, int, float]] = []
        self._chars: dict[int, str] = {}  # hits of the head → their normalised text
        self._shingles: dict[int, frozenset[str]] = {}  # … and its shingles, made when first compared
        self._charsets: dict[int, frozenset[str]] = {}  # … and its characters, likewise
        self._walked = 0
        self.near: list[int] = []  # hits folded for being nearly (not exactly) the same as one shown

    def _near_match(self, docnum: int, score: float) -> int | None:
        """The shown head hit whose text is nearly the same as this one's, if any. Only hits of a similar length
        and a similar score are compared: a near-copy scores almost as its original does."""
        chars = self._chars[docnum] = normalised(self.text(docnum))
        size = len(chars)
        # the shown ones of a similar length (sorted by it: a few, not all the head), in rank order
        low = bisect_left(self._sizes, (math.floor(NEARLY_THE_SAME * size) - 1,))
        high = bisect_right(self._sizes, (math.ceil(size / NEARLY_THE_SAME) + 1,))
        for _, shown, theirs, their_score in sorted((p, d, n, s) for n, p, d, s in self._sizes[low:high]):
            similar = abs(score - their_score) <= (1 - NEARLY_THE_SAME) * max(abs(score), abs(their_score))
            if similar and NEARLY_THE_SAME * theirs <= size <= theirs / NEARLY_THE_SAME:
                # most are told apart by their characters, without their shingles
                if may_be_nearly_the_same(chars, self._chars[shown], self._charset(docnum), self._charset(shown)):
                    if nearly_the_same(self._shingles_of(docnum), self._shingles_of(shown)):
                        return shown
        insort(self._sizes, (size, len(self._sizes), docnum, score))
        return None

    def _charset(self, docnum: int) -> frozenset[str]:
        found = self._charsets.get(docnum)
        if found is None:
            found = self._charsets[docnum] = frozenset(self._chars[docnum])
        return found

    def _shingles_of(self, docnum: int) -> frozenset[str]:
        found = self._shingles.get(docnum)
        if found is None:
            found = self._shingles[docnum] = char_shingles(self._chars[docnum])
        return found

    def _walk(self, until: int) -> None:
        """Walk the ranking until `until` distinct hits are known and the whole head is compared (or it ends)."""
        while len(self.shown) < until or self._walked < self.near_depth:
            wanted = max(until - len(self.shown), self.near_depth - self._walked, 1)  # no further than needed:
            batch = self.ranking.page(self._walked, self._walked + wanted)  # a later tier is re-ranked when reached
            if not batch:
                return
            for score, docnum in batch:
                position = self._walked
                self._walked += 1
                key = int(self.texts.group[docnum])
                first = self._first.get(key)
                if first is None and position < self.near_depth:
                    first = self._near_match(docnum, score)
                    if first is not None:
                        self.near.append(docnum)
                if first is None:
                    self._first[key] = docnum
                    self.shown.append((score, docnum))
                    self.also[docnum] = []
                else:
                    self.also[first].append(docnum)

    def page(self, start: int, end: int) -> list[tuple[float, int]]:
        """The distinct hits from `start` to `end`, in rank order."""
        self._walk(end)
        return self.shown[start:end]

    def count(self, docs: np.ndarray) -> int:
        """How many distinct texts the hits in `docs` (a mask) hold: one per key, less those nearly the same."""
        self._walk(0)
        return self.texts.count(self.members(docs)) - sum(1 for d in self.near if docs[d])

    def copies(self, docnum: int) -> list[int]:
        """Every other hit with this shown hit's text: the same key at any depth, nearly the same in the head."""
        same = self.texts.same(docnum)
        same = same[self.hits[same]].tolist()
        return [d for d in dict.fromkeys(same + self.also.get(docnum, [])) if d != docnum]
