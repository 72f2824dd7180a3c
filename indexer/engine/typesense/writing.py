"""An index run on the cluster: reports read and segmented on every core, their paragraphs imported in batches
under fresh numbers, then one commit (state.py); replaced reports' paragraphs deleted after it."""

from __future__ import annotations

import multiprocessing
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field

from ..base import Outcome, ReadReport, Task
from . import state as st
from .connection import Connection
from .documents import report_documents

BATCH = 500  # documents per import request

_read: ReadReport | None = None  # set before the workers fork: they inherit it


def _documents(task: Task) -> tuple[str, str, list | None, str]:
    """In a worker: (path, reason, (report id, digest, documents numbered from 0) or None)."""
    path, report, reason = _read(task)
    if report is None:
        return path, reason, None, ""
    docs = report_documents(report, 0)
    return path, "", docs, report.id


@dataclass
class Run:
    """One run's writes into a collection, from the state it began from."""

    conn: Connection
    collection: str
    next_num: int
    reports: dict[str, list]  # report id → [first, count, digest], updated as reports are written
    retired: list[list[int]] = field(default_factory=list)
    pending: list[dict] = field(default_factory=list)
    added: int = 0

    def add(self, report_id: str, docs: list[dict]) -> int:
        """Number a report's documents from the next free number and queue them; retire what it replaces."""
        first = self.next_num
        for offset, doc in enumerate(docs):
            doc["num"] = first + offset
            doc["id"] = str(first + offset)
        self.retire([report_id])
        self.reports[report_id] = [first, len(docs), docs[0]["report"]["digest"] if docs else ""]
        self.next_num += len(docs)
        self.added += len(docs)
        self.pending.extend(docs)
        if len(self.pending) >= BATCH:
            self.flush()
        return len(docs)

    def retire(self, report_ids: Collection[str]) -> None:
        """Hide these reports' current paragraphs from the next generation."""
        for report_id in report_ids:
            old = self.reports.pop(report_id, None)
            if old is not None and old[1]:
                self.retired.append([old[0], old[0] + old[1]])
                self.added -= old[1]

    def flush(self) -> None:
        """Import the queued documents (upserts by number: a retried batch writes the same documents again)."""
        if not self.pending:
            return
        batch, self.pending = self.pending, []

        def call(client):
            results = client.collections[self.collection].documents.import_(batch, {"action": "upsert"})
            failed = [r for r in results if not r.get("success")]
            if failed:
                raise ConnectionError(f"{len(failed)} of {len(batch)} documents refused: {failed[0].get('error')}")
            return results

        self.conn.write(call, f"import {len(batch)} paragraphs")


def index_run(run: Run, tasks: Iterable[Task], read: ReadReport, workers: int) -> Iterator[Outcome]:
    """Read `tasks` (on `workers` processes), queue and import their documents; yield each task's outcome."""
    global _read
    _read = read
    if workers > 1:
        pool = multiprocessing.get_context("fork").Pool(workers)
        results = pool.imap(_documents, tasks, chunksize=1)
    else:
        pool, results = None, map(_documents, tasks)
    try:
        for path, reason, docs, report_id in results:
            if docs is None:
                yield path, 0, reason
                continue
            yield path, run.add(report_id, docs), ""
        run.flush()
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()


def finish(run: Run, begun: st.State | None, into_current: bool) -> st.State:
    """Commit a run on the current collection: report table, then state, then the replaced paragraphs deleted."""
    generation = (begun.generation if begun else 0) + 1
    st.write_reports(run.conn, f"reports-{generation}", generation, run.reports)
    documents = (begun.documents if begun else 0) + run.added
    retired = (begun.retired if begun else []) + run.retired
    new = st.State(generation, run.collection, run.next_num, documents, retired)
    st.commit(run.conn, new, begun.generation if begun else None)
    if begun is not None:
        st.delete_doc(run.conn, f"reports-{begun.generation}")
    if into_current:
        sweep(run.conn, new)
    return new


def sweep(conn: Connection, state: st.State) -> st.State:
    """Delete the retired ranges and what no commit made visible, then record that nothing is retired."""
    for first, end in state.retired:
        st.delete_numbers(conn, state.collection, first, end)
    st.delete_numbers(conn, state.collection, state.next_num)
    if not state.retired:
        return state
    swept = st.State(state.generation, state.collection, state.next_num, state.documents, [])
    found = st.read_state(conn, latest=True)
    if found is not None and found.generation == state.generation:
        conn.write(lambda c: c.collections[st.STATE].documents.upsert(swept.to_doc()), "record the sweep")
    return swept
