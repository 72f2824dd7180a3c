"""The web UI and JSON API through Flask's test client: data, not markup details."""

from __future__ import annotations

import csv
import io
import re
import urllib.parse

import pytest

from search_app import create_app


@pytest.fixture(scope="module")
def client(seed_home):
    """A test client of an app over the seed index."""
    app = create_app({"TESTING": True, "HOME": str(seed_home)})
    return app.test_client()


def api(client, **params):
    response = client.get("/api/search", query_string=params)
    return response.status_code, response.get_json()


def test_api_search_returns_ranked_hits_with_the_cli_fields(client, hit_fields):
    status, data = api(client, q="社区矫正")
    assert status == 200 and data["total"] > 0
    hit = data["hits"][0]
    assert hit_fields <= set(hit)
    assert "<mark>社区矫正</mark>" in hit["highlight"]
    scores = [h["score"] for h in data["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_values_of_one_facet_combine_with_or_and_facets_with_and(client):
    _, qingcheng = api(client, q="调解", region="清城区")
    _, huadu = api(client, q="调解", region="花都区")
    _, both = api(client, q="调解", region=["清城区", "花都区"])
    assert both["total"] == qingcheng["total"] + huadu["total"]
    _, narrowed = api(client, q="调解", region=["清城区", "花都区"], year="2024")
    assert narrowed["total"] == huadu["total"]


def test_facet_counts_ignore_their_own_selection_but_not_the_others(client):
    _, data = api(client, q="调解", region="广东省")
    regions = {v["value"]: v for v in data["facets"]["region"]}
    years = {v["value"]: v["count"] for v in data["facets"]["year"]}
    assert regions["广东省"]["selected"] and regions["广东省"]["count"] == data["total"]
    assert regions["上海市"]["count"] > 0  # other regions stay visible and selectable
    assert set(years) == {"2021", "2024"}  # year counts respect the region filter (上海's 2020 is gone)
    assert sum(years.values()) == data["total"]
    _, data = api(client, q="调解", region="广东省", year="2024")
    regions = {v["value"]: v for v in data["facets"]["region"]}
    assert regions["广东省"]["count"] == data["total"]  # region counts respect the year filter


def test_region_facet_is_a_tree(client):
    _, data = api(client, q="司法")
    guangdong = next(v for v in data["facets"]["region"] if v["value"] == "广东省")
    cities = {c["label"] for c in guangdong["children"]}
    assert cities == {"清远市", "广州市"}


def test_a_malformed_query_is_a_400_with_a_message(client):
    status, data = api(client, q='"枫桥经验')
    assert status == 400 and "quote" in data["error"]
    page = client.get("/", query_string={"q": "(调解"})
    assert page.status_code == 400
    assert "没有闭合" in page.get_data(as_text=True) and 'value="(调解"' in page.get_data(as_text=True)


def test_script_in_a_query_is_shown_as_text(client):
    page = client.get("/", query_string={"q": "<script>alert(1)</script>"}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_no_results_offers_to_drop_a_word_and_filters(client):
    page = client.get("/", query_string={"q": "社区矫正 航天发射", "year": "2021"}).get_data(as_text=True)
    assert 'id="no-results"' in page and "去掉“航天发射”再试" in page and "去掉筛选条件再试" in page


def test_pages_keep_the_whole_state_in_the_url(client):
    _, first = api(client, q="法治", page=1)
    _, second = api(client, q="法治", page=2)
    assert first["pages"] >= 2
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}


def test_sort_by_year_puts_newest_first(client):
    _, data = api(client, q="法治", sort="year")
    years = [h["year"] for h in data["hits"]]
    assert years == sorted(years, reverse=True)


def test_year_histogram_counts_hits_per_year(client):
    _, data = api(client, q="调解")
    assert sum(y["count"] for y in data["years"]) == data["total"]


def test_csv_export_opens_in_excel_with_chinese_text(client):
    response = client.get("/export.csv", query_string={"q": "社区矫正"})
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    _, data = api(client, q="社区矫正")
    assert rows[0][0] == "id" and len(rows) - 1 == data["total"]


def test_report_api_and_page_list_all_paragraphs_in_order(client):
    _, data = api(client, q="枫桥经验")
    report_id = data["hits"][0]["id"].split("#")[0]
    report = client.get(f"/api/reports/{report_id}").get_json()
    numbers = [p["paragraph"] for p in report["paragraphs"]]
    assert numbers == list(range(1, len(numbers) + 1))
    page = client.get(f"/reports/{report_id}", query_string={"q": "枫桥经验"}).get_data(as_text=True)
    assert "<mark>枫桥经验</mark>" in page
    assert client.get("/api/reports/nope").status_code == 404


def test_the_report_page_highlights_what_its_hit_highlighted(client):
    _, data = api(client, q="老人")  # the seeds never say 老人: every hit is for the expansion 老年人
    hit = data["hits"][0]
    assert "<mark>老年人</mark>" in hit["highlight"]
    page = client.get(f"/reports/{hit['report_id']}", query_string={"q": "老人"}).get_data(as_text=True)
    assert "<mark>老年人</mark>" in page


def test_paragraph_permalink_redirects_to_its_place(client):
    response = client.get("/reports/000_95bebef6734a544e-xxxxxx/3")
    assert response.status_code == 404
    _, data = api(client, q="枫桥经验")
    hit = data["hits"][0]
    response = client.get(f"/reports/{hit['id'].split('#')[0]}/{hit['paragraph']}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#p{hit['paragraph']}")


def test_an_instance_without_an_index_says_how_to_build_one(tmp_path):
    app = create_app({"TESTING": True, "HOME": str(tmp_path)})
    client = app.test_client()
    assert client.get("/api/search?q=调解").status_code == 503
    assert "govsearch index" in client.get("/").get_data(as_text=True)


def test_an_export_holds_the_hits_the_page_counts_and_says_when_it_is_cut(seed_home):
    client = create_app({"TESTING": True, "HOME": str(seed_home), "EXPORT_LIMIT": 3}).test_client()
    _, data = api(client, q="社区矫正 教育帮扶")
    assert data["partial"] > 0
    rows = list(csv.reader(io.StringIO(client.get("/export.csv?q=社区矫正+教育帮扶").get_data(as_text=True))))
    assert len(rows) - 1 == min(3, data["total"]) and all(not row[-2] for row in rows[1:])  # no `missing` words
    exported = client.get("/export.json", query_string={"q": "调解"})
    document = exported.get_json()
    assert document["truncated"] and document["exported"] == 3 and document["total"] > 3
    assert f"first-3-of-{document['total']}" in exported.headers["Content-Disposition"]
    page = client.get("/", query_string={"q": "调解"}).get_data(as_text=True)
    assert f"只含前 3 条，共 {document['total']} 条" in page
    whole = client.get("/export.json", query_string={"q": "社区矫正 教育帮扶", "partial": "1"}).get_json()
    assert whole["exported"] == min(3, data["total"] + data["partial"])


def test_pages_have_a_heading_a_search_without_hits_can_be_saved_and_a_page_past_the_end_says_so(client):
    assert "<h1>政府报告全文检索</h1>" in client.get("/").get_data(as_text=True)
    nothing = client.get("/", query_string={"q": "量子计算机"}).get_data(as_text=True)
    assert "<h1" in nothing and 'id="save-search"' in nothing and 'id="no-results"' in nothing
    past = client.get("/", query_string={"q": "调解", "page": "999"}).get_data(as_text=True)
    assert 'id="past-last-page"' in past and "第 999 页超出了结果的范围（共 3 页）" in past


@pytest.mark.parametrize(
    "query, chinese",
    [
        ("(调解", "第 1 个字符处的“(”没有闭合：请补上“)”"),
        ("调解 OR", "OR 两边都要有词"),
        ("-调解", "请至少写一个要找的词"),
    ],
)
def test_a_query_error_is_said_in_chinese_on_the_page_and_in_the_api(client, query, chinese):
    page = client.get("/", query_string={"q": query})
    assert page.status_code == 400 and chinese in page.get_data(as_text=True)
    status, data = api(client, q=query)
    assert status == 400 and chinese in data["message"] and data["error"]  # `error` stays in English for scripts
    unknown = client.get("/", query_string={"q": "调解", "region": "火星"}).get_data(as_text=True)
    assert "不认识地区“火星”" in unknown


def test_a_filter_alone_lists_its_paragraphs_and_the_start_page_counts_are_what_its_links_open(client):
    page = client.get("/").get_data(as_text=True)
    links = re.findall(r'<a href="(/\?(?:region|topic)=[^"]+)">[^<]+</a>（(\d+)）', page)
    assert len(links) > 5
    for link, count in links:
        _, data = api(client, **dict(urllib.parse.parse_qsl(link[2:])))
        assert data["total"] == int(count), link
    _, by_query = api(client, q="region:广东省")  # the same, written in the query
    _, by_filter = api(client, region="广东省")
    assert by_query["total"] == by_filter["total"] > 0 and all(h["region"][0] == "广东省" for h in by_query["hits"])
    years = [h["year"] for h in by_filter["hits"]]
    assert years == sorted(years, reverse=True)  # browsing: newest first
    assert api(client, q="-调解")[0] == 400  # an exclusion alone still asks for a word


def test_no_hits_because_of_a_filter_says_which_filter_and_links_to_the_search_without_it(client):
    # on the seeds: 社区矫正 has 2 hits in 天津市 and 2 in 2024, none in both
    page = client.get("/", query_string={"q": "社区矫正", "region": "天津市", "year": "2024"}).get_data(as_text=True)
    assert 'id="no-results"' in page
    assert (
        "不限地区「天津市」时有 <strong>2</strong> 段" in page and "不限年份「2024」时有 <strong>2</strong> 段" in page
    )
    assert "?q=%E7%A4%BE%E5%8C%BA%E7%9F%AB%E6%AD%A3&amp;year=2024" in page  # the search without the region
    assert "?q=%E7%A4%BE%E5%8C%BA%E7%9F%AB%E6%AD%A3&amp;region=%E5%A4%A9%E6%B4%A5%E5%B8%82" in page
