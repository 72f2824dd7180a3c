"""Hostile and broken input: no single file, value, query or request breaks the index, stalls the server or is
let through; each gets a message that says what is wrong (issue #14, items 1, 2, 5, 6 and 7)."""

from __future__ import annotations

import io
import json
import os
import re

import pytest
from click.testing import CliRunner

from indexer import QueryError, SearchRequest, index_files, open_backend, parse_query
from indexer.ingest.metadata import last_year
from indexer.search import ranking
from search_app import create_app
from search_app.cli import main

REPORT = "某某县司法局2021年工作总结\n一、人民调解\n全县人民调解纠纷100件。\n"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def corpus(tmp_path, write_report):
    """A folder with one good report, for tests to add bad ones beside."""
    folder = tmp_path / "c"
    write_report(folder, "good.txt", REPORT)
    return folder


def skipped_reasons(summary) -> dict[str, str]:
    return {os.path.basename(path): reason for path, reason in summary.skipped}


@pytest.mark.parametrize(
    "sidecar, message",
    [
        ({"year": 99999999999}, "year 99999999999 is not between 1949 and"),
        ({"year": -5}, "year must be a number like 2021, not -5"),
        ({"year": True}, "year must be a number like 2021, not True"),
        ({"region": 5}, "region must be text such as 广东省/清远市 or a list of names, not 5"),
        ({"region": ["广东省", {"x": 1}]}, "region must be text"),
        ({"date": "yesterday"}, "date must be written like 2021-07-05, not 'yesterday'"),
        ({"date": "2021-02-30"}, "date must be written like 2021-07-05"),
        ({"title": ["a list"]}, "title must be text"),
        ({"year": 1800, "region": 5}, "; region must be text"),  # every wrong field is named
    ],
)
def test_a_bad_sidecar_value_skips_its_report_with_the_reason_and_the_rest_is_indexed(
    home, corpus, write_report, sidecar, message
):
    write_report(corpus, "bad.txt", REPORT.replace("某某县", "另一县"))
    (corpus / "bad.txt.json").write_text(json.dumps(sidecar), encoding="utf-8")
    summary = index_files(home, [corpus])
    assert summary.reports == 1 and message in skipped_reasons(summary)["bad.txt"]
    backend = open_backend(home)
    try:
        result = backend.search(SearchRequest("调解"))
        assert result.total == 1 and result.facets["year"][0].value == "2021"  # searching, facets: all still work
    finally:
        backend.close()


def test_a_bad_manifest_row_skips_only_its_own_report(home, corpus, write_report):
    write_report(corpus, "other.txt", REPORT.replace("某某县", "另一县"))
    (corpus / "MANIFEST.tsv").write_text("file\tyear\nother.txt\t20x1\ngood.txt\t2020\n", encoding="utf-8")
    summary = index_files(home, [corpus])
    assert summary.reports == 1 and "year must be a number" in skipped_reasons(summary)["other.txt"]


def test_a_year_no_report_can_be_about_is_not_read_from_the_text(tmp_path, write_report):
    from indexer import load_taxonomy, read_report

    title = "某某市国民经济和社会发展第十四个五年规划和2035年远景目标纲要"
    path = write_report(tmp_path, "plan.txt", f"{title}\n2021年是“十四五”开局之年。\n一、总体要求\n坚持新发展理念。\n")
    assert read_report(path, load_taxonomy()).year == 2021
    assert last_year() >= 2027


def test_a_file_of_nuls_is_binary_and_stray_nuls_are_dropped(home, corpus):
    (corpus / "nuls.txt").write_bytes(b"\x00" * 100_000)
    (corpus / "stray.txt").write_bytes(REPORT.replace("全县", "全\x00县").replace("某某县", "又一县").encode())
    summary = index_files(home, [corpus])
    assert skipped_reasons(summary)["nuls.txt"] == "binary data (NUL bytes), not a text report"
    assert summary.reports == 2
    backend = open_backend(home)
    try:
        texts = [h.text for h in backend.search(SearchRequest("全县", page_size=10, collapse=False)).hits]
        assert len(texts) == 2 and not any("\x00" in t for t in texts)
    finally:
        backend.close()


