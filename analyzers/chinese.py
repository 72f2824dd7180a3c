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
    (whoosh wants a str there). The index stores terms and positions only, so no character offsets."""

    terms: list[str]
    positions: Sequence[int] | None

    def __new__(cls, terms: list[str], positions: Sequence[int] | None = None) -> PreAnalysed:
        self = super().__new__(cls, "")
        self.terms = terms
        self.positions = positions
        return self

    def __reduce__(self):
        return (PreAnalysed, (self.terms, self.positions))

    def tokens(self) -> Iterator[Token]:
        """The terms as tokens (character offsets 0)."""
        positions = self.positions if self.positions is not None else range(len(self.terms))
        return (Token(term, pos, 0, 0) for term, pos in zip(self.terms, positions, strict=True))


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
