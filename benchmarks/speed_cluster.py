"""speed.py --backend typesense: the same indexing and query mix on the Typesense cluster (GOVSEARCH_TYPESENSE_NODES,
default: `govsearch cluster start`'s), in the same run as whoosh's, with each node's memory."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from indexer.engine.typesense.config import ClusterSettings
from indexer.engine.typesense.health import wait_ready


def node_memory_mb(settings: ClusterSettings) -> dict[str, float]:
    """Node → the memory its Typesense process holds (jemalloc's active bytes, /metrics.json), in MiB."""
    found = {}
    for node in settings.nodes:
        try:
            metrics = httpx.get(
                f"{node.url}/metrics.json", headers={"X-TYPESENSE-API-KEY": settings.api_key}, timeout=5
            ).json()
            found[node.name] = int(metrics["typesense_memory_active_bytes"]) / 2**20
        except (httpx.HTTPError, KeyError, ValueError):
            found[node.name] = float("nan")
    return found


def measure(run_child, home: Path, paths: list[Path]) -> dict:
    """Index `paths` into the cluster (rebuilt aside and swapped in) and run the query mix, in child processes."""
    settings = ClusterSettings.from_environment()
    status = wait_ready(settings, 30)
    if not status.ready:
        raise SystemExit("the Typesense cluster is not ready (govsearch cluster start):\n" + "\n".join(status.lines()))
    before = os.environ.get("GOVSEARCH_ENGINE")
    os.environ["GOVSEARCH_ENGINE"] = "typesense"
    try:
        indexed = run_child("index", str(home), *map(str, paths))
        searched = run_child("search", str(home))
    finally:
        if before is None:
            os.environ.pop("GOVSEARCH_ENGINE")
        else:
            os.environ["GOVSEARCH_ENGINE"] = before
    return {
        "index_seconds": indexed["seconds"],
        "paragraphs": indexed["paragraphs"],
        "warm": searched["warm"],
        "cold": searched["cold"],
        "startup_s": searched["startup_s"],
        "serve_rss_mb": searched["serve_rss_mb"],
        "node_memory_mb": node_memory_mb(settings),
    }


def print_rows(whoosh: dict, cluster: dict) -> None:
    """The cluster's figures beside whoosh's."""
    s, c = whoosh["search"], cluster["warm"]
    memory = ", ".join(f"{name} {mb:.0f} MiB" for name, mb in cluster["node_memory_mb"].items())
    print("\nwhoosh vs Typesense (3 nodes on this machine), same run:")
    print(f"  indexing      {whoosh['index']['seconds']:.1f} s  vs {cluster['index_seconds']:.1f} s")
    print(
        f"  warm p50/p95/p99  {s['p50_ms']:.1f}/{s['p95_ms']:.1f}/{s['p99_ms']:.1f} ms"
        f"  vs {c['p50_ms']:.1f}/{c['p95_ms']:.1f}/{c['p99_ms']:.1f} ms"
    )
    print(f"  start-up      {whoosh['startup_s']:.2f} s  vs {cluster['startup_s']:.2f} s (the mirror exported)")
    print(f"  serving RSS   {whoosh['serve_rss_mb']:.0f} MiB  vs {cluster['serve_rss_mb']:.0f} MiB (with the mirror)")
    print(f"  node memory   {memory}")
