"""Ranking quality: index the seeds and the work reports, run the judged queries, print the evaluator's table.

    python benchmarks/relevance.py                      # a fresh temporary home, indexed from scratch
    python benchmarks/relevance.py --home bench-home    # keep (and reuse) the index between runs
    python benchmarks/relevance.py --run run.jsonl --split all
    python benchmarks/relevance.py --reference          # beside BM25 over character bigrams and jieba search mode

Every query goes through `SearchBackend.search` exactly as typed, as the CLI and the web page send it.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzers import fold  # noqa: E402
from indexer import BUNDLED_CORPUS, Instance, SearchBackend, SearchRequest, index_files, open_backend  # noqa: E402

SHARED = ROOT.parent / "shared"
EVAL = SHARED / "eval"
WORK_REPORTS = SHARED / "corpus" / "work-reports"
DEPTH = 50  # hits per query written to the run (the evaluator reads @10 and @50)


def read_queries(path: Path, split: str) -> list[dict]:
    """The judged queries of a split (`all` for every one)."""
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [r for r in rows if split == "all" or r.get("split", "dev") == split]


def build(home: Path, rebuild: bool) -> float:
    """Index the seeds and the work reports into `home`; return the seconds it took."""
    started = time.perf_counter()
    summary = index_files(Instance(home), [BUNDLED_CORPUS, WORK_REPORTS], rebuild=rebuild)
    print(
        f"indexed {summary.reports} reports ({summary.paragraphs:,} paragraphs), {summary.unchanged} unchanged, "
        f"{len(summary.skipped)} skipped in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return time.perf_counter() - started


def run_queries(backend: SearchBackend, queries: list[dict], out: Path) -> None:
    """Write the run file: one JSON line per hit (qid, rank, file, text)."""
    with out.open("w", encoding="utf-8") as fh:
        for query in queries:
            result = backend.search(SearchRequest(query["query"], page_size=DEPTH, related=True))  # as the pages
            for rank, hit in enumerate(result.hits, start=1):
                record = {"qid": query["qid"], "rank": rank, "file": Path(hit.source).name, "text": hit.text}
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def _bigrams(text: str) -> list[str]:
    folded = re.sub(r"\s+", "", fold(text))
    return [folded[i : i + 2] for i in range(len(folded) - 1)] or ([folded] if folded else [])


def _search_mode(text: str) -> list[str]:
    """jieba's search-mode tokens (every dictionary word inside a longer one too), folded, without punctuation."""
    import jieba

    return [t for t in jieba.cut_for_search(fold(text)) if re.search(r"\w", t)]


REFERENCES = {"bigrams": _bigrams, "jieba-search": _search_mode}  # name → tokenizer of the BM25 references


def reference_run(backend: SearchBackend, queries: list[dict], out: Path, tokenize=_bigrams) -> None:
    """A reference system on the same paragraphs: BM25 (k1=1.2, b=0.75) over `tokenize`'s tokens."""
    docs = [
        (Path(report.source).name, p.text) for report in backend.reports() for p in backend.report_paragraphs(report.id)
    ]
    postings: dict[str, dict[int, int]] = defaultdict(dict)
    lengths = []
    for number, (_, text) in enumerate(docs):
        grams = tokenize(text)
        lengths.append(len(grams))
        for gram in grams:
            postings[gram][number] = postings[gram].get(number, 0) + 1
    average = sum(lengths) / len(lengths)
    with out.open("w", encoding="utf-8") as fh:
        for query in queries:
            scores: dict[int, float] = defaultdict(float)
            for gram in set(tokenize(re.sub(r'["“”「」()]|\bOR\b|\bAND\b', " ", query["query"]))):
                found = postings.get(gram, {})
                idf = math.log(1 + (len(docs) - len(found) + 0.5) / (len(found) + 0.5))
                for number, tf in found.items():
                    norm = tf + 1.2 * (1 - 0.75 + 0.75 * lengths[number] / average)
                    scores[number] += idf * tf * 2.2 / norm
            best = sorted(scores, key=scores.get, reverse=True)[:DEPTH]
            for rank, number in enumerate(best, start=1):
                record = {"qid": query["qid"], "rank": rank, "file": docs[number][0], "text": docs[number][1]}
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def by_type(run: Path, args: argparse.Namespace) -> dict[str, float]:
    """nDCG@10 per query type (and "MEAN") of a run, from the evaluator's JSON."""
    command = [sys.executable, str(EVAL / "eval.py"), str(run), "--queries", str(args.queries), "--split", args.split]
    figures = json.loads(subprocess.run([*command, "--json"], check=True, capture_output=True, text=True).stdout)
    return {kind: row["ndcg10"] for kind, row in figures["by_type"].items()} | {"MEAN": figures["mean"]["ndcg10"]}


