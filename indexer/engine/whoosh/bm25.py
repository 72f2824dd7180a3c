"""BM25F in numpy over whoosh's own postings: the same formula, statistics and quantised field lengths as
`whoosh.scoring.BM25F`, computed for all matched paragraphs at once instead of one posting at a time in Python.

Posting lists come from the memory-mapped arrays beside each segment (wordpostings.py), or are decoded block by block
from whoosh's files where a segment has none; either way they are kept in a cache bounded by postings held. Field
lengths come from whoosh's length columns, read once per searcher.
"""

from __future__ import annotations

from collections import OrderedDict
from math import log
from pathlib import Path

import numpy as np

from .reading import CACHE_LOCK, decode_postings, leaves_of, segment_lengths
from .wordpostings import RANKED, SegmentPostings, word_hash

B, K1 = 0.75, 1.2  # whoosh's BM25F defaults
CACHE_POSTINGS = 8_000_000  # postings kept decoded per searcher (16 bytes each)


class Scorer:
    """BM25F term scores for a whoosh searcher, as dense arrays over its document numbers."""

    def __init__(self, searcher, folder: Path | None = None) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        self.leaves = leaves_of(self.reader)
        self.arrays = None if folder is None else [_arrays_of(leaf, Path(folder)) for leaf, _ in self.leaves]
        self._lengths: dict[str, np.ndarray] = {}
        self._norms_of: dict[str, np.ndarray] = {}
        self._postings: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._held = 0

    def lengths(self, field: str) -> np.ndarray:
        """Every document's (quantised) length in a field, as whoosh's scorer sees it."""
        lengths = self._lengths.get(field)
        if lengths is None:
            lengths = np.zeros(self.size, dtype=np.float64)
            for leaf, offset in self.leaves:
                lengths[offset : offset + leaf.doc_count_all()] = segment_lengths(leaf, field)
            self._lengths[field] = lengths
        return lengths

    def postings(self, field: str, word: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, term frequencies) of a term over all segments."""
        key = (field, word)
        with CACHE_LOCK:
            if key in self._postings:
                self._postings.move_to_end(key)
                return self._postings[key]
        found = self._read(field, word)
        with CACHE_LOCK:
            if key not in self._postings:
                self._postings[key] = found
                self._held += len(found[0])
            while self._held > CACHE_POSTINGS and len(self._postings) > 1:
                _, (old, _) = self._postings.popitem(last=False)
                self._held -= len(old)
        return found

    def _read(self, field: str, word: str) -> tuple[np.ndarray, np.ndarray]:
        """A term's postings over all segments: from the arrays where every segment has them, else from whoosh."""
        if self.arrays is None or field not in RANKED:
            return decode_postings(self.leaves, field, word)
        ids, weights, key = [], [], word_hash(word.encode("utf-8"))  # hashed once for every segment
        for (_, offset), arrays in zip(self.leaves, self.arrays, strict=True):
            docs, tf = arrays.postings(field, key) or (np.zeros(0, np.int32), np.zeros(0, np.float32))
            if len(docs):
                ids.append(docs.astype(np.int64) + offset)
                weights.append(tf.astype(np.float64))
        if not ids:
            return np.zeros(0, np.int64), np.zeros(0, np.float64)
        return np.concatenate(ids), np.concatenate(weights)

    def frequency(self, field: str, word: str) -> int:
        """A word's document frequency in a field as whoosh counts it (deleted paragraphs included), from the
        arrays' bounds: no postings read."""
        key = word_hash(word.encode("utf-8"))
        return sum(arrays.frequency(field, key) for arrays in self.arrays or ())

    def term(self, field: str, word: str, boost: float, wanted: np.ndarray, io, into=None) -> np.ndarray:
        """boost × BM25F of one term, for every document (0 where it is absent or not wanted), added to `into` when
        given; `io` is held while whoosh's files are read."""
        scores = np.zeros(self.size, dtype=np.float64) if into is None else into
        with io:
            ids, tf = self.postings(field, word)
            if not len(ids):
                return scores
            # whoosh's idf (WeightingModel.idf); its document frequency, deleted paragraphs included, is the number
            # of postings, which the arrays hold without a look-up in every segment's term index
            idf = log(self.size / (len(ids) + 1)) + 1 if self.arrays is not None else self.searcher.idf(field, word)
            norms = self._norms(field)
        keep = wanted[ids]
        ids, tf = ids[keep], tf[keep]
        scores[ids] += boost * idf * ((tf * (K1 + 1)) / (tf + norms[ids]))
        return scores

    def _norms(self, field: str) -> np.ndarray:
        """Per document, BM25F's length normalisation in a field: K1 × ((1 − B) + B × length / average length),
        worked out once per searcher, element by element as whoosh does per posting."""
        norms = self._norms_of.get(field)
        if norms is None:
            # whoosh works the average out from the reader's totals at every call
            average = self.searcher.avg_field_length(field) or 1
            norms = self._norms_of[field] = K1 * ((1 - B) + B * self.lengths(field) / average)
        return norms


def _arrays_of(leaf, folder: Path) -> SegmentPostings:
    """A segment's ranked postings, built from whoosh's the first time a segment lacks them."""
    segment_id = leaf.segment().segment_id()
    return SegmentPostings.load(folder, segment_id) or SegmentPostings.build(leaf, folder, segment_id)
