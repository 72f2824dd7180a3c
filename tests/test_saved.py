"""Saved searches from the command line and in their SQLite store: save, new hits, seen, move, share."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from indexer import BUNDLED_CORPUS, Instance, index_files
from search_app.cli import main
from search_app.saved_store import SCHEMA_VERSION, SavedError, SavedStore


def run(*args, home):
    return CliRunner().invoke(main, [*args, "--home", str(home)])


def saved_list(home) -> dict[str, dict]:
    result = run("saved", "list", "--json", home=home)
    assert result.exit_code == 0, result.output
    return {record["name"]: record for record in map(json.loads, result.output.splitlines())}


def test_new_reports_bring_new_hits_until_they_are_marked_seen(seed_copy, tmp_path, hit_fields, add_new_report):
    assert run("saved", "add", "广东矫正", "社区矫正", "--region", "广东省", home=seed_copy).exit_code == 0
    assert run("saved", "add", "调解", "人民调解", home=seed_copy).exit_code == 0
    before = saved_list(seed_copy)
    assert before["广东矫正"]["new"] == 0 and before["广东矫正"]["total"] > 0  # hits at save time count as seen
    assert "广东矫正: nothing new" in run("saved", "check", home=seed_copy).output

    add_new_report(seed_copy)
    after = saved_list(seed_copy)
    assert after["广东矫正"]["new"] == 1 and after["广东矫正"]["total"] == before["广东矫正"]["total"] + 1
    assert after["调解"]["new"] == 0  # the new report says nothing of 人民调解

    check = run("saved", "check", "--json", home=seed_copy)
    assert check.exit_code == 0
    hits = [json.loads(line) for line in check.output.splitlines()]
    assert [h["name"] for h in hits] == ["广东矫正"]
    assert hit_fields <= set(hits[0]) and hits[0]["year"] == 2025
    assert "<mark>社区矫正</mark>" in hits[0]["highlight"]

    assert run("saved", "check", "--json", home=seed_copy).output == check.output  # checking alone marks nothing
    assert run("saved", "check", "--mark-seen", home=seed_copy).exit_code == 0
    assert saved_list(seed_copy)["广东矫正"]["new"] == 0
    quiet = run("saved", "check", home=seed_copy)
    assert quiet.exit_code == 0 and "广东矫正: nothing new" in quiet.output


def test_run_flags_new_hits_and_counts_what_it_printed_as_seen(seed_copy, tmp_path, add_new_report):
    run("saved", "add", "枫桥", "枫桥经验", home=seed_copy)
    add_new_report(seed_copy)
    first = run("saved", "run", "枫桥", "--json", "--limit", "50", home=seed_copy)
    flags = {h["id"]: h["new"] for h in map(json.loads, first.output.splitlines())}
    assert sum(flags.values()) == 1 and len(flags) > 1
    again = run("saved", "run", "枫桥", "--json", "--limit", "50", home=seed_copy)
    assert not any(h["new"] for h in map(json.loads, again.output.splitlines()))


def test_bad_input_is_refused_with_a_message_and_changes_nothing(seed_copy):
    assert run("saved", "add", "矫正", "社区矫正", home=seed_copy).exit_code == 0
    cases = {
        ("saved", "add", "  ", "社区矫正"): "needs a name",
        ("saved", "add", "x", "社区 AND ("): "never closed",
        ("saved", "add", "x", "社区矫正", "--topic", "没有这个主题"): "unknown topic",
        ("saved", "add", "x", "社区矫正", "--region", "火星"): "unknown region",
        ("saved", "add", "矫正", "法律援助"): "already exists",
        ("saved", "rename", "没有", "y"): "no saved search",
        ("saved", "edit", "矫正", "--query", "("): "never closed",
    }
    for args, message in cases.items():
        result = run(*args, home=seed_copy)
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    saved = saved_list(seed_copy)
    assert list(saved) == ["矫正"] and saved["矫正"]["query"] == "社区矫正"


def test_rename_edit_and_delete(seed_copy):
    run("saved", "add", "矫正", "社区矫正", home=seed_copy)
    assert run("saved", "rename", "矫正", "社区矫正（全部）", home=seed_copy).exit_code == 0
    edited = run("saved", "edit", "社区矫正（全部）", "--year", "2021", home=seed_copy)
    assert edited.exit_code == 0, edited.output
    record = saved_list(seed_copy)["社区矫正（全部）"]
    assert record["filters"] == {"year": ["2021"]} and record["new"] == 0
    assert run("saved", "rm", "社区矫正（全部）", home=seed_copy).exit_code == 0
    assert saved_list(seed_copy) == {}


def test_saved_searches_survive_a_rebuild_and_old_hits_stay_seen(seed_copy):
    run("saved", "add", "矫正", "社区矫正", home=seed_copy)
    rebuilt = run("index", "--rebuild", home=seed_copy)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert saved_list(seed_copy)["矫正"]["new"] == 0


def test_an_edited_report_makes_only_its_changed_paragraphs_new(seed_copy, add_new_report, new_report):
    path = add_new_report(seed_copy)
    run("saved", "add", "矫正", "社区矫正", home=seed_copy)
    # a paragraph inserted at the top renumbers every paragraph after it
    inserted = new_report.replace("一、社区矫正\n", "一、社区矫正\n社区矫正工作新增智慧矫正平台。\n")
    path.write_text(inserted, encoding="utf-8")
    index_files(Instance(seed_copy), [path])
    new = [json.loads(line) for line in run("saved", "check", "--json", home=seed_copy).output.splitlines()]
    assert [h["text"] for h in new] == ["社区矫正工作新增智慧矫正平台。"]


def test_export_and_import_move_saved_searches_with_what_was_seen(seed_copy, tmp_path):
    run("saved", "add", "矫正", "社区矫正", "--region", "广东省", home=seed_copy)
    run("saved", "add", "援助", "法律援助", home=seed_copy)
    exported = tmp_path / "saved.json"
    assert run("saved", "export", str(exported), home=seed_copy).exit_code == 0

    elsewhere = tmp_path / "other-machine"  # the same reports indexed from another folder
    corpus = tmp_path / "corpus-copy"
    corpus.mkdir()
    for source in BUNDLED_CORPUS.iterdir():
        (corpus / source.name).write_bytes(source.read_bytes())
    index_files(Instance(elsewhere), [corpus])
    run("saved", "add", "援助", "法律援助 -仲裁", home=elsewhere)

    imported = run("saved", "import", str(exported), home=elsewhere)
    assert imported.exit_code == 0
    assert "imported 1: 矫正" in imported.output
    assert "skipped “援助”: a different saved search has this name" in imported.output
    moved = saved_list(elsewhere)
    assert moved["矫正"]["filters"] == {"region": ["广东省"]} and moved["矫正"]["new"] == 0
    assert moved["援助"]["query"] == "法律援助 -仲裁"  # never overwritten

    again = run("saved", "import", str(exported), home=elsewhere)
    assert "imported 0" in again.output and "already saved (same question)" in again.output


def test_import_of_a_file_that_is_not_an_export_is_refused(seed_copy, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}', encoding="utf-8")
    result = run("saved", "import", str(bad), home=seed_copy)
    assert result.exit_code != 0 and "not a govsearch saved-search export" in result.output


def test_the_store_is_versioned_and_refuses_a_newer_schema(tmp_path):
    path = tmp_path / "saved.sqlite"
    SavedStore(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(SavedError, match="newer govsearch"):
        SavedStore(path)


WRITER = textwrap.dedent(
    """
    import sys
    from search_app.saved_store import SavedStore
    store = SavedStore(sys.argv[1])
    for i in range(150):
        saved = store.add(f"{sys.argv[2]}-{i}", "社区矫正", {"year": ("2021",)}, seen=[f"p{i}-{j}" for j in range(20)])
        store.mark_seen(saved.id, [f"q{i}-{j}" for j in range(20)])
        if i % 3 == 0:
            store.update(saved.id, name=f"{sys.argv[2]}-{i}-renamed")
    """
)


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "saved.sqlite"
    SavedStore(path)
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), tag], stderr=subprocess.PIPE, text=True)
        for tag in ("web", "cron")
    ]
    for writer in writers:
        _, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
    store = SavedStore(path)
    names = {s.name for s in store.all()}
    assert len(names) == 300
    assert {"web-0-renamed", "cron-3-renamed", "web-149", "cron-148"} <= names
    assert len(store.seen("cron-149")) == 40
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
