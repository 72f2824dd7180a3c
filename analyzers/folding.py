"""Length-preserving text folding: full-width → half-width, traditional → simplified, lower case.

Every character maps to exactly one character, so offsets in the folded text are offsets in the
original: highlights computed on folded text mark exactly the original characters.
"""

from __future__ import annotations

import re
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
    """code point → folded character, filled as characters are first seen."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_TABLE = _FoldTable()


def _bmp_folds() -> dict[int, str]:
    """What every character of the BMP that folding changes folds to, as `_fold_char` says, found in one pass
    (their OpenCC conversions by one call over all of them apart: no phrase spans a line break)."""
    folds: dict[int, str] = {}
    asked: list[tuple[int, str]] = []  # (code, the character OpenCC is asked about)
    for code in range(0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        if char in _LOOKALIKES:
            folds[code] = _LOOKALIKES[char]
            continue
        folded = unicodedata.normalize("NFKC", char)
        folded = folded if len(folded) == 1 else char
        if folded.isspace():
            if char != " ":
                folds[code] = " "
            continue
        lower = folded.lower()
        if len(lower) == 1 and (lower != char or code >= 0x2E80):  # CJK and beyond: OpenCC decides
            asked.append((code, lower))
    answers = _T2S.convert("\n".join(c for _, c in asked)).split("\n")
    if len(answers) != len(asked):  # cannot happen with OpenCC's dictionaries; then one character at a time
        return {code: f for code in range(0x10000) if (f := _fold_char(chr(code))) != chr(code)}
    for (code, lower), simplified in zip(asked, answers, strict=True):
        folded = simplified if len(simplified) == 1 else lower
        if folded != chr(code):
            folds[code] = folded
    return folds


_BMP_FOLDS = _bmp_folds()
_TABLE.update(_BMP_FOLDS)
# one character that folding changes: those of the BMP, and any beyond it (looked up as met)
_CHANGING = re.compile("[" + "".join(re.escape(chr(c)) for c in _BMP_FOLDS) + "\U00010000-\U0010ffff]")
# characters whose folded form folds again (薴 → 苧 → 苎 when OpenCC left the text as it was, or one beyond the BMP):
# replaced in one pass
_CHAINED = frozenset(chr(c) for c, f in _BMP_FOLDS.items() if _BMP_FOLDS.get(ord(f), f) != f or ord(f) > 0xFFFF)


@lru_cache(maxsize=8192)  # indexing folds each paragraph twice: to tag its topics, then to segment it
def fold(text: str) -> str:
    """Return `text` folded for matching; the result has exactly the length of `text`."""
    if text.isascii():
        return text.lower()
    converted = _T2S.convert(text)
    # OpenCC converts phrase by phrase (better than char by char); keep its result where it kept length.
    folded = converted if len(converted) == len(text) else text
    # the few distinct characters that fold (，（） in most paragraphs), each replaced throughout: 4× faster than
    # a translate table, whose look-up per character costs more than the rest of folding
    found = set(_CHANGING.findall(folded))
    if found & _CHAINED:
        return _CHANGING.sub(lambda m: _TABLE[ord(m.group())], folded)
    for char in found:
        folded = folded.replace(char, _TABLE[ord(char)])
    return folded
