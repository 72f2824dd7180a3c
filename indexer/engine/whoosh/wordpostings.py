"""The ranked fields' posting lists as memory-mapped arrays beside each segment, for BM25F without decoding
whoosh's compressed blocks at search time (a common word's ~800 blocks took milliseconds, once per searcher).

Per segment and field (RANKED: body, section, title): `<segment id>.gsw.<field>.hashes.npy` holds the 64-bit hash of
each word's UTF-8 bytes, sorted, and `…bounds.npy` the (start, end) of its postings in `…docs.npy` (int32) and
`…weights.npy` (float32), as whoosh's own postings give them. `<segment id>.gsw.json`, written
last, says the store is whole. The lean writer writes them from the postings it has just sorted; a segment without
them (whoosh merged it) gets them built from its whoosh postings the first time a searcher opens it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from .sidecars import mapped, write_atomically
from .w3 import all_postings, posting_blocks

RANKED = ("body", "section", "title")
_PARTS = ("hashes", "bounds", "docs", "weights")


def word_hash(word: bytes) -> int:
    """A word's 64-bit key (stable across processes; a collision among a segment's words is ~1 in 10⁸)."""
    return int.from_bytes(hashlib.blake2b(word, digest_size=8).digest(), "little", signed=True)


def _paths(folder: Path, segment_id: str, field: str) -> dict[str, Path]:
    return {part: folder / f"{segment_id}.gsw.{field}.{part}.npy" for part in _PARTS}


def _marker(folder: Path, segment_id: str) -> Path:
    return folder / f"{segment_id}.gsw.json"


def table(words: list[bytes], starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted hashes, their (start, end) rows) of sorted words whose postings start at `starts` (len + 1)."""
    hashes = np.array([word_hash(w) for w in words], dtype=np.int64)
    order = np.argsort(hashes, kind="stable")
    bounds = np.stack([starts[:-1], starts[1:]], axis=1).astype(np.int64)
    return hashes[order], np.ascontiguousarray(bounds[order])


def save_postings(folder: Path, segment_id: str, fields: dict[str, tuple[np.ndarray, ...]]) -> None:
    """Write a segment's ranked postings: field → (hashes, bounds, docs, weights); atomically, the marker last."""
    for field, arrays in fields.items():
        for path, array in zip(_paths(folder, segment_id, field).values(), arrays, strict=True):
            write_atomically(folder, path, lambda fh, a=array: np.save(fh, a))
    listing = json.dumps({"fields": sorted(fields)}).encode("utf-8")
    write_atomically(folder, _marker(folder, segment_id), lambda fh: fh.write(listing))


class SegmentPostings:
    """One segment's ranked postings, memory-mapped."""

    def __init__(self, fields: dict[str, tuple[np.ndarray, ...]]) -> None:
        self.fields = fields

    @classmethod
    def load(cls, folder: Path, segment_id: str) -> SegmentPostings | None:
        """A segment's ranked postings, or None when it has none yet."""
        marker = _marker(folder, segment_id)
        if not marker.is_file():
            return None
        names = json.loads(marker.read_text(encoding="utf-8"))["fields"]
        fields = {}
        for field in names:
            paths = _paths(folder, segment_id, field)
            fields[field] = tuple(mapped(paths[part]) for part in _PARTS)
        return cls(fields)

    @classmethod
    def build(cls, reader, folder: Path, segment_id: str) -> SegmentPostings:
        """Build a segment's ranked postings from its whoosh postings, save them, and return them."""
        fields = {}
        for field in RANKED:
            if field not in reader.schema:
                continue
            words = list(reader.lexicon(field))
            docs, weights, starts = [], [], [0]
            for word in words:  # deleted paragraphs' postings too, as the lean writer wrote them (and idf counts)
                ids, tf = _all_postings(reader, field, word)
                docs.append(ids.astype(np.int32))
                weights.append(tf.astype(np.float32))
                starts.append(starts[-1] + len(ids))
            joined = [np.concatenate(p) if p else np.zeros(0, t) for p, t in ((docs, np.int32), (weights, np.float32))]
            fields[field] = (*table(words, np.array(starts, dtype=np.int64)), *joined)
        try:
            save_postings(folder, segment_id, fields)
        except OSError:
            pass  # a read-only index: keep them in memory for this process
        return cls(fields)

    def _span(self, field: str, word: bytes | int) -> tuple[int, int] | None:
        """Where a word's postings stand in a field's arrays ((0, 0) when it has none); None without the field.
        `word`: its UTF-8 bytes, or its word_hash."""
        found = self.fields.get(field)
        if found is None:
            return None
        hashes, bounds = found[0], found[1]
        key = word if isinstance(word, int) else word_hash(word)
        at = int(hashes.searchsorted(key))
        return (int(bounds[at, 0]), int(bounds[at, 1])) if at < len(hashes) and hashes[at] == key else (0, 0)

    def frequency(self, field: str, word: bytes | int) -> int:
        """How many postings a word has in a field here (0 when none, or the field is not stored here)."""
        span = self._span(field, word)
        return span[1] - span[0] if span else 0

    def postings(self, field: str, word: bytes | int) -> tuple[np.ndarray, np.ndarray] | None:
        """(local document numbers, weights) of a word (its bytes or word_hash) in a field; None when the field is
        not stored here."""
        span = self._span(field, word)
        if span is None:
            return None
        docs, weights = self.fields[field][2:]
        return docs[span[0] : span[1]], weights[span[0] : span[1]]


def _all_postings(reader, field: str, word: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(documents, weights) of a term in one segment, deleted documents included."""
    matcher = all_postings(reader, field, word)
    blocks = posting_blocks(matcher)
    if blocks is not None:
        pieces = list(blocks)
        if pieces:
            return np.concatenate([i for i, _ in pieces]), np.concatenate([w for _, w in pieces])
        return np.zeros(0, np.int64), np.zeros(0, np.float64)
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)
