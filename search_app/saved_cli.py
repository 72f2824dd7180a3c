"""`govsearch saved …`: save questions, re-run them, and list what is new (for cron) from the command line."""

from __future__ import annotations

import json
import sys

import click

from indexer import FACETS, SORTS, QueryError, SearchBackend

from .cli_common import backend_of, echo_hit, home_option, instance_of
from .saved_import import MAX_BYTES
from .saved_searches import (
    CHECK_LIMIT,
    edit,
    import_saved,
    mark_all_seen,
    mark_hits_seen,
    new_hits,
    request_of,
    save,
    status,
)
from .saved_store import SavedSearch, SavedStore

filter_options = [
    click.option("--region", multiple=True, help="Region at any level (广东省, 清远市, 清城区); repeat for OR."),
    click.option("--year", multiple=True, help="A year (2021) or range (2020-2022); repeat for OR."),
    click.option("--topic", multiple=True, help="A topic of the taxonomy; repeat for OR."),
]


def with_filters(command):
    """Add the --region/--year/--topic options to a command."""
    for option in reversed(filter_options):
        command = option(command)
    return command


def _open(home: str) -> tuple[SavedStore, SearchBackend]:
    backend = backend_of(home)
    return SavedStore(instance_of(home).saved_db), backend


def _question(saved: SavedSearch) -> str:
    filters = "".join(f" {FACETS[f]}:{'、'.join(v)}" for f, v in saved.filters.items())
    return f"{saved.query}{filters}"


@click.group("saved")
def saved_group() -> None:
    """Saved searches: save a question, re-run it, see what is new since you last looked."""


@saved_group.command("add")
@click.argument("name")
@click.argument("query")
@with_filters
@home_option
def add_command(name, query, region, year, topic, home) -> None:
    """Save QUERY (with filters) as NAME; the hits it has now count as seen."""
    store, backend = _open(home)
    saved = save(store, backend, name, query, {"region": region, "year": year, "topic": topic})
    hits = status(store, backend, saved).total
    click.echo(f"saved “{saved.name}” (id {saved.id}): {_question(saved)} — {hits} hits now, all counted as seen")


@saved_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per saved search and line.")
@home_option
def list_command(as_json: bool, home: str) -> None:
    """List saved searches with their hit counts and how many hits are new."""
    store, backend = _open(home)
    statuses = [status(store, backend, s) for s in store.all()]
    if not statuses and not as_json:
        click.echo("no saved searches yet; `govsearch saved add NAME QUERY` saves one")
    for s in statuses:
        if as_json:
            click.echo(json.dumps(s.to_dict(), ensure_ascii=False))
        elif s.error:
            click.echo(f"{s.saved.id}\t{s.saved.name}\tcannot run: {s.error}")
        else:
            click.echo(f"{s.saved.id}\t{s.saved.name}\t{s.new} new / {s.total} hits\t{_question(s.saved)}")


@saved_group.command("show")
@click.argument("name")
@home_option
def show_command(name: str, home: str) -> None:
    """Show a saved search: its question, counts and feed path."""
    store, backend = _open(home)
    s = status(store, backend, store.get(name))
    click.echo(f"name:     {s.saved.name} (id {s.saved.id})")
    click.echo(f"query:    {s.saved.query}")
    for facet, values in s.saved.filters.items():
        click.echo(f"{facet + ':':<9} {'、'.join(values)}")
    click.echo(f"hits:     {s.total} ({s.new} new)" if not s.error else f"error:    {s.error}")
    click.echo(f"saved:    {s.saved.created}   changed: {s.saved.updated}")
    click.echo(f"feed:     /saved/{s.saved.id}/feed.atom (on the web server)")


