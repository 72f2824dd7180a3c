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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from speed_phases import QUERY_MIX, percentiles  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus"
WORK_REPORTS = SHARED / "work-reports"
LAWS = SHARED / "laws"
PHASES = str(Path(__file__).with_name("speed_phases.py"))


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


def run_child(*args: str) -> dict:
    """Run a phase of this script in a fresh Python process; return its JSON and the children's peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run([sys.executable, PHASES, *args], capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"phase {args[0]} failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["peak_rss_mb"] = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return result


def disk_mb(folder: Path) -> float:
    """Size of the files under a folder, in MiB."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


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
    return {"engine": "sqlite fts5 over jieba words", "index_seconds": build, **percentiles(latencies)}


def main(argv: list[str] | None = None) -> int:
    """Index, measure, compare; print a table and optionally write the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="*", type=Path, help="report folders (default: the work reports)")
    parser.add_argument("--large", action="store_true", help="the work reports and the laws")
    parser.add_argument("--repeat", type=int, default=1, help="index this many times; medians are reported")
    parser.add_argument("--home", type=Path, help="instance folder to build in (default: temporary, removed)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--search-only", action="store_true", help="reuse the index in --home; skip indexing")
    parser.add_argument(
        "--backend", choices=("whoosh", "typesense"), default="whoosh", help="typesense: the cluster too, beside whoosh"
    )
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
            from indexer import Instance, open_backend

            count = open_backend(Instance(home)).paragraph_count()
            runs.append(({"seconds": float("nan"), "paragraphs": count, "reports": 0, "peak_rss_mb": 0}, float("nan")))
        # jieba alone is measured before the first indexing run and after each one; a run's floor is the mean of the
        # measurements just before and just after it, so a machine that speeds up or slows down over minutes (this
        # one does, by half) biases neither side
        floors = [jieba_floor(texts)] if args.repeat else []
        for _ in range(args.repeat):
            indexed = run_child("index", str(home), *map(str, paths))
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
        searched = run_child("search", str(home))
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
        increment = run_child("incremental", str(home), str(extra))
        figures["incremental_s"] = increment["incremental_s"]
        figures["incremental_found"] = increment["found"]
        from indexer import Instance, open_backend

        backend = open_backend(Instance(home))
        meta = [
            (p.text, "/".join(p.report.region), str(p.report.year or ""))
            for report in backend.reports()
            for p in backend.report_paragraphs(report.id)
        ]
        backend.close()
        figures["reference"] = reference_fts5(meta, [q for q, _ in QUERY_MIX])
        if args.search_only:
            from indexer import Instance, remove_reports

            remove_reports(Instance(home), [str(extra)])  # leave the kept index as it was
        if args.backend == "typesense":
            import speed_cluster

            figures["typesense"] = speed_cluster.measure(run_child, scratch / "cluster-home", paths)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print_table(figures)
    if "typesense" in figures:
        import speed_cluster

        speed_cluster.print_rows(figures, figures["typesense"])
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
    sys.exit(main())
