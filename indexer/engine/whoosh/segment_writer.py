"""A lean writer of standard whoosh segments (issue #6): documents collected into flat arrays, postings written
from them by postings.py.

whoosh's own SegmentWriter handles every posting in Python several times (a pickle into its pool, a sort of the
runs, a pickle and zlib per block), which costs several times what jieba takes to segment the text. This writer
keeps each field's term ids, document numbers and positions in arrays as documents come, and at the end writes
the term index and postings in whoosh's W3 format and, through whoosh's own per-document writer, the stored
fields, lengths and columns. A test reads a segment written here and one written by whoosh from the same
documents and finds the same terms, postings, statistics, lengths and stored fields. The `chars` field's sorted
occurrences also become the segment's numpy sidecar (see charindex.py), in the same pass.
"""

from __future__ import annotations

from array import array
from pathlib import Path

import numpy as np
from whoosh import formats
from whoosh.analysis import IDTokenizer

from analyzers import PreAnalysed

from .blocks import LEVEL, PostingsFile, write_field
from .charindex import FIELD as CHARS
from .charindex import POSITION_BITS, save_sidecar
from .documents import STORE_ONLY_EDGES, STORE_ONLY_TITLE_EDGES
from .postings import SortedPostings, length_bytes, sort_postings
from .textstore import record, save_store
from .w3 import PerDocWriter, TermIndex, W3Codec
from .wordpostings import RANKED, save_postings, table

SEGMENT_TOKENS = 10_000_000  # a new segment past this many tokens (≈ 5 M characters of text): a writer holds
# its segment's tokens in memory, about 40 bytes each while it writes them


class _Ids(dict):
    """term → id, numbered in order of first appearance."""

    def __missing__(self, term):
        number = self[term] = len(self)
        return number


class _Field:
    """One field's tokens for a whole segment, in document order: term ids, and positions (fields given as
    `PreAnalysed`) or the weight and value of each of whoosh's own (term, frequency, weight, value) items."""

    def __init__(self, name: str, field) -> None:
        self.name = name
        self.field = field
        self.scorable = field.scorable
        self.ids = _Ids()
        self.terms = array("i")  # term id per token (or per item)
        self.runs = array("i")  # document numbers, each followed by how many tokens (or items) it added
        self.positions = array("i") if type(field.format) is formats.Positions else None
        self.weights = array("f")  # per item
        self.values: list[bytes] | None = [] if field.format.fixed_value_size() != 0 else None  # per item
        self.lengths = array("i")  # per document: the field length (tokens), 0 when absent
        self.last: list[tuple[list[str], array]] = []  # per part of a value: the terms added last, and their ids

    def add_terms(self, docnum: int, value: PreAnalysed) -> int:
        """Add a document's pre-analysed terms; return how many."""
        count = 0
        for slot, part in enumerate(value.parts):
            self.terms.extend(self._ids_of(slot, part))
            count += len(part)
        self.runs.extend((docnum, count))
        if self.positions is not None:
            for run in value.position_runs():
                self.positions.extend(run)
        if self.scorable and count:
            self.set_length(docnum, count)
        return count

    def _ids_of(self, slot: int, part: list[str]) -> array:
        """The term ids of one part of a value. The part given last time in the same place, given again (a report's
        title, a section's headings), is not mapped again: it must not have changed."""
        last = self.last
        if slot < len(last) and last[slot][0] is part:
            return last[slot][1]
        if len(part) > 1 and part[0] is part[-1] and part.count(part[0]) == len(part):
            ids = array("i", (self.ids[part[0]],)) * len(part)  # one term throughout: a part of word edges
        else:
            ids = array("i", map(self.ids.__getitem__, part))
        if slot < len(last):
            last[slot] = (part, ids)
        else:
            last.append((part, ids))
        return ids

    def add_items(self, docnum: int, items: list[tuple[bytes, int, float, bytes]]) -> int:
        """Add a document's (term bytes, frequency, weight, value) items as whoosh analyses them; return the length."""
        length = 0
        for term, freq, weight, value in items:
            self.terms.append(self.ids[term])
            self.weights.append(weight)
            if self.values is not None:
                self.values.append(value)
            length += freq
        self.runs.extend((docnum, len(items)))
        if self.scorable and length:
            self.set_length(docnum, length)
        return length

    def set_length(self, docnum: int, length: int) -> None:
        """Record a document's field length (scorable fields)."""
        if len(self.lengths) <= docnum:
            self.lengths.extend([0] * (docnum + 1 - len(self.lengths)))
        self.lengths[docnum] = length

    def document_lengths(self, doccount: int) -> np.ndarray:
        """Every document's field length (tokens; 0 where absent)."""
        lengths = np.zeros(doccount, dtype=np.int64)
        lengths[: len(self.lengths)] = np.frombuffer(self.lengths, dtype=np.int32)
        return lengths

    def sorted(self, doccount: int) -> SortedPostings:
        """The field's postings, sorted as whoosh writes them."""
        runs = np.frombuffer(self.runs, dtype=np.int32).reshape(-1, 2)
        return sort_postings(
            list(self.ids),
            np.frombuffer(self.terms, dtype=np.int32),
            np.repeat(runs[:, 0], runs[:, 1]),
            self.document_lengths(doccount),
            self.field.format,
            positions=np.frombuffer(self.positions, dtype=np.int32) if self.positions is not None else None,
            items=(np.frombuffer(self.weights, dtype=np.float32), self.values) if len(self.weights) else None,
        )


