"""What a browser and the command line must be safe against, and the one-line messages users get (issue #15)."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner

from search_app import create_app
from search_app.cli import main
from search_app.saved_store import SavedError, SavedStore


def run(*args, home, env=None):
    return CliRunner().invoke(main, [*args, "--home", str(home)], env=env)


@pytest.fixture(scope="module")
def client(seed_home):
    """A test client over the seed index."""
    return create_app({"TESTING": True, "HOME": str(seed_home)}).test_client()


@pytest.mark.parametrize("path", ["/", "/?q=调解", "/saved", "/api/search?q=调解", "/nowhere", "/reports/nope"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "back", ["javascript:alert(document.domain)", "https://evil.example/", "//evil.example", "/\\evil.example"]
)
def test_the_back_link_of_a_report_page_only_goes_back_into_the_app(client, back):
    hit = client.get("/api/search?q=调解").get_json()["hits"][0]
    page = client.get(f"/reports/{hit['report_id']}", query_string={"back": back}).get_data(as_text=True)
    assert "返回检索结果" not in page and "evil.example" not in page and "javascript:" not in page
    kept = client.get(f"/reports/{hit['report_id']}", query_string={"back": "/?q=调解"}).get_data(as_text=True)
    assert 'href="/?q=调解" class="back"' in kept


def test_an_unknown_page_is_a_chinese_page(client):
    response = client.get("/nowhere")
    assert response.status_code == 404 and "找不到该页面" in response.get_data(as_text=True)


def test_a_deleted_saved_search_id_is_never_given_again(tmp_path):
    store = SavedStore(tmp_path / "saved.sqlite")
    first = store.add("a", "调解", {})
    second = store.add("b", "仲裁", {})
    store.remove(second.id)
    assert store.add("c", "公证", {}).id == second.id + 1
    store.remove(first.id)
    with pytest.raises(SavedError):  # a taken name: the id it would have had is not used up either
        store.add("c", "x", {})
    assert store.add("d", "律师", {}).id == second.id + 2


def test_an_older_saved_store_keeps_its_searches_and_stops_reusing_ids(tmp_path):
    import sqlite3

    from search_app import saved_store

    path = tmp_path / "saved.sqlite"
    with sqlite3.connect(path) as conn:  # a version-1 file, as the previous release wrote it
        conn.executescript(saved_store.MIGRATIONS[0])
        conn.execute("INSERT INTO saved_search VALUES (7, 'old', '调解', '{}', 'x', 'x')")
        conn.execute("INSERT INTO seen VALUES (7, 'abcdefabcdefabcdefab', 'x')")
        conn.execute("PRAGMA user_version = 1")
    store = SavedStore(path)
    assert [s.name for s in store.all()] == ["old"] and store.seen(7) == {"abcdefabcdefabcdefab"}
    store.remove(7)
    assert store.add("new", "仲裁", {}).id == 8


def test_version_is_printed():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("govsearch ")


def test_a_query_that_starts_with_a_minus_is_a_query(seed_home):
    result = run("search", "-人民调解 调解", home=seed_home)  # one argument, as the shell passes a quoted query
    assert result.exit_code == 0 and "hits for" in result.output


def test_removing_an_unknown_report_says_only_that(seed_copy):
    result = run("remove", "no-such-report", home=seed_copy)
    assert result.exit_code == 1 and result.output.splitlines() == [
        "Error: no such report in the index. `govsearch reports` lists report ids."
    ]


def test_a_folder_without_reports_is_an_error_and_other_files_are_named(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("index", str(empty), home=tmp_path / "h")
    assert result.exit_code == 1 and "found no report files (.txt, .html, .docx, .pdf" in result.output
    (empty / "report.pdf").write_bytes(b"%PDF-1.7")  # a PDF by its first bytes, and nothing after them
    (empty / "notes.md").write_text("x", encoding="utf-8")
    (empty / "table.xlsx").write_bytes(b"PK\x03\x04")
    result = run("index", str(empty), home=tmp_path / "h")
    assert result.exit_code == 1 and "report.pdf: a damaged PDF" in result.output
    assert "notes.md: unsupported format: .md (reports are read from .txt, .html" in result.output
    assert "table.xlsx: unsupported format: a damaged zip archive" in result.output


def test_serve_refuses_a_busy_port_or_an_impossible_one_in_one_line(seed_home):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "--port", str(port), home=seed_home)
        assert result.exit_code == 1 and result.output.strip() == (
            f"Error: 127.0.0.1:{port} is in use: choose another with --port or --host"
        )
    result = run("serve", "--port", "99999", home=seed_home)
    assert result.exit_code == 2 and "99999 is not in the range 1<=x<=65535" in result.output
    result = run("search", "调解", home=seed_home, env={"GOVSEARCH_PORT": "abc"})
    assert result.exit_code == 1 and "GOVSEARCH_PORT must be a whole number, not 'abc'" in result.output
