"""Facet counts: a facet whose values hold whole reports (region, year) is counted per report, and must give what
counting every paragraph gives; a facet that splits a report (topic) is counted per paragraph."""

import numpy as np

from indexer.search.facets import FacetIndex, FacetSets


def test_counts_per_report_equal_counts_per_paragraph(seeds):
    with seeds.engine.reading() as view:
        facets = FacetSets.of_arrays(view.facet_arrays, view.live)
    rng = np.random.default_rng(7)
    masks = [facets.none(), facets.everything(), *((rng.random(facets.size) < p) & facets.live for p in (0.01, 0.5))]
    masks += [facets.of(docs) for docs in list(view.facet_arrays["report"].values())[:2]]  # one report each
    for facet, grouped in (("region", True), ("year", True), ("topic", False)):
        index = facets._index(facet)
        assert (index.groups is not None) == grouped, facet
        by_paragraph = FacetIndex.of(facets.arrays[facet], facets.size)
        for mask in masks:
            assert index.counts(mask).tolist() == by_paragraph.counts(mask).tolist(), facet


def test_a_value_holding_part_of_a_report_is_counted_per_paragraph():
    reports = np.array([0, 0, 0, 1, 1, 2])  # paragraphs 0–2 in report 0, 3–4 in report 1, 5 in none
    whole = FacetIndex.of({"a": np.array([0, 1, 2]), "b": np.array([3, 4])}, 6, reports, 2)
    split = FacetIndex.of({"a": np.array([0, 1]), "b": np.array([2, 3, 4])}, 6, reports, 2)
    outside = FacetIndex.of({"a": np.array([0, 1, 2, 5])}, 6, reports, 2)
    assert whole.groups is not None and split.groups is None and outside.groups is None
    mask = np.array([True, False, True, True, True, True])
    assert whole.counts(mask).tolist() == [2, 2]
    assert split.counts(mask).tolist() == [1, 3]
    assert outside.counts(mask).tolist() == [3]
