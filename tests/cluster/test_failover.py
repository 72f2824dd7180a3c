"""Losing the leader: reads never fail, a write during the election is retried and lands, the killed node rejoins
and serves every paragraph; a cluster with no node left gives a clear error, never an empty answer."""

from __future__ import annotations

import threading
import time

import pytest

from indexer import ClusterError, Instance, SearchRequest, index_files, open_backend
from indexer.engine.typesense.config import Node
from indexer.engine.typesense.engine import TypesenseEngine
from indexer.engine.typesense.health import cluster_status, wait_ready

from .conftest import NODES, settings

pytestmark = pytest.mark.slow
QUERIES = ["社区矫正", "法律援助", "发展", "营商环境", '"人民调解委员会"', "调解 OR 仲裁", "乡村振兴 -产业"]
REPORT = "{title}\n一、基本情况\n鲸落观测站今年{what}。\n"


def test_killing_the_leader_fails_no_read_and_loses_no_write(cluster, both, tmp_path):
    """SIGKILL the leader under a stream of searches: none fails or comes back short; a report re-indexed during
    the election is there afterwards in its new version; the killed node, restarted, holds every paragraph."""
    home = both["typesense"]
    instance = Instance(home, engine="typesense")
    folder = tmp_path / "reports"
    folder.mkdir()
    report = folder / "whale_report.txt"
    report.write_text(REPORT.format(title="鲸落观测站2024年工作总结", what="建成"), encoding="utf-8")
    assert index_files(instance, [folder], workers=1).reports == 1
    backend = open_backend(instance.start())
    expected = {q: backend.search(SearchRequest(q)).total for q in QUERIES}
    failures, answered, stop = [], [0], threading.Event()

    def stream():
        while not stop.is_set():
            for query in QUERIES:
                try:
                    total = backend.search(SearchRequest(query)).total
                except Exception as exc:  # noqa: BLE001 - counted: a failed read is what this test is about
                    failures.append(f"{query}: {type(exc).__name__}: {exc}")
                    continue
                answered[0] += 1
                if total != expected[query]:
                    failures.append(f"{query}: {total} hits, not {expected[query]}")

    reader = threading.Thread(target=stream, daemon=True)
    reader.start()
    time.sleep(1.0)
    status = cluster_status(settings())
    leader = next(i for i, n in enumerate(status.nodes) if n.role == "leader")
    cluster.kill_node(leader)
    report.write_text(REPORT.format(title="鲸落观测站2024年工作总结", what="扩建完成"), encoding="utf-8")
    started = time.monotonic()
    summary = index_files(instance, [folder], workers=1)  # during the election: retried until a leader takes it
    written_after = time.monotonic() - started
    time.sleep(3.0)
    stop.set()
    reader.join(timeout=30)
    print(f"{answered[0]} searches while the leader was killed; the write landed after {written_after:.1f} s")
    assert summary.reports == 1 and not summary.skipped
    assert failures == [] and answered[0] > 20
    hits = backend.search(SearchRequest('"鲸落观测站今年扩建完成"'))
    assert hits.total == 1 and backend.search(SearchRequest('"鲸落观测站今年建成"')).total == 0

    cluster.start_node(leader)
    status = wait_ready(settings(), 120)
    assert status.ready, "\n".join(status.lines())
    alone = TypesenseEngine(home, settings=settings(NODES[leader]))  # the rejoined node by itself
    with alone.reading() as view:
        assert int(view.live.sum()) == alone.paragraph_count() == status.state.documents
        assert len(view.matches(["鲸", "落", "观", "测", "站"])) == 1


def test_no_node_answering_is_an_error_not_an_empty_result(cluster, both):
    """Pointed at nodes that are all down, a search raises ClusterError naming them (a 503 on the web)."""
    dead = settings(Node("127.0.0.1", 18199), Node("127.0.0.1", 18198))
    engine = TypesenseEngine(both["typesense"], settings=dead)
    with pytest.raises(ClusterError, match="18199"):
        engine.paragraph_count()


def test_cluster_status_names_the_leader_and_says_ready(cluster, both):
    """`govsearch cluster status`: a line per node with its role and paragraphs held, then `ready`, exit 0."""
    from click.testing import CliRunner

    from search_app.cli import main

    result = CliRunner().invoke(main, ["cluster", "status", "--wait", "60"])
    lines = result.output.splitlines()
    assert result.exit_code == 0, result.output
    assert lines[-1] == "ready" and sum("leader" in line for line in lines) == 1
    assert all("paragraphs" in line for line in lines[:3])
