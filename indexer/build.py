"""Index report files: worker processes read, segment and write their share; one commit makes it visible."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from analyzers import jieba_route

from .documents import report_digest, report_documents
from .errors import ReportError
from .instance import Instance
from .parallel import write_parallel
from .reports import read_report, report_id
from .sidecar import MANIFEST_NAME, Overrides, read_manifest, read_overrides
from .topics import Taxonomy
from .whoosh_backend import WhooshBackend

log = logging.getLogger(__name__)
REPORT_SUFFIXES = {".txt", ".text"}
# jieba_route's tables take 0.2 s to make and segment twice as fast as jieba: worth it from about a megabyte of
# text (jieba ≈ 1.7 s); one new report or a few are segmented by jieba itself (the same words)
ROUTE_TABLES_FROM = 1 << 20


@dataclass
class IndexSummary:
    """What an indexing run did."""

    reports: int = 0
    paragraphs: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    removed: int = 0

    @property
    def failed(self) -> bool:
        """True when files were given but none could be indexed."""
        return not self.reports and not self.unchanged and bool(self.skipped)


def find_report_files(paths: list[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand folders into their report files (sorted); name paths that do not exist."""
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES and not p.name.startswith(".")
            )
        elif path.is_file():
            files.append(path)
        else:
            missing.append((str(path), "no such file or folder"))
    return files, missing


# -- worker side ---------------------------------------------------------------------------------------

_worker_taxonomy: Taxonomy | None = None


def _start_worker(instance: Instance, taxonomy: Taxonomy, files: list[Path]) -> None:
    global _worker_taxonomy
    instance.start()
    if _total_bytes(files) >= ROUTE_TABLES_FROM:
        jieba_route.prepare()
    _worker_taxonomy = taxonomy


def _prepare(task: tuple[Path, Overrides | None, str | None, str]) -> tuple[str, list[dict] | None, str]:
    """Read one file into analysed documents; (path, docs, "") or (path, None, reason/"unchanged")."""
    path, overrides, known_digest, problem = task
    assert _worker_taxonomy is not None
    if problem:
        return str(path), None, problem
    try:
        report = read_report(path, _worker_taxonomy, overrides)
    except ReportError as exc:
        return str(path), None, exc.reason
    if known_digest == report_digest(report):
        return str(path), None, "unchanged"
    return str(path), report_documents(report), ""


def _total_bytes(files: list[Path]) -> int:
    total = 0
    for path in files:
        try:
            total += path.stat().st_size
        except OSError:
            pass  # gone since it was listed: reported when it is read
    return total


# -- writer side ---------------------------------------------------------------------------------------


def _tasks(files: list[Path], digests: dict[str, str]) -> Iterator[tuple[Path, Overrides | None, str | None, str]]:
    manifests: dict[Path, dict[str, Overrides]] = {}
    for path in files:
        folder = path.parent
        if folder not in manifests:
            manifests[folder] = read_manifest(folder) if (folder / MANIFEST_NAME).is_file() else {}
        try:
            overrides, problem = read_overrides(path, manifests[folder]), ""
        except ReportError as exc:
            overrides, problem = None, f"its metadata sidecar {exc}"  # the user's overrides are never ignored
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
    backend = WhooshBackend(instance.home)
    files, missing = find_report_files(paths)
    summary = IndexSummary(skipped=list(missing))
    folder = backend.create_aside() if rebuild else None
    if not rebuild:
        backend.ensure()
        backend.check_schema()
    digests = {} if rebuild else backend.digests(report_id(f) for f in files)
    taxonomy = instance.taxonomy()
    workers = workers or min(2, os.cpu_count() or 1)

    def count(path: str, documents: int, reason: str) -> None:
        if reason == "unchanged":
            summary.unchanged += 1
        elif reason:
            summary.skipped.append((path, reason))
        else:
            summary.reports += 1
            summary.paragraphs += documents

    def documents(results: Iterator) -> Iterator[list[dict]]:
        for path, docs, reason in progress(results, len(files)) if progress else results:
            count(path, len(docs or ()), reason)
            if docs:
                yield docs

    try:
        _start_worker(instance, taxonomy, files)
        if workers > 1 and len(files) > 1:
            target = folder or backend.link.resolve()
            done = write_parallel(target, _tasks(files, digests), _prepare, min(workers, len(files)))
            for path, n, reason in progress(done, len(files)) if progress else done:
                count(path, n, reason)
        else:
            backend.write(documents(map(_prepare, _tasks(files, digests))), folder=folder)
    except BaseException:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    if folder is not None:
        backend.swap_in(folder)
    return summary


def remove_reports(instance: Instance, targets: list[str]) -> int:
    """Delete reports from the index, given by report id or by the path they were indexed from."""
    backend = WhooshBackend(instance.home)
    ids = {t if "#" not in t else t.split("#")[0] for t in targets}
    ids |= {report_id(Path(t)) for t in targets}
    known = set(backend.digests(ids))
    to_delete = sorted(ids & known)
    if to_delete:
        backend.write([], delete=to_delete)
    return len(to_delete)
