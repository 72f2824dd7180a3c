"""The `govsearch` command: index, search, reports, stats, show, remove, serve, saved, cluster."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from indexer import (
    BUNDLED_CORPUS,
    FACETS,
    SECTION_SEPARATOR,
    SORTS,
    SearchRequest,
    index_files,
    open_backend,
    region_line,
    remove_reports,
)

from . import settings
from .cli_common import Group, backend_of, echo_explain, echo_hit, home_option, instance_of, no_index, progress_bar
from .cluster_cli import cluster_group
from .saved_cli import saved_group


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="govsearch", message="govsearch %(version)s")
def main() -> None:
    """政府报告全文检索: search Chinese government reports paragraph by paragraph."""


@main.command("index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Build a fresh index aside, then swap it in.")
@home_option
def index_command(paths: tuple[Path, ...], rebuild: bool, home: str) -> None:
    """Index report files and folders (default: the bundled corpus)."""
    instance = instance_of(home)
    targets = list(paths) or [BUNDLED_CORPUS]
    summary = index_files(instance, targets, rebuild=rebuild, progress=progress_bar)
    for note in summary.notes:
        click.echo(f"note: {note}")
    click.echo(
        f"indexed {summary.reports} reports ({summary.paragraphs:,} paragraphs); "
        f"{summary.unchanged} unchanged; skipped {len(summary.skipped)}" + (":" if summary.skipped else "")
    )
    for path, reason in summary.skipped:
        click.echo(f"  skipped {path}: {reason}")
    if summary.failed:
        raise click.ClickException("nothing could be indexed. Check the files named above and run again.")
    if not (summary.reports or summary.unchanged or summary.skipped):
        where = ", ".join(map(str, targets))
        raise click.ClickException(
            f"found no report files (.txt, .html, .docx, .pdf, .ofd, .doc, .wps) in {where}. "
            "Give the folder the reports are in."
        )


@main.command("remove")
@click.argument("targets", nargs=-1, required=True)
@home_option
def remove_command(targets: tuple[str, ...], home: str) -> None:
    """Remove reports from the index, by report id or by the path they were indexed from."""
    if not Path(home).is_dir():
        raise no_index(home)
    removed = remove_reports(instance_of(home), list(targets))
    if not removed:
        raise click.ClickException("no such report in the index. `govsearch reports` lists report ids.")
    click.echo(f"removed {removed} report(s)")


def _filters(region: tuple[str, ...], year: tuple[str, ...], topic: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {k: v for k, v in {"region": region, "year": year, "topic": topic}.items() if v}


@main.command("search", context_settings={"ignore_unknown_options": True})  # `search -调解 …` is a query
@click.argument("query")
@click.option("--region", multiple=True, help="Region at any level (广东省, 清远市, 清城区); repeat for OR.")
@click.option("--year", multiple=True, help="A year (2021) or range (2020-2022); repeat for OR.")
@click.option("--topic", multiple=True, help="A topic of the taxonomy; repeat for OR.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="Hits per page.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Page number.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit and line.")
@click.option("--explain", is_flag=True, help="Show how the query was understood: words, expansions, regions.")
@click.option("--across-words", is_flag=True, help="Count matches across two jieba words too (调解 in 协调|解决).")
@home_option
def search_command(query, region, year, topic, sort, limit, page, as_json, explain, across_words, home) -> None:
    """Search paragraphs: words (AND), OR, -word, "phrase", (groups), region:/year:/topic:/title: filters."""
    backend = backend_of(home)
    filters = _filters(region, year, topic)
    request = SearchRequest(
        query, filters, page=page, page_size=limit, sort=sort, across_words=across_words, related=not as_json
    )
    result = backend.search(request)
    if explain:
        echo_explain(result.explain, err=as_json)
    if as_json:
        for hit in result.hits:
            click.echo(json.dumps(hit.to_dict(), ensure_ascii=False))
        return
    colour = sys.stdout.isatty()
    distinct = f" ({result.distinct} distinct)" if result.distinct < result.total else ""
    click.echo(
        f"{result.total} hits{distinct} for {result.understood} ({result.took_ms / 1000:.2f} s)"
        + (f", then {result.partial} missing one word" if result.partial else "")
        + (f", then {result.related} related ([相关])" if result.related else "")
        + (f" — page {page} of {result.pages}" if result.total or result.partial else "")
    )
    for rank, hit in enumerate(result.hits, start=(page - 1) * limit + 1):
        echo_hit(rank, hit, colour)
    across = backend.across_words(request)
    if across.count:
        seen = "、".join(f"{w} ×{n}" for w, n in across.examples)
        click.echo(f"\nalso inside other words, not counted: {across.count} paragraphs ({seen}); --across-words")
    if result.total:
        click.echo("")
        for facet, label in FACETS.items():
            values = result.facets[facet]
            shown = ", ".join(f"{v.label} {v.count}" for v in values[:12])
            click.echo(f"{label}: {shown}")


@main.command("reports")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per report and line.")
@home_option
def reports_command(as_json: bool, home: str) -> None:
    """List the indexed reports with their metadata."""
    for report in backend_of(home).reports():
        if as_json:
            click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        else:
            line = (
                report.id,
                report.year or "—",
                region_line(report.region),
                f"{report.title} ({report.paragraphs}段)",
            )
            click.echo("\t".join(map(str, line)))


@main.command("stats")
@home_option
def stats_command(home: str) -> None:
    """Count reports, paragraphs and facet values in the index."""
    backend = backend_of(home)
    click.echo(f"reports: {len(backend.reports())}")
    click.echo(f"paragraphs: {backend.paragraph_count():,}")
    for facet, values in backend.facet_values().items():
        click.echo(f"{FACETS[facet]}: " + ", ".join(f"{v.label} {v.count}" for v in values))


@main.command("show")
@click.argument("paragraph_id")
@click.option("--context", default=1, show_default=True, type=click.IntRange(0, 20), help="Neighbours each side.")
@home_option
def show_command(paragraph_id: str, context: int, home: str) -> None:
    """Show a paragraph with its report's metadata and its neighbours."""
    backend = backend_of(home)
    found = backend.paragraph(paragraph_id)
    if found is None:
        raise click.ClickException(
            f"no paragraph {paragraph_id!r}. Ids look like REPORT#12; `govsearch search` prints them."
        )
    report = found.report
    click.echo(f"{report.title}\n{region_line(report.region)} · {report.year or ''} · {report.org} {report.date}")
    click.echo(f"{report.source}\n")
    for para in backend.report_paragraphs(report.id):
        if abs(para.number - found.number) <= context:
            marker = "▶" if para.number == found.number else " "
            click.echo(f"{marker} [{para.number}] {SECTION_SEPARATOR.join(para.section)}\n  {para.text}\n")


