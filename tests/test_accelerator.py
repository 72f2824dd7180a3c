"""The numpy character index beside whoosh gives exactly what the plain whoosh path gives (issue #6)."""

from __future__ import annotations

import pytest

from indexer import BUNDLED_CORPUS, Instance, SearchRequest, index_files, open_backend, remove_reports
from indexer.engine.whoosh import segment_writer
from indexer.search import service

QUERIES = [
    "调解",
    "矫",
    "社区矫正 教育帮扶",
    '"法律援助"',
    "调解 OR 仲裁",
    "法律援助 -律师",
    "(调解 OR 仲裁) 社区",
    "2021年",
    "12348",
    "FM88.7",
    "老人 养老",
    "人民 -调解 year:2021",
    "调解 region:广东省",
    "法治 topic:普法宣传",
    "依法 行政 复议",
    "清城区 调解",
    "协调",  # with the added report: 调解 across 协调|解决 is a tier, never a hit
    "民调",
    "复议、行政",
    "司法局 调解",  # the title supplies 司法局 for some hits
    "title:司法局 调解",
]


def outcome(backend, query, across_words=False):
    request = SearchRequest(query, page_size=1000, across_words=across_words)
    result = backend.search(request)
    facets = {k: [(v.value, v.count) for v in values] for k, values in result.facets.items()}
    tier = backend.across_words(request) if not across_words else None
    return result.total, result.partial, [h.id for h in result.hits], facets, result.years, tier


@pytest.fixture
def changed_home(seed_copy, tmp_path, write_report):
    """The seed index after an incremental add and a removal (deletions), its sidecars deleted (characters and
    pairs, paragraph store, ranked postings): the searcher builds them again from whoosh's postings and stored
    fields, as for a segment whoosh merged."""
    extra = write_report(
        tmp_path / "new",
        "x.txt",
        "清远市清城区司法局2025年工作总结\n一、人民调解\n全年调解纠纷300件，法律援助案件50件，12348热线接听1000次。\n"
        "二、基层治理\n及时协调解决群众反映的问题，开展民调工作。\n",
    )
    index_files(Instance(seed_copy), [extra])
    backend = open_backend(Instance(seed_copy))
    removed = backend.reports()[0].id
    backend.close()
    assert remove_reports(Instance(seed_copy), [removed]) == 1
    sidecars = [p for kind in ("gsc", "gst", "gsw") for p in (seed_copy / "index").resolve().glob(f"*.{kind}.*")]
    assert {p.name.split(".")[1] for p in sidecars} == {"gsc", "gst", "gsw"}
    for path in sidecars:
        path.unlink()
    return seed_copy


@pytest.mark.parametrize("home_fixture", ["seed_copy", "changed_home"])
def test_accelerated_matching_equals_whoosh_phrase_matching(home_fixture, request, backend_of, monkeypatch):
    # whoosh's own (plain) path can pass the 0.5 s re-ranking guard on a loaded machine and leave the rest in BM25F
    # order: this compares what both paths rank, so the guard is lifted
    monkeypatch.setattr(service, "RERANK_BUDGET", float("inf"))
    home = request.getfixturevalue(home_fixture)
    fast, plain = backend_of(home), backend_of(home, accelerated=False)
    for query in QUERIES:
        for across_words in (False, True):
            assert outcome(fast, query, across_words) == outcome(plain, query, across_words), (query, across_words)


def sidecars_match_segments(home) -> bool:
    backend = open_backend(Instance(home))
    try:
        backend.search(SearchRequest("调解"))  # opens the searcher: a segment without a sidecar gets one
        folder = (home / "index").resolve()
        segments = {p.name.split(".")[0] for p in folder.glob("*.seg")}
        kinds = [{p.name.split(".")[0] for p in folder.glob(f"*.{kind}.*")} for kind in ("gsc", "gst", "gsw")]
        return bool(segments) and all(sidecars == segments for sidecars in kinds)
    finally:
        backend.close()


def test_each_segment_gets_its_sidecar_and_loses_it_with_the_segment(seed_copy, tmp_path, write_report):
    assert sidecars_match_segments(seed_copy)
    for n in range(4):  # small commits: whoosh merges small segments, and their sidecars go with them
        path = write_report(tmp_path / "r", f"y{n}.txt", f"某某县202{n}年工作总结\n调解纠纷{n}件。\n")
        index_files(Instance(seed_copy), [path])
        assert sidecars_match_segments(seed_copy)


def test_an_index_written_as_many_segments_finds_what_one_written_as_two_finds(
    seed_home, tmp_path, monkeypatch, backend_of
):
    monkeypatch.setattr(segment_writer, "SEGMENT_TOKENS", 5_000)  # each worker starts a new segment every report or so
    many = tmp_path / "many"
    index_files(Instance(many), [BUNDLED_CORPUS], workers=2)
    assert len(list((many / "index").resolve().glob("*.seg"))) > 2
    small, reference = backend_of(many), backend_of(seed_home)
    for query in QUERIES:
        assert outcome(small, query)[:2] == outcome(reference, query)[:2], query  # totals, partials
        assert sorted(outcome(small, query)[2]) == sorted(outcome(reference, query)[2]), query  # same hits
        assert outcome(small, query)[3:] == outcome(reference, query)[3:], query  # facets, years


