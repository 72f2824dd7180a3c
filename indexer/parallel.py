"""Index on every core: each worker process reads, segments and writes its share of the files as whoosh segments
of its own (see SegmentSeries); the parent, which holds the index lock throughout, then deletes the
replaced reports and commits all new segments in one TOC write. Until that write nothing is visible, so a failed
run leaves the index as it was.
"""

from __future__ import annotations

import gc
import multiprocessing
import queue
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from whoosh import index as whoosh_index

from .segment_writer import SegmentSeries, commit_segments, lock_index

Prepare = Callable[[object], tuple[str, list[dict] | None, str]]


def _worker(folder: str, prepare: Prepare, tasks, results) -> None:
    """Write the documents of every task taken off `tasks` into new segments; report each file, then the segments."""
    gc.freeze()  # what the worker inherits (jieba's dictionary and tables, the taxonomy) is never garbage
    gc.set_threshold(20_000, 50, 100)  # documents come and go by the thousand, with few cycles: collect less often
    writer = SegmentSeries(whoosh_index.open_dir(folder), Path(folder))
    try:
        while (task := tasks.get()) is not None:
            path, docs, reason = prepare(task)
            for doc in docs or ():
                writer.add_document(doc)
            report = docs[0]["report_id"] if docs else None
            results.put(("file", (path, len(docs) if docs else 0, reason, report)))
        # the temporary folder is shared with the other writers: the parent's commit removes it
        results.put(("segments", writer.finish()))
    except BaseException as exc:
        writer.cancel()
        results.put(("error", f"{type(exc).__name__}: {exc}"))
        raise


def write_parallel(
    folder: Path,
    tasks: Iterable[object],
    prepare: Prepare,
    workers: int,
    delete: Iterable[str] = (),
) -> Iterator[tuple[str, int, str]]:
    """Index `tasks` with `workers` processes; yield (path, documents, reason) per file as they finish; commit at
    the end, replacing the reports that were written and deleting those in `delete`."""
    writer = lock_index(whoosh_index.open_dir(folder), folder)
    context = multiprocessing.get_context("fork")
    task_queue, results = context.Queue(), context.Queue()
    processes = [
        context.Process(target=_worker, args=(str(folder), prepare, task_queue, results), daemon=True)
        for _ in range(workers)
    ]
    try:
        for process in processes:
            process.start()
        count = 0
        for task in tasks:
            task_queue.put(task)
            count += 1
        for _ in processes:
            task_queue.put(None)
        written: list[str] = []
        segments = []
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
                segments.extend(payload)
                continue
            path, documents, reason, report = payload
            count -= 1
            if report:
                written.append(report)
            yield path, documents, reason
        for process in processes:
            process.join()
        commit_segments(writer, segments, (*written, *delete))
    except BaseException:
        for process in processes:
            if process.is_alive():
                process.terminate()
        writer.cancel()
        raise
