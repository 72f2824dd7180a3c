"""The 195 real work reports: indexed without error, metadata agreeing with MANIFEST.tsv."""

from __future__ import annotations

import csv

import pytest

from indexer import Instance, SearchRequest, index_files, load_taxonomy, open_backend, read_report

pytestmark = pytest.mark.slow


def test_region_and_year_agree_with_the_manifest_for_95_percent(work_reports):
    with (work_reports / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    taxonomy = load_taxonomy()
    misses = []
    for row in rows:
        report = read_report(work_reports / row["file"], taxonomy)
        if ("-".join(report.region), str(report.year)) != (row["region_guess"], row["year_guess"]):
            misses.append((row["file"], report.region, report.year))
    agreement = 1 - len(misses) / len(rows)
    print(f"\nregion+year agreement {agreement:.1%}; misses: {misses}")
    assert agreement >= 0.95, misses


def test_the_whole_corpus_indexes_without_error_and_is_searchable(tmp_path, work_reports):
    summary = index_files(Instance(tmp_path), [work_reports])
    assert summary.skipped == [] and summary.reports == 195
    backend = open_backend(Instance(tmp_path))
    result = backend.search(SearchRequest("乡村振兴", {"region": ("保定市",)}))
    assert result.total > 0 and all(h.region[:2] == ["河北省", "保定市"] for h in result.hits)
    backend.close()


def test_words_are_exactly_jiebas_over_the_work_reports(work_reports, jieba_disagreements):
    texts = (path.read_text(encoding="utf-8") for path in sorted(work_reports.glob("*.txt")))
    assert jieba_disagreements(texts) == []
