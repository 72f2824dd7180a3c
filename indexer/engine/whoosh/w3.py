"""Every whoosh-internal name govsearch relies on, in one place: the W3 codec's files as our lean writer writes
them and our numpy readers read them.

Written for whoosh-reloaded 2.7.5 (pinned in setup.cfg). whoosh's public API offers no way to write postings
from arrays or to read a posting list in one piece, so these few pieces reach into its codec: term infos,
posting-block headers, the ordered-hash term index, the per-document writer's columns and length bytes. The
import-time check below refuses any other whoosh version with a message, rather than misreading an index.
Tests read back every structure written here through whoosh's own reader (tests/test_segment_writer.py).
"""

from __future__ import annotations

import io
import os
import pickle
import zlib

import numpy as np
import whoosh
from isal import isal_zlib
from whoosh import columns
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3LeafMatcher,
    W3PerDocWriter,
    W3TermInfo,
)
from whoosh.filedb.filetables import OrderedHashWriter, md5_hash
from whoosh.filedb.filetables import _lengths as _RECORD
from whoosh.system import _INT_SIZE, pack_int, pack_long, pack_ushort, unpack_int
from whoosh.util.numeric import _length_byte_cache, byte_to_length

WRITTEN_FOR = (2, 7, 5)

__all__ = [
    "LENGTH_OF_BYTE",
    "LENGTH_TABLE",
    "WHOOSH3_HEADER_MAGIC",
    "FastDeflatedBytes",
    "PerDocWriter",
    "TermIndex",
    "W3Codec",
    "check_version",
    "drop_inherited_lock",
    "pack_int",
    "pack_long",
    "pack_ushort",
    "posting_blocks",
    "segment_length_bytes",
    "term_info",
]


def check_version(version: tuple) -> None:
    """ImportError, saying what to do, unless `version` is the whoosh this module was written for."""
    if tuple(version[:3]) != WRITTEN_FOR:
        found = ".".join(map(str, version))
        wanted = ".".join(map(str, WRITTEN_FOR))
        raise ImportError(
            f"govsearch's whoosh engine reads and writes whoosh {wanted}'s segment format through its internals, "
            f"but whoosh {found} is installed; install the pinned version: pip install whoosh-reloaded=={wanted}"
        )


check_version(whoosh.__version__)

LENGTH_TABLE = np.asarray(_length_byte_cache, dtype=np.int64)  # quantised field lengths: byte → length, ascending
LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


# -- reading --------------------------------------------------------------------------------------------


def all_postings(leaf, field: str, word: bytes):
    """A segment's matcher for a term with its deleted documents too (SegmentReader.postings filters them out):
    what whoosh counts in a term's document frequency, and so in its idf."""
    return leaf._terms.matcher(field, word, leaf.schema[field].format)


def posting_blocks(matcher):
    """Each block's (document numbers, weights) of a posting list, or None when `matcher` is not a plain W3 one.

    Read in one piece and decoded as W3LeafMatcher decodes them (`_goto`, `_read_ids`, `_read_weights`), with
    numpy instead of a loop per posting: after a 4-byte tag, blocks of a signed length (negative for the last),
    a pickled header, the pickled data."""
    if not isinstance(matcher, W3LeafMatcher) or matcher._byteids:
        return None
    return _blocks(matcher)


def _blocks(matcher: W3LeafMatcher):
    extent = matcher._length  # the whole posting list's bytes; the term info unpacks it as a 1-tuple
    data = matcher._postfile.get(matcher._startoffset, extent[0] if isinstance(extent, tuple) else extent)
    if data[:4] != WHOOSH3_HEADER_MAGIC:
        raise ValueError(f"not a whoosh 3 posting list at {matcher._startoffset}")
    stream = io.BytesIO(data)
    position = 4
    while True:
        (length,) = unpack_int(data[position : position + _INT_SIZE])
        stream.seek(position + _INT_SIZE)
        count, _, _, compression, _, _ = pickle.load(stream)
        end = position + _INT_SIZE + abs(length)
        block = data[stream.tell() : end]
        deltas, weights, _ = pickle.loads(zlib.decompress(block) if compression else block)
        ids = np.cumsum(np.asarray(deltas, dtype=np.int64))
        if weights is None or isinstance(weights, float):  # whoosh: an array("f") of the one weight
            weights = np.full(count, 1.0 if weights is None else weights, dtype=np.float32)
        yield ids, np.asarray(weights, dtype=np.float64)
        if length < 0:
            return
        position = end


