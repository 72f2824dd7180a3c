"""whoosh analyzers over our token streams.

The classes here are pickled into the index schema: moving or renaming them means rebuilding the index.
Positions are ordinals (0, 1, 2 …) and startchar/endchar are offsets in the original text, as whoosh's
contract asks. A field value may also be `PreAnalysed` terms (computed once while indexing), which are
then yielded as they are, so no writer segments the text a second time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from whoosh.analysis import Token as WhooshToken
from whoosh.analysis import Tokenizer

from .segmenter import Token, char_tokens, word_tokens


class PreAnalysed(str):
    """A field's terms computed elsewhere, with their positions (None: 0, 1, 2 …), passed as a field value
    (whoosh wants a str there). The index stores terms and positions only, so no character offsets.
    `chained` makes one from parts laid end to end (the headings, the paragraph), `gap` positions apart where a
    part ends, each part with terms stacked on some of its positions (word edges): a writer can then reuse what it
    did for a part it was given before."""

    parts: tuple[list[str], ...]  # the terms, in one or more lists: the chained parts, then their stacked terms
    gap: int | None  # positions skipped after each non-empty part; None when not chained
    given: Sequence[int] | None  # positions given with the terms
    stacked: tuple[Sequence[int], ...]  # per chained part: where (from its start) its stacked terms stand

    def __new__(cls, terms: list[str], positions: Sequence[int] | None = None) -> PreAnalysed:
        self = super().__new__(cls, "")
        self.parts, self.gap, self.given, self.stacked = (terms,), None, positions, ()
        return self

    @classmethod
    def chained(
        cls, parts: Sequence[list[str]], gap: int, stacked: Sequence[tuple[list[str], Sequence[int]]] = ()
    ) -> PreAnalysed:
        """The terms of `parts` one after another, positions continuing `gap` apart after each non-empty part;
        `stacked` gives, per part, terms and the positions in that part they stand on (as many terms as positions)."""
        self = cls([])
        self.parts = (*parts, *(terms for terms, _ in stacked))
        self.gap, self.stacked = gap, tuple(positions for _, positions in stacked)
        return self

    def __reduce__(self):
        return (_restore, (self.parts, self.gap, self.given, self.stacked))

    @property
    def terms(self) -> list[str]:
        """Every term, in order."""
        return self.parts[0] if len(self.parts) == 1 else [term for part in self.parts for term in part]

    def position_runs(self) -> Iterator[Sequence[int]]:
        """The terms' positions, a part (or the given positions) at a time."""
        if self.gap is None:
            yield self.given if self.given is not None else range(len(self.parts[0]))
            return
        offset, starts = 0, []
        for part in self.parts[: len(self.parts) - len(self.stacked)]:
            starts.append(offset)
            yield range(offset, offset + len(part))
            if part:
                offset += len(part) + self.gap
        for start, positions in zip(starts, self.stacked, strict=True):
            yield [start + p for p in positions]

    def tokens(self) -> Iterator[Token]:
        """The terms as tokens (character offsets 0)."""
        positions = (pos for run in self.position_runs() for pos in run)
        return (Token(term, pos, 0, 0) for term, pos in zip(self.terms, positions, strict=True))


def _restore(
    parts: tuple[list[str], ...], gap: int | None, given: Sequence[int] | None, stacked: tuple = ()
) -> PreAnalysed:
    value = PreAnalysed(parts[0], given)
    value.parts, value.gap, value.stacked = parts, gap, stacked
    return value


class _StreamTokenizer(Tokenizer):
    """Turn one of our token streams into whoosh tokens."""

    stream: Callable[[str], Iterable[Token]]

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[WhooshToken]:
        """Yield whoosh tokens for a string or for a list of pre-computed tokens."""
        out = WhooshToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        tokens = value.tokens() if isinstance(value, PreAnalysed) else type(self).stream(value)
        for text, pos, start, end in tokens:
            out.text = text
            out.boost = 1.0
            out.stopped = False
            if keeporiginal:
                out.original = text
            if positions:
                out.pos = start_pos + pos
            if chars:
                out.startchar = start_char + start
                out.endchar = start_char + end
            yield out


class WordTokenizer(_StreamTokenizer):
    """jieba words with stacked dictionary sub-words; folded (full-width, traditional, case)."""

    stream = staticmethod(word_tokens)


class CharTokenizer(_StreamTokenizer):
    """Single CJK characters and whole Latin/number runs: phrases over them are exact substrings."""

    stream = staticmethod(char_tokens)


def WordAnalyzer() -> WordTokenizer:  # noqa: N802 (whoosh names analyzers like classes)
    """Return the analyzer for ranked word fields (body, section, title)."""
    return WordTokenizer()


def CharAnalyzer() -> CharTokenizer:  # noqa: N802
    """Return the analyzer for the exact-match character field."""
    return CharTokenizer()