@pytest.fixture
def old_sidecar_home(seed_copy):
    """The seed index with its sidecars as version 1 wrote them: characters only, EDGE among them, no pairs."""
    import json

    import numpy as np
    from whoosh import index as whoosh_index

    from indexer.engine.whoosh.reading import leaves_of

    folder = (seed_copy / "index").resolve()
    with whoosh_index.open_dir(folder).reader() as reader:
        for leaf, _ in leaves_of(reader):
            per_term, offset, parts = {}, 0, []
            for term in leaf.lexicon("chars"):
                matcher = leaf.postings("chars", term)
                keys = []
                while matcher.is_active():
                    keys += [(matcher.id() << 24) | p for p in matcher.value_as("positions")]
                    matcher.next()
                per_term[term.decode("utf-8")] = [offset, offset + len(keys)]
                offset += len(keys)
                parts.append(np.array(sorted(keys), dtype=np.int64))
            base = folder / f"{leaf.segment().segment_id()}.gsc"
            for path in folder.glob(f"{base.name}.*"):
                path.unlink()
            np.save(f"{base}.keys.npy", np.concatenate(parts))
            (folder / f"{base.name}.terms.json").write_text(json.dumps(per_term), encoding="utf-8")
    return seed_copy


def test_an_index_with_sidecars_of_the_last_version_is_upgraded_in_place_and_finds_the_same(
    old_sidecar_home, seed_home, backend_of
):
    old, reference = backend_of(old_sidecar_home), backend_of(seed_home)
    for query in QUERIES:
        assert outcome(old, query) == outcome(reference, query), query
    folder = (old_sidecar_home / "index").resolve()
    assert list(folder.glob("*.gsc.pair_keys.npy")), "the pairs were written beside the characters"


def test_character_pairs_find_what_whoosh_phrases_find_for_strings_cut_anywhere(seed_home, backend_of):
    import random
    import re

    fast, plain = backend_of(seed_home), backend_of(seed_home, accelerated=False)
    texts = [p.text for r in fast.reports() for p in fast.report_paragraphs(r.id)]
    rng, checked = random.Random(6), 0
    runs = [run for text in texts for run in re.findall(r"[\u4e00-\u9fff]{7,}", text)]
    for _ in range(60):  # 2 to 7 characters cut from a run: inside words, across word edges, odd and even
        run = rng.choice(runs)
        length = rng.randint(2, 7)
        start = rng.randint(0, len(run) - length)
        needle = f'"{run[start : start + length]}"'
        for across_words in (False, True):
            request = SearchRequest(needle, page_size=1, across_words=across_words, collapse=False)
            found = fast.search(request).total
            assert found == plain.search(request).total, (needle, across_words)
            checked += bool(found)
    assert checked >= 60  # each string is found at least where it was cut from (across words)


@pytest.mark.parametrize("home_fixture", ["seed_copy", "changed_home"])
def test_the_paragraph_store_gives_what_whoosh_s_stored_fields_give(home_fixture, request, backend_of):
    from analyzers import index_terms

    home = request.getfixturevalue(home_fixture)
    rebuilt = home_fixture == "changed_home"  # the store built from whoosh's stored fields, without word edges
    fast, plain = backend_of(home), backend_of(home, accelerated=False)
    with fast.engine.reading() as view, plain.engine.reading() as reference:
        assert view._texts is not None
        live = [d for d in range(view.size) if view.live[d]]
        for docnum in live:
            mine, theirs = view.paragraph(docnum), reference.paragraph(docnum)
            assert mine == theirs and mine.report == theirs.report
            if rebuilt:
                assert mine.edges is None
            else:  # written by the lean writer
                assert mine.edges is not None and list(mine.edges) == index_terms(mine.text)[2]
        assert all(view._texts.fields(d)["report_id"] for d in live)
        # each report's paragraphs and each paragraph's text key, as whoosh's postings and column give them
        mine, theirs = view.facet_arrays["report"], reference.facet_arrays["report"]
        assert mine.keys() == theirs.keys() and all(mine[r].tolist() == theirs[r].tolist() for r in theirs)
        assert view.same_text[view.live].tolist() == reference.same_text[reference.live].tolist()
        # each title's word edges, kept by the lean writer (a store built from stored fields has none)
        edges = view.title_edges
        assert edges == {} if rebuilt else edges.keys() == view.report_titles.keys()
        assert all(list(edges[r]) == index_terms(view.report_titles[r])[2] for r in edges)