class LeanSegmentWriter:
    """Write documents into one new segment of a whoosh index (with its character sidecar); `finish` returns
    the segment for the caller to commit (or None when no document came). Not thread-safe; one per process."""

    def __init__(self, index, folder: Path) -> None:
        self.folder = Path(folder)
        self.schema = index.schema
        self.names = set(self.schema.names())
        self.storage = index.storage
        self.codec = W3Codec()
        self.segment = self.codec.new_segment(self.storage, index.indexname)
        self.perdoc = PerDocWriter(self.codec, self.storage, self.segment, LEVEL)
        self.fields = {name: _Field(name, field) for name, field in self.schema.items() if field.indexed}
        self.plan = [  # whoosh's order: fields by name
            (name, field, field.stored, self.fields.get(name), field.column_type)
            for name, field in sorted(self.schema.items())
        ]
        self.whole = {  # ID fields: the value is the one term, as whoosh's IDTokenizer and Existence format make it
            name: field.field.format.field_boost
            for name, field in self.fields.items()
            if type(field.field.analyzer) is IDTokenizer and type(field.field.format) is formats.Existence
        }
        self.cache: dict[tuple[str, str], list] = {}  # (field, value) → whoosh's items, for repeated values
        self.doccount = 0
        self.tokens = 0  # pre-analysed terms added: what the segment holds in memory until `finish`
        self.texts: list[bytes] = []  # the paragraph store's entries (textstore.py), texts' keys, reports
        self.text_keys: list[int] = []
        self.report_ids: list[tuple[str, tuple[int, ...] | None]] = []  # (report id, its title's word edges)
        self.ranked: dict[str, tuple] = {}  # the ranked fields' postings as arrays (wordpostings.py)

    def add_document(self, doc: dict) -> None:
        """Add one document: field name → value, as for whoosh's add_document (None values are skipped)."""
        unknown = doc.keys() - self.names - {STORE_ONLY_EDGES, STORE_ONLY_TITLE_EDGES}
        if unknown:
            raise ValueError(f"no such field(s) in the schema: {', '.join(sorted(unknown))}")
        docnum, perdoc = self.doccount, self.perdoc
        perdoc.start_doc(docnum)
        stored = {}
        for name, field, is_stored, collector, column in self.plan:
            value = doc.get(name)
            if value is None:
                continue
            if is_stored:
                stored[name] = value
            if collector is not None:
                if type(value) is PreAnalysed:
                    self.tokens += collector.add_terms(docnum, value)
                else:
                    collector.add_items(docnum, self._items(name, field, value))
            if column:
                perdoc.add_column_value(name, column, field.to_column_value(value))
        self.texts.append(record(stored, doc.get(STORE_ONLY_EDGES)))  # before whoosh takes the dict over
        self.text_keys.append(doc.get("same_text") or 0)
        self.report_ids.append((doc.get("report_id") or "", doc.get(STORE_ONLY_TITLE_EDGES)))
        perdoc.finish_stored(stored)
        self.doccount += 1

    def _items(self, name: str, field, value) -> list[tuple[bytes, int, float, bytes]]:
        """whoosh's (term, frequency, weight, value) items for a field value; repeated values analysed once."""
        if name in self.whole and type(value) is str:
            return [(value.encode("utf-8"), 1, self.whole[name], b"")]
        if field.unique:
            return list(field.index(value))
        key = (name, value)
        items = self.cache.get(key)
        if items is None:
            items = self.cache[key] = list(field.index(value))
        return items

    def finish(self):
        """Write the postings, term index, per-document columns and sidecar; the segment, or None if empty."""
        for name, field in self.fields.items():
            lengths = field.document_lengths(self.doccount)
            if field.field.scorable and lengths.any():  # a length column only where some document has the field
                self.perdoc.write_lengths(name, int(lengths.sum()), length_bytes(lengths))
        self.perdoc.close()
        if not self.doccount:
            self.cancel()
            return None
        self.segment.set_doc_count(self.doccount)
        terms = TermIndex(self.segment.create_file(self.storage, W3Codec.TERMS_EXT))
        out = PostingsFile(self.segment.create_file(self.storage, W3Codec.POSTS_EXT))
        try:
            sidecar = self._write_postings(terms, out)
        finally:
            out.close()
            terms.close()
        self.segment.create_compound_file(self.storage)  # takes every file named like the segment: sidecar after
        if sidecar is not None:
            save_sidecar(self.folder, self.segment.segment_id(), *sidecar)
        save_store(self.folder, self.segment.segment_id(), self.texts, self.text_keys, self.report_ids)
        save_postings(self.folder, self.segment.segment_id(), self.ranked)
        return self.segment

    def _write_postings(self, terms: TermIndex, out: PostingsFile):
        fieldmap = terms.extras["fieldmap"] = {}
        sidecar = None
        for name in sorted(self.fields):
            if not len(self.fields[name].terms):
                continue
            postings = self.fields[name].sorted(self.doccount)
            fieldmap[name] = len(fieldmap)
            write_field(fieldmap[name], postings, out, terms)
            if name == CHARS:
                sidecar = _sidecar(postings)
            elif name in RANKED:
                self.ranked[name] = (*table(postings.terms, postings.term_starts), postings.docs, postings.weights)
            del postings
        return sidecar

    def cancel(self) -> None:
        """Give the segment up: close and delete whatever of it was written."""
        if not self.perdoc.is_closed:
            self.perdoc.close()
        for name in self.segment.list_files(self.storage):
            self.storage.delete_file(name)