def compare(ours: Path, references: dict[str, Path], args: argparse.Namespace) -> None:
    """Per query type: our nDCG@10 beside each reference's, and whether we are at or above the best of them."""
    mine = by_type(ours, args)
    theirs = {name: by_type(path, args) for name, path in references.items()}
    print(f"\n{'type':<13}{'govsearch':>10}" + "".join(f"{name:>14}" for name in theirs) + "  at or above the best")
    for kind in sorted(mine, key=lambda k: (k == "MEAN", k)):
        best = max(figures.get(kind, 0.0) for figures in theirs.values())
        row = "".join(f"{figures.get(kind, 0.0):>14.4f}" for figures in theirs.values())
        print(f"{kind:<13}{mine[kind]:>10.4f}{row}  {'yes' if mine[kind] >= best else 'NO'}")


def main(argv: list[str] | None = None) -> int:
    """Index, run, evaluate; print the evaluator's table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, help="instance folder to index into and reuse (default: temporary)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the index in --home from scratch")
    parser.add_argument("--queries", type=Path, default=EVAL / "queries.tsv")
    parser.add_argument("--split", default="dev", help="dev, hidden or all")
    parser.add_argument("--run", type=Path, default=Path("relevance-run.jsonl"), help="where to write the run file")
    parser.add_argument("--json", action="store_true", help="print the evaluator's figures as JSON")
    parser.add_argument(
        "--reference", action="store_true", help="also evaluate BM25 over character bigrams and jieba search mode"
    )
    args = parser.parse_args(argv)
    if not WORK_REPORTS.is_dir() or not (EVAL / "eval.py").is_file():
        print(f"needs {WORK_REPORTS} and {EVAL}/eval.py (the shared corpus and evaluator)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="govsearch-relevance-") as scratch:
        home = args.home or Path(scratch)
        build(home, args.rebuild)
        backend = open_backend(Instance(home))
        queries = read_queries(args.queries, args.split)
        started = time.perf_counter()
        run_queries(backend, queries, args.run)
        print(f"ran {len(queries)} queries in {time.perf_counter() - started:.2f} s → {args.run}", file=sys.stderr)
        references = {name: args.run.with_suffix(f".bm25-{name}.jsonl") for name in REFERENCES}
        if args.reference:
            for name, tokenize in REFERENCES.items():
                reference_run(backend, queries, references[name], tokenize)
        backend.close()
    if args.reference:
        for name in REFERENCES:
            print(f"\n# reference: BM25 over {name} tokens, same paragraphs", flush=True)
            evaluate(references[name], args)
        print("\n# govsearch", flush=True)
    status = evaluate(args.run, args)
    if args.reference:
        compare(args.run, references, args)
    return status


def evaluate(run: Path, args: argparse.Namespace) -> int:
    """Print the evaluator's table for a run file."""
    command = [sys.executable, str(EVAL / "eval.py"), str(run), "--queries", str(args.queries)]
    command += ["--split", args.split] + (["--json"] if args.json else [])
    return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
