"""Length-preserving text folding: full-width → half-width, traditional → simplified, lower case.

Every character maps to exactly one character, so offsets in the folded text are offsets in the
original: highlights computed on folded text mark exactly the original characters.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")

# Characters that look like others in these reports: the katakana prolonged sound mark typed where
# the numeral 一 is meant (下ー步, 五个ー), and the odd spaces that web pages leave behind.
_LOOKALIKES = {
    "\u30fc": "一",  # ー
    "\uff70": "一",  # ｰ
}


def _fold_char(char: str) -> str:
    """Fold one character, keeping it when folding would change the length."""
    if char in _LOOKALIKES:
        return _LOOKALIKES[char]
    folded = unicodedata.normalize("NFKC", char)
    if len(folded) != 1:
        folded = char
    if folded.isspace():
        return " "
    folded = folded.lower()
    if len(folded) != 1:
        return char
    simplified = _T2S.convert(folded)
    return simplified if len(simplified) == 1 else folded


class _FoldTable(dict):
    """code point → folded character, filled as characters are first seen (a `str.translate` table)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_TABLE = _FoldTable()


@lru_cache(maxsize=8192)  # indexing folds each paragraph twice: to tag its topics, then to segment it
def fold(text: str) -> str:
    """Return `text` folded for matching; the result has exactly the length of `text`."""
    if text.isascii():
        return text.lower()
    converted = _T2S.convert(text)
    # OpenCC converts phrase by phrase (better than char by char); keep its result where it kept length.
    return (converted if len(converted) == len(text) else text).translate(_TABLE)
