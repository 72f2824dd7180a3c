"""Throughput under load: `govsearch serve` hit by wrk (Debian's `wrk`) at 1, 10 and 50 connections with the query
mix of speed.py (each connection cycles through the queries as the web page asks them, /api/search), with and
without a rebuild running beside it.

    apt-get install wrk
    python benchmarks/load.py                        # the work reports, indexed into a temporary home
    python benchmarks/load.py --large                # work reports + laws
    python benchmarks/load.py --home H --code DIR    # an existing home; the server of another checkout (DIR)

Prints requests/s, p50/p95/p99 latency and errors (connect, read, timeout, non-2xx) per row. Traffic goes to
127.0.0.1 only; every run is bounded by --seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from speed import LAWS, WORK_REPORTS  # noqa: E402
from speed_phases import QUERY_MIX  # noqa: E402

LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("JSON {\\"requests\\": %%d, \\"seconds\\": %%f, \\"p50\\": %%f, "
    .. "\\"p95\\": %%f, \\"p99\\": %%f, \\"errors\\": %%d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def govsearch(code: Path, *args: str, **popen) -> subprocess.Popen:
    """`govsearch …` from the checkout at `code`."""
    env = dict(os.environ, PYTHONPATH=str(code))
    command = [sys.executable, "-c", "import sys; from search_app.cli import main; sys.exit(main())", *args]
    return subprocess.Popen(command, cwd=code, env=env, **popen)


def start_server(code: Path, home: Path, port: int, workers: int | None, log: Path) -> subprocess.Popen:
    """Start `govsearch serve` (its output to `log`) and wait until it answers."""
    extra = ["--workers", str(workers)] if workers is not None else []
    with log.open("w") as out:
        server = govsearch(code, "serve", "--home", str(home), "--port", str(port), *extra, stdout=out, stderr=out)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=%E8%B0%83%E8%A7%A3", timeout=5).read()
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not start")


def run_wrk(port: int, connections: int, seconds: int, script: Path) -> dict:
    """One wrk run; its figures."""
    threads = min(2, connections)
    done = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script),
         f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next(line for line in done.stdout.splitlines() if line.startswith("JSON "))
    figures = json.loads(line[5:])
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def main(argv: list[str] | None = None) -> int:
    """Index (or reuse) a home, serve it, load it, print a table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", action="store_true", help="the work reports and the laws")
    parser.add_argument("--home", type=Path, help="an instance folder with an index (default: build one)")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose server to run")
    parser.add_argument("--workers", type=int, help="server processes (default: the server's own default)")
    parser.add_argument("--seconds", type=int, default=20, help="length of each wrk run")
    parser.add_argument("--connections", default="1,10,50")
    parser.add_argument("--no-indexing", action="store_true", help="skip the rows with a rebuild running beside")
    args = parser.parse_args(argv)
    corpus = [WORK_REPORTS, LAWS] if args.large else [WORK_REPORTS]
    scratch = Path(tempfile.mkdtemp(prefix="govsearch-load-"))
    home = args.home or scratch / "home"
    if not args.home:
        govsearch(args.code, "index", *map(str, corpus), "--home", str(home), stdout=subprocess.DEVNULL).wait()
    port = free_port()
    server = start_server(args.code, home, port, args.workers, scratch / "server.log")
    rows = []
    try:
        paths = []
        for query, filters in QUERY_MIX:  # a filter value this corpus lacks gives a 400: left out, and said so
            path = f"/api/search?{urlencode({'q': query, **{k: v[0] for k, v in filters.items()}})}"
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30).read()
                paths.append(path)
            except OSError as exc:
                print(f"left out {query} {filters}: {exc}", file=sys.stderr)
        script = scratch / "mix.lua"
        script.write_text(LUA % ", ".join(json.dumps(p) for p in paths), encoding="utf-8")
        for indexing in (False,) if args.no_indexing else (False, True):
            rebuild = None
            if indexing:  # a rebuild of the same corpus beside the server, restarted as long as the row lasts
                rebuild = govsearch(args.code, "index", *map(str, corpus), "--rebuild", "--home", str(home),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            for connections in map(int, args.connections.split(",")):
                figures = run_wrk(port, connections, args.seconds, script)
                rows.append((connections, indexing, figures))
                print(
                    f"{connections:>3} connections{' + rebuild' if indexing else '          '}  "
                    f"{figures['rps']:7.1f} req/s  p50 {figures['p50']:7.1f} ms  p95 {figures['p95']:7.1f}  "
                    f"p99 {figures['p99']:7.1f}  errors {figures['errors']}",
                    flush=True,
                )
                if rebuild is not None and rebuild.poll() is not None:
                    rebuild = govsearch(args.code, "index", *map(str, corpus), "--rebuild", "--home", str(home),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            if rebuild is not None:
                rebuild.wait()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 1 if any(f["errors"] for *_, f in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