def segment_length_bytes(leaf, field: str) -> np.ndarray | None:
    """One segment's length byte per document for a field, read in one go; None for another codec."""
    count = leaf.doc_count_all()
    perdoc = getattr(leaf, "_perdoc", None)
    if perdoc is None:
        return None
    column = perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
    try:
        stored = min(column._count, count)
        raw = np.zeros(count, dtype=np.uint8)
        raw[:stored] = np.frombuffer(column._dbfile.get(column._basepos, stored * column._fixedlen), dtype=np.uint8)
    except (AttributeError, ValueError):  # no length column of that layout
        return None
    return raw


# -- writing --------------------------------------------------------------------------------------------


def drop_inherited_lock(writer) -> None:
    """In a forked child: close its copy of the writer's lock file. An flock belongs to the open file, which the
    child shares until it closes it, so a child that outlived its parent would otherwise keep the index locked."""
    lock = getattr(writer, "writelock", None)
    if lock is not None and getattr(lock, "fd", None) is not None:
        os.close(lock.fd)
        lock.fd = None
        lock.locked = False


def term_info(
    weight: float,
    doc_frequency: int,
    min_length: int,
    max_length: int,
    max_weight: float,
    first: int,
    last: int,
    offset: int,
    size: int,
) -> bytes:
    """A term's W3 term info: statistics, then where its posting list starts and how long it is."""
    packed = W3TermInfo._struct.pack(False, weight, doc_frequency, min_length, max_length, max_weight, first, last)
    return packed + pack_long(offset) + pack_int(size)


class TermIndex(OrderedHashWriter):
    """The term index file (an ordered hash: term key → term info), given a chunk of terms at a time: one
    write per chunk instead of four per term; the hash tables, directory and index array are whoosh's own."""

    def add_all(self, keys: list[bytes], values: list[bytes]) -> None:
        """Add keys (in increasing order, after those added before) with their values."""
        if not keys:
            return
        if keys[0] <= self.lastkey:
            raise ValueError(f"keys must increase: {self.lastkey!r}..{keys[0]!r}")
        records = [_RECORD.pack(len(k), len(v)) + k + v for k, v in zip(keys, values, strict=True)]
        start = self.dbfile.tell()
        offsets = np.cumsum([0, *map(len, records[:-1])]) + start
        self.dbfile.write(b"".join(records))
        positions = offsets.tolist()
        for key, position in zip(keys, positions, strict=True):
            code = md5_hash(key)
            self.buckets[code & 255].append((code, position))
        self.index.extend(positions)
        self.lastkey = keys[-1]


class FastDeflatedBytes(columns.CompressedBytesColumn):
    """whoosh's column of deflated byte strings, deflated by ISA-L (standard zlib streams)."""

    def writer(self, dbfile):
        """whoosh's writer of the column, compressing with ISA-L."""
        writer = super().writer(dbfile)
        writer._compress = isal_zlib.compress
        return writer


class PerDocWriter(W3PerDocWriter):
    """whoosh's per-document writer (stored fields, lengths, columns), stored fields deflated by ISA-L at `level`:
    the `_stored` column has whoosh's format (a pickle per document, deflated) and reads back with whoosh's reader."""

    def __init__(self, codec, storage, segment, level: int) -> None:
        self.level = level  # before whoosh's __init__, which creates the stored-fields column
        super().__init__(codec, storage, segment)

    def _create_column(self, fieldname, column):
        if fieldname == "_stored":
            column = columns.PickleColumn(FastDeflatedBytes(level=self.level))
        super()._create_column(fieldname, column)

    def finish_stored(self, stored: dict) -> None:
        """Finish the document begun with start_doc, with these stored fields (what add_field collects)."""
        self._storedfields = stored
        self.finish_doc()

    def write_lengths(self, fieldname: str, total: int, quantised: np.ndarray) -> None:
        """Every document's length byte of a field at once, as add_field writes them one by one: the total, and
        a column of length bytes up to the last non-zero one."""
        self._fieldlengths[fieldname] += total
        used = np.flatnonzero(quantised)
        name = f"_{fieldname}_len"
        handle = self._cols.create_file(name)
        handle.write(quantised[: used[-1] + 1].tobytes() if len(used) else b"")
        self._colwriters[name] = columns.ColumnWriter(handle)  # written: nothing left to finish