@saved_group.command("run")
@click.argument("name")
@click.option("--new", "only_new", is_flag=True, help="Only the hits not seen yet.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="Hits per page.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Page number.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit and line (with a `new` flag).")
@home_option
def run_command(name, only_new, sort, limit, page, as_json, home) -> None:
    """Run a saved search like `govsearch search`; new hits are flagged, and what is printed counts as seen."""
    store, backend = _open(home)
    saved = store.get(name)
    seen = store.seen(saved.id)
    try:
        result = backend.search(request_of(saved, page, limit, sort), exclude=seen if only_new else ())
    except QueryError as exc:
        raise click.ClickException(f"the saved search cannot run: {exc}. Fix it with `govsearch saved edit`.") from exc
    mark_hits_seen(store, saved, result.hits)
    if as_json:
        for hit in result.hits:
            click.echo(json.dumps(hit.to_dict() | {"new": hit.key not in seen}, ensure_ascii=False))
        return
    colour = sys.stdout.isatty()
    fresh = sum(hit.key not in seen for hit in result.hits)
    click.echo(f"“{saved.name}”: {result.total} hits for {result.understood}; {fresh} new on this page")
    for rank, hit in enumerate(result.hits, start=(page - 1) * limit + 1):
        if hit.key not in seen:
            click.echo(click.style("  [新]", fg="red", bold=True) if colour else "  [新]", nl=False)
        echo_hit(rank, hit, colour)


@saved_group.command("rename")
@click.argument("name")
@click.argument("new_name")
@home_option
def rename_command(name: str, new_name: str, home: str) -> None:
    """Rename a saved search."""
    store, _ = _open(home)
    saved = store.update(store.get(name).id, name=new_name)
    click.echo(f"renamed to “{saved.name}”")


@saved_group.command("edit")
@click.argument("name")
@click.option("--query", help="The new query.")
@with_filters
@click.option("--clear-filters", is_flag=True, help="Drop all filters (then add the ones given).")
@home_option
def edit_command(name, query, region, year, topic, clear_filters, home) -> None:
    """Change a saved search's query or filters; its hits then count as seen."""
    store, backend = _open(home)
    saved = store.get(name)
    given = {k: v for k, v in {"region": region, "year": year, "topic": topic}.items() if v}
    if query is None and not given and not clear_filters:
        raise click.UsageError("give --query, --region, --year, --topic or --clear-filters")
    filters = ({} if clear_filters else dict(saved.filters)) | given
    saved = edit(store, backend, saved.id, query=query, filters=filters)
    click.echo(f"“{saved.name}” is now: {_question(saved)}")


@saved_group.command("rm")
@click.argument("name")
@home_option
def rm_command(name: str, home: str) -> None:
    """Delete a saved search."""
    store, _ = _open(home)
    removed = store.remove(store.get(name).id)
    click.echo(f"deleted “{removed.name}”")


@saved_group.command("seen")
@click.argument("name")
@home_option
def seen_command(name: str, home: str) -> None:
    """Mark every current hit of a saved search as seen."""
    store, backend = _open(home)
    saved = store.get(name)
    click.echo(f"“{saved.name}”: {mark_all_seen(store, backend, saved)} new hits marked seen")


@saved_group.command("check")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per new hit: `name` + the hit fields.")
@click.option("--mark-seen", is_flag=True, help="Count the hits printed as seen.")
@click.option("--limit", default=CHECK_LIMIT, show_default=True, type=click.IntRange(1), help="New hits per search.")
@home_option
def check_command(as_json: bool, mark_seen: bool, limit: int, home: str) -> None:
    """Print the new hits of every saved search (for cron); exit status 0 whether or not there are any."""
    store, backend = _open(home)
    for saved in store.all():
        try:
            result = new_hits(store, backend, saved, limit=limit)
        except QueryError as exc:
            click.echo(f"govsearch: saved search “{saved.name}” cannot run: {exc}", err=True)
            continue
        if mark_seen:
            mark_hits_seen(store, saved, result.hits)
        if as_json:
            for hit in result.hits:
                click.echo(json.dumps({"name": saved.name} | hit.to_dict(), ensure_ascii=False))
            continue
        if not result.total:
            click.echo(f"{saved.name}: nothing new")
            continue
        more = f" (showing {len(result.hits)})" if result.total > len(result.hits) else ""
        click.echo(f"{saved.name}: {result.total} new{more} — {_question(saved)}")
        for rank, hit in enumerate(result.hits, start=1):
            echo_hit(rank, hit, colour=False)
        click.echo("")


@saved_group.command("export")
@click.argument("file", type=click.File("w", encoding="utf-8"))
@home_option
def export_command(file, home: str) -> None:
    """Write every saved search (with what it has seen) to FILE as JSON (`-` for standard output)."""
    store = SavedStore(instance_of(home).saved_db)
    data = store.export()
    json.dump(data, file, ensure_ascii=False, indent=1)
    file.write("\n")
    click.echo(f"exported {len(data['saved'])} saved searches", err=True)


@saved_group.command("import")
@click.argument("file", type=click.File("rb"))
@home_option
def import_command(file, home: str) -> None:
    """Add the saved searches of an exported FILE, all or nothing; names already saved are skipped and listed."""
    store, backend = _open(home)
    summary = import_saved(store, backend, file.read(MAX_BYTES + 1))
    click.echo(f"imported {len(summary.added)}: {'、'.join(summary.added) or 'none'}")
    for name, reason in summary.skipped:
        click.echo(f"  skipped “{name}”: {reason}")
