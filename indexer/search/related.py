"""Related paragraphs: for a question in plain words, those that say it in other (official) words.

After the hits and the paragraphs missing one word, a tier ranked by BM25F over the query's jieba words in OR (with
their dictionary sub-words and synonyms), widened by pseudo-relevance feedback: the words that stand out in the
best of them (frequent there, rare in the index) are added at a lower weight. Learned from the indexed corpus
alone, no model. Never counted in the total, never in exports, feeds or saved searches.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from analyzers import word_tokens

from ..engine.base import EngineView
from . import query as q
from .facets import Docs
from .scoring import FIELD_BOOSTS, SYNONYM_WEIGHT
from .tiers import best_of
from .understanding import Understanding

RELATED_DEPTH = 50  # related paragraphs listed
FEEDBACK_DOCS = 10  # best paragraphs the feedback words are taken from
FEEDBACK_WORDS = 8
FEEDBACK_WEIGHT = 0.4  # a feedback word counts this much of a query word
COMMON = 0.05  # words in more than this share of paragraphs are no feedback


def query_words(plan: Understanding) -> dict[str, float]:
    """The query's positive words as jieba sees them, with stacked sub-words, and their expansions: word → weight."""
    weights: dict[str, float] = {}
    for text in q.positive_texts(plan.tree):
        word = plan.plans[text]
        for needle, weight in ((word.text, 1.0), *((e, SYNONYM_WEIGHT) for e in word.expansions)):
            for token in word_tokens(needle):
                if len(token.text) > 1 or not token.text.isascii():
                    weights[token.text] = max(weights.get(token.text, 0.0), weight)
    return weights


def _bm25f(view: EngineView, words: dict[str, float], wanted: Docs) -> np.ndarray:
    total = np.zeros(view.size, dtype=np.float64)
    for word, weight in words.items():
        for field, boost in FIELD_BOOSTS.items():
            view.term_scores(field, word, boost * weight, wanted, into=total)
    return total


def feedback_words(view: EngineView, best: list[int], known: dict[str, float]) -> dict[str, float]:
    """Words frequent in the best paragraphs and rare in the index (RM3-like), weighted up to FEEDBACK_WEIGHT."""
    counts: Counter[str] = Counter()
    for rank, docnum in enumerate(best):
        tokens = [t.text for t in word_tokens(view.paragraph(docnum).text) if len(t.text) > 1]
        for word, n in Counter(tokens).items():
            counts[word] += (n / max(len(tokens), 1)) / (1 + rank) ** 0.5
    size = max(int(np.count_nonzero(view.live)), 1)
    chosen: dict[str, float] = {}
    for word, weight in counts.most_common():
        if len(chosen) == FEEDBACK_WORDS:
            break
        if word in known or word.isascii():
            continue
        frequency = view.doc_frequency("body", word)
        if 1 < frequency < COMMON * size:
            chosen[word] = weight * np.log(size / frequency)
    top = max(chosen.values(), default=1.0)
    return {word: FEEDBACK_WEIGHT * weight / top for word, weight in chosen.items()}


def related(
    view: EngineView, plan: Understanding, allowed: Docs, exclude: Docs, stable: np.ndarray
) -> list[tuple[float, int]]:
    """Up to RELATED_DEPTH (score, paragraph) of `allowed` (the filters' paragraphs) outside `exclude` (the
    hits), best first."""
    words = query_words(plan)
    if not words:
        return []
    first = _bm25f(view, words, allowed)
    best = best_of(np.flatnonzero(first > 0), first, stable, FEEDBACK_DOCS).tolist()
    if not best:
        return []
    expansion = feedback_words(view, best, words)
    score = first + (_bm25f(view, expansion, allowed) if expansion else 0.0)
    score[exclude] = 0.0
    ranked = best_of(np.flatnonzero(score > 0), score, stable, RELATED_DEPTH)
    return [(float(score[d]), int(d)) for d in ranked]
