"""`govsearch serve` as users start it: real processes on loopback, one per core."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def test_serve_answers_on_loopback_from_several_processes(seed_copy):
    port = free_port()
    code = "import sys; from search_app.cli import main; sys.exit(main())"
    server = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--home", str(seed_copy), "--port", str(port), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        answer = None
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=%E8%B0%83%E8%A7%A3", timeout=5) as r:
                    answer = json.loads(r.read())
                break
            except OSError:
                time.sleep(0.1)
        assert answer is not None and answer["ok"] and answer["total"] > 0
        for _ in range(100):  # the second worker may still be starting when the first answers
            if len(children_of(server.pid)) == 2:
                break
            time.sleep(0.1)
        assert len(children_of(server.pid)) == 2  # two worker processes under the master
        listening = [line for line in Path("/proc/net/tcp").read_text().splitlines() if f":{port:04X} " in line]
        assert listening and all(line.split()[1].startswith("0100007F") for line in listening)  # 127.0.0.1 only
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert f"at http://127.0.0.1:{port}/ with 2 processes" in output
