"""Character pairs: a positional index of every two adjacent character tokens, with the word edges around them.

Matching a word of k characters over single characters intersects k occurrence lists, the commonest characters'
millions long; over pairs a two-character word is one lookup and a longer one intersects ⌈(k − 1) / 2⌉ lists of
pairs, far shorter. Each pair occurrence is one int64 key, `(doc << 24 | position) << 3 | flags`, where the three
flags say whether a word edge (analyzers.EDGE) stands before the first character, between the two, and after the
second: what the word-edge rule (analyzers.on_word_edges) needs, read from the keys already in hand.

A pair is coded `first id × characters + second id`, ids being the characters' places in the sidecar's term list;
`codes` are sorted, `bounds[i]` is where code i's keys start in `keys`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIDECAR_VERSION = 2  # 1 (no version written): characters only, EDGE among them
ARRAYS = ("keys", "codes", "bounds", "pair_keys")  # the sidecar's arrays, one .npy file each
FLAG_BITS = 3
BEFORE, BETWEEN, AFTER = 4, 2, 1  # edge before the first character, between the two, after the second
_EMPTY = np.zeros(0, dtype=np.int64)


def distinct_sorted(values: np.ndarray) -> np.ndarray:
    """The distinct values of a sorted array (no sort: neighbours compared)."""
    if len(values) < 2:
        return np.asarray(values)
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _is_in(values: np.ndarray, sorted_values: np.ndarray) -> np.ndarray:
    """Per value: whether it is in `sorted_values`."""
    if not len(sorted_values):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_values, values), len(sorted_values) - 1)
    return sorted_values[at] == values


def _edge_flags(at: np.ndarray, first: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Per pair (its first token's index in the sorted token keys `at`): BEFORE | BETWEEN | AFTER as word edges
    stand there. An edge stands on a token's position, or just past the last token of a part (no token there)."""
    on = np.zeros(len(at) + 2, dtype=bool)
    where = np.minimum(np.searchsorted(at, edges), len(at) - 1)
    on[where[at[where] == edges]] = True
    flags = on[first] * BEFORE + on[first + 1] * BETWEEN
    third = np.minimum(first + 2, len(at) - 1)
    token_there = at[third] == at[first] + 2
    after = np.where(token_there, on[first + 2], False)
    past = ~token_there
    after[past] = _is_in(at[first[past]] + 2, edges)
    return flags + after * AFTER


@dataclass(frozen=True)
class Pairs:
    """One segment's character pairs."""

    codes: np.ndarray  # sorted pair codes
    bounds: np.ndarray  # len(codes) + 1 offsets into keys
    keys: np.ndarray  # per pair, its occurrences' keys, sorted
    size: int  # how many characters the ids count

    @classmethod
    def of(cls, terms: dict[str, tuple[int, int]], keys: np.ndarray, edges: np.ndarray) -> Pairs:
        """The pairs of a segment's characters (each term's sorted `doc << 24 | position` keys in `keys` at its
        (start, end), ids in `terms` order) and its sorted word-edge keys. Plain sorts of unique composite keys
        throughout (numpy sorts integers far faster than it arg-sorts them)."""
        size = len(terms)
        if not len(keys):
            return cls(_EMPTY, np.zeros(1, dtype=np.int64), _EMPTY, size)
        id_bits = max(1, int(size - 1).bit_length())
        ids = np.repeat(np.arange(size, dtype=np.int64), [end - start for start, end in terms.values()])
        stream = np.sort((np.asarray(keys, dtype=np.int64) << id_bits) | ids)  # every token in document order
        at, who = stream >> id_bits, stream & ((1 << id_bits) - 1)
        first = np.flatnonzero(at[1:] == at[:-1] + 1)  # a pair where the next token is the next position
        start = at[first]
        flags = _edge_flags(at, first, edges)
        order = np.sort((who[first] * size + who[first + 1]) * len(first) + np.arange(len(first)))
        code, picked = order // len(first), order % len(first)  # by pair, each pair's keys in document order
        pair_keys = (start[picked] << FLAG_BITS) | flags[picked]
        bounds = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
        return cls(code[bounds], np.r_[bounds, len(code)].astype(np.int64), pair_keys, size)

    def occurrences(self, first: int, second: int) -> np.ndarray:
        """The keys of one pair of character ids."""
        code = first * self.size + second
        at = int(np.searchsorted(self.codes, code))
        if at == len(self.codes) or self.codes[at] != code:
            return _EMPTY
        return np.asarray(self.keys[self.bounds[at] : self.bounds[at + 1]])

    def phrase(self, ids: list[int], across_words: bool) -> np.ndarray:
        """Sorted `doc << 24 | position` starts where the characters `ids` (two or more) occur in a row, inside
        one word or from a word edge to a word edge (`across_words`: anywhere)."""
        length = len(ids)
        if length == 2:  # one pair: its keys, its own flags deciding (most Chinese words have two characters)
            keys = self.occurrences(ids[0], ids[1])
            return (keys if across_words else keys[_TWO_ON_EDGES[keys & 7]]) >> FLAG_BITS
        offsets = list(range(0, length - 1, 2))
        if offsets[-1] != length - 2:
            offsets.append(length - 2)  # an odd length: the last pair overlaps the one before
        lists = sorted(((self.occurrences(ids[o], ids[o + 1]), o) for o in offsets), key=lambda p: len(p[0]))
        driver, o = lists[0]
        starts = (driver >> FLAG_BITS) - o
        flags = {o: driver & 7}
        for keys, o in lists[1:]:
            if not len(starts):
                break
            at = np.minimum(keys.searchsorted((starts + o) << FLAG_BITS), len(keys) - 1)
            found = (keys[at] >> FLAG_BITS) == starts + o if len(keys) else np.zeros(len(starts), dtype=bool)
            starts, at = starts[found], at[found]
            flags = {k: v[found] for k, v in flags.items()} | {o: keys[at] & 7}
        if across_words or not len(starts):
            return starts
        return starts[_on_word_edges(flags, length)]


# per flags of a two-character match: no edge between the characters, or edges before and after both
_TWO_ON_EDGES = np.array([not f & BETWEEN or f & (BEFORE | AFTER) == BEFORE | AFTER for f in range(8)])


def _on_word_edges(flags: dict[int, np.ndarray], length: int) -> np.ndarray:
    """Per match: no word edge inside it, or edges at both its ends (the rule of analyzers.on_word_edges), from
    the flags of the pairs at each offset (a pair at offset o tells of positions o, o + 1 and o + 2)."""
    inside = None
    for o, f in flags.items():
        bits = sum(bit for place, bit in ((o, BEFORE), (o + 1, BETWEEN), (o + 2, AFTER)) if 0 < place < length)
        edged = (f & bits) != 0
        inside = edged if inside is None else inside | edged
    return ~inside | (((flags[0] & BEFORE) != 0) & ((flags[length - 2] & AFTER) != 0))
