"""Index in one commit, in this process or on every core: each worker process reads, segments and writes its
share of the reports as whoosh segments of its own (see SegmentSeries); the parent, which holds the index lock
throughout, then deletes the replaced reports and commits all new segments in one TOC write. Until that write
nothing is visible, so a failed run leaves the index as it was.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import queue
import signal
from collections.abc import Iterable, Iterator
from pathlib import Path

from whoosh import index as whoosh_index

from ..base import Outcome, ReadReport, Task
from .documents import report_documents
from .segment_writer import SegmentSeries
from .w3 import drop_inherited_lock
from .writing import committing

PR_SET_PDEATHSIG = 1  # prctl(2)
# mallopt(3): a worker's big arrays (a segment's postings, sorted, and their encodings) come and go by the hundred
# megabytes; glibc's default maps each one anew and returns it when freed, so every byte is faulted in and zeroed
# by the kernel again (a tenth of indexing's CPU time). Kept in the heap instead, freed memory is reused.
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
KEEP_FREED = ((M_TRIM_THRESHOLD, 1 << 30), (M_TOP_PAD, 64 << 20))
MMAP_THRESHOLDS = (1 << 30, 32 << 20)  # the first glibc takes (older ones cap it at 32 MiB)


def write_task(series: SegmentSeries, task: Task, read: ReadReport) -> tuple[Outcome, str | None]:
    """Read one task's report and add its documents to `series`; (its outcome, the report id written or None)."""
    path, report, reason = read(task)
    if report is None:
        return (path, 0, reason), None
    docs = report_documents(report)
    for doc in docs:
        series.add_document(doc)
    return (path, len(docs), ""), report.id


def write_in_process(folder: Path, tasks: Iterable[Task], read: ReadReport) -> Iterator[Outcome]:
    """Index `tasks` in this process; yield each task's outcome; commit at the end."""
    with committing(folder) as commit:
        series = SegmentSeries(commit.index, folder)
        try:
            for task in tasks:
                outcome, written = write_task(series, task, read)
                if written:
                    commit.delete.append(written)
                yield outcome
            commit.segments.extend(series.finish())
        except BaseException:
            series.cancel()
            raise


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this (forked) process when its parent dies (Linux's PR_SET_PDEATHSIG); exit now if
    the parent is already gone."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the parent's queue closing ends the worker instead
        pass
    if os.getppid() != parent:
        os._exit(1)


def keep_freed_memory() -> None:
    """Have glibc's malloc keep big freed blocks for reuse rather than give them back (see KEEP_FREED); nothing
    where there is no glibc."""
    try:
        libc = ctypes.CDLL(None)
        for option, value in KEEP_FREED:
            libc.mallopt(option, value)
        any(libc.mallopt(M_MMAP_THRESHOLD, value) for value in MMAP_THRESHOLDS)
    except (OSError, AttributeError):
        pass


def _worker(folder: str, read: ReadReport, tasks, results, writer, parent: int) -> None:
    """Write the reports of every task taken off `tasks` into new segments; report each task, then the segments.
    The worker dies with its parent and never holds the index lock (it closes its inherited copy)."""
    die_with_parent(parent)
    keep_freed_memory()
    drop_inherited_lock(writer)
    gc.freeze()  # what the worker inherits (jieba's dictionary and tables, the taxonomy) is never garbage
    gc.set_threshold(20_000, 50, 100)  # documents come and go by the thousand, with few cycles: collect less often
    series = SegmentSeries(whoosh_index.open_dir(folder), Path(folder))
    try:
        while (task := tasks.get()) is not None:
            results.put(("task", write_task(series, task, read)))
        # the temporary folder is shared with the other writers: the parent's commit removes it
        results.put(("segments", series.finish()))
    except BaseException as exc:
        series.cancel()
        results.put(("error", f"{type(exc).__name__}: {exc}"))
        raise


def write_parallel(folder: Path, tasks: Iterable[Task], read: ReadReport, workers: int) -> Iterator[Outcome]:
    """Index `tasks` with `workers` processes; yield each task's outcome as it finishes; commit at the end,
    replacing the reports that were written."""
    context = multiprocessing.get_context("fork")
    task_queue, results = context.Queue(), context.Queue()
    with committing(folder) as commit:
        worker_args = (str(folder), read, task_queue, results, commit.writer, os.getpid())
        processes = [context.Process(target=_worker, args=worker_args, daemon=True) for _ in range(workers)]
        try:
            for process in processes:
                process.start()
            count = 0
            for task in tasks:
                task_queue.put(task)
                count += 1
            for _ in processes:
                task_queue.put(None)
            finished = 0
            while finished < len(processes) or count:
                try:
                    kind, payload = results.get(timeout=5)
                except queue.Empty:
                    if any(p.exitcode not in (None, 0) for p in processes):
                        raise RuntimeError("an indexing worker died; nothing was committed") from None
                    continue
                if kind == "error":
                    raise RuntimeError(f"an indexing worker failed ({payload}); nothing was committed")
                if kind == "segments":
                    finished += 1
                    commit.segments.extend(payload)
                    continue
                outcome, written = payload
                count -= 1
                if written:
                    commit.delete.append(written)
                yield outcome
            for process in processes:
                process.join()
        except BaseException:
            for process in processes:
                if process.is_alive():
                    process.terminate()
            raise
