"""Re-ranking features computed on a paragraph's own text: length, coverage and proximity of the query words.

BM25F scores the words; these factors then make a paragraph that actually discusses the topic outrank a
bare heading, a glossary line or a paragraph that only sits under a matching heading, and favour paragraphs
where the words of a multi-word query occur close together.
"""

from __future__ import annotations

SHORT_PARAGRAPH = 50  # characters; shorter paragraphs are damped (√(length / 50))
HEADING_ONLY = 0.5  # a word found only in the headings or title above a paragraph counts half
PROXIMITY_WEIGHT = 0.5  # up to +50% when the words are adjacent
OCCURRENCE_WEIGHT = 0.1  # +10% for each exact occurrence of a word in the paragraph, up to three per word

Spans = list[tuple[int, int]]


def length_factor(chars: int) -> float:
    """Damp very short paragraphs: 1.0 from SHORT_PARAGRAPH characters up."""
    return min(1.0, max(chars, 1) / SHORT_PARAGRAPH) ** 0.5


def coverage_factor(spans_per_word: list[Spans]) -> float:
    """1.0 when every query word occurs in the paragraph itself; less when some only match its headings."""
    if not spans_per_word:
        return 1.0
    present = sum(1 for spans in spans_per_word if spans)
    return HEADING_ONLY + (1 - HEADING_ONLY) * present / len(spans_per_word)


def shortest_window(spans_per_word: list[Spans]) -> int:
    """The length of the shortest stretch of text holding one occurrence of every word that occurs."""
    events = sorted((start, end, i) for i, spans in enumerate(spans_per_word) for start, end in spans)
    wanted = sum(1 for spans in spans_per_word if spans)
    best = None
    last: dict[int, tuple[int, int]] = {}
    for start, end, i in events:
        last[i] = (start, end)
        if len(last) == wanted:
            low = min(s for s, _ in last.values())
            high = max(e for _, e in last.values())
            best = high - low if best is None else min(best, high - low)
    return best or 0


def proximity_factor(spans_per_word: list[Spans]) -> float:
    """Up to 1 + PROXIMITY_WEIGHT when the words occur next to each other; 1.0 for one word or far apart."""
    present = [spans for spans in spans_per_word if spans]
    if len(present) < 2:
        return 1.0
    needed = sum(min(end - start for start, end in spans) for spans in present)
    window = shortest_window(present)
    return 1.0 + PROXIMITY_WEIGHT * min(1.0, needed / max(window, 1)) ** 2


def occurrence_factor(spans_per_word: list[Spans]) -> float:
    """Exact occurrences count even where jieba split the word differently (法律顾问 in 法律顾问团)."""
    return 1.0 + OCCURRENCE_WEIGHT * sum(min(len(spans), 3) for spans in spans_per_word)


def rerank(score: float, text: str, spans_per_word: list[Spans]) -> float:
    """A BM25F score adjusted by the paragraph's length, word coverage, exact occurrences and word proximity."""
    factors = length_factor(len(text)) * coverage_factor(spans_per_word) * occurrence_factor(spans_per_word)
    return score * factors * proximity_factor(spans_per_word)
