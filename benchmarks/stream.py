"""A stream of distinct queries, as a server sees it: ours beside tantivy and SQLite FTS5 on the same paragraphs.

    python benchmarks/stream.py --home DIR                 # an instance folder with an index (`govsearch index`)
    python benchmarks/stream.py --home DIR --queries 300 --seed 18 --rounds 3 --cache DIR --json figures.json

The queries are drawn reproducibly (seeded) from the indexed paragraphs' own words (stream_engines.draw_stream);
each engine answers 30 warm-up queries of another draw, then every query of the stream once, in the same order.
Before an engine starts, its index files are read once, so that each finds them in the page cache as a server that
has run a while would (else the first engine run after an indexing pays for the disk, the others not).
Ours runs in a fresh process as `govsearch serve` would, twice: the hits alone (exact matches, count, facets, top 10
with highlights: what the references do) and the whole page (also the related tier where the page has room). The
references (stream_engines.py; tantivy is a benchmark-only dependency: `pip install -e ".[bench]"`) are built
once into --cache and reused. Printed: p50/p95/p99/max per engine, the ratio to tantivy, and how often the counts
agree with ours.
"""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from speed_phases import percentiles  # noqa: E402
from stream_engines import Paragraph, draw_stream, fts5_engine, tantivy_engine  # noqa: E402

WARMUP = 30


def load_paragraphs(home: Path, cache: Path) -> list[Paragraph]:
    """Every indexed paragraph with its jieba words (segmented once, kept in the cache)."""
    from indexer import Instance, open_backend

    backend = open_backend(Instance(home))
    count = backend.paragraph_count()
    kept = cache / f"paragraphs-{count}.pickle"
    if kept.exists():
        return pickle.loads(kept.read_bytes())
    from analyzers import load_jieba, words

    load_jieba()
    paragraphs = [
        Paragraph(p.text, "/".join(p.report.region[:2]), str(p.report.year or ""), tuple(words(p.text)))
        for report in backend.reports()
        for p in backend.report_paragraphs(report.id)
    ]
    backend.close()
    kept.write_bytes(pickle.dumps(paragraphs))
    return paragraphs


def read_files(*paths: Path) -> None:
    """Read every file under `paths` once (into the page cache)."""
    for path in paths:
        for file in [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file()):
            with file.open("rb") as fh:
                while fh.read(1 << 24):
                    pass


def time_stream(answer, warmup: list[str], stream: list[str]) -> tuple[list[float], list[int]]:
    """Milliseconds and match count of each stream query, after the warm-up."""
    for query in warmup:
        answer(query)
    latencies, counts = [], []
    for query in stream:
        started = time.perf_counter()
        count, _ = answer(query)
        latencies.append((time.perf_counter() - started) * 1000)
        counts.append(count)
    return latencies, counts


def ours(home: str, queries_file: str, related: str) -> None:
    """The child process: open the index as a server would and answer the warm-up and the stream; print JSON."""
    from indexer import Instance, SearchRequest, open_backend

    read_files((Path(home) / "index").resolve())
    backend = open_backend(Instance(Path(home)).start())
    backend.warm()  # as each worker of `govsearch serve` does before its first request
    todo = json.loads(Path(queries_file).read_text(encoding="utf-8"))

    def answer(query: str) -> tuple[int, list[str]]:
        result = backend.search(SearchRequest(query, related=related == "page"))
        return result.total, [h.highlight for h in result.hits]

    latencies, counts = time_stream(answer, todo["warmup"], todo["stream"])
    print(json.dumps({"latencies": latencies, "counts": counts}))


