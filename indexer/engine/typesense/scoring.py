"""BM25F over the jieba words the mirror holds, with whoosh's formula, statistics and quantised field lengths, so
a paragraph scores the same on either engine and the same hits come first."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from math import log

import numpy as np

B, K1 = 0.75, 1.2  # whoosh's BM25F defaults
# the field lengths whoosh can store (one byte each): round((1.033ⁿ − 1) × 27), its documented formula
_LENGTHS = [round((1.033**n - 1) * 27) for n in range(256)]


def quantised(length: int) -> int:
    """A field length as whoosh stores it (rounded down to the nearest of its 256 values)."""
    return _LENGTHS[min(bisect_left(_LENGTHS, length), 255)]


class Postings:
    """One ranked field's words: per word the paragraph numbers and term frequencies; every paragraph's length."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.lengths = np.zeros(size, dtype=np.float64)
        self.total = 0
        self._lists: dict[str, tuple[list[int], list[int]]] = {}
        self._arrays: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def add(self, num: int, words: list[str]) -> None:
        """A paragraph's words in this field."""
        self.lengths[num] = quantised(len(words))
        self.total += len(words)
        for word, tf in Counter(words).items():
            nums, tfs = self._lists.setdefault(word, ([], []))
            nums.append(num)
            tfs.append(tf)

    def finish(self) -> None:
        """Turn the lists into arrays (paragraphs were added in number order)."""
        self._arrays = {
            w: (np.array(n, dtype=np.int64), np.array(t, dtype=np.float64)) for w, (n, t) in self._lists.items()
        }
        self._lists = {}

    def words(self) -> list[str]:
        """Every word of the field, sorted."""
        return sorted(self._arrays)

    def frequency(self, word: str) -> int:
        """How many paragraphs hold the word."""
        found = self._arrays.get(word)
        return len(found[0]) if found else 0

    def scores(self, word: str, boost: float, wanted: np.ndarray, count: int, into: np.ndarray) -> np.ndarray:
        """Add boost × BM25F of `word` to `into` where `wanted`; `count`: paragraphs in the collection."""
        found = self._arrays.get(word)
        if found is None or not count:
            return into
        nums, tf = found
        idf = log(count / (len(nums) + 1)) + 1
        average = self.total / count or 1
        keep = wanted[nums]
        nums, tf = nums[keep], tf[keep]
        length = self.lengths[nums]
        into[nums] += boost * idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * length / average)))
        return into
