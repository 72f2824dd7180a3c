"""When two paragraphs say the same: their text with numbers, Latin, punctuation and note marks left out
(reports copy last year's paragraph and change its figures), exactly, or nearly (character shingles)."""

from __future__ import annotations

import hashlib
import re

from .folding import fold

_NOT_WORDS = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
SHINGLE = 3  # characters
NEARLY_THE_SAME = 0.8  # Jaccard similarity of the shingle sets from which two paragraphs count as one


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
