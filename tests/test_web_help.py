"""What the pages offer beside the hits: did-you-mean, a year chart spaced by the calendar, a favicon."""

from __future__ import annotations

import re
from html import unescape

import pytest

from indexer import SearchRequest
from search_app import create_app
from search_app.year_chart import year_slots


@pytest.fixture(scope="module")
def client(seed_home):
    app = create_app({"HOME": str(seed_home)})
    return app.test_client()


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("社区娇正", "社区矫正"),  # one character wrong
        ("区社矫正", "社区矫正"),  # two swapped
        ("法律援援助", "法律援助"),  # one too many
        ("法援助", "法律援助"),  # one dropped (before 援助, which would only loosen what was typed)
    ],
)
def test_a_word_the_index_lacks_gets_a_did_you_mean_that_finds_hits(client, seeds, typed, meant):
    page = unescape(client.get("/", query_string={"q": typed}).get_data(as_text=True))
    assert 'id="total">0<' in page
    offered = re.search(r'class="did-you-mean">您是不是要找：<a href="([^"]+)">([^<]+)</a>（(\d+) 段）', page)
    assert offered and offered.group(2) == meant
    assert int(offered.group(3)) == seeds.search(SearchRequest(meant)).total > 0
    followed = unescape(client.get(offered.group(1)).get_data(as_text=True))
    assert f'id="total">{offered.group(3)}<' in followed


def test_a_suggestion_keeps_the_other_words_and_the_filters(seeds):
    (suggestion,) = seeds.suggestions(SearchRequest("社区娇正 教育", {"region": ("广东省",)}))[:1]
    assert suggestion.query == "社区矫正 教育"
    assert suggestion.total == seeds.search(SearchRequest("社区矫正 教育", {"region": ("广东省",)})).total > 0


def test_nonsense_gets_no_suggestion_and_no_empty_facet_headings(client):
    page = client.get("/", query_string={"q": "zzqqxx"}).get_data(as_text=True)
    assert 'id="total">0<' in page and "did-you-mean" not in page
    assert "<legend>地区</legend>" not in page and 'class="to-filters"' not in page


def test_a_query_with_hits_gets_no_suggestion(seeds):
    assert seeds.suggestions(SearchRequest("社区矫正")) == []


def test_the_year_chart_leaves_a_gap_for_years_without_hits():
    slots = year_slots([(1983, 2), (1987, 5), (1988, 1)])
    assert [s.year for s in slots] == list(range(1983, 1989))
    assert [s.count for s in slots] == [2, 0, 0, 0, 5, 1]
    assert [s.height for s in slots] == [40, 0, 0, 0, 100, 20]
    assert slots[0].label and slots[-1].label  # the first and last year are always printed
    assert year_slots([]) == []


def test_the_results_page_draws_a_slot_for_each_calendar_year(client, seeds):
    years = [y for y, _ in seeds.search(SearchRequest("调解")).years]
    page = client.get("/", query_string={"q": "调解"}).get_data(as_text=True)
    chart = page[page.index('class="bars"') : page.index("</figure>")]
    assert chart.count('class="bar"') == len(years)
    assert chart.count('class="bar gap"') == max(years) - min(years) + 1 - len(years)


def test_every_page_names_a_favicon_that_is_served(client):
    page = client.get("/").get_data(as_text=True)
    href = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    with client.get(href) as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data


def test_facet_values_keep_their_order_when_a_value_of_another_facet_is_chosen(seeds):
    def order(filters):
        return [v.value for v in seeds.search(SearchRequest("调解", filters)).facets["topic"]]

    everything, in_2021 = order({}), order({"year": ("2021",)})
    assert [v for v in everything if v in in_2021] == in_2021 and len(in_2021) > 3


def test_the_report_list_shows_every_report_and_narrows_to_a_region(client, seeds):
    page = unescape(client.get("/reports").get_data(as_text=True))
    everything = seeds.reports()
    assert f"共 <strong>{len(everything)}</strong> 份报告" in page
    for report in everything:
        assert f'<a href="/reports/{report.id}">{report.title}</a>' in page
    guangdong = [r for r in everything if r.region[:1] == ("广东省",)]
    assert 0 < len(guangdong) < len(everything)
    narrowed = unescape(client.get("/reports", query_string={"region": "广东省"}).get_data(as_text=True))
    assert f"共 <strong>{len(guangdong)}</strong> 份报告（广东省）" in narrowed
    assert narrowed.count("<tr>") == len(guangdong) + 1  # the heading row
    assert "没有这个地区的报告" in client.get("/reports", query_string={"region": "火星"}).get_data(as_text=True)


@pytest.mark.parametrize(
    "typed, fixed",
    [
        ("(调解 OR 仲裁", "(调解 OR 仲裁)"),
        ('"枫桥经验', '"枫桥经验"'),
        ("调解 OR", "调解"),
        ("titel:调解 仲裁", "调解 仲裁"),
    ],  # noqa: E501
)
def test_a_query_error_says_what_is_wrong_in_chinese_and_links_a_query_that_works(client, typed, fixed):
    response = client.get("/", query_string={"q": typed})
    page = unescape(response.get_data(as_text=True))
    error = re.search(r'id="query-error">查询有误：([^<]+)<', page).group(1)
    assert response.status_code == 400 and re.search(r"[\u4e00-\u9fff]", error) and "character" not in error
    link = re.search(r'id="query-fix">改为检索：<a href="([^"]+)">([^<]+)</a>', page)
    assert link and link.group(2) == fixed
    assert client.get(link.group(1)).status_code == 200


def test_related_paragraphs_are_labelled_on_the_page_and_left_out_of_exports(client):
    page = client.get("/", query_string={"q": "老人 养老"}).get_data(as_text=True)
    assert 'id="related-heading"' in page and page.count('class="related-badge">相关<') >= 5
    assert 'id="total">0<' in page
    body = client.get("/export.csv", query_string={"q": "老人 养老"}).get_data(as_text=True)
    assert len(body.strip().splitlines()) == 1  # the header only: related paragraphs are no hits
    data = client.get("/api/search", query_string={"q": "老人 养老"}).get_json()
    assert data["total"] == 0 and data["related"] > 0 and {h["tier"] for h in data["hits"]} >= {"related"}
