"""BM25F in numpy over whoosh's own postings: the same formula, statistics and quantised field lengths as
`whoosh.scoring.BM25F`, computed for all matched paragraphs at once instead of one posting at a time in Python.

Posting lists are decoded block by block into arrays and kept in a cache bounded by postings held, so a common
word costs its decoding once per searcher; field lengths come from whoosh's length columns, read once per searcher.
"""

from __future__ import annotations

import io
import pickle
import threading
import zlib
from collections import OrderedDict

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3LeafMatcher
from whoosh.system import _INT_SIZE, unpack_int
from whoosh.util.numeric import byte_to_length

B, K1 = 0.75, 1.2  # whoosh's BM25F defaults
CACHE_POSTINGS = 8_000_000  # postings kept decoded per searcher (16 bytes each)
_CACHE_LOCK = threading.Lock()  # the caches are shared by the threads serving requests
_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


class Scorer:
    """BM25F term scores for a whoosh searcher, as dense arrays over its document numbers."""

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        self.leaves = leaves_of(self.reader)
        self._lengths: dict[str, np.ndarray] = {}
        self._postings: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._held = 0

    def lengths(self, field: str) -> np.ndarray:
        """Every document's (quantised) length in a field, as whoosh's scorer sees it."""
        lengths = self._lengths.get(field)
        if lengths is None:
            lengths = np.zeros(self.size, dtype=np.float64)
            for leaf, offset in self.leaves:
                lengths[offset : offset + leaf.doc_count_all()] = _segment_lengths(leaf, field)
            self._lengths[field] = lengths
        return lengths

    def postings(self, field: str, word: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, term frequencies) of a term over all segments."""
        key = (field, word)
        with _CACHE_LOCK:
            if key in self._postings:
                self._postings.move_to_end(key)
                return self._postings[key]
        found = decode_postings(self.leaves, field, word)
        with _CACHE_LOCK:
            if key not in self._postings:
                self._postings[key] = found
                self._held += len(found[0])
            while self._held > CACHE_POSTINGS and len(self._postings) > 1:
                _, (old, _) = self._postings.popitem(last=False)
                self._held -= len(old)
        return found

    def term(self, field: str, word: str, boost: float, wanted: np.ndarray) -> np.ndarray:
        """boost × BM25F of one term, for every document (0 where it is absent or not wanted)."""
        scores = np.zeros(self.size, dtype=np.float64)
        ids, tf = self.postings(field, word)
        if not len(ids):
            return scores
        keep = wanted[ids]
        ids, tf = ids[keep], tf[keep]
        idf = self.searcher.idf(field, word)
        average = self.searcher.avg_field_length(field) or 1
        length = self.lengths(field)[ids]
        scores[ids] = boost * idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * length / average)))
        return scores


def decode_postings(leaves, field: str, word: str) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, weights) of a term over (segment reader, offset) pairs, decoded block by block."""
    ids, weights = [], []
    for leaf, offset in leaves:
        if (field, word) not in leaf:
            continue
        matcher = leaf.postings(field, word)
        if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
            for block_ids, block_weights in _w3_blocks(matcher):
                ids.append(block_ids + offset)
                weights.append(block_weights)
        else:  # another codec: one posting at a time
            block_ids, block_weights = [], []
            while matcher.is_active():
                block_ids.append(matcher.id() + offset)
                block_weights.append(matcher.weight())
                matcher.next()
            ids.append(np.array(block_ids, dtype=np.int64))
            weights.append(np.array(block_weights, dtype=np.float64))
    if not ids:
        return np.zeros(0, np.int64), np.zeros(0, np.float64)
    return np.concatenate(ids), np.concatenate(weights)


def _w3_blocks(matcher: W3LeafMatcher):
    """Each block's (document numbers, weights) of a W3 posting list, read in one piece and decoded as whoosh's
    W3LeafMatcher decodes them (`_goto`, `_read_ids`, `_read_weights`), with numpy instead of a loop per posting:
    after a 4-byte tag, blocks of a signed length (negative for the last), a pickled header, the pickled data."""
    extent = matcher._length  # the whole posting list's bytes; whoosh's term info unpacks it as a 1-tuple
    data = matcher._postfile.get(matcher._startoffset, extent[0] if isinstance(extent, tuple) else extent)
    if data[:4] != WHOOSH3_HEADER_MAGIC:
        raise ValueError(f"not a whoosh 3 posting list at {matcher._startoffset}")
    stream = io.BytesIO(data)
    position = 4
    while True:
        (length,) = unpack_int(data[position : position + _INT_SIZE])
        stream.seek(position + _INT_SIZE)
        count, _, _, compression, _, _ = pickle.load(stream)
        end = position + _INT_SIZE + abs(length)
        block = data[stream.tell() : end]
        deltas, weights, _ = pickle.loads(zlib.decompress(block) if compression else block)
        ids = np.cumsum(np.asarray(deltas, dtype=np.int64))
        if weights is None or isinstance(weights, float):  # whoosh: an array("f") of the one weight
            weights = np.full(count, 1.0 if weights is None else weights, dtype=np.float32)
        yield ids, np.asarray(weights, dtype=np.float64)
        if length < 0:
            return
        position = end


def leaves_of(reader) -> list:
    """A reader's (segment reader, document offset) pairs."""
    return reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]


_LENGTHS: OrderedDict[tuple[str, int, str], np.ndarray] = OrderedDict()  # segments outlive searchers: keep theirs


def _segment_lengths(leaf, field: str) -> np.ndarray:
    """One segment's field lengths, cached across searchers (a refresh after a commit reuses the old segments')."""
    key = (leaf.segment().segment_id(), leaf.doc_count_all(), field)
    with _CACHE_LOCK:
        if key in _LENGTHS:
            _LENGTHS.move_to_end(key)
            return _LENGTHS[key]
    count = leaf.doc_count_all()
    perdoc = getattr(leaf, "_perdoc", None)
    column = perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN) if perdoc is not None else None
    try:  # whoosh keeps one length byte per document: read them in one go
        stored = min(column._count, count)
        raw = np.zeros(count, dtype=np.uint8)
        raw[:stored] = np.frombuffer(column._dbfile.get(column._basepos, stored * column._fixedlen), dtype=np.uint8)
        lengths = _BYTE_TO_LENGTH[raw]
    except (AttributeError, ValueError):  # another codec: ask document by document
        lengths = np.array([leaf.doc_field_length(d, field, 0) for d in range(count)], dtype=np.float64)
    with _CACHE_LOCK:
        _LENGTHS[key] = lengths
        while len(_LENGTHS) > 256:
            _LENGTHS.popitem(last=False)
    return lengths
