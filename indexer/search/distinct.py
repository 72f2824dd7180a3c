"""Each text once: a ranking in which a hit whose normalised text is the same as a better-ranked hit's (any
depth), or nearly the same (character shingles, among the first NEAR_DEPTH), folds into that hit as "also in"."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from analyzers import nearly_the_same, shingles
from analyzers.sameness import NEARLY_THE_SAME

from .tiers import Ranking

NEAR_DEPTH = 30  # hits of the first tier compared by their shingles (within its re-ranked head: texts read anyway)


class Distinct:
    """A Ranking walked in order, keeping the first hit of each text; `also[doc]` lists the hits folded into it."""

    def __init__(
        self, ranking: Ranking, keys: np.ndarray, hits: np.ndarray, text: Callable[[int], str], first_tier: int
    ) -> None:
        self.ranking, self.keys, self.hits, self.text = ranking, keys, hits, text
        self.near_depth = min(NEAR_DEPTH, first_tier)  # never into a later tier: a page of hits does not need it
        self.shown: list[tuple[float, int]] = []
        self.also: dict[int, list[int]] = {}
        self._first: dict[int, int] = {}  # text key → the hit shown for it
        self._shingles: dict[int, frozenset[str]] = {}  # shown hits of the head → their shingles
        self._walked = 0
        self.near: list[int] = []  # hits folded for being nearly (not exactly) the same as one shown

    def _near_match(self, docnum: int) -> int | None:
        """The shown head hit whose text is nearly the same as this one's, if any."""
        mine = shingles(self.text(docnum))
        for shown, theirs in self._shingles.items():  # sets of very different sizes cannot be nearly the same
            if NEARLY_THE_SAME * len(theirs) <= len(mine) <= len(theirs) / NEARLY_THE_SAME:
                if nearly_the_same(mine, theirs):
                    return shown
        self._shingles[docnum] = mine
        return None

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
                key = int(self.keys[docnum])
                first = self._first.get(key)
                if first is None and position < self.near_depth:
                    first = self._near_match(docnum)
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
        return len(np.unique(self.keys[docs])) - sum(1 for d in self.near if docs[d])

    def copies(self, docnum: int) -> list[int]:
        """Every other hit with this shown hit's text: the same key at any depth, nearly the same in the head."""
        same = np.flatnonzero(self.hits & (self.keys == self.keys[docnum])).tolist()
        return [d for d in dict.fromkeys(same + self.also.get(docnum, [])) if d != docnum]
