"""Speed at scale: indexing, search latency, start-up, memory and incremental indexing, beside a reference engine.

    python benchmarks/speed.py                    # the work reports (../shared/corpus/work-reports)
    python benchmarks/speed.py --large            # work reports + laws (../shared/corpus/laws)
    python benchmarks/speed.py CORPUS... --repeat 3 --json figures.json

Indexing runs in a child process (peak memory of it and its workers); beside it, on the same paragraphs, the
time jieba alone takes to segment them on one core (the floor of a single-process indexer), measured just before
and just after each indexing run and averaged. Search runs in a fresh
process, as `govsearch serve` would: each query of QUERY_MIX cold (first run) and warm (median of 3), with total
count, facet counts and top-10 highlights, exactly what the web page needs. The reference is SQLite FTS5 (standard
library) over the same paragraphs' jieba words.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared" / "corpus"
WORK_REPORTS = SHARED / "work-reports"
LAWS = SHARED / "laws"

# The fixed query mix: single words (common → rare), several words, phrases, sub-words, numbers, filters.
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


def corpus_text_chars(paths: list[Path]) -> tuple[list[str], int]:
    """Paragraph texts of every report under `paths` (as the indexer reads them), and their characters."""
    from indexer import find_report_files, load_taxonomy, read_report
    from indexer.errors import ReportError

    taxonomy = load_taxonomy()
    texts = []
    files, _ = find_report_files(paths)
    for path in files:
        try:
            report = read_report(path, taxonomy)
        except ReportError:
            continue
        texts.extend(p.text for p in report.paragraphs)
    return texts, sum(len(t) for t in texts)


def jieba_floor(texts: list[str]) -> float:
    """Seconds jieba (precise mode, HMM) takes to segment the texts on one core."""
    import jieba

    started = time.perf_counter()
    for text in texts:
        for _ in jieba.cut(text, HMM=True):
            pass
    return time.perf_counter() - started


def _child_index(home: str, paths: list[str]) -> None:
    from indexer import Instance, index_files

    started = time.perf_counter()
    summary = index_files(Instance(Path(home)), [Path(p) for p in paths], rebuild=True)
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


def run_child(*args: str) -> dict:
    """Run a phase of this script in a fresh Python process; return its JSON and the children's peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"phase {args[0]} failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["peak_rss_mb"] = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return result


