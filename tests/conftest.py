"""Shared fixtures: an instance folder with the bundled corpus indexed (real jieba, real whoosh on disk)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import jieba
import pytest

from analyzers import fold, jieba_route, load_jieba
from indexer import BUNDLED_CORPUS, Instance, WhooshBackend, index_files

SHARED = Path(__file__).resolve().parents[2] / "shared"
WORK_REPORTS = SHARED / "corpus" / "work-reports"
# The fields every hit carries, in `govsearch search --json` and /api/search alike (issue #2)
HIT_FIELDS = {"id", "score", "title", "source", "paragraph", "section", "text", "highlight", "region", "year", "topics"}


@pytest.fixture(scope="session")
def seed_home(tmp_path_factory) -> Path:
    """An instance folder holding an index of the five bundled seed reports (built once per session)."""
    home = tmp_path_factory.mktemp("seed-home")
    summary = index_files(Instance(home), [BUNDLED_CORPUS])
    assert summary.reports == 5 and not summary.skipped
    return home


@pytest.fixture(scope="session")
def seeds(seed_home) -> WhooshBackend:
    """A backend over the seed index."""
    backend = WhooshBackend(seed_home)
    yield backend
    backend.close()


@pytest.fixture
def seed_copy(tmp_path, seed_home) -> Path:
    """A private copy of the seed instance, for tests that add reports or saved searches."""
    copy = tmp_path / "seed-copy"
    shutil.copytree(seed_home, copy, symlinks=True, ignore=shutil.ignore_patterns("saved.sqlite*"))
    return copy


@pytest.fixture
def home(tmp_path) -> Instance:
    """A fresh, empty instance folder."""
    return Instance(tmp_path / "home")


def write_report(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """Write a report file in the given encoding; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def search_ids(backend: WhooshBackend, query: str, **filters) -> list[str]:
    """Ids of every hit of a query (all pages)."""
    from indexer import SearchRequest

    result = backend.search(SearchRequest(query, {k: tuple(v) for k, v in filters.items()}, page_size=1000))
    return [h.id for h in result.hits if not h.missing]  # hits with every word (partial hits follow them)


CJK_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def jieba_disagreements(texts) -> list[tuple[str, list[str], list[str]]]:
    """Runs of Chinese characters in `texts` that our route segments differently from `jieba.cut`."""
    load_jieba()
    jieba_route.prepare()
    assert jieba_route.prepared()
    runs = {run for text in texts for run in CJK_RUN.findall(fold(text))}
    assert runs
    return [
        (run, ours, theirs)
        for run in sorted(runs)
        if (ours := jieba_route.cut(run)) != (theirs := list(jieba.cut(run, HMM=True)))
    ]
