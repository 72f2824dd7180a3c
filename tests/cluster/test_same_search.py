"""The same search on the cluster as on whoosh: hits, counts, facets, ranking and relevance."""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

import pytest

from indexer import QueryError, SearchRequest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from speed_phases import QUERY_MIX  # noqa: E402

pytestmark = pytest.mark.slow


def _answer(backend, query: str, filters: dict) -> tuple:
    try:
        result = backend.search(SearchRequest(query, filters))
    except QueryError as exc:
        return ("error", str(exc))
    facets = {name: [(v.value, v.count) for v in values] for name, values in result.facets.items()}
    return result.total, result.partial, facets, [hit.id for hit in result.hits]


@pytest.mark.parametrize(("query", "filters"), QUERY_MIX, ids=[q for q, _ in QUERY_MIX])
def test_every_query_of_the_speed_mix_finds_what_whoosh_finds(backends, query, filters):
    """Same total, partial hits, facet counts and top 10, in order, on either engine."""
    assert _answer(backends["typesense"], query, filters) == _answer(backends["whoosh"], query, filters)


def test_quoted_strings_punctuation_and_word_edges_as_on_whoosh(backends):
    """The exact-matching rules hold on the cluster: no match across punctuation, the word-edge rule, and the
    across-words tier counted apart."""
    for query in ('"复议、行政"', "复议行政", "调解", '"95.52%"', "矫", "解决", "法治政府建设 -人民"):
        assert _answer(backends["typesense"], query, {}) == _answer(backends["whoosh"], query, {}), query
    request = SearchRequest("调解")
    assert backends["typesense"].across_words(request).count == backends["whoosh"].across_words(request).count


def test_relevance_within_two_hundredths_of_whoosh(backends, tmp_path):
    """nDCG@10 of the judged dev queries (../shared/eval) on the cluster is within 0.02 of whoosh's."""
    import relevance

    if not (relevance.EVAL / "queries.tsv").is_file():
        pytest.skip(f"no judged queries at {relevance.EVAL}")
    args = Namespace(queries=relevance.EVAL / "queries.tsv", split="dev")
    queries = relevance.read_queries(args.queries, "dev")
    figures = {}
    for engine, backend in backends.items():
        run = tmp_path / f"{engine}.jsonl"
        relevance.run_queries(backend, queries, run)
        figures[engine] = relevance.by_type(run, args)["MEAN"]
    print(f"nDCG@10 whoosh {figures['whoosh']:.4f}, typesense {figures['typesense']:.4f}")
    assert abs(figures["typesense"] - figures["whoosh"]) <= 0.02
