"""The seam: callers open the backend by setting and deal only in govsearch's records."""

from __future__ import annotations

import gc

import pytest
from click.testing import CliRunner

from indexer import (
    Instance,
    ReportInfo,
    SearchBackend,
    SearchRequest,
    SettingError,
    StoredParagraph,
    open_backend,
)
from search_app.cli import main


def test_the_backend_speaks_in_records(seeds):
    assert isinstance(seeds, SearchBackend)
    reports = seeds.reports()
    assert len(reports) == 5 and all(isinstance(r, ReportInfo) for r in reports)
    first = seeds.report_paragraphs(reports[0].id)
    assert len(first) == reports[0].paragraphs and [p.number for p in first] == list(range(1, len(first) + 1))
    hit = seeds.search(SearchRequest("社区矫正")).hits[0]
    found = seeds.paragraph(hit.id)
    assert isinstance(found, StoredParagraph) and found.text == hit.text and found.report.title == hit.title
    assert found.id == hit.id and found.key == hit.key  # a hit and its stored paragraph are the same passage


def test_the_report_page_marks_what_the_hit_marked(seeds):
    assert "老年人" in seeds.highlight_words("老人")  # the expansion a hit for 老人 is highlighted for
    assert seeds.highlight_words('"老人"') == ["老人"] and seeds.highlight_words("(老人") == []


def test_an_unknown_engine_is_refused_with_the_choices(tmp_path, monkeypatch):
    with pytest.raises(SettingError, match="choose one of whoosh"):
        open_backend(Instance(tmp_path, engine="nosuch"))
    monkeypatch.setenv("GOVSEARCH_ENGINE", "nosuch")
    result = CliRunner().invoke(main, ["stats", "--home", str(tmp_path)])
    assert result.exit_code == 1 and "unknown search engine “nosuch”" in result.output


@pytest.mark.parametrize(
    "query, filters",
    [
        ("调解", {}),
        ("法治", {"year": ("2022",)}),
        ("人民", {"region": ("广东省",), "topic": ("普法宣传",)}),
        ("的", {}),
    ],
)
def test_facet_counts_and_the_year_chart_are_the_hits_counted_one_by_one(seeds, query, filters):
    from collections import Counter

    result = seeds.search(SearchRequest(query, filters, page_size=10_000, collapse=False, related=False))
    hits = [h for h in result.hits if h.tier == "hit"]
    assert len(hits) == result.total > 0
    years = Counter(h.year for h in hits if h.year)
    assert result.years == sorted(years.items())
    if "region" not in filters:  # a facet is counted under the other facets' selections: here, all of them
        regions = Counter("/".join(h.region[:1]) for h in hits if h.region)
        assert {v.value: v.count for v in result.facets["region"]} == dict(regions)
    if "topic" not in filters:
        topics = Counter(t for h in hits for t in h.topics)
        assert {v.value: v.count for v in result.facets["topic"]} == dict(topics)


def test_a_warmed_backend_answers_from_the_view_it_opened_with_its_state_frozen(seed_copy, tmp_path):
    empty = open_backend(Instance(tmp_path / "nothing-yet"))
    empty.warm()  # no index yet: nothing to open, nothing frozen, no error
    assert gc.get_freeze_count() == 0
    backend = open_backend(Instance(seed_copy))
    try:
        backend.warm()
        assert gc.get_freeze_count() > 0  # a full collection no longer walks the index's long-lived objects
        with backend.engine.reading() as warmed:
            pass
        result = backend.search(SearchRequest("调解"))
        assert result.total and not result.cut_short
        with backend.engine.reading() as view:
            assert view is warmed  # the first request found the index open
    finally:
        gc.unfreeze()
        backend.close()
