"""The govsearch command as a user runs it."""

from __future__ import annotations

import json

from click.testing import CliRunner

from search_app.cli import main


def run(*args, home):
    return CliRunner().invoke(main, [*args, "--home", str(home)])


def test_search_prints_hits_and_facets(seed_home):
    result = run("search", "社区矫正", "--region", "广东省", home=seed_home)
    assert result.exit_code == 0
    assert "hits for 社区矫正" in result.output and "广东省 › 清远市 › 清城区" in result.output
    assert "地区:" in result.output and "\x1b[" not in result.output  # no colour when not on a terminal


def test_search_json_has_one_object_per_hit_with_the_documented_fields(seed_home, hit_fields):
    result = run("search", "调解", "--json", "--limit", "3", home=seed_home)
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == 3
    assert hit_fields <= set(lines[0])
    assert "<mark>调解</mark>" in lines[0]["highlight"]


def test_reports_json_lists_reports_with_metadata(seed_home):
    result = run("reports", "--json", home=seed_home)
    reports = [json.loads(line) for line in result.output.splitlines()]
    assert len(reports) == 5
    rushan = next(r for r in reports if r["org"] == "乳山市司法局")
    assert rushan["region"] == ["山东省", "威海市", "乳山市"] and rushan["year"] == 2022 and rushan["paragraphs"] > 20


def test_show_prints_a_paragraph_with_its_neighbours(seed_home):
    first = json.loads(run("search", "枫桥经验", "--json", "--limit", "1", home=seed_home).output)
    result = run("show", first["id"], home=seed_home)
    assert result.exit_code == 0 and first["text"] in result.output and result.output.count("[") >= 2


def test_stats_counts_reports_and_paragraphs(seed_home):
    result = run("stats", home=seed_home)
    assert "reports: 5" in result.output and "年份:" in result.output


def test_user_errors_end_with_what_to_do_and_exit_1(seed_home, tmp_path):
    bad = run("search", "(调解", home=seed_home)
    assert bad.exit_code == 1 and "never closed" in bad.output and "--help" in bad.output
    missing = run("search", "调解", home=tmp_path / "empty")
    assert missing.exit_code == 1 and "govsearch index" in missing.output
    unknown = run("show", "nope#1", home=seed_home)
    assert unknown.exit_code == 1


def test_index_exits_non_zero_only_when_nothing_could_be_indexed(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "empty.txt").write_bytes(b"")
    result = run("index", str(tmp_path / "c"), home=tmp_path / "h")
    assert result.exit_code == 1 and "skipped" in result.output and "empty" in result.output


def test_the_default_home_is_one_per_user_and_a_search_without_an_index_names_it(tmp_path, monkeypatch):
    from search_app import settings

    monkeypatch.delenv("GOVSEARCH_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert settings.load()["HOME"] == settings.DEFAULT_HOME and "govsearch" in settings.DEFAULT_HOME
    missing = tmp_path / "nowhere"
    result = CliRunner().invoke(main, ["search", "调解"], env={"GOVSEARCH_HOME": str(missing)})
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: no index in {missing} (chosen by --home or GOVSEARCH_HOME). Run `govsearch index` first, or give "
        "--home."
    ]
    assert not missing.exists() and not (tmp_path / "instance").exists()  # nothing created where it looked
