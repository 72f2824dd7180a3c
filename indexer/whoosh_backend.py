"""The embedded search backend: a whoosh index on disk, one document per paragraph.

Everything whoosh-specific lives here and in schema.py, segment_writer.py (the lean segment writer), parallel.py
(writing on every core), charindex.py and scoring.py (the numpy accelerators beside whoosh); callers see
SearchBackend's methods only.
The index directory `<home>/index` is a symbolic link to a folder under `<home>/indexes/`, so a full
rebuild is written aside and swapped in with one atomic rename: readers never see a half-built index.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
import time
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.query import And as WAnd
from whoosh.query import ConstantScoreQuery, DisjunctionMax, NullQuery, Or, Phrase, Query, Term
from whoosh.query import Not as WNot
from whoosh.scoring import BM25F

from analyzers import char_tokens, words

from . import query as q
from .charindex import CharIndex
from .errors import IndexMissing, IndexOutdated, QueryError
from .facets import Docs, FacetSets, resolve_filters
from .highlight import mark, match_spans, snippet
from .ranking import rerank
from .results import FacetValue, Hit, SearchRequest, SearchResult, passage_key
from .schema import make_schema
from .scoring import Scorer
from .segment_writer import SegmentSeries, commit_segments, lock_index
from .synonyms import DEFAULT_SYNONYMS, Synonyms, load_synonyms
from .understanding import Understanding, WordPlan, understand

SECTION_SEPARATOR = " › "
FIELD_BOOSTS = {"body": 1.0, "section": 0.6, "title": 0.3}
SYNONYM_WEIGHT = 0.5  # an expansion counts half as much as the word as typed
REGION_SCORE = 1.0  # a place name matched by the report's region rather than by the text
RERANK_DEPTH = 100  # hits per tier re-ranked on their own text


def _chars_query(text: str) -> Query | None:
    """The exact characters of `text`, in order (a phrase over the character field)."""
    chars = [t.text for t in char_tokens(text)]
    if not chars:
        return None
    return Term("chars", chars[0]) if len(chars) == 1 else Phrase("chars", chars)


def _word_match(plan: WordPlan, regions: bool = True) -> Query:
    """The paragraphs a word matches: its exact characters, an expansion's, or (a place name) its region."""
    literal = _chars_query(plan.text)
    if literal is None:
        raise QueryError(f"“{plan.text}” has nothing to search for (only punctuation): use words or numbers")
    required = [literal] + [q for e in plan.expansions if (q := _chars_query(e))]
    required += [Term("region", value) for value in plan.regions if regions]
    return required[0] if len(required) == 1 else Or(required)


def _word_ranking(plan: WordPlan) -> Query | None:
    """How a word scores: BM25F of its jieba words, or of an expansion's at a lower weight, or its region."""
    rankings = [_ranking_terms(plan.text, 1.0)] + [_ranking_terms(e, SYNONYM_WEIGHT) for e in plan.expansions]
    readings = [Or(r) for r in rankings if r]
    readings += [ConstantScoreQuery(Term("region", value), REGION_SCORE) for value in plan.regions]
    if not readings:
        return None
    # DisjunctionMax: a paragraph scores by its best reading (the word, or one expansion), never their sum,
    # so expansions widen what matches without lifting paragraphs that also have the word itself
    return readings[0] if len(readings) == 1 else DisjunctionMax(readings)


def _ranking_terms(text: str, weight: float) -> list[Query]:
    """jieba words of `text` in every ranked field, at the field's boost times `weight`."""
    return [Term(field, w, boost=boost * weight) for w in words(text) for field, boost in FIELD_BOOSTS.items()]


@dataclass
class _Selection:
    """A request matched: the plan, the searcher, documents with all words (`matched`) and missing one."""

    plan: Understanding
    searcher: object
    facets: FacetSets
    scoring: Query  # the words' ranking readings; matching is done by then
    scorer: Scorer | None  # BM25F in numpy for the same readings (None: whoosh scores)
    matched: Docs
    partial: Docs
    chosen: dict[str, set[str]]
    soft_sets: list[Docs]

    def missing(self, docnum: int) -> list[str]:
        """The query words a partial hit does not have."""
        return [q.describe(node) for node, docs in zip(self.plan.soft, self.soft_sets, strict=True) if not docs[docnum]]


