"""A whoosh reader's data as numpy arrays: posting lists in one piece, field lengths, live documents and the
documents of every facet value (what the search layer's mask algebra works on)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection

import numpy as np

from .w3 import LENGTH_OF_BYTE, posting_blocks, segment_length_bytes

# facet → indexed field; "report" (report id → its paragraphs) is no facet users see: title matching uses it
FACET_FIELDS = {"region": "region", "year": "year", "topic": "topics", "report": "report_id"}
CACHE_LOCK = threading.Lock()  # the caches here are shared by the threads serving requests


def leaves_of(reader) -> list:
    """A reader's (segment reader, document offset) pairs (none for an empty index)."""
    leaves = reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]
    return [(leaf, offset) for leaf, offset in leaves if leaf.segment() is not None]


def decode_postings(leaves, field: str, word: str) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, weights) of a term over (segment reader, offset) pairs, decoded block by block."""
    ids, weights = [], []
    for leaf, offset in leaves:
        if (field, word) not in leaf:
            continue
        matcher = leaf.postings(field, word)
        blocks = posting_blocks(matcher)
        if blocks is not None:
            for block_ids, block_weights in blocks:
                ids.append(block_ids + offset)
                weights.append(block_weights)
            continue
        block_ids, block_weights = [], []  # another codec: one posting at a time
        while matcher.is_active():
            block_ids.append(matcher.id() + offset)
            block_weights.append(matcher.weight())
            matcher.next()
        ids.append(np.array(block_ids, dtype=np.int64))
        weights.append(np.array(block_weights, dtype=np.float64))
    if not ids:
        return np.zeros(0, np.int64), np.zeros(0, np.float64)
    return np.concatenate(ids), np.concatenate(weights)


def live_documents(reader) -> np.ndarray:
    """True for every document number that is not deleted."""
    live = np.ones(reader.doc_count_all(), dtype=bool)
    for leaf, offset in leaves_of(reader):
        segment = leaf.segment()
        if segment.has_deletions():
            live[np.fromiter(segment.deleted_docs(), dtype=np.int64) + offset] = False
    return live


def facet_arrays(reader, live: np.ndarray, skip: Collection[str] = ()) -> dict[str, dict[str, np.ndarray]]:
    """facet → indexed value → the sorted live documents that have it, from the facet fields' posting lists (but
    the facets in `skip`)."""
    leaves = leaves_of(reader)
    arrays: dict[str, dict[str, np.ndarray]] = {}
    for facet, field in FACET_FIELDS.items():
        if facet in skip:
            continue
        arrays[facet] = {}
        for term in reader.lexicon(field):
            value = term.decode("utf-8")
            ids = decode_postings(leaves, field, value)[0]
            ids = ids[live[ids]]
            if len(ids):
                arrays[facet][value] = ids
    return arrays


_LENGTHS: OrderedDict[tuple[str, int, str], np.ndarray] = OrderedDict()  # segments outlive searchers: keep theirs


def segment_lengths(leaf, field: str) -> np.ndarray:
    """One segment's (quantised) field lengths, cached across searchers (a refresh after a commit reuses the old
    segments')."""
    key = (leaf.segment().segment_id(), leaf.doc_count_all(), field)
    with CACHE_LOCK:
        if key in _LENGTHS:
            _LENGTHS.move_to_end(key)
            return _LENGTHS[key]
    raw = segment_length_bytes(leaf, field)
    if raw is not None:
        lengths = LENGTH_OF_BYTE[raw]
    else:  # another codec: ask document by document
        lengths = np.array([leaf.doc_field_length(d, field, 0) for d in range(leaf.doc_count_all())], dtype=np.float64)
    with CACHE_LOCK:
        _LENGTHS[key] = lengths
        while len(_LENGTHS) > 256:
            _LENGTHS.popitem(last=False)
    return lengths
