"""What the `govsearch` sub-commands share: the --home option, opening the instance, printing a hit."""

from __future__ import annotations

import html
import re
from pathlib import Path

import click
from tqdm import tqdm

from indexer import (
    FOUND_ZH,
    ClusterError,
    ConfigFileError,
    Hit,
    IndexBusy,
    IndexMissing,
    IndexOutdated,
    Instance,
    QueryError,
    SearchBackend,
    SettingError,
    open_backend,
    region_line,
)

from . import settings
from .saved_store import SavedError

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


class Group(click.Group):
    """A click group that turns govsearch's errors into a message saying what to do, and exit status 1: the one
    place the CLI translates them."""

    def invoke(self, ctx: click.Context):
        """Run the command; our errors become `Error: …` lines."""
        try:
            return super().invoke(ctx)
        except QueryError as exc:
            raise click.ClickException(f"{exc}\nSee `govsearch search --help` for the query syntax.") from exc
        except ConfigFileError as exc:
            raise click.ClickException(f"{exc}\nFix that line of the file and run again.") from exc
        except (ClusterError, IndexBusy, IndexOutdated, IndexMissing, SavedError, SettingError) as exc:
            raise click.ClickException(str(exc)) from exc


def instance_of(home: str) -> Instance:
    """The instance folder, created and with jieba loaded; its engine from the settings (GOVSEARCH_ENGINE)."""
    return Instance(Path(home), engine=settings.load()["ENGINE"]).start()


def no_index(home: str) -> click.ClickException:
    """The error of a command that reads an index where there is none, naming the home it looked in."""
    chosen = "chosen by --home or GOVSEARCH_HOME" if home != settings.DEFAULT_HOME else "the default home"
    return click.ClickException(f"no index in {home} ({chosen}). Run `govsearch index` first, or give --home.")


def backend_of(home: str) -> SearchBackend:
    """The backend of an instance that has an index; a ClickException naming the home when it has none (a home
    that does not exist is not created)."""
    if not Path(home).is_dir():
        raise no_index(home)
    backend = open_backend(instance_of(home))
    if not backend.exists():
        backend.close()
        raise no_index(home)
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(backend.close)
    return backend


def terminal_text(marked: str, colour: bool) -> str:
    """HTML with <mark> → terminal text, matches in colour on a terminal."""
    styled = _MARK.sub(lambda m: click.style(m.group(1), fg="yellow", bold=True) if colour else m.group(1), marked)
    return html.unescape(styled)


def progress_bar(results, total: int):
    """A progress bar over indexing results, shown only on a terminal."""
    return tqdm(results, total=total, unit="file", desc="indexing", disable=None, leave=False)


home_option = click.option(
    "--home",
    envvar="GOVSEARCH_HOME",
    default=lambda: settings.load()["HOME"],
    show_default=settings.DEFAULT_HOME,
    help="Instance folder (index, caches, saved searches); GOVSEARCH_HOME sets it too.",
)


def echo_hit(rank: int, hit: Hit, colour: bool) -> None:
    """Print one hit: title, region, year, section, snippet with matches in colour, id and source."""
    label = "[相关] " if hit.tier == "related" else ""
    click.echo(f"\n{rank:>3}. {label}{hit.title} · {region_line(hit.region)} · {hit.year or '年份不详'}")
    if hit.section:
        click.echo(f"     {hit.section}")
    if hit.missing:
        click.echo(f"     (缺少：{'、'.join(hit.missing)})")
    elsewhere = [f"{word}见于{FOUND_ZH[zone]}" for word, zone in hit.found.items() if zone != "text"]
    if elsewhere:
        click.echo(f"     ({'；'.join(elsewhere)})")
    click.echo(f"     {terminal_text(hit.snippet, colour)}")
    if hit.also_in:
        copies = "、".join(f"{region_line(c['region'])} {c['year'] or '年份不详'}" for c in hit.also_in)
        click.echo(f"     (相同段落也见于：{copies})")
    where = f"     {hit.id}  (第{hit.paragraph}段, {hit.source})"
    click.echo(click.style(where, dim=True) if colour else where)


def echo_explain(explain: dict, err: bool = False) -> None:
    """Print how a query was understood: the parse, jieba's words, expansions, region readings."""
    click.echo(f"understood:  {explain['understood']}", err=err)
    click.echo(f"words:       {' / '.join(explain['words'])}  (jieba; ranking)", err=err)
    for word, expansions in explain["expansions"].items():
        click.echo(f"expanded:    {word} → {'、'.join(expansions)}  (ranked below {word})", err=err)
    for word, regions in explain["regions"].items():
        click.echo(
            f"region word: {word} → {'、'.join(r.replace('/', ' › ') for r in regions)}  (text or metadata)", err=err
        )
    if explain["partial"]:
        click.echo(f"partial:     {explain['partial']}", err=err)
