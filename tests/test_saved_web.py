"""Saved searches in the web UI, the JSON API and the Atom feed, on the same store as the CLI."""

from __future__ import annotations

import re
from html import unescape

import feedparser
import pytest
from click.testing import CliRunner

from search_app import create_app
from search_app.cli import main

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def client(seed_copy):
    """A client of an app over a private copy of the seed index, CSRF protection on."""
    app = create_app({"HOME": str(seed_copy)})
    return app.test_client()


def token(client, path="/saved") -> str:
    return TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


def save(client, name, q, **filters):
    data = {"csrf_token": token(client), "name": name, "q": q, **filters}
    return client.post("/saved", data=data)


def saved_api(client) -> dict[str, dict]:
    data = client.get("/api/saved").get_json()
    assert data["ok"]
    return {s["name"]: s for s in data["saved"]}


def test_save_from_the_results_page_then_new_hits_show_in_list_page_and_feed(
    client, seed_copy, tmp_path, add_new_report
):
    page = client.get("/?q=社区矫正&region=广东省").get_data(as_text=True)
    form = page[page.index('id="save-search"') :]
    assert 'name="name" value="社区矫正 广东省"' in form  # one click: the name is prefilled
    response = save(client, "社区矫正 广东省", "社区矫正", region="广东省")
    assert response.status_code == 302 and "saved=" in response.location
    record = saved_api(client)["社区矫正 广东省"]
    assert record["filters"] == {"region": ["广东省"]} and record["new"] == 0
    assert record["feed_url"].endswith(f"/saved/{record['id']}/feed.atom")

    add_new_report(seed_copy)  # as `govsearch index` would, in another process
    assert saved_api(client)["社区矫正 广东省"]["new"] == 1
    listing = client.get("/saved").get_data(as_text=True)
    assert re.search(r'<td class="new"><a [^>]*><span class="new-badge">1</span>', listing)

    feed = feedparser.parse(client.get(f"/saved/{record['id']}/feed.atom").get_data())
    assert not feed.bozo and feed.feed.title.startswith("社区矫正 广东省")
    newest = feed.entries[0]  # the feed lists the most recently indexed hits first
    assert "清城区" in newest.title and "2025" in newest.title
    assert "<b>社区矫正</b>" in newest.content[0].value  # highlighted (and escaped in the XML)
    assert re.search(r"/reports/qingcheng-2025-[0-9a-f]{6}/1$", newest.link)
    assert len({e.id for e in feed.entries}) == len(feed.entries) == record["total"] + 1

    results = client.get(record["url"], follow_redirects=True).get_data(as_text=True)
    assert results.count('class="hit new"') == 1 and '本页 <strong id="new-on-page">1</strong> 条' in results
    assert saved_api(client)["社区矫正 广东省"]["new"] == 1  # a GET changes nothing: still new
    seen = client.post(f"/saved/{record['id']}/seen", data={"csrf_token": token(client), "next": "//evil.example/x"})
    assert seen.status_code == 302 and seen.headers["Location"] == "/saved"  # never to another site
    assert saved_api(client)["社区矫正 广东省"]["new"] == 0
    assert 'class="hit new"' not in client.get(record["url"], follow_redirects=True).get_data(as_text=True)


def test_cli_and_web_share_one_store(client, seed_copy):
    CliRunner().invoke(main, ["saved", "add", "枫桥", "枫桥经验", "--home", str(seed_copy)])
    assert "枫桥" in saved_api(client)
    deleted = client.post(f"/saved/{saved_api(client)['枫桥']['id']}/delete", data={"csrf_token": token(client)})
    assert deleted.status_code == 302
    listed = CliRunner().invoke(main, ["saved", "list", "--home", str(seed_copy)])
    assert "枫桥" not in listed.output


def test_forms_that_change_saved_searches_need_post_and_a_csrf_token(client):
    save(client, "矫正", "社区矫正")
    saved_id = saved_api(client)["矫正"]["id"]
    assert client.post("/saved", data={"name": "偷偷", "q": "调解"}).status_code == 400
    assert client.post(f"/saved/{saved_id}/delete").status_code == 400
    assert client.get(f"/saved/{saved_id}/delete").status_code == 405
    assert list(saved_api(client)) == ["矫正"]


def test_bad_input_gets_a_message_and_changes_nothing(client):
    save(client, "矫正", "社区矫正")
    for name, q, filters, message in [
        ("", "社区矫正", {}, "请给检索起个名称"),
        ("x", "社区 (", {}, "检索式有误，无法保存：第 4 个字符处的“(”没有闭合"),
        ("x", "社区矫正", {"topic": "没有这个主题"}, "没有“没有这个主题”这个主题"),
        ("矫正", "调解", {}, "已经有名为「矫正」的检索"),
    ]:
        response = save(client, name, q, **filters)
        assert response.status_code == 400
        assert message in unescape(response.get_data(as_text=True))
    assert list(saved_api(client)) == ["矫正"]


def test_edit_renames_and_changes_the_question(client):
    save(client, "矫正", "社区矫正")
    saved_id = saved_api(client)["矫正"]["id"]
    form = client.get(f"/saved/{saved_id}/edit").get_data(as_text=True)
    assert 'value="社区矫正"' in form
    data = {"csrf_token": token(client), "name": "矫正 2021", "q": "社区矫正", "year": "2021", "region": ""}
    assert client.post(f"/saved/{saved_id}/edit", data=data).status_code == 302
    record = saved_api(client)["矫正 2021"]
    assert record["filters"] == {"year": ["2021"]} and record["new"] == 0


def test_names_and_queries_are_escaped_everywhere_they_are_shown(client):
    evil = '<script>alert("x")</script>'
    assert save(client, evil, "社区矫正").status_code == 302
    saved_id = saved_api(client)[evil]["id"]
    for path in ("/saved", f"/saved/{saved_id}/edit", f"/?q=社区矫正&saved={saved_id}"):
        body = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in body and "&lt;script&gt;" in body, path
    feed = client.get(f"/saved/{saved_id}/feed.atom").get_data(as_text=True)
    assert "<script>" not in feed and feedparser.parse(feed).feed.title.startswith(evil)


def test_export_then_import_through_the_web(client, seed_copy, tmp_path):
    save(client, "矫正", "社区矫正")
    exported = client.get("/saved/export.json")
    assert exported.headers["Content-Disposition"].startswith("attachment")
    other = create_app({"HOME": str(seed_copy), "WTF_CSRF_ENABLED": True}).test_client()
    client.post(f"/saved/{saved_api(client)['矫正']['id']}/delete", data={"csrf_token": token(client)})
    from io import BytesIO

    data = {"csrf_token": token(other), "file": (BytesIO(exported.get_data()), "saved.json")}
    response = other.post("/saved/import", data=data, content_type="multipart/form-data", follow_redirects=True)
    assert "已导入 1 个检索：矫正" in response.get_data(as_text=True)
    assert saved_api(other)["矫正"]["new"] == 0


def test_the_feed_and_the_new_flags_hold_only_hits_with_every_word(client):
    save(client, "矫正帮扶", "社区矫正 教育帮扶")
    record = saved_api(client)["矫正帮扶"]
    feed = feedparser.parse(client.get(f"/saved/{record['id']}/feed.atom").data)
    assert 0 < len(feed.entries) == record["total"]  # paragraphs missing one of the words are not in the feed
    searched = client.get("/api/search", query_string={"q": "社区矫正 教育帮扶"}).get_json()
    assert searched["partial"] > 0 and searched["total"] == record["total"]
