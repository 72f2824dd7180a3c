"""When two paragraphs say the same: their text with numbers, Latin, punctuation and note marks left out
(reports copy last year's paragraph and change its figures), exactly, or nearly (character shingles)."""

from __future__ import annotations

import hashlib
import re

from .folding import fold

_NOT_WORDS = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
SHINGLE = 3  # characters
NEARLY_THE_SAME = 0.8  # Jaccard similarity of the shingle sets from which two paragraphs count as one
# shared shingles needed per shingle in one set only (J ≥ t ⟺ shared ≥ t / (1 − t) × unshared), a hair lower
_SHARED_PER_UNSHARED = NEARLY_THE_SAME / (1 - NEARLY_THE_SAME) * (1 - 1e-9)


def normalised(text: str) -> str:
    """The Chinese characters of `text`, folded, in order: what stays when a report copies a paragraph."""
    return _NOT_WORDS.sub("", fold(text))


def same_text_key(text: str) -> int:
    """A 63-bit key equal for paragraphs whose normalised text is the same (a text without Chinese characters
    keys on the whole text)."""
    basis = normalised(text) or text
    return int.from_bytes(hashlib.blake2b(basis.encode("utf-8"), digest_size=8).digest(), "big") >> 1


def shingles(text: str) -> frozenset[str]:
    """The normalised text's overlapping runs of SHINGLE characters."""
    return char_shingles(normalised(text))


def char_shingles(chars: str) -> frozenset[str]:
    """A normalised text's overlapping runs of SHINGLE characters."""
    return frozenset(chars[i : i + SHINGLE] for i in range(max(len(chars) - SHINGLE + 1, 1)))


def nearly_the_same(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two shingle sets overlap by NEARLY_THE_SAME (Jaccard) or more."""
    if not a or not b:
        return False
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared) >= NEARLY_THE_SAME


def may_be_nearly_the_same(a: str, b: str, chars_a: frozenset[str], chars_b: frozenset[str]) -> bool:
    """False when two normalised texts (`chars_*`: their sets of characters) cannot be nearly_the_same, told by
    their characters alone: a character of one missing from the other puts at least one shingle in one set only
    (one shingle holds three characters at most), and a text of n characters has n − 2 shingles at most."""
    if len(a) < SHINGLE or len(b) < SHINGLE:
        return True
    shared = len(chars_a & chars_b)
    only_a = -(-(len(chars_a) - shared) // SHINGLE)  # shingles of a alone, at least
    only_b = -(-(len(chars_b) - shared) // SHINGLE)
    needed = _SHARED_PER_UNSHARED * (only_a + only_b)  # shared shingles needed
    return min(len(a) - SHINGLE + 1 - only_a, len(b) - SHINGLE + 1 - only_b) >= needed
