"""What is committed: one small document (`govsearch_state/current`) names the paragraph collection readers use,
the generation, the next paragraph number, how many documents are live and which number ranges are retired; a
second (`reports-<generation>`) maps each report id to its number range and digest.

A run writes its paragraphs under fresh numbers (invisible: at or above the committed `next_num`), then writes the
report table of the next generation, then `current` — the one write that makes the run visible — and only then
deletes the documents it replaced (their ranges are retired until that is done). A run that dies before that
write changes nothing readers see; `recover` deletes what it left.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace

from typesense import exceptions as ts_errors

from .connection import Connection, Incomplete
from .documents import SCHEMA_FIELDS

STATE = "govsearch_state"
CURRENT = "current"
PARAGRAPHS = "govsearch_p"  # paragraph collections are this prefix and a generation


@dataclass(frozen=True)
class State:
    """One committed generation of the index."""

    generation: int
    collection: str
    next_num: int = 0
    documents: int = 0  # live paragraphs
    retired: list[list[int]] = field(default_factory=list)  # [first, end) ranges still to delete

    def live(self, num: int) -> bool:
        """Whether a paragraph number is visible in this generation."""
        return num < self.next_num and not any(a <= num < b for a, b in self.retired)

    def to_doc(self) -> dict:
        """As the state collection's `current` document."""
        return {"id": CURRENT, **asdict(self), "retired": json.dumps(self.retired)}

    @classmethod
    def of_doc(cls, doc: dict) -> State:
        """From the `current` document."""
        return cls(
            generation=int(doc["generation"]),
            collection=doc["collection"],
            next_num=int(doc["next_num"]),
            documents=int(doc["documents"]),
            retired=json.loads(doc.get("retired") or "[]"),
        )

    def advanced(self, **changes) -> State:
        """The next generation, with these changes."""
        return replace(self, generation=self.generation + 1, **changes)


def _ensure_collection(conn: Connection, name: str, fields: list[dict]) -> None:
    def create(client):
        try:
            client.collections.create({"name": name, "fields": fields})
        except ts_errors.ObjectAlreadyExists:
            pass

    conn.write(create, f"create the collection {name}")


def ensure_state_collection(conn: Connection) -> None:
    """The state collection, created when the cluster has none."""
    _ensure_collection(conn, STATE, [{"name": "generation", "type": "int32"}])


def create_paragraphs(conn: Connection, name: str) -> None:
    """An empty paragraph collection."""
    _ensure_collection(conn, name, SCHEMA_FIELDS)


def drop_collection(conn: Connection, name: str) -> None:
    """Delete a collection (none: nothing to do)."""

    def drop(client):
        try:
            client.collections[name].delete()
        except ts_errors.ObjectNotFound:
            pass

    conn.write(drop, f"delete the collection {name}")


def _get(client, doc_id: str) -> dict | None:
    try:
        return client.collections[STATE].documents[doc_id].retrieve()
    except ts_errors.ObjectNotFound:
        return None


def read_state(conn: Connection, latest: bool = False) -> State | None:
    """The committed state, or None when nothing was ever indexed on this cluster; `latest`: as the leader has
    it (what a writer must start from), else from any node (a reader's snapshot may be a moment old)."""

    def call(client):
        doc = _get(client, CURRENT)
        return State.of_doc(doc) if doc else None

    if latest:
        return conn.leader_read(call, "read the index state")
    return conn.read(call, "read the index state")


def read_reports(conn: Connection, state: State | None, doc_id: str | None = None) -> dict[str, list]:
    """report id → [first number, paragraphs, digest] of a generation (or of the named document)."""
    if state is None and doc_id is None:
        return {}
    name = doc_id or f"reports-{state.generation}"

    def call(client):
        doc = _get(client, name)
        if doc is None and doc_id is None:
            raise Incomplete(f"has no {name} yet")
        return json.loads(doc["reports"]) if doc else {}

    return conn.leader_read(call, "read the report table")


def write_reports(conn: Connection, doc_id: str, generation: int, reports: dict[str, list]) -> None:
    """Write a report table (before the state that points at it)."""
    doc = {"id": doc_id, "generation": generation, "reports": json.dumps(reports, ensure_ascii=False)}
    conn.write(lambda c: c.collections[STATE].documents.upsert(doc), "write the report table")


def commit(conn: Connection, state: State, expected: int | None) -> None:
    """Make `state` current: the write that makes a run visible. IndexBusy-like ClusterError when another run
    committed since this one began (`expected`: the generation it began from)."""
    from ...errors import IndexBusy

    found = read_state(conn, latest=True)
    if (found.generation if found else None) != expected:
        raise IndexBusy(
            "another run committed to the cluster while this one was writing; nothing of this run is visible: "
            "run it again"
        )
    conn.write(lambda c: c.collections[STATE].documents.upsert(state.to_doc()), "commit the index state")


def delete_numbers(conn: Connection, collection: str, first: int, end: int | None = None) -> None:
    """Delete a collection's documents numbered [first, end) (or from `first` on)."""
    condition = f"num:>={first}" if end is None else f"num:[{first}..{end - 1}]"
    if end is not None and end <= first:
        return
    conn.write(
        lambda c: c.collections[collection].documents.delete({"filter_by": condition, "batch_size": 1000}),
        f"delete paragraphs {condition} of {collection}",
    )


def delete_doc(conn: Connection, doc_id: str) -> None:
    """Delete a document of the state collection (none: nothing to do)."""

    def call(client):
        try:
            client.collections[STATE].documents[doc_id].delete()
        except ts_errors.ObjectNotFound:
            pass

    conn.write(call, f"delete {doc_id}")
