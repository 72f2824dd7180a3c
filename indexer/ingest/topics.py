"""Topic tagging from an editable taxonomy file: topics with the terms that signal them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import ahocorasick

from analyzers import fold

from ..errors import ConfigFileError

DEFAULT_TAXONOMY = Path(__file__).with_name("topics.txt")


class TaxonomyError(ConfigFileError):
    """A taxonomy file line that is not `topic: term, term`."""


@dataclass(frozen=True)
class Taxonomy:
    """Topics and their (folded) terms, in file order."""

    topics: tuple[tuple[str, tuple[str, ...]], ...]

    def tag(self, text: str, headings: tuple[str, ...] = ()) -> tuple[str, ...]:
        """Return the topics whose terms occur in `text` or in one of the `headings` above it."""
        automaton = self._automaton
        if automaton.kind != ahocorasick.AHOCORASICK:  # no terms at all: an automaton is never made
            return ()
        found = self._found_in(fold(text)) | self._in_headings(headings)
        return tuple(self.topics[number][0] for number in sorted(found))

    def _found_in(self, folded: str) -> set[int]:
        """The numbers of the topics whose terms occur in a folded text."""
        return {number for _, numbers in self._automaton.iter(folded) for number in numbers}

    def _in_headings(self, headings: tuple[str, ...]) -> set[int]:
        """The topics' numbers found in a paragraph's headings, worked out once for the paragraphs under them (no
        term holds a space, so none can run from one heading into the next or into the text)."""
        cache = self._headings_seen
        found = cache.get(headings)
        if found is None:
            if len(cache) > 4096:
                cache.clear()
            found = cache[headings] = set().union(*(self._found_in(fold(h)) for h in headings))
        return found

    @cached_property
    def _headings_seen(self) -> dict[tuple[str, ...], set[int]]:
        return {}

    @cached_property
    def _automaton(self) -> ahocorasick.Automaton:
        """Every term → the numbers of the topics it signals, found in one pass over a text (Aho-Corasick)."""
        numbers: dict[str, list[int]] = {}
        for number, (_, terms) in enumerate(self.topics):
            for term in terms:
                numbers.setdefault(term, []).append(number)
        automaton = ahocorasick.Automaton()
        for term, found in numbers.items():
            automaton.add_word(term, tuple(found))
        automaton.make_automaton()
        return automaton


def load_taxonomy(path: Path = DEFAULT_TAXONOMY) -> Taxonomy:
    """Read a taxonomy file: `#` comments, blank lines, and `topic: term, term, …` lines."""
    topics = []
    for number, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, rest = line.replace("：", ":").partition(":")
        terms = tuple(fold(t.strip()) for t in rest.replace("，", ",").replace("、", ",").split(",") if t.strip())
        if not sep or not name.strip() or not terms:
            raise TaxonomyError(path, number, f"expected 'topic: term, term', got {raw!r}")
        topics.append((name.strip(), terms))
    return Taxonomy(tuple(topics))
