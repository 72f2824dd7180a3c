"""A lean writer of standard whoosh segments (issue #6): postings sorted and encoded with numpy, not one by one.

whoosh's own SegmentWriter handles every posting in Python several times (a pickle into its pool, a sort of the
runs, a pickle and zlib per block), which costs several times what jieba takes to segment the text. This writer
collects each field's term ids, document numbers and positions in flat arrays as documents come, sorts them once
per field at the end and writes whoosh's W3 format itself: the same term index, posting blocks (128 postings,
pickled, zlib level 3) and term statistics whoosh writes, and whoosh's own per-document writer for stored fields
and lengths. A test reads a segment written here and one written by whoosh from the same documents and compares
every term, posting, statistic, length and stored field. The `chars` field's sorted occurrences also become the
segment's numpy sidecar (see charindex.py), in the same pass.
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from whoosh import formats
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.index import LockError
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import _length_byte_cache

from analyzers import PreAnalysed

from .charindex import FIELD as CHARS
from .charindex import POSITION_BITS, save_sidecar
from .errors import IndexBusy

BLOCK = 128  # postings per block, as W3Codec(blocklimit=128)
LEVEL = 3  # zlib level of posting blocks, as W3Codec(compression=3)
# Blocks of byte-string values (positions) are pickled with protocol 4, which whoosh's reader (pickle.loads) reads
# as it reads its own protocol 2: ten times faster to write and half the size, as protocol 2 wraps every byte
# string in a call to codecs.encode.
COMPRESS_FROM = 256  # smaller blocks are stored as they are (level 0 in their header; whoosh meant to skip those
# under 20 bytes): two thirds of all blocks, where zlib's set-up costs more than it saves
_LENGTHS = np.asarray(_length_byte_cache, dtype=np.int64)  # whoosh's quantised field lengths (byte → length)
_MAX_PICKLED_LIST = 1000  # pickle writes longer lists in batches; such position lists are encoded by pickle itself


class _Ids(dict):
    """term → id, numbered in order of first appearance."""

    def __missing__(self, term):
        number = self[term] = len(self)
        return number


class _Field:
    """One field's postings for a whole segment, collected in document order: term ids with either token
    positions (fields given as `PreAnalysed`) or whoosh's own (term, frequency, weight, value) items."""

    def __init__(self, name: str, field) -> None:
        self.name = name
        self.field = field
        self.ids = _Ids()
        self.terms = array("i")  # term id per token (or per item)
        self.runs = array("i")  # document numbers, each followed by how many tokens (or items) it added
        self.positions = array("i") if type(field.format) is formats.Positions else None
        self.items: list | None = None  # (weight, value) per item, for fields whoosh analyses itself
        self.lengths = array("i")  # per document: the field length (tokens), 0 when absent

    def add_terms(self, docnum: int, value: PreAnalysed) -> int:
        """Add a document's pre-analysed terms; return the field length."""
        count = len(value.terms)
        self.terms.extend(map(self.ids.__getitem__, value.terms))
        self.runs.extend((docnum, count))
        if self.positions is not None:
            self.positions.extend(value.positions if value.positions is not None else range(count))
        return count

    def add_items(self, docnum: int, items: list[tuple[bytes, int, float, bytes]]) -> int:
        """Add a document's (term bytes, frequency, weight, value) items as whoosh analyses them; return the length."""
        if self.items is None:
            self.items = []
        length = 0
        for term, freq, weight, value in items:
            self.terms.append(self.ids[term])
            self.items.append((weight, value))
            length += freq
        self.runs.extend((docnum, len(items)))
        return length

    def document_numbers(self) -> np.ndarray:
        """The document number of every token (or item), in the order they came."""
        runs = np.frombuffer(self.runs, dtype=np.int32).reshape(-1, 2)
        return np.repeat(runs[:, 0].astype(np.int64), runs[:, 1])

    def set_length(self, docnum: int, length: int) -> None:
        """Record a document's field length (scorable fields)."""
        if len(self.lengths) <= docnum:
            self.lengths.extend([0] * (docnum + 1 - len(self.lengths)))
        self.lengths[docnum] = length