@main.command("serve")
@click.option("--host", default=lambda: settings.load()["HOST"], show_default="127.0.0.1", help="Address to listen on.")
@click.option(
    "--port",
    default=lambda: settings.load()["PORT"],
    show_default="5000",
    type=click.IntRange(1, 65535),
    help="Port to listen on.",
)
@click.option(
    "--workers",
    default=lambda: settings.load()["WORKERS"],
    show_default="one per core",
    type=click.IntRange(0),
    help="Server processes (0: one per core).",
)
@home_option
def serve_command(host: str, port: int, workers: int, home: str) -> None:
    """Serve the web UI and JSON API (building the index from the bundled corpus on a fresh instance)."""
    from . import create_app
    from .server import check_free, serve, worker_count

    check_free(host, port)
    instance = instance_of(home)
    if not open_backend(instance).exists():
        click.echo(f"no index in {home} yet: indexing the bundled corpus ({BUNDLED_CORPUS})")
        summary = index_files(instance, [BUNDLED_CORPUS], progress=progress_bar)
        click.echo(f"indexed {summary.reports} reports ({summary.paragraphs:,} paragraphs)")
    app = create_app({"HOME": str(instance.home), "ENGINE": instance.engine, "HOST": host, "PORT": port})
    count = worker_count(workers)
    click.echo(f"govsearch is serving {instance.home} at http://{host}:{port}/ with {count} processes (Ctrl+C to stop)")
    serve(app, host, port, count)


main.add_command(saved_group)
main.add_command(cluster_group)
