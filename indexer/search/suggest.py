"""Did-you-mean for a query that finds nothing: the same query with one word put right, to a word the index holds.

A word that occurs nowhere is tried with one character removed, two neighbours swapped, one character added or
one changed; additions and changes come from the index's own vocabulary of jieba words (those sharing the
word's first character, so a wrong first character is not put right). Traditional characters need no suggestion:
queries are folded to simplified before they match.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzers import BREAK, char_tokens

from ..engine.base import EngineView
from . import query as q

MAX_WORD = 12  # longer words are not put right: too many edits, too little chance one is the intended word
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class Suggestion:
    """A corrected query and how many paragraphs it finds."""

    query: str
    total: int


def _folded(word: str) -> str:
    """The word as the index holds it, or "" when punctuation splits it (such a word is left as it is)."""
    tokens = [t.text for t in char_tokens(word)]
    return "" if BREAK in tokens else "".join(tokens)


def _is_word(text: str, view: EngineView) -> bool:
    return next(view.words(text), None) == text


def edits(word: str, view: EngineView) -> dict[str, bool]:
    """The jieba words the index holds one edit away from `word` → whether the edit removed a character (a
    character added or changed, or two neighbours swapped, keep all the user typed: those are better guesses)."""
    n = len(word)
    shorter = {word[:i] + word[i + 1 :] for i in range(n)} if n > 2 else set()
    found = {text: True for text in shorter if _is_word(text, view)}
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(n - 1)}
    found |= {text: False for text in swapped if _is_word(text, view)}
    for i in range(1, n + 1):
        for term in view.words(word[:i]):
            added = len(term) == n + 1 and term[i + 1 :] == word[i:]
            changed = i < n and len(term) == n and term[i + 1 :] == word[i + 1 :]
            if added or changed:
                found[term] = False
    found.pop(word, None)
    return found


def corrections(word: str, view: EngineView) -> list[tuple[str, int]]:
    """(correction, paragraphs it occurs in) for a word the index lacks: those keeping every character typed
    first, then the most frequent."""
    folded = _folded(word)
    if not folded or len(folded) > MAX_WORD or len(view.docs_with([t.text for t in char_tokens(folded)])):
        return []
    counted = []
    for candidate, removed in edits(folded, view).items():
        n = len(view.docs_with([t.text for t in char_tokens(candidate)]))
        if n:
            counted.append((removed, -n, candidate))
    return [(candidate, -n) for _, n, candidate in sorted(counted)]


def suggested_queries(query: str, view: EngineView) -> list[str]:
    """The query with one of its missing words corrected, best corrections first."""
    try:
        tree = q.parse_query(query)
    except q.QueryError:
        return []
    options = []
    for text in q.positive_texts(tree):
        if text.text in query:
            found = corrections(text.text, view)[:MAX_SUGGESTIONS]
            options += [(rank, query.replace(text.text, candidate, 1)) for rank, (candidate, _) in enumerate(found)]
    return [option for _, option in sorted(options, key=lambda o: o[0])]