class _Postings:
    """A field's postings sorted by term (as whoosh orders term bytes) then document, ready to encode."""

    def __init__(self, field: _Field, doccount: int) -> None:
        names = [t.encode("utf-8") if isinstance(t, str) else t for t in field.ids]
        order = sorted(range(len(names)), key=names.__getitem__)
        self.terms = [names[i] for i in order]
        rank = np.empty(len(names), dtype=np.int64)
        rank[order] = np.arange(len(names))
        token_rank = rank[np.frombuffer(field.terms, dtype=np.int32)]
        sort = np.argsort(token_rank, kind="stable")  # tokens came document by document, positions ascending
        self.token_rank = token_rank[sort]
        token_docs = field.document_numbers()[sort]
        count = len(sort)
        change = np.ones(count, dtype=bool)
        change[1:] = (self.token_rank[1:] != self.token_rank[:-1]) | (token_docs[1:] != token_docs[:-1])
        starts = np.flatnonzero(change)
        self.docs = token_docs[starts]
        self.freqs = np.diff(np.append(starts, count))
        rank_of_posting = self.token_rank[starts]
        self.term_starts = np.searchsorted(rank_of_posting, np.arange(len(names) + 1))
        lengths = np.zeros(doccount, dtype=np.int64)
        lengths[: len(field.lengths)] = np.frombuffer(field.lengths, dtype=np.int32)
        self.length_bytes = _length_bytes(lengths)[self.docs]
        fmt = field.field.format
        if field.items is not None:  # whoosh's items: one posting per item, values as whoosh made them
            weights, values = zip(*(field.items[i] for i in sort), strict=True) if count else ((), ())
            self.weights = np.asarray(weights, dtype=np.float64)
            self.values = _join_values(fmt, list(values))
            return
        self.weights = self.freqs * float(fmt.field_boost)
        if type(fmt) is formats.Frequency:
            self.values = self.freqs.astype(">u4").tobytes()
        elif type(fmt) is formats.Existence:
            self.weights = np.full(len(self.docs), float(fmt.field_boost))
            self.values = None
        elif type(fmt) is formats.Positions:
            positions = np.frombuffer(field.positions, dtype=np.int32).astype(np.int64)[sort]
            self.token_docs, self.token_positions = token_docs, positions
            self.values = _position_values(positions, starts, self.freqs)
        else:
            raise TypeError(f"field {field.name!r}: the lean writer does not write {type(fmt).__name__} postings")


def _length_bytes(lengths: np.ndarray) -> np.ndarray:
    """whoosh's length_to_byte for an array of lengths."""
    return np.where(lengths >= 106374, 255, np.searchsorted(_LENGTHS, lengths, side="left")).astype(np.int64)


def _join_values(fmt, values: list[bytes]):
    size = fmt.fixed_value_size()
    if size == 0:
        return None
    return b"".join(values) if size else values


