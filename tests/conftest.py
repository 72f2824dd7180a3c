"""Shared fixtures: an instance folder with the bundled corpus indexed (real jieba, real whoosh on disk), and the
helpers tests share, as fixtures. Tests open the index only through `open_backend` and the SearchBackend protocol."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import jieba
import pytest

from analyzers import fold, jieba_route, load_jieba
from indexer import BUNDLED_CORPUS, Instance, SearchBackend, SearchRequest, index_files, open_backend
from tests.chromium import CHROMIUM, FLAGS

SHARED = Path(__file__).resolve().parents[2] / "shared"
# the report a saved search sees arrive (2025, 清城区: 社区矫正, 法律援助, 枫桥经验)
NEW_REPORT = """清远市清城区司法局2025年法治政府建设工作总结
一、社区矫正
2025年，清城区坚持和发展新时代枫桥经验，社区矫正对象教育帮扶覆盖率达100%。
二、法律援助
全年办理法律援助案件300件。
"""
CJK_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def pytest_configure(config) -> None:
    """The markers of this suite."""
    config.addinivalue_line("markers", "slow: corpus-wide checks (the 195 work reports); `-m 'not slow'` skips them")
    config.addinivalue_line(
        "markers", "reliability: kill -9, fuzzing and other fault tests; `-m reliability` runs them"
    )


@pytest.fixture(scope="session")
def seed_home(tmp_path_factory) -> Path:
    """An instance folder holding an index of the five bundled seed reports (built once per session)."""
    home = tmp_path_factory.mktemp("seed-home")
    summary = index_files(Instance(home), [BUNDLED_CORPUS])
    assert summary.reports == 5 and not summary.skipped
    return home


@pytest.fixture(scope="session")
def seeds(seed_home) -> SearchBackend:
    """A backend over the seed index."""
    backend = open_backend(Instance(seed_home))
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


@pytest.fixture
def backend_of():
    """Open backends of instance folders, closed at the end of the test: backend_of(home, accelerated=True)."""
    opened = []

    def open_one(home: Path | Instance, accelerated: bool = True) -> SearchBackend:
        instance = home if isinstance(home, Instance) else Instance(Path(home))
        backend = open_backend(instance, accelerated=accelerated)
        opened.append(backend)
        return backend

    yield open_one
    for backend in opened:
        backend.close()


@pytest.fixture(scope="session")
def hit_fields() -> set[str]:
    """The fields every hit carries, in `govsearch search --json` and /api/search alike (issue #2)."""
    return {"id", "score", "title", "source", "paragraph", "section", "text", "highlight", "region", "year", "topics"}


@pytest.fixture(scope="session")
def write_report():
    """write_report(folder, name, text, encoding="utf-8"): write a report file; return its path."""

    def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture(scope="session")
def search_ids():
    """search_ids(backend, query, **filters): ids of every hit with all the words of a query (all pages)."""

    def ids(backend: SearchBackend, query: str, **filters) -> list[str]:
        result = backend.search(SearchRequest(query, {k: tuple(v) for k, v in filters.items()}, page_size=1000))
        return [h.id for h in result.hits if not h.missing]  # hits with every word (partial hits follow them)

    return ids


@pytest.fixture(scope="session")
def work_reports() -> Path:
    """The 195 work reports of ../shared (skips the test when they are not there)."""
    folder = SHARED / "corpus" / "work-reports"
    if not (folder / "MANIFEST.tsv").is_file():
        pytest.skip(f"work-report corpus not found at {folder}")
    return folder


@pytest.fixture(scope="session")
def jieba_disagreements():
    """jieba_disagreements(texts): runs of Chinese characters our route segments differently from `jieba.cut`."""

    def disagreements(texts) -> list[tuple[str, list[str], list[str]]]:
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

    return disagreements


@pytest.fixture
def add_new_report(tmp_path, write_report):
    """add_new_report(home, text, name): write a new report and index it into `home`; return its path."""

    def add(home, text=NEW_REPORT, name="qingcheng-2025.txt"):
        path = write_report(tmp_path / "incoming", name, text)
        summary = index_files(Instance(home), [path])
        assert summary.reports == 1
        return path

    return add


@pytest.fixture(scope="session")
def new_report() -> str:
    """The text of the report add_new_report indexes by default."""
    return NEW_REPORT


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's, driven by Playwright) for the whole session: the browser tests and the
    format tests (which print PDFs and save pages with it) share it, as Playwright's sync API runs one at a time."""
    if not CHROMIUM:
        pytest.skip("no chromium on this machine: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()
