"""Is the cluster ready: every node answers /health, exactly one is the Raft leader, and every node holds all the
paragraphs of the committed generation (after a restart `/health` says ok while a node is still loading)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from .config import ClusterSettings, Node
from .connection import Connection, connection_for
from .state import State, read_state

LEADER, FOLLOWER = 1, 4  # Raft states in Typesense's /debug


@dataclass(frozen=True)
class NodeStatus:
    """What one node says of itself."""

    node: Node
    healthy: bool
    role: str  # leader, follower, candidate/other, down
    paragraphs: int | None  # live paragraphs of the committed generation it holds (None: not asked or no answer)


@dataclass(frozen=True)
class ClusterStatus:
    """Every node's status and the committed state."""

    nodes: list[NodeStatus]
    state: State | None

    @property
    def ready(self) -> bool:
        """Every node healthy, one leader, and each holding every committed paragraph."""
        leaders = sum(n.role == "leader" for n in self.nodes)
        expected = self.state.documents if self.state else 0
        return leaders == 1 and all(n.healthy and (n.paragraphs or 0) >= expected for n in self.nodes)

    def lines(self) -> list[str]:
        """A line per node, then the verdict."""
        expected = self.state.documents if self.state else 0
        out = []
        for n in self.nodes:
            held = "" if n.paragraphs is None else f"  {n.paragraphs:,} of {expected:,} paragraphs"
            out.append(f"{n.node.name:<22}{n.role:<10}{'healthy' if n.healthy else 'not healthy'}{held}")
        out.append("ready" if self.ready else "not ready")
        return out


def _held(conn: Connection, index: int, state: State) -> int | None:
    """Live paragraphs of `state` on one node (its searches, not the others')."""
    client = conn.clients[index]
    try:
        found = 0
        ranges = [(0, state.next_num, 1), *((a, b, -1) for a, b in state.retired)]
        for first, end, sign in ranges:
            if end > first:
                answer = client.collections[state.collection].documents.search(
                    {"q": "*", "query_by": "chars", "filter_by": f"num:[{first}..{end - 1}]", "per_page": 0}
                )
                found += sign * int(answer["found"])
        return found
    except Exception:  # noqa: BLE001 - a node that cannot say holds nothing we can count on
        return None


def cluster_status(settings: ClusterSettings) -> ClusterStatus:
    """Ask every node."""
    conn = connection_for(settings)
    try:
        state = read_state(conn)
    except Exception:  # noqa: BLE001 - no node answers: every node is reported down below
        state = None
    nodes = []
    for index, node in enumerate(settings.nodes):
        health = conn.node_get(node, "/health") or {}
        debug = conn.node_get(node, "/debug") or {}
        role = {LEADER: "leader", FOLLOWER: "follower"}.get(debug.get("state"), "down" if not debug else "candidate")
        held = _held(conn, index, state) if state and health.get("ok") else (0 if state is None else None)
        nodes.append(NodeStatus(node, bool(health.get("ok")), role, held))
    return ClusterStatus(nodes, state)


def wait_ready(settings: ClusterSettings, timeout: float) -> ClusterStatus:
    """The status once the cluster is ready, or the last one seen after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        status = cluster_status(settings)
        if status.ready or time.monotonic() > deadline:
            return status
        time.sleep(0.5)