def _position_values(positions: np.ndarray, starts: np.ndarray, freqs: np.ndarray) -> list[bytes]:
    """Each posting's value as whoosh's Positions.encode makes it: the count as a big-endian uint, then a
    protocol-2 pickle of the list of position deltas. Built for all postings at once in one byte buffer."""
    count = len(starts)
    if not count:
        return []
    posting_of = np.repeat(np.arange(count), freqs)
    previous = np.empty_like(positions)
    previous[0] = 0
    previous[1:] = positions[:-1]
    previous[starts] = 0
    deltas = positions - previous
    sizes = np.where(deltas < 256, 2, np.where(deltas < 65536, 3, 5))  # BININT1, BININT2, BININT
    multi = (freqs > 1).astype(np.int64)
    lengths = 4 + 5 + 1 + multi + np.add.reduceat(sizes, starts) + 1  # uint, header, APPEND or MARK…APPENDS, STOP
    ends = np.cumsum(lengths)
    begins = ends - lengths
    buffer = np.zeros(int(ends[-1]), dtype=np.uint8)
    header = freqs.astype(">u4").view(np.uint8).reshape(-1, 4)
    for i in range(4):
        buffer[begins + i] = header[:, i]
    for i, byte in enumerate(b"\x80\x02]q\x00"):  # PROTO 2, EMPTY_LIST, BINPUT 0
        buffer[begins + 4 + i] = byte
    buffer[begins[multi == 1] + 9] = ord("(")
    before = np.cumsum(sizes) - sizes
    at = begins[posting_of] + 9 + multi[posting_of] + before - before[starts][posting_of]
    buffer[at] = np.where(sizes == 2, ord("K"), np.where(sizes == 3, ord("M"), ord("J")))
    for shift, wide in ((0, sizes >= 2), (8, sizes >= 3), (16, sizes == 5), (24, sizes == 5)):
        buffer[at[wide] + 1 + shift // 8] = (deltas[wide] >> shift) & 0xFF
    buffer[ends - 2] = np.where(multi == 1, ord("e"), ord("a"))
    buffer[ends - 1] = ord(".")
    data = buffer.tobytes()
    values = [data[b:e] for b, e in zip(begins.tolist(), ends.tolist(), strict=True)]
    for i in np.flatnonzero(freqs > _MAX_PICKLED_LIST).tolist():
        values[i] = formats.Positions().encode(positions[starts[i] : starts[i] + freqs[i]].tolist())
    return values


class _PostingsFile:
    """The .pst file, written in large pieces, with its own offset count."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.offset = 0
        self.pieces: list[bytes] = []
        self.pending = 0

    def write(self, data: bytes) -> None:
        self.pieces.append(data)
        self.offset += len(data)
        self.pending += len(data)
        if self.pending > 1 << 22:
            self.flush()

    def flush(self) -> None:
        self.handle.write(b"".join(self.pieces))
        self.pieces.clear()
        self.pending = 0

    def close(self) -> None:
        self.flush()
        self.handle.close()


def _write_field(number: int, postings: _Postings, out: _PostingsFile, terms: OrderedHashWriter) -> None:
    """Write a field's posting blocks and term infos exactly as whoosh's W3FieldWriter does."""
    if not len(postings.docs):
        return
    docs, weights, length_bytes = postings.docs, postings.weights, postings.length_bytes
    term_starts = postings.term_starts
    sizes = np.diff(term_starts)
    blocks_per_term = -(-sizes // BLOCK)
    block_starts = np.repeat(term_starts[:-1], blocks_per_term) + BLOCK * (
        np.arange(blocks_per_term.sum()) - np.repeat(np.cumsum(blocks_per_term) - blocks_per_term, blocks_per_term)
    )
    block_ends = np.minimum(block_starts + BLOCK, np.repeat(term_starts[1:], blocks_per_term))
    first = np.zeros(len(docs), dtype=bool)
    first[block_starts] = True
    deltas = np.where(first, docs, docs - np.concatenate(([0], docs[:-1]))).tolist()
    nonzero = np.where(length_bytes > 0, length_bytes, 256)
    stats = []  # per block and per term: max weight, min length byte, max length byte
    for starts in (block_starts, term_starts[:-1]):
        low = np.minimum.reduceat(nonzero, starts)
        stats.append(
            (
                np.maximum.reduceat(weights, starts).tolist(),
                np.where(low == 256, 0, low).tolist(),
                np.maximum.reduceat(length_bytes, starts).tolist(),
            )
        )
    (block_weight, block_low, block_high), (term_weight, term_low, term_high) = stats
    low_weight = np.minimum.reduceat(weights, block_starts).tolist()
    term_total = np.add.reduceat(weights, term_starts[:-1]).tolist()
    docs_list, weights_list = docs.tolist(), weights.tolist()
    block_starts, block_ends, term_starts = block_starts.tolist(), block_ends.tolist(), term_starts.tolist()
    blocks_per_term = blocks_per_term.tolist()
    values = postings.values
    fixed = postings.values is not None and isinstance(values, bytes)
    fixed_size = len(values) // len(docs) if fixed else 0
    protocol = 4 if values is not None and not fixed else 2
    prefix = pack_ushort(number)
    block = 0
    for term_index, term in enumerate(postings.terms):
        start_offset = out.offset
        out.write(WHOOSH3_HEADER_MAGIC)
        for _ in range(blocks_per_term[term_index]):
            a, b = block_starts[block], block_ends[block]
            if low_weight[block] == block_weight[block]:
                mini_weights = None if block_weight[block] == 1.0 else block_weight[block]
            else:
                mini_weights = tuple(weights_list[a:b])
            if values is None:
                mini_values = None
            elif fixed:
                mini_values = values[a * fixed_size : b * fixed_size]
            else:
                mini_values = tuple(values[a:b])
            data = pickle.dumps((tuple(deltas[a:b]), mini_weights, mini_values), protocol)
            level = LEVEL if len(data) >= COMPRESS_FROM else 0
            if level:
                data = zlib.compress(data, level)
            header = (b - a, docs_list[b - 1], block_weight[block], level, block_low[block], block_high[block])
            info = pickle.dumps(header, 2)
            size = len(info) + len(data)
            out.write(pack_int(-size if b == term_starts[term_index + 1] else size) + info + data)
            block += 1
        a, b = term_starts[term_index], term_starts[term_index + 1]
        info = W3TermInfo._struct.pack(
            False,
            term_total[term_index],
            b - a,
            term_low[term_index],
            term_high[term_index],
            term_weight[term_index],
            docs_list[a],
            docs_list[b - 1],
        )
        terms.add(prefix + term, info + pack_long(start_offset) + pack_int(out.offset - start_offset))


class LeanSegmentWriter:
    """Write documents into one new segment of a whoosh index (with its character sidecar); `finish` returns
    the segment for the caller to commit (or None when no document came). Not thread-safe; one per process."""

    def __init__(self, index, folder: Path) -> None:
        self.folder = Path(folder)
        self.schema = index.schema
        self.storage = index.storage
        self.codec = W3Codec()
        self.segment = self.codec.new_segment(self.storage, index.indexname)
        self.perdoc = self.codec.per_document_writer(self.storage, self.segment)
        self.fields: dict[str, _Field] = {}
        self.cache: dict[tuple[str, str], list] = {}  # (field, value) → whoosh's items, for repeated values
        self.doccount = 0

    def add_document(self, doc: dict) -> None:
        """Add one document: field name → value, as for whoosh's add_document (None values are skipped)."""
        docnum = self.doccount
        self.perdoc.start_doc(docnum)
        for name in sorted(doc):
            value = doc[name]
            if value is None:
                continue
            field = self.schema[name]
            length = 0
            if field.indexed:
                length = self._index(name, field, docnum, value)
                if field.scorable:
                    self.fields[name].set_length(docnum, length)
                else:
                    length = 0
            self.perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type:
                self.perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        self.perdoc.finish_doc()
        self.doccount += 1

    def _index(self, name: str, field, docnum: int, value) -> int:
        if name not in self.fields:
            self.fields[name] = _Field(name, field)
        if isinstance(value, PreAnalysed):
            return self.fields[name].add_terms(docnum, value)
        key = (name, value)
        items = None if field.unique else self.cache.get(key)
        if items is None:
            items = [(t, f, w, v) for t, f, w, v in field.index(value)]
            if not field.unique:
                self.cache[key] = items
        return self.fields[name].add_items(docnum, items)

    def finish(self):
        """Write the postings, term index, per-document columns and sidecar; the segment, or None if empty."""
        self.perdoc.close()
        if not self.doccount:
            self.cancel()
            return None
        self.segment.set_doc_count(self.doccount)
        terms = OrderedHashWriter(self.segment.create_file(self.storage, W3Codec.TERMS_EXT))
        out = _PostingsFile(self.segment.create_file(self.storage, W3Codec.POSTS_EXT))
        try:
            sidecar = self._write_postings(terms, out)
        finally:
            out.close()
            terms.close()
        self.segment.create_compound_file(self.storage)  # takes every file named like the segment: sidecar after
        if sidecar is not None:
            save_sidecar(self.folder, self.segment.segment_id(), *sidecar)
        return self.segment

    def _write_postings(self, terms: OrderedHashWriter, out: _PostingsFile):
        fieldmap = terms.extras["fieldmap"] = {}
        sidecar = None
        for name in sorted(self.fields):
            postings = _Postings(self.fields[name], self.doccount)
            if not len(postings.docs):
                continue
            fieldmap[name] = len(fieldmap)
            _write_field(fieldmap[name], postings, out, terms)
            if name == CHARS:
                sidecar = _sidecar(postings)
        return sidecar

    def cancel(self) -> None:
        """Give the segment up: close and delete whatever of it was written."""
        if not self.perdoc.is_closed:
            self.perdoc.close()
        for name in self.segment.list_files(self.storage):
            self.storage.delete_file(name)


def _sidecar(postings: _Postings) -> tuple[dict[str, tuple[int, int]], np.ndarray]:
    """The character sidecar from the `chars` postings: each character's sorted `doc << 24 | position` keys."""
    keys = (postings.token_docs << POSITION_BITS) | postings.token_positions
    bounds = np.searchsorted(postings.token_rank, np.arange(len(postings.terms) + 1)).tolist()
    return {t.decode("utf-8"): (bounds[i], bounds[i + 1]) for i, t in enumerate(postings.terms)}, keys


def lock_index(index, folder: Path):
    """whoosh's writer of `index`, held for its lock while segments are written; IndexBusy when taken."""
    try:
        return index.writer()
    except LockError as exc:
        raise IndexBusy(f"another govsearch process is writing to {folder}; wait for it to finish") from exc


def commit_segments(writer, segments: list, delete: Iterable[str]) -> None:
    """Delete the reports in `delete`, then make `segments` part of the index in one TOC write (whoosh merges
    small old segments first, as its own commit does) and release the lock."""
    for report in delete:
        writer.delete_by_term("report_id", report)
    final = writer._merge_segments(None, None, None)
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(final + segments)
    writer._finish()
