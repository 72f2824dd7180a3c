"""The embedded search backend: a whoosh index on disk, one document per paragraph.

Everything whoosh-specific lives here and in schema.py; callers see SearchBackend's methods only.
The index directory `<home>/index` is a symbolic link to a folder under `<home>/indexes/`, so a full
rebuild is written aside and swapped in with one atomic rename: readers never see a half-built index.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import uuid
from collections.abc import Collection, Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.query import And as WAnd
from whoosh.query import AndMaybe, NullQuery, Or, Phrase, Query, Term
from whoosh.query import Not as WNot
from whoosh.scoring import BM25F

from analyzers import char_tokens, words

from . import query as q
from .errors import IndexBusy, IndexMissing, QueryError
from .facets import FacetSets, resolve_filters
from .highlight import mark, match_spans, snippet
from .results import FacetValue, Hit, SearchRequest, SearchResult, passage_key
from .schema import make_schema

SECTION_SEPARATOR = " › "
FIELD_BOOSTS = {"body": 1.0, "section": 1.5, "title": 0.5}
CHARS_BOOST = 0.3


def _text_query(text: str) -> Query:
    """Exact characters must match; jieba words of the text rank the hit."""
    chars = [t.text for t in char_tokens(text)]
    if not chars:
        raise QueryError(f"“{text}” has nothing to search for (only punctuation): use words or numbers")
    required = (
        Term("chars", chars[0], boost=CHARS_BOOST) if len(chars) == 1 else Phrase("chars", chars, boost=CHARS_BOOST)
    )
    ranking = [Term(field, w, boost=boost) for w in words(text) for field, boost in FIELD_BOOSTS.items()]
    return AndMaybe(required, Or(ranking)) if ranking else required


def _key_of(fields: dict) -> str:
    """The passage key of a stored paragraph, the same as its Hit.key."""
    year = int(fields["year"]) if fields.get("year") else None
    return passage_key(fields["report_title"], fields.get("region_path", []), year, fields["text"])


class WhooshBackend:
    """Add, replace and delete reports' paragraphs; search them with filters, facets and highlights."""

    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        self.link = self.home / "index"
        self._lock = threading.Lock()
        self._target: str | None = None
        self._index = None
        self._searcher = None
        self._facets: FacetSets | None = None

    # -- location -------------------------------------------------------------------------------------

    def exists(self) -> bool:
        """Whether an index has been built in this home."""
        return self.link.exists() and whoosh_index.exists_in(self.link)

    def create_aside(self) -> Path:
        """Create an empty index in a new folder beside the current one; return that folder."""
        folder = self.home / "indexes" / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
        folder.mkdir(parents=True)
        whoosh_index.create_in(folder, make_schema())
        return folder

    def swap_in(self, folder: Path) -> None:
        """Make `folder` the current index atomically, then remove the previous one."""
        previous = self.link.resolve() if self.link.is_symlink() else None
        temporary = self.home / f".index-{os.getpid()}"
        if temporary.is_symlink():
            temporary.unlink()
        temporary.symlink_to(folder.relative_to(self.home))
        os.replace(temporary, self.link)
        if previous and previous != folder.resolve() and previous.is_dir():
            shutil.rmtree(previous, ignore_errors=True)

    def ensure(self) -> None:
        """Create an empty index when there is none."""
        self.home.mkdir(parents=True, exist_ok=True)
        if not self.exists():
            self.swap_in(self.create_aside())

    def _open(self, folder: Path | None = None):
        if folder is not None:
            return whoosh_index.open_dir(folder)
        if not self.exists():
            raise IndexMissing(f"no index in {self.home}. Run `govsearch index` first.")
        return whoosh_index.open_dir(self.link)

    # -- writing --------------------------------------------------------------------------------------

    def digests(self, folder: Path | None = None) -> dict[str, str]:
        """Map report id → digest of what is indexed for it."""
        index = self._open(folder)
        with index.searcher() as searcher:
            return {
                fields["report_id"]: fields["digest"]
                for fields in searcher.all_stored_fields()
                if fields.get("number") == 1
            }

    def write(self, batches: Iterable[list[dict]], delete: Iterable[str] = (), folder: Path | None = None) -> int:
        """Replace the reports whose documents come in `batches`, delete reports by id; commit once."""
        index = self._open(folder)
        try:
            writer = index.writer(limitmb=256)
        except LockError as exc:
            raise IndexBusy(f"another govsearch process is writing to {self.home}; wait for it to finish") from exc
        written = 0
        try:
            for report_id in delete:
                writer.delete_by_term("report_id", report_id)
            for docs in batches:
                if not docs:
                    continue
                writer.delete_by_term("report_id", docs[0]["report_id"])
                for doc in docs:
                    writer.add_document(**{k: v for k, v in doc.items() if not (k == "year" and not v)})
                written += len(docs)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return written

    # -- reading --------------------------------------------------------------------------------------

    def _current(self):
        """The searcher for the current index, reopened after a swap and refreshed after commits."""
        with self._lock:
            target = os.readlink(self.link) if self.link.is_symlink() else None
            if self._searcher is None or target != self._target:
                if self._searcher is not None:
                    self._searcher.close()
                self._index = self._open()
                self._searcher = self._index.searcher(weighting=BM25F())
                self._target = target
                self._facets = None
            else:
                fresh = self._searcher.refresh()
                if fresh is not self._searcher:
                    self._searcher = fresh
                    self._facets = None
            if self._facets is None:
                self._facets = FacetSets.read(self._searcher.reader())
            return self._searcher, self._facets

    def close(self) -> None:
        """Release the open searcher."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    def _compile(self, node: q.Node, facets: FacetSets) -> Query:
        if isinstance(node, q.Text):
            return _text_query(node.text)
        if isinstance(node, q.Filter):
            values = facets.resolve(node.field, node.value)
            field = "topics" if node.field == "topic" else node.field
            return Or([Term(field, v) for v in values]) if values else NullQuery
        if isinstance(node, q.Not):
            return WNot(self._compile(node.node, facets))
        parts = [self._compile(n, facets) for n in node.nodes]
        return WAnd(parts) if isinstance(node, q.And) else Or(parts)

    def _select(self, request: SearchRequest, exclude: Collection[str] = ()):
        """Parse and match a request: (tree, searcher, facets, compiled, matched, chosen, final)."""
        tree = q.parse_query(request.query)
        searcher, facets = self._current()
        compiled = self._compile(tree, facets)
        matched = set(searcher.docs_for_query(compiled))
        if exclude:
            matched = {d for d in matched if _key_of(searcher.stored_fields(d)) not in exclude}
        chosen = resolve_filters(facets, request.filters)
        final = facets.narrow(matched, chosen)
        return tree, searcher, facets, compiled, matched, chosen, final

    def search(self, request: SearchRequest, exclude: Collection[str] = ()) -> SearchResult:
        """Run a request: ranked page of hits with highlights, total, and facet counts.

        `exclude` holds passage keys (Hit.key) to leave out, e.g. what a saved search has already seen.
        """
        started = time.perf_counter()
        tree, searcher, facets, compiled, matched, chosen, final = self._select(request, exclude)
        needles = [t.text for t in q.positive_texts(tree)]
        hits = []
        if final:
            # limit=None: with a limit, whoosh's collector skips blocks and loses top hits of AndMaybe queries
            top = searcher.search(compiled, limit=None, filter=final, optimize=False)
            ranked = [(top.score(i), top.docnum(i)) for i in range(top.scored_length())]
            if request.sort == "year":
                ranked.sort(key=lambda pair: (-facets.year_of(pair[1]), -pair[0]))
            elif request.sort == "added":
                added = {d: searcher.stored_fields(d).get("added", "") for _, d in ranked}
                ranked.sort(key=lambda pair: (added[pair[1]], pair[0]), reverse=True)
            start = (request.page - 1) * request.page_size
            hits = [
                self._hit(searcher.stored_fields(docnum), score, needles)
                for score, docnum in ranked[start : start + request.page_size]
            ]
        return SearchResult(
            request=request,
            understood=q.describe(tree),
            words=[w for t in q.positive_texts(tree) for w in words(t.text)],
            total=len(final),
            hits=hits,
            facets=facets.count(matched, chosen),
            years=facets.histogram(final),
            took_ms=(time.perf_counter() - started) * 1000,
        )

    def passage_keys(self, request: SearchRequest) -> set[str]:
        """The passage keys of every hit of a request (all pages)."""
        _, searcher, *_, final = self._select(request)
        return {_key_of(searcher.stored_fields(d)) for d in final}

    @staticmethod
    def _hit(fields: dict, score: float | None, needles: list[str]) -> Hit:
        text = fields["text"]
        spans = match_spans(text, needles)
        return Hit(
            id=fields["id"],
            score=round(float(score or 0.0), 4),
            title=fields["report_title"],
            source=fields["source"],
            report_id=fields["report_id"],
            paragraph=fields["number"],
            section=SECTION_SEPARATOR.join(fields.get("section_path", [])),
            text=text,
            highlight=mark(text, spans),
            snippet=snippet(text, spans),
            region=list(fields.get("region_path", [])),
            year=int(fields["year"]) if fields.get("year") else None,
            topics=list(fields.get("topic_list", [])),
            org=fields.get("org", ""),
            date=fields.get("date", ""),
            added=fields.get("added", ""),
        )

    def report_paragraphs(self, report_id: str) -> list[dict]:
        """All stored paragraphs of a report, in order."""
        searcher, _ = self._current()
        docs = [dict(d) for d in searcher.documents(report_id=report_id)]
        return sorted(docs, key=lambda d: d["number"])

    def paragraph(self, paragraph_id: str) -> dict | None:
        """One stored paragraph by id, or None."""
        searcher, _ = self._current()
        found = searcher.document(id=paragraph_id)
        return dict(found) if found else None

    def reports(self) -> list[dict]:
        """Stored fields of each report's first paragraph (the report's metadata), by title."""
        searcher, _ = self._current()
        firsts = [dict(d) for d in searcher.all_stored_fields() if d.get("number") == 1]
        return sorted(firsts, key=lambda d: (d["region_path"], d.get("year") or "", d["report_title"]))

    def facet_values(self) -> dict[str, list[FacetValue]]:
        """Facet counts over the whole index."""
        _, facets = self._current()
        return facets.count(facets.everything(), {})

    def paragraph_count(self) -> int:
        """How many paragraphs are indexed."""
        searcher, _ = self._current()
        return searcher.doc_count()
