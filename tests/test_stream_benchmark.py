"""The distinct-query benchmark's references do what its table says: exact matching, the same stream every run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from analyzers import words

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from stream_engines import Paragraph, char_tokens, draw_stream, fts5_engine, query_words, tantivy_engine  # noqa: E402


@pytest.fixture(scope="module")
def paragraphs(seeds) -> list[Paragraph]:
    return [
        Paragraph(p.text, "/".join(p.report.region[:2]), str(p.report.year or ""), tuple(words(p.text)))
        for report in seeds.reports()
        for p in seeds.report_paragraphs(report.id)
    ]


def exact_count(paragraphs: list[Paragraph], query: str) -> int:
    """Paragraphs where every word's character tokens stand in a row, by brute force."""

    def holds(tokens: list[str], wanted: list[str]) -> bool:
        return any(tokens[i : i + len(wanted)] == wanted for i in range(len(tokens) - len(wanted) + 1))

    needed = [char_tokens(w) for w in query_words(query)]
    return sum(all(holds(char_tokens(p.text), w) for w in needed) for p in paragraphs)


def test_the_stream_is_the_same_every_run_and_its_queries_distinct(paragraphs):
    first, again = draw_stream(paragraphs, 60, seed=18), draw_stream(paragraphs, 60, seed=18)
    assert first == again and len(set(first)) == len(first) >= 45  # five reports: no word is common enough
    assert draw_stream(paragraphs, 60, seed=19) != first
    assert any(q.startswith('"') for q in first) and any(len(q.split()) == 3 for q in first)


@pytest.mark.parametrize("engine", ["fts5", "tantivy"])
def test_a_reference_engine_counts_exact_matches(engine, paragraphs, tmp_path):
    if engine == "tantivy":
        pytest.importorskip("tantivy", reason='a benchmark-only dependency: pip install -e ".[bench]"')
        answer = tantivy_engine(paragraphs, tmp_path / "tantivy")
    else:
        answer = fts5_engine(paragraphs, tmp_path / "fts5.db")
    for query in ["调解", "社区矫正 教育帮扶", '"法律援助"', "复议、行政", *draw_stream(paragraphs, 20, seed=1)]:
        count, snippets = answer(query)
        assert count == exact_count(paragraphs, query), query
        assert len(snippets) == min(10, count)
