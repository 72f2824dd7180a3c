"""Saved searches in SQLite: the question (query + filters), and which paragraphs its owner has seen.

One file per instance (`<home>/saved.sqlite`), shared by the web app and the CLI (cron): WAL journal so
readers never wait for a writer, a busy timeout so two writers queue instead of failing, and every change
in one transaction. The schema is versioned with `PRAGMA user_version`; `MIGRATIONS` upgrades older files.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

NAME_LIMIT = 100

# MIGRATIONS[n] turns a version-n file into version n+1; append, never edit.
MIGRATIONS = [
    """
    CREATE TABLE saved_search (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        query TEXT NOT NULL,
        filters TEXT NOT NULL DEFAULT '{}',  -- JSON: facet -> [values]
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE TABLE seen (
        search_id INTEGER NOT NULL REFERENCES saved_search(id) ON DELETE CASCADE,
        passage TEXT NOT NULL,  -- passage key of a hit (indexer.records.passage_key)
        seen_at TEXT NOT NULL,
        PRIMARY KEY (search_id, passage)
    ) WITHOUT ROWID;
    """,
    # ids are never reused (a bookmark or a feed subscription of a deleted search must not show another one):
    # the highest id ever given, kept apart from the table
    """
    CREATE TABLE last_id (value INTEGER NOT NULL);
    INSERT INTO last_id SELECT COALESCE(MAX(id), 0) FROM saved_search;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


class SavedError(ValueError):
    """A saved-search request that cannot be carried out; the message says why and what to do, in English (str,
    for the CLI and scripts) and in Chinese (`zh`, what the web pages show)."""

    def __init__(self, message: str, zh: str = "") -> None:
        super().__init__(message)
        self.zh = zh or message


@dataclass(frozen=True)
class SavedSearch:
    """A saved question: its name, query and filters."""

    id: int
    name: str
    query: str
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    created: str = ""
    updated: str = ""

    def to_dict(self) -> dict:
        """The saved search as plain JSON-ready data."""
        return {
            "id": self.id,
            "name": self.name,
            "query": self.query,
            "filters": {k: list(v) for k, v in self.filters.items()},
            "created": self.created,
            "updated": self.updated,
        }


def clean_name(name: str) -> str:
    """A saved search's name, trimmed; SavedError when empty or too long."""
    name = " ".join((name or "").split())
    if not name:
        raise SavedError("a saved search needs a name", "请给检索起个名称")
    if len(name) > NAME_LIMIT:
        raise SavedError(
            f"a name can be at most {NAME_LIMIT} characters (this one has {len(name)})",
            f"名称最多 {NAME_LIMIT} 个字（现在有 {len(name)} 个）",
        )
    return name


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _row(row: sqlite3.Row) -> SavedSearch:
    filters = {k: tuple(v) for k, v in json.loads(row["filters"]).items() if v}
    return SavedSearch(row["id"], row["name"], row["query"], filters, row["created"], row["updated"])


class SavedStore:
    """The saved searches of one instance."""

    def __init__(self, path: Path, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self._migrate()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection in one transaction (BEGIN IMMEDIATE: writers queue up front), committed or rolled back."""
        conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def _migrate(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        with self._connect() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise SavedError(
                    f"{self.path} was written by a newer govsearch (schema {version}, this one knows "
                    f"{SCHEMA_VERSION}); upgrade govsearch to use it"
                )
            for step in MIGRATIONS[version:]:
                for statement in step.split(";"):
                    if statement.strip():
                        conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- saved searches -------------------------------------------------------------------------------

    def all(self) -> list[SavedSearch]:
        """Every saved search, by name."""
        with self._connect() as conn:
            return [_row(r) for r in conn.execute("SELECT * FROM saved_search ORDER BY name")]

    def get(self, ref: str | int) -> SavedSearch:
        """A saved search by id or name; SavedError when there is none."""
        with self._connect() as conn:
            row = None
            if isinstance(ref, int) or str(ref).isdigit():
                row = conn.execute("SELECT * FROM saved_search WHERE id = ?", (int(ref),)).fetchone()
            if row is None:
                row = conn.execute("SELECT * FROM saved_search WHERE name = ?", (str(ref).strip(),)).fetchone()
        if row is None:
            raise SavedError(
                f"no saved search {str(ref)!r}; `govsearch saved list` shows them",
                f"没有编号或名称为“{ref}”的已保存检索",
            )
        return _row(row)

    def add(self, name: str, query: str, filters: dict[str, tuple[str, ...]], seen: Iterable[str] = ()) -> SavedSearch:
        """Save a search with the passages it already has (they count as seen); SavedError on a taken name."""
        name = clean_name(name)
        now = _now()
        with self._connect() as conn:
            try:
                (search_id,) = conn.execute("UPDATE last_id SET value = value + 1 RETURNING value").fetchone()
                conn.execute(
                    "INSERT INTO saved_search (id, name, query, filters, created, updated) VALUES (?, ?, ?, ?, ?, ?)",
                    (search_id, name, query, _filters_json(filters), now, now),
                )
            except sqlite3.IntegrityError as exc:
                raise SavedError(
                    f"a saved search named “{name}” already exists; choose another name",
                    f"已经有名为「{name}」的检索，请换一个名称",
                ) from exc
            _mark(conn, search_id, seen, now)
        return self.get(search_id)

    def update(
        self,
        ref: str | int,
        name: str | None = None,
        query: str | None = None,
        filters: dict[str, tuple[str, ...]] | None = None,
        seen: Iterable[str] = (),
    ) -> SavedSearch:
        """Rename a saved search and/or change its question; `seen` passages are marked seen."""
        current = self.get(ref)
        new_name = clean_name(name) if name is not None else current.name
        now = _now()
        with self._connect() as conn:
            try:
                conn.execute(
                    "UPDATE saved_search SET name = ?, query = ?, filters = ?, updated = ? WHERE id = ?",
                    (
                        new_name,
                        current.query if query is None else query,
                        _filters_json(current.filters if filters is None else filters),
                        now,
                        current.id,
                    ),
                )
            except sqlite3.IntegrityError as exc:
                raise SavedError(
                    f"a saved search named “{new_name}” already exists; choose another name",
                    f"已经有名为「{new_name}」的检索，请换一个名称",
                ) from exc
            _mark(conn, current.id, seen, now)
        return self.get(current.id)

    def remove(self, ref: str | int) -> SavedSearch:
        """Delete a saved search and what it has seen; return what was deleted."""
        current = self.get(ref)
        with self._connect() as conn:
            conn.execute("DELETE FROM saved_search WHERE id = ?", (current.id,))
        return current

    # -- seen passages --------------------------------------------------------------------------------

    def seen(self, ref: str | int) -> set[str]:
        """The passage keys a saved search's owner has seen."""
        search_id = self.get(ref).id
        with self._connect() as conn:
            return {r[0] for r in conn.execute("SELECT passage FROM seen WHERE search_id = ?", (search_id,))}

    def mark_seen(self, ref: str | int, passages: Iterable[str]) -> int:
        """Mark passages seen for a saved search; return how many were not seen before."""
        search_id = self.get(ref).id
        with self._connect() as conn:
            return _mark(conn, search_id, passages, _now())

    # -- moving to another machine --------------------------------------------------------------------

    def export(self) -> dict:
        """Every saved search with its seen passages, as JSON-ready data (`import_` reads it back)."""
        searches = self.all()
        with self._connect() as conn:
            seen: dict[int, list[str]] = {}
            for search_id, passage in conn.execute("SELECT search_id, passage FROM seen ORDER BY search_id, passage"):
                seen.setdefault(search_id, []).append(passage)
        return {
            "govsearch_saved_searches": SCHEMA_VERSION,
            "exported": _now(),
            "saved": [
                {k: v for k, v in s.to_dict().items() if k != "id"} | {"seen": seen.get(s.id, [])} for s in searches
            ],
        }


def _filters_json(filters: dict[str, tuple[str, ...]]) -> str:
    return json.dumps({k: list(v) for k, v in sorted(filters.items()) if v}, ensure_ascii=False)


def _mark(conn: sqlite3.Connection, search_id: int, passages: Iterable[str], now: str) -> int:
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO seen (search_id, passage, seen_at) VALUES (?, ?, ?)",
        ((search_id, p, now) for p in passages),
    )
    return conn.total_changes - before
