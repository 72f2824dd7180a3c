"""One commit per indexing run: hold whoosh's index lock while new segments are written (in this process or in
workers), then delete the replaced reports and add every new segment in one TOC write, or give it all up."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.writing import MERGE_SMALL

from ...errors import IndexBusy


@dataclass
class Commit:
    """What a run adds and deletes; committed when its `with committing(...)` block ends without an error."""

    index: object
    folder: Path
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
        raise IndexBusy(f"another govsearch process is writing to {folder}; wait for it to finish") from exc
    commit = Commit(index, Path(folder))

    def merge(writer, segments):  # whoosh merges small old segments, as its own commit does; ours join them
        return MERGE_SMALL(writer, segments) + commit.segments

    try:
        yield commit
        for report in commit.delete:
            writer.delete_by_term("report_id", report)
        writer.commit(mergetype=merge)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