class SegmentSeries:
    """New segments for a stream of documents: the lean writer's, a new one past SEGMENT_TOKENS so that memory
    stays bounded however many documents come."""

    def __init__(self, index, folder: Path) -> None:
        self.index, self.folder = index, Path(folder)
        self.current = LeanSegmentWriter(index, self.folder)
        self.written: list = []
        self.doccount = 0

    def add_document(self, doc: dict) -> None:
        """Add one document (see LeanSegmentWriter.add_document)."""
        self.current.add_document(doc)
        self.doccount += 1
        if self.current.tokens >= SEGMENT_TOKENS:
            self.written.append(self.current.finish())
            self.current = LeanSegmentWriter(self.index, self.folder)

    def finish(self) -> list:
        """Finish the last segment; every segment written, for the caller to commit."""
        last = self.current.finish()
        return [*self.written, last] if last is not None else list(self.written)

    def cancel(self) -> None:
        """Give every segment up: delete what was written (files named like a segment, sidecar included)."""
        self.current.cancel()
        for segment in self.written:
            for name in segment.list_files(self.index.storage):
                self.index.storage.delete_file(name)


def _sidecar(postings: SortedPostings) -> tuple[dict[str, tuple[int, int]], np.ndarray]:
    """The character sidecar from the `chars` postings: each character's sorted `doc << 24 | position` keys."""
    keys = (np.repeat(postings.docs.astype(np.int64), postings.freqs) << POSITION_BITS) | postings.positions
    token_starts = np.append(postings.token_starts, len(keys))
    bounds = token_starts[postings.term_starts].tolist()
    return {t.decode("utf-8"): (bounds[i], bounds[i + 1]) for i, t in enumerate(postings.terms)}, keys
