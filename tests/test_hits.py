"""What a hit is: every word in the text or the headings above, inside one word or edge to edge, never across
punctuation; the report title is context, never the whole reason; matches across two words are a tier apart."""

from __future__ import annotations

import random

import pytest

from analyzers import char_spans, fold, token_indices
from indexer import Instance, SearchRequest, index_files
from indexer.search.highlight import _edges, hit_spans, match_spans

STRADDLING = (
    "某某县司法局2024年工作总结\n"
    "一、矛盾纠纷化解\n"
    "及时协调解决群众反映的突出问题，全年受理信访事项120件。\n"
    "人民调解委员会调解纠纷300件，调解成功率98%。\n"
    "协调解决邻里纠纷以后，调解员逐户回访。\n"
)


@pytest.fixture
def straddling(tmp_path, write_report, backend_of):
    """A one-report index where 调解 occurs across 协调|解决 alone in one paragraph, beside 调解员 in another."""
    home = Instance(tmp_path / "home")
    index_files(home, [write_report(tmp_path / "r", "a.txt", STRADDLING)])
    return backend_of(home)


def texts(backend, query, **options) -> list[str]:
    result = backend.search(SearchRequest(query, page_size=100, relaxed=False, **options))
    return [h.text for h in result.hits]


def test_a_word_across_two_jieba_words_is_no_hit_but_a_labelled_tier(straddling):
    hits = texts(straddling, "调解")
    assert sorted(hits) == ["人民调解委员会调解纠纷300件，调解成功率98%。", "协调解决邻里纠纷以后，调解员逐户回访。"]
    tier = straddling.across_words(SearchRequest("调解"))
    assert tier.count == 1 and tier.examples == [("协调解决", 1)]
    widened = texts(straddling, "调解", across_words=True)
    assert len(widened) == 3 and any(t.startswith("及时协调解决") for t in widened)
    assert straddling.across_words(SearchRequest("调解", across_words=True)).count == 0


def test_sub_words_and_whole_words_stay_hits(straddling):
    for word in ("调解", "人民调解", "调解委员会", "委员", "纠纷", "协调", "解决", "调解成功率"):
        assert texts(straddling, word), word
    assert texts(straddling, "调解纠纷")  # two words edge to edge


def test_a_hit_highlights_only_what_made_it_a_hit(straddling):
    (hit,) = [h for h in straddling.search(SearchRequest("调解")).hits if "协调" in h.text]
    assert hit.highlight == "协调解决邻里纠纷以后，<mark>调解</mark>员逐户回访。"
    widened = {h.text[:4]: h.highlight for h in straddling.search(SearchRequest("调解", across_words=True)).hits}
    assert widened["及时协调"].startswith("及时协<mark>调解</mark>决")  # counted on request: then shown too


def test_phrases_and_words_never_match_across_punctuation(seeds):
    assert seeds.search(SearchRequest('"复议行政"')).total == 0
    assert seeds.search(SearchRequest("复议行政")).total == 0
    assert seeds.search(SearchRequest("复议、行政")).total >= 1


def test_the_report_title_alone_never_makes_a_hit(seeds):
    everything = seeds.search(SearchRequest("title:司法局")).total
    assert everything == seeds.paragraph_count()  # every seed report is a 司法局's: title: asks for the title
    result = seeds.search(SearchRequest("司法局", page_size=1000))
    assert 0 < result.total < everything
    for hit in result.hits:
        assert "司法局" in fold(hit.text + hit.section) and hit.found == {"司法局": hit.found["司法局"]}
        assert hit.found["司法局"] in ("text", "heading")


def test_the_title_may_supply_some_words_and_the_hit_says_so(seeds):
    result = seeds.search(SearchRequest("司法局 调解", page_size=1000, relaxed=False))
    from_title = [h for h in result.hits if h.found["司法局"] == "title"]
    assert from_title and all("司法局" not in fold(h.text + h.section) for h in from_title)
    assert all(h.found["调解"] in ("text", "heading") for h in result.hits)
    alone = seeds.search(SearchRequest("司法局 工作总结", page_size=1000, relaxed=False)).hits
    assert all({h.found["司法局"], h.found["工作总结"]} != {"title"} for h in alone)


def test_a_word_left_out_is_looked_for_in_the_text_not_the_title(seeds):
    with_it = seeds.search(SearchRequest("调解")).total
    assert seeds.search(SearchRequest("调解 -司法局")).total > 0  # every title has 司法局; the text mostly not
    assert seeds.search(SearchRequest("调解 -title:司法局")).total == 0 < with_it


def test_a_question_in_other_words_gets_related_paragraphs_after_the_hits_never_counted(seeds):
    request = SearchRequest("老人 养老", related=True)
    result = seeds.search(request)
    tiers = [h.tier for h in result.hits]
    assert result.total == 0 and result.related > 0 and "related" in tiers
    assert tiers == sorted(tiers, key=["hit", "partial", "related"].index)  # hits, then partial, then related
    assert result.pages == 1  # related paragraphs fill the last page of hits, never pages of their own
    assert seeds.search(SearchRequest("老人 养老")).related == 0  # only where asked for (pages, API, CLI)
    related = [h for h in result.hits if h.tier == "related"]
    assert all(not (set(h.found) >= {"老人", "养老"} and not h.missing) for h in related)


def test_related_paragraphs_keep_to_the_filters(seeds):
    result = seeds.search(SearchRequest("老人 养老", {"region": ("广东省",)}, related=True, page_size=50))
    assert result.related and all(h.region[0] == "广东省" for h in result.hits)


def test_related_paragraphs_come_only_on_the_last_page_of_hits(seeds):
    first = seeds.search(SearchRequest("调解", related=True))
    assert first.total > 10 and first.related == 0 and all(h.tier == "hit" for h in first.hits)
    last = seeds.search(SearchRequest("调解", related=True, page=first.pages))
    assert last.related and last.hits[-1].tier == "related" and last.pages == first.pages


_PIECES = ["复议", "行政", "调解", "人民", "委员会", "协调", "解决", "，", "、", " ", "ab", "PM2.5", "12", "%", "（"]
_PIECES += ["ー", "\u3000", "臺灣"]
_NEEDLES = ["复议", "行政", "调解", "人民调解", "委员会", "议行", "的", "解决", "协调解决", "民调"]


def test_a_words_highlights_on_word_edges_are_those_of_its_characters_tokens():
    """Highlights of words of Chinese characters are found by a plain search, then checked against the word
    edges at each match's first token: the same spans as matching token by token, on texts of every kind."""
    chooser = random.Random(18)
    for _ in range(3000):
        text = "".join(chooser.choice(_PIECES) for _ in range(chooser.randint(1, 20)))
        needle = chooser.choice(_NEEDLES)
        edges = _edges(text)
        plain = match_spans(text, [needle])
        assert hit_spans(text, [needle], edges) == (match_spans(text, [needle], edges) if plain else [])
        folded = fold(text)
        _, starts, _ = char_spans(text)
        chinese = [at for at, char in enumerate(folded) if "\u4e00" <= char <= "\u9fff"]
        assert token_indices(folded, chinese) == {at: list(starts).index(at) for at in chinese}
