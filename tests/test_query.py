"""The query language: what users type, and the clear messages for what cannot be understood."""

from __future__ import annotations

import pytest

from indexer import QueryError, SearchRequest, parse_query
from indexer.search.query import And, Filter, Not, Or, Text


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("社区矫正 教育帮扶", And((Text("社区矫正"), Text("教育帮扶")))),
        ("调解 OR 仲裁", Or((Text("调解"), Text("仲裁")))),
        ("调解 | 仲裁", Or((Text("调解"), Text("仲裁")))),
        ("援助 -法律援助", And((Text("援助"), Not(Text("法律援助"))))),
        ('"枫桥经验"', Text("枫桥经验", phrase=True)),
        ("“枫桥经验”", Text("枫桥经验", phrase=True)),
        ("（调解 OR 仲裁） 社区", And((Or((Text("调解"), Text("仲裁"))), Text("社区")))),
        (
            "调解 region:广东省 year:2020-2022",
            And((Text("调解"), Filter("region", "广东省"), Filter("year", "2020-2022"))),
        ),
        ("调解 地区：清远市", And((Text("调解"), Filter("region", "清远市")))),
        ("2021-2025年", Text("2021-2025年")),
    ],
)
def test_queries_parse_as_users_mean_them(query, tree):
    assert parse_query(query) == tree


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ("(调解", "never closed"),
        ("调解)", "no matching"),
        ('"枫桥经验', "never closed"),
        ("调解 OR", "OR needs a word"),
        ("-调解", "add at least one word"),
        ("foo:bar", "unknown field"),
        ("year:20x1 调解", "not a year"),
        ("year:2022-2020 调解", "runs backwards"),
        ("()", "empty"),
        ('调解 ""', "empty"),
        ("调" * 501, "shorten"),
    ],
)
def test_malformed_queries_say_what_is_wrong(query, message):
    with pytest.raises(QueryError, match=message):
        parse_query(query)


def test_or_and_not_change_results(seeds, search_ids):
    either = set(search_ids(seeds, "公证 OR 仲裁"))
    assert set(search_ids(seeds, "公证")) <= either and set(search_ids(seeds, "仲裁")) <= either
    every, without = set(search_ids(seeds, "调解")), set(search_ids(seeds, "调解 -人民调解"))
    assert without and without < every  # hits are left, and some were taken away
    assert all("人民调解" not in seeds.paragraph(i).text for i in without)
    assert any("人民调解" in seeds.paragraph(i).text for i in every - without)


@pytest.mark.parametrize("region", ["广东省", "广东", "清远市", "清城区", "广东省/清远市"])
def test_region_filters_work_at_any_level(seeds, region, search_ids):
    ids = search_ids(seeds, "调解", region=[region])
    assert ids and all(seeds.paragraph(i).report.region[0] == "广东省" for i in ids)


def test_filters_in_the_query_equal_filter_options(seeds, search_ids):
    assert sorted(search_ids(seeds, "调解 year:2020-2021 region:清城区")) == sorted(
        search_ids(seeds, "调解", year=["2020-2021"], region=["清城区"])
    )


@pytest.mark.parametrize(
    ("filters", "message"), [({"region": ["火星"]}, "unknown region"), ({"topic": ["无此主题"]}, "unknown topic")]
)
def test_unknown_filter_values_are_errors(seeds, filters, message, search_ids):
    with pytest.raises(QueryError, match=message):
        search_ids(seeds, "调解", **filters)


def test_neither_a_phrase_nor_a_word_matches_across_punctuation(seeds, search_ids):
    assert search_ids(seeds, '"复议行政"') == [] and search_ids(seeds, "复议行政") == []  # only 行政复议、行政诉讼
    across = search_ids(seeds, '"复议、行政"')  # as written, the punctuation included, it is found
    assert across and all("复议、行政" in seeds.paragraph(i).text for i in across)
    assert search_ids(seeds, "复议，行政") == across  # any punctuation there stands for the break
    hit = seeds.search(SearchRequest('"复议、行政"')).hits[0]
    assert "<mark>复议、行政</mark>" in hit.highlight
