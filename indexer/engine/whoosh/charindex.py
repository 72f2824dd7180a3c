"""Exact-substring matching in numpy, written beside each whoosh segment (the accelerator of issue #6).

whoosh stays the index of record: its `chars` field holds the same postings, and a phrase query over it gives the
same documents (a test pins that). Matching a phrase there runs position by position in Python; here each
character's occurrences are one sorted int64 array of `docnum << 24 | position` (a one-character word is a look-up),
and every two adjacent characters' occurrences another, with the word edges around them (pairs.py), so a longer word
intersects a few pair lists in C and the word-edge rule is read from the same keys. The EDGE term stays in whoosh's
postings (the plain path's reference); here it lives only in the pairs' flags.

Files are named like the segment's own files (`MAIN_<segment id>.gsc…`), so whoosh deletes them with their
segment. The lean segment writer writes them with each segment; a segment without them (one whoosh merged)
gets them built from its whoosh postings the first time a searcher opens it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from analyzers import EDGE

from .pairs import ARRAYS, SIDECAR_VERSION, Pairs, distinct_sorted
from .reading import leaves_of
from .sidecars import mapped, write_atomically

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


def _paths(folder: Path, segment_id: str) -> dict[str, Path]:
    base = folder / f"{segment_id}.gsc"
    return {name: Path(f"{base}.{name}.npy") for name in ARRAYS} | {"terms": Path(f"{base}.terms.json")}


def save_sidecar(folder: Path, segment_id: str, terms: dict[str, tuple[int, int]], keys: np.ndarray) -> None:
    """Write a segment's sidecar from its `chars` postings (each term's sorted keys, EDGE among them): the
    characters' keys and the pairs' (see pairs.py), atomically: temporary names, renames, the terms file last."""
    sidecar = SegmentChars.of(terms, keys)
    paths = _paths(folder, segment_id)
    pairs = sidecar.pairs
    arrays = {"keys": sidecar.keys, "codes": pairs.codes, "bounds": pairs.bounds, "pair_keys": pairs.keys}
    listing = {"version": SIDECAR_VERSION, "terms": list(sidecar.terms), "bounds": list(sidecar.terms.values())}
    for name in ARRAYS:
        write_atomically(folder, paths[name], lambda fh, a=arrays[name]: np.save(fh, a))
    terms = json.dumps(listing, ensure_ascii=False).encode("utf-8")
    write_atomically(folder, paths["terms"], lambda fh: fh.write(terms))  # last: its presence means it is whole


class SegmentChars:
    """One segment's character occurrences and character pairs, memory-mapped."""

    def __init__(self, terms: dict[str, tuple[int, int]], keys: np.ndarray, pairs: Pairs) -> None:
        self.terms = terms  # character → (start, end) of its keys; its place in this order is its id in pairs
        self.keys = keys
        self.pairs = pairs
        self.ids = {term: i for i, term in enumerate(terms)}

    @classmethod
    def of(cls, terms: dict[str, tuple[int, int]], keys: np.ndarray) -> SegmentChars:
        """The sidecar of `chars` postings given as each term's sorted keys (EDGE among them)."""
        edge = terms.get(EDGE)
        edges = np.asarray(keys[edge[0] : edge[1]]) if edge else np.zeros(0, dtype=np.int64)
        kept = {t: span for t, span in terms.items() if t != EDGE}
        chars, offset, parts = {}, 0, []
        for term, (start, end) in kept.items():
            chars[term] = (offset, offset + end - start)
            offset += end - start
            parts.append(np.asarray(keys[start:end]))
        unigram = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return cls(chars, unigram, Pairs.of(chars, unigram, edges))

    @classmethod
    def load(cls, folder: Path, segment_id: str) -> SegmentChars | None:
        """The sidecar of a segment, or None when it has none yet (an older sidecar is upgraded in place)."""
        paths = _paths(folder, segment_id)
        if not paths["terms"].is_file():
            return None
        listing = json.loads(paths["terms"].read_text(encoding="utf-8"))
        if not isinstance(listing, dict) or listing.get("version") != SIDECAR_VERSION:  # characters only, EDGE kept
            terms = {k: tuple(v) for k, v in listing.items()}
            keys = mapped(paths["keys"])
            try:
                save_sidecar(folder, segment_id, terms, keys)
            except OSError:  # a read-only index: upgraded in memory for this process
                return cls.of(terms, keys)
            return cls.load(folder, segment_id)
        terms = {t: tuple(b) for t, b in zip(listing["terms"], listing["bounds"], strict=True)}
        arrays = {name: mapped(paths[name]) for name in ARRAYS}
        return cls(terms, arrays["keys"], Pairs(arrays["codes"], arrays["bounds"], arrays["pair_keys"], len(terms)))

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
            return cls.of(terms, keys)  # a read-only index: keep it in memory for this process
        return cls.load(folder, segment_id)

    def docs(self, tokens: list[str], across_words: bool) -> np.ndarray:
        """Sorted local document numbers where the tokens occur in a row (see CharIndex.docs)."""
        if len(tokens) == 1:
            span = self.terms.get(tokens[0])
            keys = np.asarray(self.keys[span[0] : span[1]]) if span else np.zeros(0, dtype=np.int64)
        else:
            ids = [self.ids.get(t) for t in tokens]
            keys = self.pairs.phrase(ids, across_words) if None not in ids else np.zeros(0, dtype=np.int64)
        return distinct_sorted(keys >> POSITION_BITS)


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