def test_what_cannot_be_read_as_a_file_is_named_with_why(home, corpus):
    (corpus / "dangling.txt").symlink_to(corpus / "nowhere.txt")
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "loop").symlink_to(corpus)  # a link back up: never followed
    (corpus / "self.txt").symlink_to(corpus / "self.txt")
    summary = index_files(home, [corpus])
    reasons = skipped_reasons(summary)
    assert reasons["dangling.txt"] == "a link to nothing (dangling symbolic link)"
    assert reasons["pipe.txt"] == "not a regular file (a pipe, socket or device)"
    assert reasons["self.txt"].startswith("cannot be read")
    assert summary.reports == 1


def test_one_huge_line_becomes_bounded_paragraphs(home, tmp_path, write_report):
    sentence = "全县开展人民调解工作，化解矛盾纠纷一百件。"
    write_report(tmp_path / "big", "huge.txt", "某某县2021年工作总结\n" + sentence * 20_000)  # 440,000 characters
    summary = index_files(home, [tmp_path / "big"])
    assert summary.reports == 1 and summary.paragraphs > 100
    backend = open_backend(home)
    try:
        result = backend.search(SearchRequest("调解", page_size=5))
        assert result.total == summary.paragraphs
        assert all(len(h.text) <= 3000 and h.text.endswith("。") for h in result.hits)  # cut at sentence ends
    finally:
        backend.close()


def test_a_word_repeated_is_one_word_and_too_many_words_are_refused():
    assert parse_query("的 " * 250) == parse_query("的")
    with pytest.raises(QueryError, match="the query has 33 different words and phrases; use at most 32"):
        parse_query(" ".join(f"词{i}" for i in range(33)))


def test_proximity_is_the_shortest_window_and_stays_cheap_for_many_words():
    assert ranking.shortest_window([[(0, 2), (10, 12)], [(13, 15)], [(3, 4), (20, 21)]]) == 11  # 10..21
    many = [[(i * 40 + w, i * 40 + w + 1) for i in range(200)] for w in range(32)]  # 6,400 occurrences
    assert ranking.shortest_window(many) == 32


def test_a_search_out_of_time_answers_with_what_it_has_and_says_so(seeds, monkeypatch):
    from indexer.search import service

    full = seeds.search(SearchRequest("人民 调解"))
    monkeypatch.setattr(service, "RERANK_BUDGET", 0.0)
    cut = seeds.search(SearchRequest("人民 调解"))
    assert cut.cut_short and "re-ranking stopped" in cut.explain["cut_short"]
    assert (cut.total, cut.partial) == (full.total, full.partial) and len(cut.hits) == len(full.hits)
    assert not full.cut_short


def test_one_slow_search_does_not_hold_the_others_up(seeds):
    import threading

    done = threading.Event()
    with seeds.engine.reading():  # a search in progress on another thread
        worker = threading.Thread(target=lambda: (seeds.search(SearchRequest("调解")), done.set()))
        worker.start()
        worker.join(timeout=30)
    assert done.is_set()


@pytest.fixture
def client(seed_copy):
    """A client of an app over a private copy of the seed index, CSRF protection on."""
    return create_app({"HOME": str(seed_copy), "BASE_URL": "https://search.example.org"}).test_client()


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised():
    from search_app.pages import spreadsheet_safe

    for formula in ('=HYPERLINK("http://x")', "=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", "\t=1"):
        assert spreadsheet_safe(formula) == "'" + formula
    assert spreadsheet_safe("调解") == "调解" and spreadsheet_safe(3.5) == 3.5


def import_file(client, data: bytes):
    page = client.get("/saved").get_data(as_text=True)
    form = {"csrf_token": TOKEN.search(page).group(1), "file": (io.BytesIO(data), "saved.json")}
    return client.post("/saved/import", data=form, content_type="multipart/form-data", follow_redirects=True)


