"""One commit per indexing run: hold whoosh's index lock while new segments are written (in this process or in
workers), then delete the replaced reports and add every new segment in one TOC write, or give it all up."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.writing import MERGE_SMALL

from ...errors import IndexBusy
from ..processes import alive

HOLDER = ".govsearch-writer"  # in the index folder while a run holds the lock: its process id (a leading dot:
# whoosh's clean-up leaves it alone); still there with a dead process id, the run was killed


def holder_of(folder: Path) -> int | None:
    """The process id of the run holding (or last holding, if it was killed) the index lock, if known."""
    try:
        return int((Path(folder) / HOLDER).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


@dataclass
class Commit:
    """What a run adds and deletes; committed when its `with committing(...)` block ends without an error."""

    index: object
    folder: Path
    writer: object  # whoosh's writer, held for its lock
    segments: list = field(default_factory=list)  # finished new segments
    delete: list[str] = field(default_factory=list)  # report ids whose old paragraphs go


@contextmanager
def committing(folder: Path) -> Iterator[Commit]:
    """Lock the index in `folder` for a run; commit what the run collected, or cancel on any error (the caller
    deletes the segments it wrote). IndexBusy when another process holds the lock."""
    index = whoosh_index.open_dir(folder)
    try:
        writer = index.writer()
    except LockError as exc:
        pid = holder_of(folder)
        who = f" (process {pid})" if pid and alive(pid) else ""
        raise IndexBusy(f"another govsearch process{who} is writing to {folder}; wait for it to finish") from exc
    holder = Path(folder) / HOLDER
    holder.write_text(str(os.getpid()), encoding="ascii")
    commit = Commit(index, Path(folder), writer)

    def merge(writer, segments):  # whoosh merges small old segments, as its own commit does; ours join them
        return MERGE_SMALL(writer, segments) + commit.segments

    try:
        yield commit
        for report in commit.delete:
            writer.delete_by_term("report_id", report)
        holder.unlink(missing_ok=True)
        writer.commit(mergetype=merge)
    except BaseException:
        holder.unlink(missing_ok=True)
        if not writer.is_closed:
            writer.cancel()
        raise


def recover(folder: Path) -> str:
    """When the index in `folder` was last locked by a run that was killed: take the lock over and say so (what
    that run had not committed was never visible; whoosh deletes its files at the next commit). "" otherwise."""
    pid = holder_of(folder)
    if pid is None or alive(pid):
        return ""
    try:
        writer = whoosh_index.open_dir(folder).writer()
    except LockError:
        return ""  # held after all: a live run (process ids are reused)
    try:
        (Path(folder) / HOLDER).unlink(missing_ok=True)
    finally:
        writer.cancel()
    return f"the indexing run of process {pid} was interrupted before it finished; its unfinished work was discarded"
