"""The scale-out engine: paragraphs in a Typesense cluster (Raft-replicated: every node holds them all, any node
answers, a lost node's reads go to the others), committed generations (state.py), a mirror per generation in each
reading process (mirror.py). Chosen by GOVSEARCH_ENGINE=typesense (or GOVSEARCH_BACKEND); nodes and key from
GOVSEARCH_TYPESENSE_NODES and GOVSEARCH_TYPESENSE_API_KEY (config.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ...errors import IndexMissing
from ...records import ReportInfo, StoredParagraph
from ..base import Outcome, ReadReport, Rebuild, Task
from . import state as st
from .config import ClusterSettings
from .connection import Connection, connection_for
from .mirror import Mirror, load_mirror
from .view import TypesenseView
from .writing import Run, finish, index_run, sweep


class TypesenseEngine:
    """An Engine (engine/base.py) over a Typesense cluster."""

    def __init__(self, home: Path, accelerated: bool = True, settings: ClusterSettings | None = None) -> None:
        self.home = home
        self.conn = connection_for(settings or ClusterSettings.from_environment())
        self._mirror: Mirror | None = None
        self._loading = threading.Lock()

    def exists(self) -> bool:
        """Whether anything was ever committed to the cluster."""
        return st.read_state(self.conn) is not None

    # -- reading --------------------------------------------------------------------------------------

    def _current(self) -> Mirror:
        state = st.read_state(self.conn)
        if state is None:
            raise IndexMissing("nothing has been indexed on the search cluster yet: run `govsearch index`")
        mirror = self._mirror
        if mirror is None or mirror.state.generation != state.generation:
            with self._loading:  # one export per generation, however many requests arrive meanwhile
                mirror = self._mirror
                if mirror is None or mirror.state.generation != state.generation:
                    mirror = self._mirror = load_mirror(self.conn, state)
        return mirror

    @contextmanager
    def reading(self) -> Iterator[TypesenseView]:
        """The view of the committed generation (its mirror exported once, when it is new)."""
        yield TypesenseView(self.conn, self._current())

    def report_paragraphs(self, report_id: str) -> list[StoredParagraph]:
        """All paragraphs of a report, in order."""
        mirror = self._current()
        nums = mirror.facet_arrays["report"].get(report_id, ())
        return sorted((mirror.paragraph(int(n)) for n in nums), key=lambda p: p.number)

    def paragraph(self, report_id: str, number: int) -> StoredParagraph | None:
        """Paragraph `number` of a report, or None."""
        return next((p for p in self.report_paragraphs(report_id) if p.number == number), None)

    def reports(self) -> list[ReportInfo]:
        """Every indexed report."""
        return list(self._current().reports.values())

    def paragraph_count(self) -> int:
        """How many paragraphs are indexed."""
        state = st.read_state(self.conn)
        return state.documents if state else 0

    def close(self) -> None:
        """Drop the mirror."""
        self._mirror = None

    # -- writing --------------------------------------------------------------------------------------

    def _table(self, into: Rebuild | None) -> tuple[st.State | None, dict[str, list], int]:
        """(the committed state, the report table, the next free number) a run writes from."""
        if into is not None:
            doc = st.read_reports(self.conn, None, _rebuild_doc(into))
            return None, doc.get("reports", {}), int(doc.get("next_num", 0))
        begun = st.read_state(self.conn, latest=True)
        return begun, st.read_reports(self.conn, begun), begun.next_num if begun else 0

    def digests(self, report_ids: Iterable[str], into: Rebuild | None = None) -> dict[str, str]:
        """Indexed report id → digest, for these ids."""
        reports = self._table(into)[1]
        return {rid: reports[rid][2] for rid in set(report_ids) if rid in reports}

    def index(
        self, tasks: Iterable[Task], read: ReadReport, workers: int, into: Rebuild | None = None
    ) -> Iterator[Outcome]:
        """Read, import and commit the reports of `tasks` (a rebuild's are committed by finish_rebuild)."""
        st.ensure_state_collection(self.conn)
        begun, reports, next_num = self._table(into)
        collection = into.location if into else begun.collection if begun else f"{st.PARAGRAPHS}1"
        if into is None and begun is None:
            st.create_paragraphs(self.conn, collection)
        run = Run(self.conn, collection, next_num, dict(reports))
        yield from index_run(run, tasks, read, workers)
        if into is not None:
            _save_rebuild(self.conn, into, run.reports, run.next_num)
        else:
            finish(run, begun, into_current=True)

    def remove(self, report_ids: Collection[str]) -> None:
        """Delete reports by id, in one commit."""
        begun, reports, next_num = self._table(None)
        if begun is None:
            return
        run = Run(self.conn, begun.collection, next_num, dict(reports))
        run.retire(report_ids)
        finish(run, begun, into_current=True)

    def recover(self) -> list[str]:
        """Delete what interrupted runs left: paragraphs no commit made visible, retired ranges, rebuilds."""
        begun = st.read_state(self.conn, latest=True)
        notes = []
        if begun is None:  # nothing committed yet: a collection there may be a first run's, never guess
            return notes
        if begun is not None:
            stray = self.conn.read(lambda c: _count(c, begun.collection, f"num:>={begun.next_num}"), "count")
            if stray or begun.retired:
                sweep(self.conn, begun)
                notes.append(f"deleted {stray} paragraph(s) an interrupted run left uncommitted on the cluster")
        names = self.conn.read(lambda c: [x["name"] for x in c.collections.retrieve()], "list collections")
        for name in names:
            if name.startswith(st.PARAGRAPHS) and name != begun.collection:
                st.drop_collection(self.conn, name)
                st.delete_doc(self.conn, _rebuild_doc(Rebuild(name)))
                notes.append(f"removed the unfinished rebuild {name} left by an interrupted run")
        return notes

    def begin_rebuild(self) -> Rebuild:
        """An empty paragraph collection aside."""
        st.ensure_state_collection(self.conn)
        rebuild = Rebuild(f"{st.PARAGRAPHS}{time.time_ns()}")
        st.create_paragraphs(self.conn, rebuild.location)
        _save_rebuild(self.conn, rebuild, {}, 0)
        return rebuild

    def finish_rebuild(self, rebuild: Rebuild) -> None:
        """Point the state at the rebuilt collection (one write), then drop the old one."""
        begun = st.read_state(self.conn, latest=True)
        doc = st.read_reports(self.conn, None, _rebuild_doc(rebuild))
        reports = doc.get("reports", {})
        generation = (begun.generation if begun else 0) + 1
        st.write_reports(self.conn, f"reports-{generation}", generation, reports)
        documents = sum(r[1] for r in reports.values())
        new = st.State(generation, rebuild.location, int(doc.get("next_num", 0)), documents, [])
        st.commit(self.conn, new, begun.generation if begun else None)
        if begun is not None:
            st.drop_collection(self.conn, begun.collection)
            st.delete_doc(self.conn, f"reports-{begun.generation}")
        st.delete_doc(self.conn, _rebuild_doc(rebuild))

    def abandon_rebuild(self, rebuild: Rebuild) -> None:
        """Drop a rebuild's collection."""
        st.drop_collection(self.conn, rebuild.location)
        st.delete_doc(self.conn, _rebuild_doc(rebuild))


def _rebuild_doc(rebuild: Rebuild) -> str:
    return f"rebuild-{rebuild.location}"


def _save_rebuild(conn: Connection, rebuild: Rebuild, reports: dict, next_num: int) -> None:
    """A rebuild's report table and next number, kept until finish_rebuild commits them."""
    table = {"reports": reports, "next_num": next_num}
    st.write_reports(conn, _rebuild_doc(rebuild), 0, table)


def _count(client, collection: str, condition: str) -> int:
    answer = client.collections[collection].documents.search(
        {"q": "*", "query_by": "chars", "filter_by": condition, "per_page": 0}
    )
    return int(answer["found"])
