"""Synonyms and abbreviations applied at query time, from an editable file.

    老人, 老年人, 老年          a group: each word also finds the others
    放管服 => 简政放权, 放管结合   one way: 放管服 also finds the words on the right

Expansions widen what a query word matches and rank below the word as typed. Quoted phrases are never
expanded. The shipped file is `indexer/synonyms.txt`; `<home>/synonyms.txt` replaces it when present.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from analyzers import fold

from ..errors import ConfigFileError

DEFAULT_SYNONYMS = Path(__file__).with_name("synonyms.txt")
_SPLIT = re.compile(r"\s*[,，、]\s*")


class SynonymError(ConfigFileError):
    """A synonyms file line that is neither a group nor `word => word, word`."""


@dataclass(frozen=True)
class Synonyms:
    """Folded word → the words it also finds, in file order."""

    table: dict[str, tuple[str, ...]]

    def expand(self, word: str) -> tuple[str, ...]:
        """The expansions of a query word (not including the word itself)."""
        return self.table.get(fold(word.strip()), ())


def _add(table: dict[str, list[str]], word: str, others: list[str]) -> None:
    known = table.setdefault(word, [])
    known.extend(o for o in others if o != word and o not in known)


def load_synonyms(path: Path = DEFAULT_SYNONYMS) -> Synonyms:
    """Read a synonyms file: `#` comments, `a, b, c` groups and `a => b, c` one-way lines."""
    table: dict[str, list[str]] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        left, arrow, right = line.partition("=>")
        words = [fold(w.strip()) for w in _SPLIT.split(right if arrow else left) if w.strip()]
        heads = [fold(w.strip()) for w in _SPLIT.split(left) if w.strip()] if arrow else words
        if not words or not heads or (not arrow and len(words) < 2):
            raise SynonymError(path, number, f"expected 'a, b, c' or 'a => b, c', got {raw!r}")
        for head in heads:
            _add(table, head, words)
    return Synonyms({k: tuple(v) for k, v in table.items() if v})
