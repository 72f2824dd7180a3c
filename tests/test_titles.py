"""Report titles are matched per report by the exact-character and word-edge rule (search/titles.py)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzers import char_tokens, index_terms, on_word_edges
from indexer.search.titles import Titles

TITLES = [
    "乳山市司法局2022年法治政府建设情况报告",
    "清远市清城区司法局关于2021年工作总结",
    "某某县人民政府2023年政府工作报告（PM2.5治理）",
    "协调解决问题的报告",
    "人民调解委员会工作规则",
]


def by_brute_force(tokens: list[str], across_words: bool) -> set[int]:
    """Every title where the tokens stand in a row at some place allowed by the word-edge rule."""
    found = set()
    for number, title in enumerate(TITLES):
        _, chars, edges = index_terms(title)
        for start in range(len(chars) - len(tokens) + 1):
            if chars[start : start + len(tokens)] == tokens and (
                across_words or on_word_edges(start, len(tokens), set(edges))
            ):
                found.add(number)
    return found


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TITLES), st.integers(0, 30), st.integers(1, 6), st.booleans(), st.booleans())
def test_a_title_holds_a_word_exactly_where_the_rule_says(title, start, length, across_words, kept):
    # `kept`: the titles' word edges kept at index time (matched all at once) or segmented when first needed
    edges = {str(i): index_terms(t)[2] for i, t in enumerate(TITLES)} if kept else None
    docs = {str(i): np.array([i]) for i in range(5)}
    titles = Titles({str(i): t for i, t in enumerate(TITLES)}, docs, 5, edges)
    needle = title[start : start + length] or title[:1]
    tokens = [t.text for t in char_tokens(needle)]
    if not tokens:
        return
    assert set(np.flatnonzero(titles.docs(tokens, across_words))) == by_brute_force(tokens, across_words)


def test_a_word_across_two_words_of_a_title_is_not_in_it():
    titles = Titles({str(i): t for i, t in enumerate(TITLES)}, {str(i): np.array([i]) for i in range(5)}, 5)
    assert titles.docs(["调", "解"]).tolist() == [False, False, False, False, True]  # 协调|解决 is no 调解
    assert titles.docs(["调", "解"], across_words=True).tolist() == [False, False, False, True, True]
