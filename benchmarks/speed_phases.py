"""The measured phases of benchmarks/speed.py, each run in a fresh Python process (as `govsearch serve` or
`govsearch index` would start): index, search (the query mix cold and warm), incremental (one new report).

    python benchmarks/speed_phases.py index HOME CORPUS...
    python benchmarks/speed_phases.py search HOME
    python benchmarks/speed_phases.py incremental HOME REPORT

Each prints one JSON line. Only the public API is used: `open_backend`, `index_files`, the records.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The fixed query mix: single words (common → rare), several words, phrases, sub-words, numbers, filters.
# the engine the phases run on (speed.py --backend sets it for its children)
ENGINE = os.environ.get("GOVSEARCH_ENGINE", "whoosh")
QUERY_MIX = [
    ("发展", {}),
    ("应当", {}),
    ("规定", {}),
    ("人民政府", {}),
    ("改革", {}),
    ("社会保障", {}),
    ("养老服务", {}),
    ("营商环境", {}),
    ("乡村振兴", {}),
    ("生态环境", {}),
    ("社区矫正", {}),
    ("法律援助", {}),
    ("枫桥经验", {}),
    ("专精特新", {}),
    ("去产能", {}),
    ("矫", {}),
    ("12345", {}),
    ("PM2.5", {}),
    ("5G", {}),
    ("数字经济 人工智能", {}),
    ("老人 养老", {}),
    ("社区矫正 教育帮扶", {}),
    ("河北 钢铁 去产能", {}),
    ("就业 创业 高校毕业生", {}),
    ("调解 OR 仲裁", {}),
    ("法律援助 -律师", {}),
    ('"县级以上人民政府"', {}),
    ('"绿水青山就是金山银山"', {}),
    ('"依法行政"', {}),
    ('"放管服"', {}),
    ("发展", {"year": ("2020-2025",)}),
    ("改革", {"region": ("河北省",)}),
    ("养老", {"year": ("2024",)}),
    ("安全生产", {"region": ("广东省",), "year": ("2021-2025",)}),
    ("人民政府 应当", {}),
    ("环境保护", {"topic": ("生态环境",)}),
    ("教育 医疗", {}),
    ("住房 公积金", {}),
    ("食品安全", {}),
    ("知识产权", {}),
]


def child_index(home: str, paths: list[str]) -> None:
    """Rebuild the index of `home` from `paths`; print the time and counts."""
    from indexer import Instance, index_files

    started = time.perf_counter()
    summary = index_files(Instance(Path(home), engine=ENGINE), [Path(p) for p in paths], rebuild=True)
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "paragraphs": summary.paragraphs,
                "reports": summary.reports,
                "skipped": len(summary.skipped),
            }
        )
    )


def percentiles(values: list[float]) -> dict:
    """p50, p95, p99 and max of a list of milliseconds."""
    ordered = sorted(values)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return {"p50_ms": pick(0.5), "p95_ms": pick(0.95), "p99_ms": pick(0.99), "max_ms": ordered[-1]}


def child_search(home: str) -> None:
    """Start as a server would, then run the query mix cold and warm; print the figures."""
    started = time.perf_counter()
    from indexer import Instance, QueryError, SearchRequest, open_backend

    backend = open_backend(Instance(Path(home), engine=ENGINE).start())
    backend.search(SearchRequest("调解"))
    startup = time.perf_counter() - started
    cold, warm, per_query, skipped = [], [], [], []
    for query, filters in QUERY_MIX:
        t = time.perf_counter()
        try:
            result = backend.search(SearchRequest(query, filters))
        except QueryError as exc:  # a filter value this corpus lacks (the five seeds have few topics)
            skipped.append({"query": query, "filters": filters, "error": str(exc)})
            continue
        cold.append((time.perf_counter() - t) * 1000)
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            backend.search(SearchRequest(query, filters))
            runs.append((time.perf_counter() - t) * 1000)
        warm.append(statistics.median(runs))
        per_query.append(
            {
                "query": query,
                "filters": filters,
                "total": result.total,
                "partial": result.partial,
                "cold_ms": round(cold[-1], 1),
                "warm_ms": round(warm[-1], 1),
            }
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "startup_s": startup,
                "warm": percentiles(warm),
                "cold": percentiles(cold),
                "serve_rss_mb": rss,
                "queries": per_query,
                "skipped": skipped,
            },
            ensure_ascii=False,
        )
    )


def child_incremental(home: str, report: str) -> None:
    """Index one new report into a warm backend and find it; print the time."""
    from indexer import Instance, SearchRequest, index_files, open_backend

    instance = Instance(Path(home), engine=ENGINE).start()
    backend = open_backend(instance)
    backend.search(SearchRequest("调解"))
    started = time.perf_counter()
    index_files(instance, [Path(report)])
    found = backend.search(SearchRequest('"govsearch增量索引测试"')).total
    print(json.dumps({"incremental_s": time.perf_counter() - started, "found": found}))


if __name__ == "__main__":
    phase, home, *rest = sys.argv[1:]
    if phase == "index":
        child_index(home, rest)
    elif phase == "search":
        child_search(home)
    else:
        child_incremental(home, rest[0])
