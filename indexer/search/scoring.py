"""How hits are scored before re-ranking: BM25F of each query word's jieba words over the ranked fields, the best
of the word's readings (as typed, or an expansion at a lower weight, or its region), summed over the words."""

from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np

from analyzers import words

from ..engine.base import EngineView
from . import query as q
from .facets import Docs, FacetSets
from .understanding import Understanding, WordPlan

FIELD_BOOSTS = {"body": 1.0, "section": 0.6, "title": 0.3}  # body text above headings above the report title
SYNONYM_WEIGHT = 0.5  # an expansion counts half as much as the word as typed
REGION_SCORE = 1.0  # a place name matched by the report's region rather than by the text


@lru_cache(maxsize=4096)  # jieba's words of a query word, once per process (a request scores twice: both tiers)
def readings(plan: WordPlan) -> list[list[tuple[str, str, float]]]:
    """A word's readings, each as (field, jieba word, boost) terms: the word as typed, then each expansion."""
    weighted = [(plan.text, 1.0), *((e, SYNONYM_WEIGHT) for e in plan.expansions)]
    found = [[(f, w, b * weight) for w in words(text) for f, b in FIELD_BOOSTS.items()] for text, weight in weighted]
    return [terms for terms in found if terms]  # (callers only read it)


def scores(view: EngineView, plan: Understanding, facets: FacetSets, wanted: Docs) -> np.ndarray:
    """Every paragraph's score for the query's positive words (0 outside `wanted`)."""
    docs = np.flatnonzero(wanted)
    total = np.zeros(view.size, dtype=np.float64)
    total[docs] = scores_of(view, plan, facets, wanted, docs)
    return total


def scores_of(view: EngineView, plan: Understanding, facets: FacetSets, wanted: Docs, docs: np.ndarray) -> np.ndarray:
    """The scores of `docs`, the sorted paragraphs of `wanted`, in their order: what `scores` gives there, added up
    in the same order (so the same to the last bit), without an array over every paragraph of its own. Terms are
    added into two zeroed arrays kept per thread, read at `docs` and zeroed there again (an engine's term scores
    are 0 where not wanted: nothing is written elsewhere)."""
    total, reading = _scratch(view.size)
    try:
        for text in q.positive_texts(plan.tree):
            word = plan.plans[text]
            # a paragraph scores by its best reading (the word, or one expansion), never their sum, so expansions
            # widen what matches without lifting paragraphs that also have the word itself
            found = readings(word)
            if len(found) == 1 and not word.regions:  # one reading: its terms add straight into the total
                for f, w, b in found[0]:
                    view.term_scores(f, w, b, wanted, into=total)
                continue
            best = None
            for terms in found:
                for f, w, b in terms:
                    view.term_scores(f, w, b, wanted, into=reading)
                score = reading[docs]
                reading[docs] = 0.0
                best = score if best is None else np.maximum(best, score)
            if word.regions:
                region = facets.union("region", list(word.regions))[docs] * REGION_SCORE
                best = region if best is None else np.maximum(best, region)
            if best is not None:
                total[docs] += best
        found = total[docs]
        total[docs] = 0.0
        return found
    except BaseException:
        _SCRATCH.arrays = None  # whatever was added where: started afresh
        raise


_SCRATCH = threading.local()


def _scratch(size: int) -> tuple[np.ndarray, np.ndarray]:
    """This thread's two arrays of `size` zeros (scores_of leaves them zero)."""
    arrays = getattr(_SCRATCH, "arrays", None)
    if arrays is None or len(arrays[0]) != size:
        arrays = _SCRATCH.arrays = (np.zeros(size, dtype=np.float64), np.zeros(size, dtype=np.float64))
    return arrays