@pytest.mark.parametrize(
    "data, message, zh",
    [
        (
            '{"saved": [{"name": "a", "query": "调解", "filters": "region"}]}'.encode(),
            "entry 1 (“a”): filters must be an object",
            "第 1 条：筛选（filters）要是对象",
        ),
        (
            '{"saved": [{"name": "a", "query": "调解", "filters": {"region": 5}}]}'.encode(),
            "filters.region must be text",
            "filters.region 要是文字",
        ),
        (
            b'{"saved": [{"name": "a", "query": null}]}',
            "entry 1 (“a”): query must be non-empty text",
            "检索式（query）要是非空",
        ),
        (b'{"saved": [{"name": "a", "query": "x", "seen": [["nested"]]}]}', "seen must be a list", "seen 要是"),
        (b'{"saved": [{"name": "ok", "query": "x"}, 7]}', "entry 2: must be an object", "第 2 条：要是含名称"),
        (b"[" * 100_000 + b"]" * 100_000, "nests too deeply", "嵌套过深"),
        ("调解".encode("gb18030"), "not UTF-8", "不是 UTF-8"),
        (
            b'{"saved": [{"name": "a", "query": "(x"}]}',
            "entry 1 (“a”): the query cannot be saved",
            "检索式有误，无法保存",
        ),
    ],
)
def test_a_bad_import_names_the_first_bad_entry_and_imports_nothing(client, seed_copy, data, message, zh):
    page = import_file(client, data).get_data(as_text=True)
    assert zh in page and "没有导入任何检索" in page or "无法导入" in page and zh in page
    result = CliRunner().invoke(main, ["saved", "list", "--json", "--home", str(seed_copy)])
    assert result.output == ""  # nothing saved, from a good first entry either
    path = seed_copy / "bad.json"
    path.write_bytes(data)
    cli = CliRunner().invoke(main, ["saved", "import", str(path), "--home", str(seed_copy)])
    assert cli.exit_code == 1 and message in cli.output and "Traceback" not in cli.output


def test_an_import_past_the_size_limit_is_refused(client):
    from search_app.saved_import import MAX_BYTES

    page = import_file(client, b" " * (MAX_BYTES + 1)).get_data(as_text=True)
    assert "文件超过 5 MiB" in page


def test_the_paragraph_link_passes_on_only_its_own_parameters(client):
    hit = client.get("/api/search?q=调解").get_json()["hits"][0]
    path = f"/reports/{hit['report_id']}/{hit['paragraph']}"
    for args in ("report_id=x", "endpoint=x", "_method=POST", "_external=1", "_scheme=https"):
        response = client.get(f"{path}?{args}&q=调解", headers={"Host": "evil.example"})
        assert response.status_code == 302, args
        assert response.headers["Location"].startswith(f"/reports/{hit['report_id']}?q="), args


def test_feed_and_api_links_come_from_the_base_url_not_the_host_header(client):
    listed = client.get("/api/saved", headers={"Host": "evil.example"}).get_json()
    assert listed["ok"]
    page = client.get("/saved").get_data(as_text=True)
    client.post("/saved", data={"csrf_token": TOKEN.search(page).group(1), "name": "调解", "q": "调解"})
    (saved,) = client.get("/api/saved", headers={"Host": "evil.example"}).get_json()["saved"]
    assert saved["feed_url"].startswith("https://search.example.org/saved/")
    feed = client.get(f"/saved/{saved['id']}/feed.atom", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in feed and "https://search.example.org/reports/" in feed


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example", "javascript:alert(1)", "/\\evil.example"])
def test_marking_seen_never_redirects_off_the_site(client, target):
    page = client.get("/saved").get_data(as_text=True)
    client.post("/saved", data={"csrf_token": TOKEN.search(page).group(1), "name": "调解", "q": "调解"})
    token = TOKEN.search(client.get("/saved").get_data(as_text=True)).group(1)
    response = client.post("/saved/1/seen", data={"csrf_token": token, "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/saved"


def test_opening_a_saved_search_with_a_get_marks_nothing_seen(client, seed_copy, add_new_report):
    page = client.get("/saved").get_data(as_text=True)
    client.post("/saved", data={"csrf_token": TOKEN.search(page).group(1), "name": "矫正", "q": "社区矫正"})
    add_new_report(seed_copy)
    for _ in range(2):  # as a cross-site <img> would
        client.get("/", query_string={"q": "社区矫正", "saved": "1", "new": "1"})
    assert client.get("/api/saved").get_json()["saved"][0]["new"] == 1
