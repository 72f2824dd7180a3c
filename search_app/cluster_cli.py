"""`govsearch cluster start|status|stop`: a local three-node Typesense cluster for the scale-out engine."""

from __future__ import annotations

from pathlib import Path

import click

from indexer.engine.typesense.cluster import LocalCluster
from indexer.engine.typesense.config import ClusterSettings
from indexer.engine.typesense.health import wait_ready

from .cli_common import home_option


def _local(home: str) -> LocalCluster:
    return LocalCluster(Path(home), ClusterSettings.from_environment().api_key)


@click.group("cluster")
def cluster_group() -> None:
    """Run a three-node Typesense cluster on this machine (data under <home>/cluster); use it with
    GOVSEARCH_ENGINE=typesense. On real machines, see docs/scale-out.md."""


@cluster_group.command("start")
@click.option("--wait", "wait", default=60.0, show_default=True, help="Seconds to wait for the cluster to be ready.")
@home_option
def start_command(wait: float, home: str) -> None:
    """Start the three nodes (those not running) and wait until the cluster is ready."""
    cluster = _local(home)
    cluster.start()
    status = wait_ready(ClusterSettings(cluster.nodes, cluster.api_key), wait)
    for line in status.lines():
        click.echo(line)
    if not status.ready:
        raise click.ClickException(f"the cluster is not ready after {wait:.0f} s: see {cluster.folder}/*/server.out")


@cluster_group.command("status")
@click.option("--wait", "wait", default=0.0, help="Seconds to wait for the cluster to be ready.")
def status_command(wait: float) -> None:
    """Each node's health, Raft role and paragraphs held (GOVSEARCH_TYPESENSE_NODES); exit 1 unless ready."""
    status = wait_ready(ClusterSettings.from_environment(), wait)
    for line in status.lines():
        click.echo(line)
    if not status.ready:
        raise SystemExit(1)


@cluster_group.command("stop")
@home_option
def stop_command(home: str) -> None:
    """Stop the nodes `cluster start` started (their data stays)."""
    stopped = _local(home).stop()
    click.echo(f"stopped {len(stopped)} node(s)" + (f": {', '.join(stopped)}" if stopped else ""))
