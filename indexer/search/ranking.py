"""Re-ranking features computed on a paragraph's own text: length, coverage and proximity of the query words.

BM25F scores the words; these factors then make a paragraph that actually discusses the topic outrank a
bare heading, a glossary line or a paragraph that only sits under a matching heading, and favour paragraphs
where the words of a multi-word query occur close together.
"""

from __future__ import annotations

import heapq
import re

SHORT_PARAGRAPH = 50  # characters; shorter paragraphs are damped (√(length / 50))
HEADING_ONLY = 0.5  # a word found only in the headings or title above a paragraph counts half
PROXIMITY_WEIGHT = 0.5  # up to +50% when the words are adjacent
OCCURRENCE_WEIGHT = 0.1  # +10% for each exact occurrence of a word in the paragraph, up to three per word
# +10% for each query word found as typed (not only through a synonym) in the text, the headings or the title: on top
# of an expansion's half weight in BM25F, a prior, not a rule that sets every as-typed paragraph above all others (a
# question in plain words is answered in official ones)
TYPED_WEIGHT = 0.1

GLOSSARY_TOP = 5  # glossary entries or endnotes that may lead a tier; each further one waits for GLOSSARY_GAP others
GLOSSARY_GAP = 1

Spans = list[tuple[int, int]]
# an endnote ([4] 〔19〕 【46】 ①) or a definition: “放管服”：是指… / 11.“放管服”:即… / 枫桥经验：诞生于…
_NOTE_MARK = re.compile(r"^\s*(?:[\[［〔【]\s*\d{1,3}\s*[\]］〕】]|[①-⑳]|注\s*\d*\s*[:：])")
_DEFINITION = re.compile(
    r"^\s*(?:\d{1,3}\s*[.、．]\s*)?[^，。；：:！？\s]{1,24}?[”\"」』]?\s*[:：]\s*"
    r"(?:[“\"「]?(?:即|指|是指|系指|主要|全称|简称|又称|意思是|诞生于|源于|起源于)|[^，。]{0,40}的(?:简称|统称|总称))"
)
_GLOSSARY_HEADING = re.compile(r"名词解释|词语解释|名词注释|注释|注解|附注|释义|术语")


def is_glossary(text: str, section: tuple[str, ...] | list[str] = ()) -> bool:
    """Whether a paragraph is a glossary entry or an endnote: under a 名词解释/注释 heading, opening with a note
    mark ([4], 〔19〕, ①, 注：), or a short definition (X：即/指/是指…, X：…的简称)."""
    if any(_GLOSSARY_HEADING.search(heading) for heading in section):
        return True
    if _NOTE_MARK.match(text):
        return True
    return len(text) < 400 and bool(_DEFINITION.match(text))


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
    """The length of the shortest stretch of text holding one occurrence of every word that occurs.

    Occurrences are taken in order of their start; at each one, the latest occurrence of every word makes a window
    from the smallest start to the largest end among them. Both are kept in heaps whose stale entries (a word's
    earlier occurrence) are dropped lazily: O(n log n) for n occurrences, whatever the number of words."""
    events = sorted((start, end, i) for i, spans in enumerate(spans_per_word) for start, end in spans)
    wanted = sum(1 for spans in spans_per_word if spans)
    latest: dict[int, int] = {}  # word → the index in `events` of its latest occurrence
    starts: list[tuple[int, int, int]] = []  # (start, event index, word)
    ends: list[tuple[int, int, int]] = []  # (−end, event index, word)
    best = None
    for number, (start, end, word) in enumerate(events):
        latest[word] = number
        heapq.heappush(starts, (start, number, word))
        heapq.heappush(ends, (-end, number, word))
        if len(latest) < wanted:
            continue
        while latest[starts[0][2]] != starts[0][1]:
            heapq.heappop(starts)
        while latest[ends[0][2]] != ends[0][1]:
            heapq.heappop(ends)
        window = -ends[0][0] - starts[0][0]
        best = window if best is None else min(best, window)
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


def rerank(score: float, text: str, spans_per_word: list[Spans], typed: int = 0) -> float:
    """A BM25F score adjusted by the paragraph's length, word coverage, exact occurrences, word proximity and the
    number of query words found as typed (`typed`)."""
    factors = length_factor(len(text)) * coverage_factor(spans_per_word) * occurrence_factor(spans_per_word)
    return score * factors * proximity_factor(spans_per_word) * (1 + TYPED_WEIGHT * typed)


def fewer_glossary_first(ranked: list[tuple[bool, int]]) -> list[int]:
    """Positions of (glossary?, item) in a new order: the first GLOSSARY_TOP glossary entries stay where they are;
    after them, each further one comes only after GLOSSARY_GAP more substantive paragraphs (a definition read a
    fourth time says little new, yet it stays near the top)."""
    order: list[int] = []
    waiting: list[int] = []
    seen = since = 0
    for position, (glossary, _) in enumerate(ranked):
        if glossary:
            seen += 1
            if seen > GLOSSARY_TOP:
                waiting.append(position)
                continue
            order.append(position)
            continue
        order.append(position)
        since += 1
        if waiting and since >= GLOSSARY_GAP:
            order.append(waiting.pop(0))
            since = 0
    return order + waiting
