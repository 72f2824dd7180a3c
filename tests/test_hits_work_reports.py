"""The hit definition on the 195 real work reports: the counts researchers quote are the paragraphs that say it."""

from __future__ import annotations

import pytest

from analyzers import fold
from indexer import BUNDLED_CORPUS, Instance, SearchRequest, index_files, open_backend
from indexer.search.highlight import hit_spans

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reports(tmp_path_factory, work_reports):
    """A backend over the work reports and the seeds, built once for this module."""
    home = Instance(tmp_path_factory.mktemp("work-hits"))
    index_files(home, [work_reports, BUNDLED_CORPUS])
    backend = open_backend(home)
    yield backend
    backend.close()


@pytest.fixture(scope="module")
def paragraphs(reports):
    """Every indexed paragraph as (folded text, folded headings, folded title)."""
    found = []
    for report in reports.reports():
        for para in reports.report_paragraphs(report.id):
            found.append((fold(para.text), fold(" ".join(para.section)), fold(report.title)))
    return found


def every_hit(backend, query: str, **filters):
    return backend.search(SearchRequest(query, filters, page_size=20_000, relaxed=False))


@pytest.mark.parametrize("word", ["政府工作报告", "法治政府建设", "司法局"])
def test_a_count_is_the_paragraphs_whose_text_or_headings_say_it(reports, paragraphs, word):
    result = every_hit(reports, word)
    saying = sum(1 for text, headings, _ in paragraphs if word in text or word in headings)
    titled = sum(1 for text, headings, title in paragraphs if word in title and word not in text + headings)
    across = reports.across_words(SearchRequest(word)).count
    assert result.total + across == saying  # every paragraph that says it, less those that say it across two words
    assert titled > result.total / 10  # the title alone would have made many more hits
    assert all(h.found[word] in ("text", "heading") for h in result.hits)


def test_mediation_never_counts_a_paragraph_where_it_only_runs_across_coordinate_and_solve(reports):
    needles = reports.highlight_words("调解")  # 调解 and its expansions (调处)
    result = every_hit(reports, "调解")
    for hit in result.hits:
        assert hit_spans(hit.text, needles) or hit_spans(hit.section, needles), hit.text
    tier = reports.across_words(SearchRequest("调解"))
    assert tier.count >= 3 and "协调解决" in dict(tier.examples)
    hebei = {"region": ("河北省",), "year": ("2025",)}
    assert every_hit(reports, "调解", **hebei).total == 0 and reports.across_words(SearchRequest("调解", hebei)).count


def test_glossary_lines_do_not_crowd_the_first_page(reports):
    from indexer.search.ranking import GLOSSARY_GAP, GLOSSARY_TOP, is_glossary

    for query in ("放管服", '"枫桥经验"'):
        hits = reports.search(SearchRequest(query)).hits
        glossary = sum(is_glossary(h.text, h.section.split(" › ")) for h in hits)
        assert glossary <= GLOSSARY_TOP + (len(hits) - GLOSSARY_TOP) // (GLOSSARY_GAP + 1), (query, glossary)


def test_copies_of_a_paragraph_in_other_years_show_once_and_count_once(reports):
    result = reports.search(SearchRequest('"枫桥经验"', page_size=50))
    assert result.distinct < result.total
    shown = [h.id for h in result.hits]
    copies = [c["id"] for h in result.hits for c in h.also_in]
    assert copies and not set(copies) & set(shown)


@pytest.mark.parametrize("word", ["政府工作报告", "司法局"])
def test_a_title_search_finds_every_paragraph_of_the_reports_so_titled(reports, paragraphs, word):
    # 政府工作报告 heads most of the 195 reports (their paragraphs found by one look-up over every paragraph),
    # 司法局 a few (by each report's run of paragraphs): the same rule either way, asked twice (the second answer
    # kept from the first)
    titled = sum(1 for _, _, title in paragraphs if word in title)
    assert every_hit(reports, f"title:{word}").total == titled
    assert every_hit(reports, f"标题:{word}").total == titled
