"""Where the Typesense cluster is and how to reach it: GOVSEARCH_TYPESENSE_NODES (API addresses, host:port, comma
separated) and GOVSEARCH_TYPESENSE_API_KEY; by default the local three-node cluster of `govsearch cluster start`."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ...errors import SettingError

DEFAULT_API_KEY = "govsearch-local"
DEFAULT_NODES = "127.0.0.1:8108,127.0.0.1:8118,127.0.0.1:8128"


@dataclass(frozen=True)
class Node:
    """One Typesense node: its API address and (for a cluster this machine runs) its peering port."""

    host: str
    port: int
    peering_port: int = 0

    @property
    def name(self) -> str:
        """host:port, as users write it."""
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The node's API base address."""
        return f"http://{self.host}:{self.port}"

    @property
    def peer_address(self) -> str:
        """The node's entry in a Typesense `--nodes` file: host:peering port:API port."""
        return f"{self.host}:{self.peering_port}:{self.port}"


def parse_nodes(text: str) -> tuple[Node, ...]:
    """host:port,host:port,… → nodes; SettingError saying what is wrong."""
    nodes = []
    for item in (part.strip() for part in text.split(",")):
        host, _, port = item.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise SettingError(
                f"GOVSEARCH_TYPESENSE_NODES: “{item}” is not host:port (e.g. {DEFAULT_NODES.split(',')[0]})"
            )
        nodes.append(Node(host, int(port)))
    return tuple(nodes)


@dataclass(frozen=True)
class ClusterSettings:
    """The nodes and API key an engine talks to."""

    nodes: tuple[Node, ...]
    api_key: str

    @classmethod
    def from_environment(cls) -> ClusterSettings:
        """The settings from GOVSEARCH_TYPESENSE_NODES and GOVSEARCH_TYPESENSE_API_KEY (defaults: the local cluster)."""
        nodes = parse_nodes(os.environ.get("GOVSEARCH_TYPESENSE_NODES") or DEFAULT_NODES)
        return cls(nodes, os.environ.get("GOVSEARCH_TYPESENSE_API_KEY") or DEFAULT_API_KEY)
