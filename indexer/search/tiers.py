"""Hits in rank order, worked out only as far as a page needs: within a tier (all words; missing one), the best
RERANK_DEPTH by BM25F re-ranked on their own text, then the rest by BM25F, document number breaking ties."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .facets import Docs
from .ranking import fewer_glossary_first

RERANK_DEPTH = 40  # hits per tier re-ranked on their own text: four pages (30, 50 and 100 gave the same dev nDCG@10)


def best_of(docs: np.ndarray, scores: np.ndarray, stable: np.ndarray, depth: int) -> np.ndarray:
    """The best `depth` of `docs` by score, best first, `stable` breaking ties, without sorting them all."""
    return docs[best_places(scores[docs], stable[docs], depth)]


def best_places(scores: np.ndarray, stable: np.ndarray, depth: int) -> np.ndarray:
    """The places of the best `depth` scores, best first, `stable` (per place) breaking ties."""
    places = np.arange(len(scores))
    if len(scores) > depth:
        cut = np.argpartition(-scores, depth - 1)[:depth]
        places = places[scores >= scores[cut].min()]  # ties at the cut are settled by `stable`
    return places[np.lexsort((stable[places], -scores[places]))][:depth]


class Tier:
    """The hits of one tier in rank order, worked out only as far as a page needs: the best RERANK_DEPTH by
    BM25F re-ranked on their text, then the rest by BM25F (document number breaking ties)."""

    def __init__(
        self,
        docs: Docs,
        scores: np.ndarray | Callable[[np.ndarray], np.ndarray],  # of its docs, in their order (or how to score them)
        rerank: Callable[[float, int], tuple[float, bool]],  # (score, doc) → (score re-ranked, glossary?)
        deadline: float = float("inf"),
        stable: np.ndarray | None = None,
        members: Callable[[Docs], np.ndarray] = np.flatnonzero,
    ) -> None:
        self._mask, self._members = docs, members  # its paragraphs listed when a page first reaches the tier
        self._docs: np.ndarray | None = None
        self._scores = scores  # or how to score them, when first needed (a tier a page may never reach)
        self.stable = np.arange(len(docs)) if stable is None else stable  # breaks ties: the same in every build
        self.rerank = rerank
        self.deadline = deadline  # time.perf_counter() past which the head is left in BM25F order
        self.cut_short = False  # whether the deadline passed before the whole head was re-ranked
        self._head: list[tuple[float, int]] | None = None
        self._tail: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self._docs) if self._docs is not None else int(np.count_nonzero(self._mask))

    @property
    def docs(self) -> np.ndarray:
        """The tier's paragraphs, in document order."""
        if self._docs is None:
            self._docs = self._members(self._mask)
        return self._docs

    @property
    def scores(self) -> np.ndarray:
        """The BM25F scores the tier is ranked by, one per doc in `docs` (worked out on first use)."""
        if callable(self._scores):
            self._scores = self._scores(self.docs)
        return self._scores

    def __getitem__(self, where: slice) -> list[tuple[float, int]]:
        docs, scores = self.docs, self.scores
        if self._head is None:
            stable = self.stable[docs]
            head = best_places(scores, stable, RERANK_DEPTH)
            reranked = []
            for p in head.tolist():
                if time.perf_counter() > self.deadline:
                    self.cut_short = True
                    break
                reranked.append((self.rerank(float(scores[p]), int(docs[p])), p))
            best = sorted(reranked, key=lambda pair: (pair[0][0], -stable[pair[1]]), reverse=True)
            order = fewer_glossary_first([(glossary, p) for (_, glossary), p in best])
            self._head = [(best[i][0][0], int(docs[best[i][1]])) for i in order]
            self._head += [(float(scores[p]), int(docs[p])) for p in head[len(reranked) :]]  # in BM25F order, after
            self._head_places = head
        out = self._head[where.start : where.stop]
        if where.stop > len(self._head):
            if self._tail is None:
                rest = np.ones(len(docs), dtype=bool)
                rest[self._head_places] = False
                rest = np.flatnonzero(rest)
                self._tail = rest[np.lexsort((self.stable[docs[rest]], -scores[rest]))]
            start = max(0, where.start - len(self._head))
            out += [(float(scores[p]), int(docs[p])) for p in self._tail[start : where.stop - len(self._head)]]
        return out


@dataclass
class Ranking:
    """Hits in order, as parts: lists of (score, document) for re-ranked heads, arrays of documents for the rest."""

    parts: list[list[tuple[float, int]] | np.ndarray | Tier]
    scores: np.ndarray | None = None  # every paragraph's, for parts that are arrays of documents

    @property
    def cut_short(self) -> bool:
        """Whether a tier ran out of time while re-ranking (its head is then partly in BM25F order)."""
        return any(isinstance(part, Tier) and part.cut_short for part in self.parts)

    def page(self, start: int, end: int) -> list[tuple[float, int]]:
        """The (score, document) pairs from `start` to `end` in rank order."""
        out: list[tuple[float, int]] = []
        for part in self.parts:
            if start >= end:
                break
            size = len(part)
            if start < size:
                piece = part[start : min(end, size)]
                if isinstance(part, np.ndarray):
                    piece = [(float(self.scores[d]), int(d)) for d in piece]
                out += list(piece)
                end -= size
                start = 0
            else:
                start -= size
                end -= size
        return out
