"""Errors are translated once per front end: a page in Chinese or JSON under /api, never a 500 for a user's input,
a missing index or a bad editable file; on the command line a message naming what to fix, never a traceback."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from search_app import create_app
from search_app.cli import main
from search_app.saved_store import SavedStore

BAD_SYNONYMS = "老人, 老年人\n出狱 =>\n"  # line 2 has nothing on the right of =>


def run(*args, home):
    return CliRunner().invoke(main, [*args, "--home", str(home)])


@pytest.fixture
def empty_client(tmp_path):
    """A test client of an instance with no index."""
    return create_app({"TESTING": True, "HOME": str(tmp_path / "empty")}).test_client()


@pytest.mark.parametrize("path", ["/export.csv?q=调解", "/export.json?q=调解", "/reports/x", "/reports/x/1"])
def test_pages_without_an_index_say_how_to_build_one(empty_client, path):
    response = empty_client.get(path)
    assert response.status_code == 503
    assert "还没有索引" in response.get_data(as_text=True) and "govsearch index" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/api/search?q=调解", "/api/reports/x"])
def test_the_api_without_an_index_answers_json(empty_client, path):
    response = empty_client.get(path)
    assert response.status_code == 503 and response.get_json()["ok"] is False
    assert "govsearch index" in response.get_json()["error"]


def test_an_unknown_api_path_is_a_json_404(empty_client):
    response = empty_client.get("/api/nothing-here")
    assert response.status_code == 404 and response.get_json() == {
        "ok": False,
        "status": 404,
        "error": "no such resource: /api/nothing-here",
    }


def test_a_malformed_query_in_an_export_is_a_400_page_not_a_500(seed_home):
    client = create_app({"TESTING": True, "HOME": str(seed_home)}).test_client()
    response = client.get("/export.csv", query_string={"q": "(调解"})
    assert response.status_code == 400 and "查询有误" in response.get_data(as_text=True)


def test_the_feed_of_a_saved_search_whose_query_no_longer_parses_says_why(seed_copy):
    saved = SavedStore(seed_copy / "saved.sqlite").add("坏的", "社区 AND (", {})  # as an older version might have kept
    client = create_app({"TESTING": True, "HOME": str(seed_copy)}).test_client()
    response = client.get(f"/saved/{saved.id}/feed.atom")
    assert response.status_code == 400 and "没有闭合" in response.get_data(as_text=True)
    listed = client.get("/api/saved").get_json()["saved"]
    assert [s["error"] for s in listed if s["name"] == "坏的"][0]  # listed with the reason it cannot run


def test_a_malformed_synonyms_file_names_its_line_in_the_api_and_the_cli(seed_copy):
    (seed_copy / "synonyms.txt").write_text(BAD_SYNONYMS, encoding="utf-8")
    client = create_app({"TESTING": True, "HOME": str(seed_copy)}).test_client()
    response = client.get("/api/search", query_string={"q": "老人"})
    assert response.status_code == 503
    assert "synonyms.txt, line 2" in response.get_json()["error"]
    page = client.get("/", query_string={"q": "老人"})
    assert page.status_code == 503 and "配置文件有误" in page.get_data(as_text=True)
    result = run("search", "老人", home=seed_copy)
    assert result.exit_code == 1 and "synonyms.txt, line 2" in result.output and "Fix that line" in result.output
    assert isinstance(result.exception, SystemExit)  # click's exit with the message, not an uncaught error


def test_a_malformed_dictionary_names_its_line(tmp_path):
    home = tmp_path / "h"
    home.mkdir()
    (home / "dictionary.txt").write_text("枫桥经验 100 n\n放管服 很多\n", encoding="utf-8")
    result = run("stats", home=home)
    assert (
        result.exit_code == 1
        and "dictionary.txt, line 2" in result.output
        and "word [frequency] [tag]" in result.output
    )


def test_a_malformed_taxonomy_names_its_line(tmp_path):
    home = tmp_path / "h"
    home.mkdir()
    (home / "topics.txt").write_text("社区矫正: 矫正\n没有冒号的一行\n", encoding="utf-8")
    result = run("index", home=home)
    assert result.exit_code == 1 and "topics.txt, line 2" in result.output


def test_saved_searches_of_a_newer_govsearch_are_refused_with_a_message(seed_copy):
    with sqlite3.connect(seed_copy / "saved.sqlite") as conn:
        conn.execute("PRAGMA user_version = 99")
    result = run("saved", "list", home=seed_copy)
    assert result.exit_code == 1 and "newer govsearch" in result.output and "Traceback" not in result.output