def disk_mb(folder: Path) -> float:
    """Size of the files under a folder, in MiB."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def _percentiles(values: list[float]) -> dict:
    ordered = sorted(values)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return {"p50_ms": pick(0.5), "p95_ms": pick(0.95), "p99_ms": pick(0.99), "max_ms": ordered[-1]}


def _child_search(home: str) -> None:
    started = time.perf_counter()
    from indexer import Instance, QueryError, SearchRequest, WhooshBackend

    Instance(Path(home)).start()
    backend = WhooshBackend(Path(home))
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
                "warm": _percentiles(warm),
                "cold": _percentiles(cold),
                "serve_rss_mb": rss,
                "queries": per_query,
                "skipped": skipped,
            },
            ensure_ascii=False,
        )
    )


def _child_incremental(home: str, report: str) -> None:
    from indexer import Instance, SearchRequest, WhooshBackend, index_files

    instance = Instance(Path(home)).start()
    backend = WhooshBackend(Path(home))
    backend.search(SearchRequest("调解"))
    started = time.perf_counter()
    index_files(instance, [Path(report)])
    found = backend.search(SearchRequest('"govsearch增量索引测试"')).total
    print(json.dumps({"incremental_s": time.perf_counter() - started, "found": found}))


def reference_fts5(texts_with_meta: list[tuple[str, str, str]], queries: list[str]) -> dict:
    """SQLite FTS5 over jieba words of the same paragraphs: build time, and count + top-10 + facets per query."""
    from analyzers import words

    started = time.perf_counter()
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE p USING fts5(body, region UNINDEXED, year UNINDEXED, tokenize='unicode61')")
    db.executemany(
        "INSERT INTO p VALUES (?, ?, ?)",
        ((" ".join(words(text)), region, year) for text, region, year in texts_with_meta),
    )
    db.commit()
    build = time.perf_counter() - started
    latencies = []
    for query in queries:
        match = " ".join(
            '"' + " ".join(words(part)) + '"'
            for part in query.replace('"', " ").split()
            if part not in ("OR", "AND") and not part.startswith("-") and words(part)
        )
        if not match:
            continue
        t = time.perf_counter()
        db.execute("SELECT count(*) FROM p WHERE p MATCH ?", (match,)).fetchone()
        db.execute("SELECT rowid FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT 10", (match,)).fetchall()
        db.execute("SELECT region, count(*) FROM p WHERE p MATCH ? GROUP BY region", (match,)).fetchall()
        db.execute("SELECT year, count(*) FROM p WHERE p MATCH ? GROUP BY year", (match,)).fetchall()
        latencies.append((time.perf_counter() - t) * 1000)
    return {"engine": "sqlite fts5 over jieba words", "index_seconds": build, **_percentiles(latencies)}


def main(argv: list[str] | None = None) -> int:
    """Index, measure, compare; print a table and optionally write the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="*", type=Path, help="report folders (default: the work reports)")
    parser.add_argument("--large", action="store_true", help="the work reports and the laws")
    parser.add_argument("--repeat", type=int, default=1, help="index this many times; medians are reported")
    parser.add_argument("--home", type=Path, help="instance folder to build in (default: temporary, removed)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--search-only", action="store_true", help="reuse the index in --home; skip indexing")
    args = parser.parse_args(argv)
    paths = args.corpus or ([WORK_REPORTS, LAWS] if args.large else [WORK_REPORTS])
    missing = [p for p in paths if not p.is_dir()]
    if missing:
        print(f"missing corpus folder(s): {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    scratch = Path(tempfile.mkdtemp(prefix="govsearch-speed-"))
    home = args.home or scratch / "home"
    try:
        from analyzers import load_jieba

        load_jieba()
        texts, chars = corpus_text_chars(paths)
        runs = []
        if args.search_only:
            if not args.home or not (args.home / "index").exists():
                raise SystemExit("--search-only needs --home with an index in it")
            args.repeat = 0
            from indexer import WhooshBackend

            count = WhooshBackend(home).paragraph_count()
            runs.append(({"seconds": float("nan"), "paragraphs": count, "reports": 0, "peak_rss_mb": 0}, float("nan")))
        # jieba alone is measured before the first indexing run and after each one; a run's floor is the mean of the
        # measurements just before and just after it, so a machine that speeds up or slows down over minutes (this
        # one does, by half) biases neither side
        floors = [jieba_floor(texts)] if args.repeat else []
        for _ in range(args.repeat):
            indexed = run_child("--_index", str(home), *map(str, paths))
            floors.append(jieba_floor(texts))
            floor = (floors[-2] + floors[-1]) / 2
            runs.append((indexed, floor))
            print(
                f"indexed {indexed['paragraphs']:,} paragraphs in {indexed['seconds']:.1f} s; "
                f"jieba alone {floors[-2]:.1f} s before, {floors[-1]:.1f} s after ({floor / indexed['seconds']:.2f}×)",
                file=sys.stderr,
            )
        ratios = sorted(chars / i["seconds"] / (chars / f) for i, f in runs)
        indexed, floor = sorted(runs, key=lambda r: r[0]["seconds"])[len(runs) // 2]
        figures = {
            "paragraphs": indexed["paragraphs"],
            "reports": indexed["reports"],
            "chars": chars,
            "index": {
                "seconds": indexed["seconds"],
                "paragraphs_per_s": indexed["paragraphs"] / indexed["seconds"],
                "chars_per_s": chars / indexed["seconds"],
                "jieba_chars_per_s": chars / floor,
                "ratio_to_jieba": ratios[len(ratios) // 2],
                "peak_rss_mb": indexed["peak_rss_mb"],
                "disk_mb": disk_mb(home / "index"),
                "runs": [
                    {
                        "seconds": i["seconds"],
                        "jieba_seconds": f,
                        "jieba_before_after": floors[n : n + 2],
                        "ratio": f / i["seconds"],
                    }
                    for n, (i, f) in enumerate(runs)
                ],
            },
        }
        searched = run_child("--_search", str(home))
        figures["search"] = searched["warm"]
        figures["search_cold"] = searched["cold"]
        figures["queries"] = searched["queries"]
        figures["skipped_queries"] = searched["skipped"]
        figures["startup_s"] = searched["startup_s"]
        figures["serve_rss_mb"] = searched["serve_rss_mb"]
        extra = scratch / "incoming" / f"govsearch-increment-{time.time_ns()}.txt"
        extra.parent.mkdir(parents=True, exist_ok=True)
        extra.write_text(
            "某某县2026年政府工作报告\n一、测试\ngovsearch增量索引测试：这一段只为测量增量索引。\n" + texts[0],
            encoding="utf-8",
        )
        increment = run_child("--_incremental", str(home), str(extra))
        figures["incremental_s"] = increment["incremental_s"]
        figures["incremental_found"] = increment["found"]
        from indexer import WhooshBackend

        backend = WhooshBackend(home)
        meta = [
            (d["text"], "/".join(d.get("region_path", [])), d.get("year", ""))
            for d in backend._current()[0].all_stored_fields()
        ]
        backend.close()
        figures["reference"] = reference_fts5(meta, [q for q, _ in QUERY_MIX])
        if args.search_only:
            from indexer import Instance, remove_reports

            remove_reports(Instance(home), [str(extra)])  # leave the kept index as it was
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print_table(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def print_table(f: dict) -> None:
    """The figures as a readable table."""
    i, s, r = f["index"], f["search"], f["reference"]
    rows = [
        ("paragraphs", f"{f['paragraphs']:,} ({f['chars']:,} chars, {f['reports']} reports)"),
        ("index wall time", f"{i['seconds']:.1f} s  ({i['paragraphs_per_s']:,.0f} paragraphs/s)"),
        (
            "index chars/s",
            f"{i['chars_per_s']:,.0f}  vs jieba alone on one core {i['jieba_chars_per_s']:,.0f}"
            f"  → {i['ratio_to_jieba']:.2f}×",
        ),
        ("index peak RSS", f"{i['peak_rss_mb']:.0f} MiB"),
        ("index on disk", f"{i['disk_mb']:.0f} MiB"),
        (
            "search warm",
            f"p50 {s['p50_ms']:.1f} ms  p95 {s['p95_ms']:.1f}  p99 {s['p99_ms']:.1f}  max {s['max_ms']:.1f}",
        ),
        (
            "search cold",
            "p50 {p50_ms:.1f} ms  p95 {p95_ms:.1f}  p99 {p99_ms:.1f}  max {max_ms:.1f}".format(**f["search_cold"]),
        ),
        ("start-up", f"{f['startup_s']:.2f} s to the first answer"),
        ("serving RSS", f"{f['serve_rss_mb']:.0f} MiB"),
        ("incremental", f"{f['incremental_s']:.2f} s for one new report (searchable: {bool(f['incremental_found'])})"),
        (
            "reference",
            f"{r['engine']}: built in {r['index_seconds']:.1f} s; p50 {r['p50_ms']:.1f} ms"
            f"  p95 {r['p95_ms']:.1f}  p99 {r['p99_ms']:.1f}",
        ),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    print("\nslowest queries (warm):")
    for q in sorted(f["queries"], key=lambda q: -q["warm_ms"])[:8]:
        print(f"  {q['warm_ms']:8.1f} ms  {q['total']:>7,} hits  {q['query']} {q['filters'] or ''}")
    for q in f.get("skipped_queries", []):
        print(f"  skipped: {q['query']} {q['filters']}: {q['error']}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--_index":
        _child_index(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) > 1 and sys.argv[1] == "--_search":
        _child_search(sys.argv[2])
    elif len(sys.argv) > 1 and sys.argv[1] == "--_incremental":
        _child_incremental(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main())