class _Tier:
    """The hits of one tier in rank order, worked out only as far as a page needs: the best RERANK_DEPTH by
    BM25F re-ranked on their text, then the rest by BM25F (document number breaking ties)."""

    def __init__(self, docs: Docs, scores: np.ndarray, rerank) -> None:
        self.docs = np.flatnonzero(docs)
        self.scores = scores
        self.rerank = rerank
        self._head: list[tuple[float, int]] | None = None
        self._tail: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.docs)

    def _best_first(self, docs: np.ndarray) -> np.ndarray:
        return docs[np.lexsort((-docs, -self.scores[docs]))]

    def __getitem__(self, where: slice) -> list[tuple[float, int]]:
        docs, scores = self.docs, self.scores
        if self._head is None:
            if len(docs) > RERANK_DEPTH:  # the best few without sorting them all
                cut = np.argpartition(-scores[docs], RERANK_DEPTH - 1)[:RERANK_DEPTH]
                threshold = scores[docs[cut]].min()
                contenders = docs[scores[docs] >= threshold]  # ties at the cut are settled by document number
                head = self._best_first(contenders)[:RERANK_DEPTH]
            else:
                head = self._best_first(docs)
            best = sorted(((self.rerank(float(scores[d]), int(d)), int(d)) for d in head), reverse=True)
            self._head = [(score, docnum) for (_, score), docnum in best]
            self._head_ids = head
        out = self._head[where.start : where.stop]
        if where.stop > len(self._head):
            if self._tail is None:
                rest = np.setdiff1d(docs, self._head_ids, assume_unique=True)
                self._tail = self._best_first(rest)
            start = max(0, where.start - len(self._head))
            out += [(float(scores[d]), int(d)) for d in self._tail[start : where.stop - len(self._head)]]
        return out


def _serialized(method):
    """Run a reading method under the backend's reading lock (the threads of a server share one searcher)."""

    @functools.wraps(method)
    def locked(self, *args, **kwargs):
        with self._reading:
            return method(self, *args, **kwargs)

    return locked


@dataclass
class _Ranking:
    """Hits in order, as parts: lists of (score, document) for re-ranked heads, arrays of documents for the rest."""

    parts: list[list[tuple[float, int]] | np.ndarray | _Tier]
    scores: np.ndarray

    def page(self, start: int, end: int) -> list[tuple[float, int]]:
        """The (score, document) pairs from `start` to `end` in rank order."""
        out: list[tuple[float, int]] = []
        for part in self.parts:
            if start >= end:
                break
            size = len(part)
            if start < size:
                piece = part[start : min(end, size)]
                if isinstance(part, np.ndarray):
                    piece = [(float(self.scores[d]), int(d)) for d in piece]
                out += list(piece)
                end -= size
                start = 0
            else:
                start -= size
                end -= size
        return out


def _key_of(fields: dict) -> str:
    """The passage key of a stored paragraph, the same as its Hit.key."""
    year = int(fields["year"]) if fields.get("year") else None
    return passage_key(fields["report_title"], fields.get("region_path", []), year, fields["text"])


