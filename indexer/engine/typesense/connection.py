"""Talking to the cluster's nodes: reads go to one node at a time and move on to the next when it is down or
answers from an incomplete copy (a node still loading after a restart); writes go to any node (followers pass
them to the leader) and are retried through an election, up to a bound, then reported.

One client per node, with no retries of its own, so this module decides where a request goes next: a single
client object over all nodes failed 65 of 889 queries while a leader was killed; per-node clients, a node marked
down for a while after it fails, and reads apart from writes failed none.
"""

from __future__ import annotations

import atexit
import functools
import itertools
import threading
import time
import warnings
from collections.abc import Callable
from typing import TypeVar

import httpx
import typesense
from typesense import exceptions as ts_errors

from ...errors import ClusterError
from .config import ClusterSettings, Node

T = TypeVar("T")
DOWN_FOR = 2.0  # seconds a node that failed is tried last
READ_TIMEOUT = 5.0
WRITE_DEADLINE = 60.0  # seconds a write is retried (an election takes ~8 s) before it is reported as failed
# what a node that cannot answer raises: connection refused or reset, a timeout, "not ready", a leaderless 5xx
_NODE_TROUBLE = (
    httpx.HTTPError,
    ts_errors.ServiceUnavailable,
    ts_errors.ServerError,
    ts_errors.Timeout,
    ts_errors.HTTPStatus0Error,
)


def unreachable(exc: BaseException) -> bool:
    """Whether an error says the node could not answer (try another), not that the request was wrong."""
    if isinstance(exc, _NODE_TROUBLE):
        return True
    # the client's errors are OSErrors too: only a socket's own counts here (refused, reset)
    return isinstance(exc, OSError) and not isinstance(exc, ts_errors.TypesenseClientError)


class Incomplete(Exception):
    """A node answered from fewer documents than the cluster holds (still loading)."""


class Connection:
    """Reads with fail-over and writes with bounded retries over a cluster's nodes."""

    def __init__(self, settings: ClusterSettings) -> None:
        self.settings = settings
        self.clients = [_client(node, settings.api_key) for node in settings.nodes]
        self._down: dict[int, float] = {}
        self._turn = itertools.count()
        self._lock = threading.Lock()

    def _order(self) -> list[int]:
        """Node indexes to try: round robin, nodes that failed lately last."""
        n = len(self.clients)
        start = next(self._turn) % n
        order = [(start + i) % n for i in range(n)]
        now = time.monotonic()
        with self._lock:
            return sorted(order, key=lambda i: self._down.get(i, 0.0) > now)

    def _failed(self, index: int) -> None:
        with self._lock:
            self._down[index] = time.monotonic() + DOWN_FOR

    def read(self, call: Callable[[typesense.Client], T], what: str) -> T:
        """`call` on the first node that answers completely (a node raising Incomplete is passed over); ClusterError
        naming every node's failure when none does."""
        problems = []
        for index in self._order():
            try:
                return call(self.clients[index])
            except Incomplete as exc:
                problems.append(f"{self.settings.nodes[index].name}: {exc}")
            except Exception as exc:
                if not unreachable(exc):
                    raise
                self._failed(index)
                problems.append(f"{self.settings.nodes[index].name}: {_short(exc)}")
        raise ClusterError(
            f"the search cluster could not {what}: " + "; ".join(problems),
            "检索集群暂时无法应答（所有节点都不可用或仍在加载），请稍后再试",
        )

    def write(self, call: Callable[[typesense.Client], T], what: str, deadline: float = WRITE_DEADLINE) -> T:
        """`call` on any node, retried (every node in turn, backing off) until it succeeds or `deadline` seconds
        have passed; then ClusterError saying what was not written."""
        started, pause, last = time.monotonic(), 0.2, ""
        while True:
            for index in self._order():
                try:
                    return call(self.clients[index])
                except Exception as exc:
                    if not unreachable(exc):
                        raise
                    self._failed(index)
                    last = f"{self.settings.nodes[index].name}: {_short(exc)}"
            if time.monotonic() - started > deadline:
                raise ClusterError(
                    f"could not {what}: no node took the write within {deadline:.0f} s (last: {last}); "
                    "nothing of this run is visible, run it again",
                    "写入失败：集群在限定时间内没有主节点，本次写入未生效，请重试",
                )
            time.sleep(pause)
            pause = min(pause * 2, 2.0)

    def leader_read(self, call: Callable[[typesense.Client], T], what: str, deadline: float = WRITE_DEADLINE) -> T:
        """`call` on the Raft leader (a follower may not have the latest writes yet): what a writer reads before
        it writes; retried through an election like a write."""

        def on_leader(_client):
            for index, node in enumerate(self.settings.nodes):
                if (self.node_get(node, "/debug") or {}).get("state") == 1:
                    return call(self.clients[index])
            raise ts_errors.ServiceUnavailable("no leader")

        return self.write(on_leader, what, deadline)

    def node_get(self, node: Node, path: str) -> dict | None:
        """GET one node's admin endpoint (health, debug) as JSON, or None when it does not answer."""
        try:
            response = httpx.get(f"{node.url}{path}", headers={"X-TYPESENSE-API-KEY": self.settings.api_key}, timeout=2)
            return response.json()
        except (httpx.HTTPError, ValueError):
            return None


@functools.lru_cache(maxsize=16)
def connection_for(settings: ClusterSettings) -> Connection:
    """The one Connection of this process to a cluster (its clients keep their sockets open for reuse)."""
    return Connection(settings)


def _client(node: Node, api_key: str) -> typesense.Client:
    with warnings.catch_warnings():  # typesense 2.1 warns of its own deprecated analytics API on every client
        warnings.simplefilter("ignore", DeprecationWarning)
        return _new_client(node, api_key)


_CLIENTS: list[typesense.Client] = []  # closed when the process exits (their connection pools)


@atexit.register
def _close_clients() -> None:
    for client in _CLIENTS:
        client.api_call.close()


def _new_client(node: Node, api_key: str) -> typesense.Client:
    client = typesense.Client(
        {
            "nodes": [{"host": node.host, "port": str(node.port), "protocol": "http"}],
            "api_key": api_key,
            "connection_timeout_seconds": READ_TIMEOUT,
            "num_retries": 0,
            "retry_interval_seconds": 0,
        }
    )
    _CLIENTS.append(client)
    return client


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text[:160]}" if text else type(exc).__name__
