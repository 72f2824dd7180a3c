"""Faults, on real processes and real files: `govsearch index` killed with SIGKILL at random points, over and over,
never leaves an index that is half written, locked or unreadable, nor loses a saved search (issue #14, items 3, 4).
Run these alone with `pytest -m reliability`."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer import BUNDLED_CORPUS, Instance, SearchRequest, open_backend

pytestmark = [pytest.mark.reliability, pytest.mark.slow]
ROUNDS = 20


def govsearch(*args: str, home: Path) -> subprocess.Popen:
    """`govsearch …` in a process of its own (its workers are its children)."""
    code = "import sys; from search_app.cli import main; sys.exit(main())"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args, "--home", str(home)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(*args: str, home: Path) -> str:
    """Run `govsearch …` to the end; its output (asserting it succeeded)."""
    process = govsearch(*args, home=home)
    output, _ = process.communicate(timeout=300)
    assert process.returncode == 0, output
    return output


def processes_for(home: Path) -> list[int]:
    """Process ids whose command line names this home (a govsearch run or one of its workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and entry.name != str(os.getpid()):
            try:
                if str(home).encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def kill(process: subprocess.Popen) -> None:
    """SIGKILL a run (not its workers: they must die by themselves), and close its pipe."""
    process.send_signal(signal.SIGKILL)
    process.communicate()


def wait_until(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


@pytest.fixture
def corpus(tmp_path) -> Path:
    """Sixty reports (the seeds twelve times over, each a report of its own), so a run lasts a few seconds."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for copy in range(12):
        for seed in sorted(BUNDLED_CORPUS.glob("*.txt")):
            (folder / f"{copy}-{seed.name}").write_bytes(seed.read_bytes())
    return folder


def change(corpus: Path, round_number: int) -> None:
    """Give a few reports a new last paragraph, so an incremental run has work to do."""
    for path in sorted(corpus.glob("*.txt"))[round_number % 5 :: 5]:
        path.write_text(
            path.read_text(encoding="utf-8") + f"\n第{round_number}轮新增段落：人民调解。\n", encoding="utf-8"
        )


def check_whole(home: Path) -> None:
    """The index opens and searches; every report has all its paragraphs, numbered 1..n; saved searches are intact."""
    backend = open_backend(Instance(home))
    try:
        assert backend.search(SearchRequest("调解")).total > 0
        for report in backend.reports():
            numbers = [p.number for p in backend.report_paragraphs(report.id)]
            assert numbers == list(range(1, report.paragraphs + 1)), report.id
    finally:
        backend.close()
    with sqlite3.connect(home / "saved.sqlite") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT name FROM saved_search").fetchall() == [("调解",)]


def test_kill_9_at_random_points_of_indexing_and_rebuilding_leaves_a_whole_unlocked_index(tmp_path, corpus):
    home = tmp_path / "home"
    finish("index", str(corpus), home=home)
    finish("saved", "add", "调解", "调解", home=home)
    started = time.monotonic()
    finish("index", str(corpus), "--rebuild", home=home)
    duration = time.monotonic() - started
    rng = random.Random(14)
    for round_number in range(ROUNDS):
        change(corpus, round_number)
        args = ("index", str(corpus), *(("--rebuild",) if round_number % 2 else ()))
        process = govsearch(*args, home=home)
        time.sleep(rng.uniform(0.05, duration))
        kill(process)
        assert wait_until(lambda: not processes_for(home), 1.5), f"round {round_number}: workers outlived the kill"
        check_whole(home)
        output = finish("index", str(corpus), home=home)  # at once: nothing is left holding the lock
        assert "another govsearch process" not in output
        check_whole(home)
    assert len(list((home / "indexes").iterdir())) == 1  # no abandoned rebuild is left on disk


def test_workers_die_with_their_parent_and_the_next_run_starts_at_once(tmp_path, corpus):
    home = tmp_path / "home"
    finish("index", str(BUNDLED_CORPUS), home=home)
    for copy in range(12, 36):  # more work: the workers are busy when their parent dies
        for seed in sorted(BUNDLED_CORPUS.glob("*.txt")):
            (corpus / f"{copy}-{seed.name}").write_bytes(seed.read_bytes())
    process = govsearch("index", str(corpus), home=home)
    assert wait_until(lambda: len(processes_for(home)) >= 3), "the run never started its two workers"
    kill(process)
    assert wait_until(lambda: not processes_for(home), 1.0), "workers outlived their parent"
    output = finish("index", str(BUNDLED_CORPUS), home=home)
    assert "another govsearch process" not in output


def test_a_run_killed_while_holding_the_lock_is_taken_over_with_a_message(tmp_path, corpus):
    home = tmp_path / "home"
    finish("index", str(BUNDLED_CORPUS), home=home)
    holder = (home / "index").resolve() / ".govsearch-writer"
    process = govsearch("index", str(corpus), home=home)
    assert wait_until(holder.exists), "the run never took the lock"
    kill(process)
    assert wait_until(lambda: not processes_for(home), 10)
    output = finish("index", str(corpus), home=home)
    assert f"note: the indexing run of process {process.pid} was interrupted before it finished" in output
    assert not holder.exists()


def test_a_killed_rebuild_leaves_nothing_behind_once_the_next_run_has_started(tmp_path, corpus):
    home = tmp_path / "home"
    finish("index", str(BUNDLED_CORPUS), home=home)
    process = govsearch("index", str(corpus), "--rebuild", home=home)
    assert wait_until(lambda: len(list((home / "indexes").iterdir())) == 2), "the rebuild never started"
    kill(process)
    assert len(list((home / "indexes").iterdir())) == 2  # the abandoned rebuild, until the next run
    output = finish("index", str(BUNDLED_CORPUS), home=home)
    assert "note: removed 1 unfinished rebuild(s) left by interrupted runs" in output
    assert len(list((home / "indexes").iterdir())) == 1


def test_a_rebuild_in_progress_is_not_mistaken_for_an_abandoned_one(tmp_path, corpus):
    home = tmp_path / "home"
    finish("index", str(BUNDLED_CORPUS), home=home)
    rebuild = govsearch("index", str(corpus), "--rebuild", home=home)
    try:
        assert wait_until(lambda: len(list((home / "indexes").iterdir())) == 2)
        backend = open_backend(Instance(home))
        assert backend.recover() == []  # its builder is alive
        backend.close()
        assert len(list((home / "indexes").iterdir())) == 2
    finally:
        rebuild.communicate(timeout=300)
    assert rebuild.returncode == 0
    shutil.rmtree(home)
