"""Index report files through the instance's backend: the engine's workers read and write their share; one
commit makes it visible; a rebuild is built aside and swapped in."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from analyzers import jieba_route

from .backend import open_backend
from .errors import ReportError
from .ingest.files import find_report_files
from .ingest.overrides import MANIFEST_NAME, Overrides, read_manifest, read_overrides
from .ingest.reports import Report, read_report, report_digest, report_id
from .ingest.topics import Taxonomy
from .instance import Instance

log = logging.getLogger(__name__)
# jieba_route's dictionary (jieba-rs) takes 0.2 s and 53 MiB to make and segments several times as fast as jieba:
# worth it from about a megabyte of text (jieba ≈ 1.7 s); a new report or a few are segmented by jieba (the same words)
ROUTE_TABLES_FROM = 1 << 20

Task = tuple[Path, Overrides | None, str | None, str]  # (file, overrides, digest indexed now, problem)


@dataclass
class IndexSummary:
    """What an indexing run did."""

    reports: int = 0
    paragraphs: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    removed: int = 0
    notes: list[str] = field(default_factory=list)  # what was cleaned up after interrupted runs

    @property
    def failed(self) -> bool:
        """True when files were given but none could be indexed."""
        return not self.reports and not self.unchanged and bool(self.skipped)

    def count(self, path: str, paragraphs: int, reason: str) -> None:
        """Count one file's outcome."""
        if reason == "unchanged":
            self.unchanged += 1
        elif reason:
            self.skipped.append((path, reason))
        else:
            self.reports += 1
            self.paragraphs += paragraphs


# -- in the engine's workers (forked: they inherit the taxonomy and jieba's tables) -----------------------

_worker_taxonomy: Taxonomy | None = None


def _prepare_workers(instance: Instance, taxonomy: Taxonomy, files: list[Path]) -> None:
    global _worker_taxonomy
    instance.start()
    if _total_bytes(files) >= ROUTE_TABLES_FROM:
        jieba_route.prepare()
    _worker_taxonomy = taxonomy


def _read(task: Task) -> tuple[str, Report | None, str]:
    """Read one file into a report: (path, report, "") or (path, None, reason or "unchanged")."""
    path, overrides, known_digest, problem = task
    assert _worker_taxonomy is not None
    if problem:
        return str(path), None, problem
    try:
        report = read_report(path, _worker_taxonomy, overrides)
    except ReportError as exc:
        return str(path), None, exc.reason
    if known_digest is not None and known_digest == report_digest(report):
        return str(path), None, "unchanged"
    return str(path), report, ""


def _total_bytes(files: list[Path]) -> int:
    total = 0
    for path in files:
        try:
            total += path.stat().st_size
        except OSError:
            pass  # gone since it was listed: reported when it is read
    return total


# -- in this process -------------------------------------------------------------------------------------


def _tasks(files: list[Path], digests: dict[str, str]) -> Iterator[Task]:
    manifests: dict[Path, dict[str, dict]] = {}
    for path in files:
        folder = path.parent
        if folder not in manifests:
            manifests[folder] = read_manifest(folder) if (folder / MANIFEST_NAME).is_file() else {}
        try:
            overrides, problem = read_overrides(path, manifests[folder]), ""
        except ReportError as exc:
            overrides, problem = None, f"its metadata: {exc}"  # the user's overrides are never ignored
        yield path, overrides, digests.get(report_id(path)), problem


def index_files(
    instance: Instance,
    paths: list[Path],
    rebuild: bool = False,
    workers: int | None = None,
    progress: Callable[[Iterator, int], Iterator] | None = None,
) -> IndexSummary:
    """Index report files and folders into the instance's index; a rebuild is built aside and swapped in."""
    instance.start()
    backend = open_backend(instance)
    files, missing = find_report_files(paths)
    summary = IndexSummary(skipped=list(missing), notes=backend.recover())
    taxonomy = instance.taxonomy()
    workers = max(1, min(workers or min(2, os.cpu_count() or 1), len(files)))
    aside = backend.begin_rebuild() if rebuild else None
    try:
        digests = {} if aside else backend.digests(report_id(f) for f in files)
        _prepare_workers(instance, taxonomy, files)
        outcomes = backend.index(_tasks(files, digests), _read, workers, into=aside)
        for path, paragraphs, reason in progress(outcomes, len(files)) if progress else outcomes:
            summary.count(path, paragraphs, reason)
    except BaseException:
        if aside is not None:
            backend.abandon_rebuild(aside)
        raise
    finally:
        backend.close()
    if aside is not None:
        backend.finish_rebuild(aside)
    return summary


def remove_reports(instance: Instance, targets: list[str]) -> int:
    """Delete reports from the index, given by report id or by the path they were indexed from."""
    backend = open_backend(instance)
    try:
        ids = {t if "#" not in t else t.split("#")[0] for t in targets}
        ids |= {report_id(Path(t)) for t in targets}
        to_delete = sorted(ids & set(backend.digests(ids)))
        if to_delete:
            backend.remove(to_delete)
        return len(to_delete)
    finally:
        backend.close()
