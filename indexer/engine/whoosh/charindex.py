"""Exact-substring matching in numpy, written beside each whoosh segment (the accelerator of issue #6).

whoosh stays the index of record: its `chars` field holds the same postings, and a phrase query over it gives the
same documents (a test pins that). Matching a phrase there runs position by position in Python; here each
character's occurrences are one sorted int64 array of `docnum << 24 | position`, so a phrase c1 c2 … ck matches
where key(c1) + i is in key(c(i+1)) for every i: k − 1 intersections in C.

Files are named like the segment's own files (`MAIN_<segment id>.gsc…`), so whoosh deletes them with their
segment. The lean segment writer writes them with each segment; a segment without them (one whoosh merged)
gets them built from its whoosh postings the first time a searcher opens it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from analyzers import EDGE

from .reading import leaves_of

POSITION_BITS = 24  # positions within one paragraph (headings and text, word edges among them) stay below 16 M
FIELD = "chars"


def _pack(per_term: dict[str, np.ndarray]) -> tuple[dict[str, tuple[int, int]], np.ndarray]:
    """Every character's keys, sorted, in one array; each character's (start, end) in it."""
    terms, offset, parts = {}, 0, []
    for term, keys in per_term.items():
        terms[term] = (offset, offset + len(keys))
        offset += len(keys)
        parts.append(np.sort(keys))
    return terms, np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _paths(folder: Path, segment_id: str) -> tuple[Path, Path]:
    base = folder / f"{segment_id}.gsc"
    return Path(f"{base}.keys.npy"), Path(f"{base}.terms.json")


def save_sidecar(folder: Path, segment_id: str, terms: dict[str, tuple[int, int]], keys: np.ndarray) -> None:
    """Write a segment's sidecar: each character's (start, end) in `keys` (atomically: temporary names, renames)."""
    keys_path, terms_path = _paths(folder, segment_id)
    for path, write in (
        (keys_path, lambda f: np.save(f, keys)),
        (terms_path, lambda f: f.write(json.dumps(terms, ensure_ascii=False).encode("utf-8"))),
    ):
        temporary = folder / f".{path.name}.{os.getpid()}"  # a leading dot: whoosh's clean-up leaves it alone
        with temporary.open("wb") as fh:
            write(fh)
        os.replace(temporary, path)  # the terms file last: its presence means the sidecar is whole


class SegmentChars:
    """One segment's character occurrences, memory-mapped."""

    def __init__(self, terms: dict[str, tuple[int, int]], keys: np.ndarray) -> None:
        self.terms = terms
        self.keys = keys

    @classmethod
    def load(cls, folder: Path, segment_id: str) -> SegmentChars | None:
        """The sidecar of a segment, or None when it has none yet."""
        keys_path, terms_path = _paths(folder, segment_id)
        if not terms_path.is_file():
            return None
        terms = {k: tuple(v) for k, v in json.loads(terms_path.read_text(encoding="utf-8")).items()}
        return cls(terms, np.load(keys_path, mmap_mode="r"))

    @classmethod
    def build(cls, reader, folder: Path, segment_id: str) -> SegmentChars:
        """Build a segment's sidecar from its whoosh postings, save it, and return it."""
        per_term: dict[str, list[int]] = {}
        for term in reader.lexicon(FIELD):
            text = term.decode("utf-8")
            matcher = reader.postings(FIELD, term)
            keys = per_term.setdefault(text, [])
            while matcher.is_active():
                docnum = matcher.id()
                keys.extend((docnum << POSITION_BITS) | p for p in matcher.value_as("positions"))
                matcher.next()
        terms, keys = _pack({t: np.array(k, dtype=np.int64) for t, k in per_term.items()})
        try:
            save_sidecar(folder, segment_id, terms, keys)
        except OSError:
            pass  # a read-only index: keep it in memory for this process
        return cls(terms, keys)

    def on_word_edges(self, starts: np.ndarray, length: int) -> np.ndarray:
        """Per match of `length` tokens (its start key): whether it lies inside one word or runs from a word
        edge to a word edge (as phrases.on_word_edges, for whole arrays)."""
        span = self.terms.get(EDGE)
        edges = np.asarray(self.keys[span[0] : span[1]]) if span else np.zeros(0, dtype=np.int64)
        inside = np.searchsorted(edges, starts + length) - np.searchsorted(edges, starts + 1)
        return (inside == 0) | (_is_in(starts, edges) & _is_in(starts + length, edges))

    def docs(self, tokens: list[str], across_words: bool) -> np.ndarray:
        """Sorted local document numbers where the tokens occur in a row (see CharIndex.docs)."""
        keys = self.occurrences(tokens)
        if len(tokens) > 1 and not across_words and len(keys):
            keys = keys[self.on_word_edges(keys, len(tokens))]
        return np.unique(keys >> POSITION_BITS)

    def occurrences(self, tokens: list[str]) -> np.ndarray:
        """Keys (document << 24 | position) where the tokens occur one after another."""
        found = None
        for i, token in enumerate(tokens):
            span = self.terms.get(token)
            if span is None:
                return np.zeros(0, dtype=np.int64)
            keys = self.keys[span[0] : span[1]]
            found = np.asarray(keys) if found is None else np.intersect1d(found, keys - i, assume_unique=True)
            if not len(found):
                break
        return found if found is not None else np.zeros(0, dtype=np.int64)


def _is_in(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Per key: whether it is in `sorted_keys`."""
    at = np.minimum(np.searchsorted(sorted_keys, keys), max(len(sorted_keys) - 1, 0))
    return sorted_keys[at] == keys if len(sorted_keys) else np.zeros(len(keys), dtype=bool)


class CharIndex:
    """Every live segment's sidecar with its document offset: exact-substring matching for a whole searcher."""

    def __init__(self, parts: list[tuple[SegmentChars, int, np.ndarray]]) -> None:
        self.parts = parts  # (sidecar, docnum offset, deleted local docnums)

    @classmethod
    def open(cls, reader, folder: Path) -> CharIndex:
        """The sidecars of a whoosh reader's segments, building any that are missing."""
        parts = []
        for leaf, offset in leaves_of(reader):
            segment = leaf.segment()
            segment_id = segment.segment_id()
            chars = SegmentChars.load(folder, segment_id) or SegmentChars.build(leaf, folder, segment_id)
            deleted = np.fromiter(sorted(segment.deleted_docs()), dtype=np.int64) if segment.has_deletions() else None
            parts.append((chars, offset, deleted))
        return cls(parts)

    def docs(self, tokens: list[str], across_words: bool = False) -> np.ndarray:
        """Global document numbers (sorted) of the live paragraphs where the tokens occur in a row, on word edges
        or inside one word (`across_words`: anywhere)."""
        found = []
        for chars, offset, deleted in self.parts:
            local = chars.docs(tokens, across_words)
            if deleted is not None and len(local):
                local = local[~np.isin(local, deleted, assume_unique=True)]
            found.append(local + offset)
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