class WhooshBackend:
    """Add, replace and delete reports' paragraphs; search them with filters, facets and highlights."""

    def __init__(self, home: Path, accelerated: bool = True) -> None:
        self.home = Path(home)
        self.accelerated = accelerated  # exact matching through the numpy sidecars (False: whoosh phrases only)
        self._chars: CharIndex | None = None
        self._scorer: Scorer | None = None
        self.link = self.home / "index"
        self._lock = threading.Lock()
        self._reading = threading.RLock()  # whoosh reads segment files by seek + read: one reader at a time
        self._target: str | None = None
        self._index = None
        self._searcher = None
        self._facets: FacetSets | None = None
        self._synonyms: tuple[tuple[str, int], Synonyms] | None = None

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

    def check_schema(self) -> None:
        """IndexOutdated when the current index lacks fields this version writes (built by an older govsearch)."""
        missing = set(make_schema().names()) - set(self._open().schema.names())
        if missing:
            raise IndexOutdated(
                f"the index in {self.home} was built by an older govsearch (it lacks {', '.join(sorted(missing))}); "
                "rebuild it with `govsearch index --rebuild` and every folder of reports you index"
            )

    def _open(self, folder: Path | None = None, read_only: bool = False):
        """The whoosh index; read-only opens read segment files on demand instead of memory-mapping them
        (whoosh's mapped compound files otherwise become resident as a searcher opens: ~3× the memory)."""
        if folder is None and not self.exists():
            raise IndexMissing(f"no index in {self.home}. Run `govsearch index` first.")
        target = folder if folder is not None else self.link
        if read_only:
            return FileStorage(str(target), supports_mmap=False).open_index()
        return whoosh_index.open_dir(target)

    # -- writing --------------------------------------------------------------------------------------

    def digests(self, report_ids: Iterable[str], folder: Path | None = None) -> dict[str, str]:
        """Map each of these report ids that is indexed → the digest of what is indexed for it."""
        index = self._open(folder)
        with index.searcher() as searcher:
            found = {rid: _paragraph_fields(searcher, rid, 1) for rid in set(report_ids)}
            return {rid: fields["digest"] for rid, fields in found.items() if fields}

    def write(self, batches: Iterable[list[dict]], delete: Iterable[str] = (), folder: Path | None = None) -> int:
        """Replace the reports whose documents come in `batches`, delete reports by id; commit once."""
        index = self._open(folder)
        target = folder if folder is not None else self.link.resolve()
        writer = lock_index(index, target)
        replaced: list[str] = []
        segments = SegmentSeries(index, target)
        try:
            for docs in batches:
                if docs:
                    replaced.append(docs[0]["report_id"])
                for doc in docs:
                    segments.add_document(doc)
            commit_segments(writer, segments.finish(), (*delete, *replaced))
        except BaseException:
            segments.cancel()
            writer.cancel()
            raise
        return segments.doccount

    # -- reading --------------------------------------------------------------------------------------

    def _current(self):
        """The searcher for the current index and its facet sets (see `_view`)."""
        searcher, facets, _, _ = self._view()
        return searcher, facets

    def _view(self):
        """Searcher, facet sets, character index and numpy scorer of the current index; reopened after a swap,
        refreshed after commits (one searcher per process, shared by its threads)."""
        with self._lock:
            target = os.readlink(self.link) if self.link.is_symlink() else None
            if self._searcher is None or target != self._target:
                if self._searcher is not None:
                    self._searcher.close()
                self._index = self._open(read_only=True)
                self._searcher = self._index.searcher(weighting=BM25F())
                self._target = target
                self._facets = None
            else:
                fresh = self._searcher.refresh()
                if fresh is not self._searcher:
                    self._searcher = fresh
                    self._facets = None
            if self._facets is None:
                reader = self._searcher.reader()
                self._facets = FacetSets.read(reader)
                self._chars = CharIndex.open(reader, self.link.resolve()) if self.accelerated else None
                self._scorer = Scorer(self._searcher) if self.accelerated else None
            return self._searcher, self._facets, self._chars, self._scorer

    def close(self) -> None:
        """Release the open searcher (and the segment files it holds open)."""
        with self._reading, self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
                self._facets = self._chars = self._scorer = None

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: S110 - interpreter shutdown: nothing left to release
            pass

    def _compile(self, node: q.Node, facets: FacetSets, plan: Understanding, regions: bool = True) -> Query:
        if isinstance(node, q.Text):
            return _word_match(plan.plans[node], regions)
        if isinstance(node, q.Filter):
            values = facets.resolve(node.field, node.value)
            field = "topics" if node.field == "topic" else node.field
            return Or([Term(field, v) for v in values]) if values else NullQuery
        if isinstance(node, q.Not):
            return WNot(self._compile(node.node, facets, plan, regions))
        parts = [self._compile(n, facets, plan, regions) for n in node.nodes]
        return WAnd(parts) if isinstance(node, q.And) else Or(parts)

    @staticmethod
    def _match(node: q.Node, facets: FacetSets, chars: CharIndex, plan: Understanding, regions: bool) -> Docs:
        """The documents a query node matches, by mask algebra over the character index and the facet arrays."""
        if isinstance(node, q.Text):
            word = plan.plans[node]
            if not char_tokens(word.text):
                raise QueryError(f"“{word.text}” has nothing to search for (only punctuation): use words or numbers")
            found = facets.none()
            for needle in word.needles:
                found[chars.docs([t.text for t in char_tokens(needle)])] = True
            return found | facets.union("region", list(word.regions)) if regions else found
        if isinstance(node, q.Filter):
            return facets.union(node.field, facets.resolve(node.field, node.value))
        if isinstance(node, q.Not):
            return facets.live & ~WhooshBackend._match(node.node, facets, chars, plan, regions)
        parts = [WhooshBackend._match(n, facets, chars, plan, regions) for n in node.nodes]
        return np.logical_and.reduce(parts) if isinstance(node, q.And) else np.logical_or.reduce(parts)

    def synonyms(self) -> Synonyms:
        """The synonyms in force: `<home>/synonyms.txt` when present, else the shipped file; re-read when edited."""
        own = self.home / "synonyms.txt"
        path = own if own.is_file() else DEFAULT_SYNONYMS
        stamp = (str(path), path.stat().st_mtime_ns)
        if self._synonyms is None or self._synonyms[0] != stamp:
            self._synonyms = (stamp, load_synonyms(path))
        return self._synonyms[1]

    def _select(self, request: SearchRequest, exclude: Collection[str] = ()) -> _Selection:
        """Parse, plan and match a request: the documents with all words, and those missing one."""
        tree = q.parse_query(request.query)
        searcher, facets, chars, scorer = self._view()
        plan = understand(tree, facets, self.synonyms(), relaxed=request.relaxed and not exclude)

        def docs(node: q.Node, regions: bool = True) -> Docs:
            if chars is not None:
                return self._match(node, facets, chars, plan, regions)
            return facets.of(list(searcher.docs_for_query(self._compile(node, facets, plan, regions))))

        soft_sets: list[Docs] = []
        if plan.relaxed:
            # per word: the paragraphs with it in their text, and those of reports in the region it names
            in_text = [docs(n, regions=False) for n in plan.soft]
            soft_sets = [
                d | facets.union("region", plan.regions_of(n)) for n, d in zip(plan.soft, in_text, strict=True)
            ]
            counts = np.sum(soft_sets, axis=0, dtype=np.int16)
            allowed = facets.everything()
            for node in plan.hard:
                allowed &= facets.live & ~docs(node.node) if isinstance(node, q.Not) else docs(node)
            need = len(plan.soft)
            texty = np.logical_or.reduce(in_text)  # a partial hit has one of the words in its text, not just a region
            matched = (counts == need) & allowed
            partial = (counts == need - 1) & texty & allowed
        else:
            matched = docs(tree) & facets.live
            partial = facets.none()
        if exclude:
            for docnum in np.flatnonzero(matched):
                if _key_of(searcher.stored_fields(int(docnum))) in exclude:
                    matched[docnum] = False
        chosen = resolve_filters(facets, request.filters)
        readings = [r for t in q.positive_texts(tree) if (r := _word_ranking(plan.plans[t]))]
        scoring = Or(readings) if readings else NullQuery
        return _Selection(plan, searcher, facets, scoring, scorer, matched, partial, chosen, soft_sets)

    @_serialized
    def search(self, request: SearchRequest, exclude: Collection[str] = ()) -> SearchResult:
        """Run a request: ranked page of hits with highlights, total, and facet counts.

        Hits with every word come first (`total` counts them); for a query of several words, paragraphs missing
        one of them follow (`partial` counts them; each hit names what it misses). `exclude` holds passage keys
        (Hit.key) to leave out, e.g. what a saved search has already seen; it turns partial hits off.
        """
        started = time.perf_counter()
        sel = self._select(request, exclude)
        final = sel.facets.narrow(sel.matched, sel.chosen)
        partial = sel.facets.narrow(sel.partial, sel.chosen)
        total, partials = int(np.count_nonzero(final)), int(np.count_nonzero(partial))
        counted = sel.matched if sel.matched.any() or not sel.partial.any() else sel.partial
        hits = []
        if total or partials:
            ranked = self._rank(sel, final, partial, request.sort)
            start = (request.page - 1) * request.page_size
            hits = [
                self._hit(sel.searcher.stored_fields(docnum), score, sel, docnum)
                for score, docnum in ranked.page(start, start + request.page_size)
            ]
        explain = sel.plan.to_dict()
        return SearchResult(
            request=request,
            understood=explain["understood"],
            words=explain["words"],
            total=total,
            hits=hits,
            facets=sel.facets.count(counted, sel.chosen),
            years=sel.facets.histogram(final if total else partial),
            took_ms=(time.perf_counter() - started) * 1000,
            partial=partials,
            explain=explain,
        )

    def _rank(self, sel: _Selection, final: Docs, partial: Docs, sort: str) -> _Ranking:
        """Every hit, best first: all words before missing one; within each, BM25F re-ranked on the text."""
        wanted = final | partial
        if sel.scorer is not None:
            scores = self._numpy_scores(sel, wanted)
        else:
            scores = np.zeros(len(wanted), dtype=np.float64)  # 0: matched by characters only (矫 in 社区矫正)
            # limit=None: with a limit, whoosh's collector skips blocks and loses top hits of AndMaybe queries
            ids = set(np.flatnonzero(wanted).tolist())
            top = sel.searcher.search(sel.scoring, limit=None, filter=ids, optimize=False)
            for i in range(top.scored_length()):
                scores[top.docnum(i)] = top.score(i)
        if sort == "added":
            docs = np.flatnonzero(wanted)
            added = {int(d): sel.searcher.stored_fields(int(d)).get("added", "") for d in docs}
            order = sorted(docs.tolist(), key=lambda d: (bool(final[d]), added[d], scores[d], d), reverse=True)
            return _Ranking([[(float(scores[d]), d) for d in order]], scores)
        if sort == "year":
            docs = np.flatnonzero(wanted)
            order = docs[np.lexsort((-docs, -scores[docs], -sel.facets.years[docs], ~final[docs]))]
            return _Ranking([order], scores)
        rerank = functools.partial(self._rerank, sel)
        return _Ranking([_Tier(final, scores, rerank), _Tier(partial, scores, rerank)], scores)

    @staticmethod
    def _numpy_scores(sel: _Selection, wanted: Docs):
        """The scores `sel.scoring` gives in whoosh (Or over words, DisjunctionMax over readings), in numpy."""
        scorer = sel.scorer
        mask = wanted
        total = np.zeros(scorer.size, dtype=np.float64)
        for text in q.positive_texts(sel.plan.tree):
            plan = sel.plan.plans[text]
            best = None
            for reading, weight in [(plan.text, 1.0), *((e, SYNONYM_WEIGHT) for e in plan.expansions)]:
                terms = [(f, w, b * weight) for w in words(reading) for f, b in FIELD_BOOSTS.items()]
                if not terms:
                    continue
                score = sum(scorer.term(f, w, b, mask) for f, w, b in terms)
                best = score if best is None else np.maximum(best, score)
            if plan.regions:
                region = sel.facets.union("region", list(plan.regions)) * REGION_SCORE
                best = region if best is None else np.maximum(best, region)
            if best is not None:
                total += best
        return total

    @staticmethod
    def _rerank(sel: _Selection, score: float, docnum: int) -> tuple[int, float]:
        """(words found as typed, BM25F adjusted on the text): an expansion never outranks the word itself."""
        fields = sel.searcher.stored_fields(docnum)
        text = fields["text"]
        around = " ".join([fields["report_title"], *fields.get("section_path", []), text])
        nodes = sel.plan.soft or [sel.plan.tree]
        literal = sum(1 for node in nodes if match_spans(around, [t.text for t in q.positive_texts(node)]))
        return literal, rerank(score, text, [match_spans(text, sel.plan.needles(node)) for node in nodes])

    @_serialized
    def passage_keys(self, request: SearchRequest) -> set[str]:
        """The passage keys of every hit with all the words of a request (all pages)."""
        sel = self._select(request)
        docs = np.flatnonzero(sel.facets.narrow(sel.matched, sel.chosen))
        return {_key_of(sel.searcher.stored_fields(int(d))) for d in docs}

    @staticmethod
    def _hit(fields: dict, score: float | None, sel: _Selection, docnum: int) -> Hit:
        text = fields["text"]
        spans = match_spans(text, sel.plan.needles())
        missing = [] if sel.matched[docnum] or not sel.plan.relaxed else sel.missing(docnum)
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
            missing=missing,
        )

    @_serialized
    def report_paragraphs(self, report_id: str) -> list[dict]:
        """All stored paragraphs of a report, in order."""
        searcher, _ = self._current()
        docs = [dict(d) for d in searcher.documents(report_id=report_id)]
        return sorted(docs, key=lambda d: d["number"])

    @_serialized
    def paragraph(self, paragraph_id: str) -> dict | None:
        """One stored paragraph by id, or None."""
        report_id, _, number = paragraph_id.rpartition("#")
        if not number.isdigit():
            return None
        searcher, _ = self._current()
        found = _paragraph_fields(searcher, report_id, int(number))
        return dict(found) if found else None

    @_serialized
    def reports(self) -> list[dict]:
        """Stored fields of each report's first paragraph (the report's metadata), by title."""
        searcher, _ = self._current()
        firsts = [dict(d) for d in searcher.all_stored_fields() if d.get("number") == 1]
        return sorted(firsts, key=lambda d: (d["region_path"], d.get("year") or "", d["report_title"]))

    @_serialized
    def facet_values(self) -> dict[str, list[FacetValue]]:
        """Facet counts over the whole index."""
        _, facets = self._current()
        return facets.count(facets.everything(), {})

    @_serialized
    def paragraph_count(self) -> int:
        """How many paragraphs are indexed."""
        searcher, _ = self._current()
        return searcher.doc_count()


def _paragraph_fields(searcher, report_id: str, number: int) -> dict | None:
    """The stored fields of paragraph `number` of a report, or None. A report's paragraphs are written in order,
    all in one segment, so its n-th document is the paragraph looked for; any other is found by its number."""
    docnums = list(searcher.document_numbers(report_id=report_id))
    guess = [docnums[number - 1]] if 0 < number <= len(docnums) else []
    for docnum in (*guess, *docnums):
        fields = searcher.stored_fields(docnum)
        if fields.get("number") == number:
            return fields
    return None
