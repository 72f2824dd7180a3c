"""A real three-node Typesense cluster on loopback (ports apart from `govsearch cluster start`'s), started once for
this folder's tests (stopped before the rest run), and the seeds and the 195 work reports indexed into it and
into whoosh."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from indexer import BUNDLED_CORPUS, Instance, index_files, open_backend
from indexer.engine.typesense.cluster import LocalCluster, server_binary
from indexer.engine.typesense.config import ClusterSettings, Node
from indexer.engine.typesense.health import wait_ready
from indexer.search import service

API_KEY = "govsearch-test"
NODES = tuple(Node("127.0.0.1", 18108 + 10 * i, 18107 + 10 * i) for i in range(3))


@pytest.fixture(scope="package")
def cluster(tmp_path_factory):
    """The running cluster (LocalCluster); GOVSEARCH_TYPESENSE_* point at it for the session."""
    try:
        server_binary()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    local = LocalCluster(tmp_path_factory.mktemp("cluster-home"), API_KEY, NODES)
    local.start()
    saved = {k: os.environ.get(k) for k in ("GOVSEARCH_TYPESENSE_NODES", "GOVSEARCH_TYPESENSE_API_KEY")}
    os.environ["GOVSEARCH_TYPESENSE_NODES"] = ",".join(n.name for n in NODES)
    os.environ["GOVSEARCH_TYPESENSE_API_KEY"] = API_KEY
    try:
        status = wait_ready(settings(), 90)
        assert status.ready, "\n".join(status.lines())
        yield local
    finally:
        local.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(autouse=True)
def whole_reranking(monkeypatch):
    """No re-ranking cut short by the 0.5 s latency guard: on a loaded machine it cuts at a different hit on each
    engine, and these tests compare what the engines rank, not how fast."""
    monkeypatch.setattr(service, "RERANK_BUDGET", float("inf"))


def settings(*nodes: Node) -> ClusterSettings:
    """Settings for the test cluster (or some of its nodes)."""
    return ClusterSettings(nodes or NODES, API_KEY)


@pytest.fixture(scope="package")
def both(cluster, work_reports, tmp_path_factory) -> dict[str, Path]:
    """engine → an instance home with the seeds and the work reports indexed by that engine."""
    homes = {}
    for engine in ("whoosh", "typesense"):
        home = tmp_path_factory.mktemp(f"{engine}-home")
        summary = index_files(Instance(home, engine=engine), [BUNDLED_CORPUS, work_reports])
        assert summary.reports == 200 and not summary.skipped, summary.skipped
        homes[engine] = home
    return homes


@pytest.fixture(scope="package")
def backends(both):
    """engine → its open backend over `both`."""
    opened = {engine: open_backend(Instance(home, engine=engine).start()) for engine, home in both.items()}
    yield opened
    for backend in opened.values():
        backend.close()
