"""The embedded engine: a whoosh index on disk, one document per paragraph, with numpy accelerators beside it.

Every whoosh-specific thing lives in this package (engine/whoosh/); callers see engine/base.py's protocols only.
One searcher per process, shared by its threads, its file reads under one lock (whoosh reads segment files by
seek + read) but not whole searches; it is opened anew after a commit or after a rebuild is swapped in
(the old one closed when the last search using it is done).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh.scoring import BM25F

from ...records import ReportInfo, StoredParagraph
from ..base import Outcome, ReadReport, Rebuild, Task
from .location import IndexLocation
from .parallel import write_in_process, write_parallel
from .stored import find_fields
from .view import WhooshView
from .writing import committing, recover


class WhooshEngine:
    """An Engine (engine/base.py) over the whoosh index of an instance folder."""

    def __init__(self, home: Path, accelerated: bool = True) -> None:
        self.location = IndexLocation(home)
        self.accelerated = accelerated  # exact matching and scoring in numpy (False: whoosh's own, the reference)
        self._lock = threading.Lock()  # guards which view is current
        self._io = threading.RLock()  # whoosh's file reads, shared by every view
        self._target: str | None = None
        self._view: WhooshView | None = None
        self._seen: int | None = None  # the index folder's modification time when last found unchanged

    def exists(self) -> bool:
        """Whether an index has been built in this home."""
        return self.location.exists()

    # -- reading --------------------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[WhooshView]:
        """The current view, kept open until the `with` block ends."""
        with self._lock:
            view = self._current()
            view.users += 1
        try:
            yield view
        finally:
            with self._lock:
                view.users -= 1
                if view.retired and not view.users:
                    view.close()

    def _current(self) -> WhooshView:
        """The view of the current index (called under `_lock`): reopened after a swap or a commit. whoosh's own
        `refresh()` keeps the readers of segments a commit left in place, with the deletions they had then, so a
        report removed by another process would still be found: a commit opens the index anew."""
        target = self.location.target()
        stamp = None
        if self._view is not None and target == self._target:
            stamp = self._stamp()
            if stamp is not None and stamp == self._seen:  # the folder unchanged since the last look
                return self._view
            with self._io:
                current = self._view.searcher.up_to_date()
            if current:
                self._seen = stamp
                return self._view
        if self._view is not None:
            self._retire(self._view)
        with self._io:
            searcher = self.location.open(read_only=True).searcher(weighting=BM25F())
        self._target, self._seen = target, stamp  # (the stamp from before the open: a later commit changes it)
        self._view = self._open_view(searcher)
        return self._view

    def _stamp(self) -> int | None:
        """The index folder's modification time (a commit adds a TOC file to it), so that a search need not list
        the folder to find nothing new; None when it changed within the last second, which a timestamp's
        granularity could hide a second change in (then whoosh's generation is looked up as before)."""
        try:
            changed = os.stat(self.location.link).st_mtime_ns
        except OSError:
            return None
        return None if time.time_ns() - changed < 1_000_000_000 else changed

    def _open_view(self, searcher) -> WhooshView:
        with self._io:
            return WhooshView(searcher, self.location.current(), self.accelerated, self._io)

    @staticmethod
    def _retire(view: WhooshView) -> None:
        view.retired = True
        if not view.users:
            view.close()

    def report_paragraphs(self, report_id: str) -> list[StoredParagraph]:
        """All paragraphs of a report, in order."""
        with self.reading() as view:
            return view.report_paragraphs(report_id)

    def paragraph(self, report_id: str, number: int) -> StoredParagraph | None:
        """Paragraph `number` of a report, or None."""
        with self.reading() as view:
            return view.find(report_id, number)

    def reports(self) -> list[ReportInfo]:
        """Every indexed report."""
        with self.reading() as view:
            return view.reports()

    def paragraph_count(self) -> int:
        """How many paragraphs are indexed."""
        with self.reading() as view:
            return view.count()

    def close(self) -> None:
        """Release the open searcher (and the segment files it holds open)."""
        with self._lock:
            if self._view is not None:
                self._retire(self._view)
                self._view = None

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: S110 - interpreter shutdown: nothing left to release
            pass

    # -- writing --------------------------------------------------------------------------------------

    def digests(self, report_ids: Iterable[str], into: Rebuild | None = None) -> dict[str, str]:
        """Map each of these report ids that is indexed → the digest of what is indexed for it."""
        if into is None and not self.exists():
            return {}
        index = self.location.open(Path(into.location) if into else None)
        with index.searcher() as searcher:
            found = {rid: find_fields(searcher, rid, 1) for rid in set(report_ids)}
        return {rid: fields["digest"] for rid, fields in found.items() if fields}

    def index(
        self, tasks: Iterable[Task], read: ReadReport, workers: int, into: Rebuild | None = None
    ) -> Iterator[Outcome]:
        """Read and write the reports of `tasks` on `workers` processes (in this one for 1); commit once."""
        if into is None:
            self.location.ensure()
            self.location.check_schema()
        folder = Path(into.location) if into else self.location.current()
        if workers > 1:
            return write_parallel(folder, tasks, read, workers)
        return write_in_process(folder, tasks, read)

    def recover(self) -> list[str]:
        """Clean up what killed runs left: a lock file of a dead run, rebuilds abandoned aside. Say what was done."""
        notes = []
        if self.exists():
            if note := recover(self.location.current()):
                notes.append(note)
        removed = self.location.clean_abandoned()
        if removed:
            notes.append(f"removed {len(removed)} unfinished rebuild(s) left by interrupted runs: {', '.join(removed)}")
        return notes

    def remove(self, report_ids: Collection[str]) -> None:
        """Delete reports by id, in one commit."""
        with committing(self.location.current()) as commit:
            commit.delete.extend(report_ids)

    def begin_rebuild(self) -> Rebuild:
        """Create an empty index aside."""
        return Rebuild(str(self.location.create_aside()))

    def finish_rebuild(self, rebuild: Rebuild) -> None:
        """Swap a rebuilt index in, atomically."""
        self.location.swap_in(Path(rebuild.location))

    def abandon_rebuild(self, rebuild: Rebuild) -> None:
        """Delete a rebuild's folder."""
        shutil.rmtree(rebuild.location, ignore_errors=True)