def run_ours(home: Path, queries_file: Path, mode: str) -> tuple[list[float], list[int]]:
    """Ours in a fresh process; its latencies and counts."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(home), str(queries_file), mode],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"our stream failed:\n{done.stderr}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return figures["latencies"], figures["counts"]


def main(argv: list[str] | None = None) -> int:
    """Draw the stream, build the references, time every engine, print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True, help="instance folder with an index")
    parser.add_argument("--queries", type=int, default=300, help="distinct queries in the stream")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--cache", type=Path, help="where the reference indexes are kept (default: temporary)")
    parser.add_argument("--rounds", type=int, default=3, help="measure every engine this many times, interleaved")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    try:
        import tantivy  # noqa: F401
    except ImportError:
        print('tantivy is not installed: pip install -e ".[bench]"', file=sys.stderr)
        return 2
    if not (args.home / "index").exists():
        print(f"no index in {args.home}: govsearch index --home {args.home} CORPUS", file=sys.stderr)
        return 2
    cache = args.cache or Path(tempfile.mkdtemp(prefix="govsearch-stream-"))
    cache.mkdir(parents=True, exist_ok=True)
    paragraphs = load_paragraphs(args.home, cache)
    drawn = draw_stream(paragraphs, args.queries + WARMUP, args.seed)
    warmup, stream = drawn[:WARMUP], drawn[WARMUP:]
    queries_file = cache / "queries.json"
    queries_file.write_text(json.dumps({"warmup": warmup, "stream": stream}, ensure_ascii=False), encoding="utf-8")
    references = {
        "tantivy 0.27": (tantivy_engine, cache / f"tantivy-{len(paragraphs)}"),
        "sqlite fts5": (fts5_engine, cache / f"fts5-{len(paragraphs)}.db"),
    }
    answers = {}
    for name, (build, where) in references.items():
        started = time.perf_counter()
        answers[name] = (build(paragraphs, where), where)
        print(f"{name}: ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    rounds = []
    for _ in range(args.rounds):  # every engine once a round, so that the machine's drift touches them alike
        results = {f"govsearch ({mode})": run_ours(args.home, queries_file, mode) for mode in ("hits", "page")}
        for name, (answer, where) in answers.items():
            read_files(where)
            results[name] = time_stream(answer, warmup, stream)
        rounds.append(results)
    figures = report(rounds, len(paragraphs), stream)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def report(rounds: list[dict[str, tuple[list[float], list[int]]]], paragraphs: int, stream: list[str]) -> dict:
    """Print the table (per engine, the median over the rounds of each figure, and of its ratio to tantivy's in
    the same round); return the figures."""
    ours_counts = rounds[0]["govsearch (hits)"][1]
    figures: dict = {"paragraphs": paragraphs, "queries": len(stream), "rounds": len(rounds), "engines": {}}
    print(f"{len(stream)} distinct queries over {paragraphs:,} paragraphs, each answered once a round; medians of")
    print(f"{len(rounds)} rounds (the p50 ratio's range over the rounds in brackets)\n")
    print(f"{'engine':<20} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}   ÷ tantivy p50/p95       counts = ours")
    for name, (_, counts) in rounds[0].items():
        each = [percentiles(r[name][0]) for r in rounds]
        base = [percentiles(r["tantivy 0.27"][0]) for r in rounds]
        p = {k: statistics.median(e[k] for e in each) for k in each[0]}
        ratios = [e["p50_ms"] / b["p50_ms"] for e, b in zip(each, base, strict=True)]
        ratio95 = statistics.median(e["p95_ms"] / b["p95_ms"] for e, b in zip(each, base, strict=True))
        same = sum(a == b for a, b in zip(counts, ours_counts, strict=True)) / len(stream)
        off = sum(abs(a - b) for a, b in zip(counts, ours_counts, strict=True)) / max(1, sum(ours_counts))
        figures["engines"][name] = {
            **p,
            "ratio_p50": statistics.median(ratios),
            "ratio_p95": ratio95,
            "rounds": each,
            "same_count_share": same,
            "count_difference": off,
        }
        print(
            f"{name:<20} {p['p50_ms']:8.1f} {p['p95_ms']:8.1f} {p['p99_ms']:8.1f} {p['max_ms']:8.1f}"
            f"   {statistics.median(ratios):4.1f}× ({min(ratios):.1f}–{max(ratios):.1f}) {ratio95:4.1f}×"
            f"   {same:4.0%} (all hits ±{off:.1%})"
        )
    slow = sorted(zip(rounds[-1]["govsearch (hits)"][0], stream, strict=True), reverse=True)[:10]
    print("\nour slowest (hits, last round):")
    for ms, query in slow:
        print(f"  {ms:8.1f} ms  {query}")
    return figures


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        ours(*sys.argv[2:5])
        sys.exit(0)
    sys.exit(main())
