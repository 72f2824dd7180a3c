"""Exact-character matching through whoosh itself (the plain path, and the reference the numpy sidecar must
equal): a phrase query over the `chars` field, each match then checked against the word edges indexed there."""

from __future__ import annotations

import numpy as np
from whoosh.query import Phrase, Term

from analyzers import EDGE, on_word_edges

from .charindex import FIELD as CHARS


def phrase_docs(searcher, tokens: list[str], across_words: bool = False) -> np.ndarray:
    """Sorted document numbers where the character tokens occur in a row (`across_words`: also where every such
    run straddles two words)."""
    if len(tokens) == 1 or across_words:
        query = Term(CHARS, tokens[0]) if len(tokens) == 1 else Phrase(CHARS, tokens)
        return np.array(sorted(searcher.docs_for_query(query)), dtype=np.int64)
    if any((CHARS, token) not in searcher.reader() for token in tokens):
        return np.zeros(0, dtype=np.int64)
    matches = Phrase(CHARS, tokens).matcher(searcher)
    edges = searcher.postings(CHARS, EDGE) if (CHARS, EDGE) in searcher.reader() else None
    found = []
    while matches.is_active():
        doc = matches.id()
        marks: set[int] = set()
        if edges is not None and edges.is_active():
            edges.skip_to(doc)
            if edges.is_active() and edges.id() == doc:
                marks = set(edges.value_as("positions"))
        if any(on_word_edges(span.start, len(tokens), marks) for span in matches.spans()):
            found.append(doc)
        matches.next()
    return np.array(found, dtype=np.int64)
