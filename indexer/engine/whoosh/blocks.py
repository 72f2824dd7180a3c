"""whoosh's W3 posting format, written from sorted numpy arrays instead of one posting at a time (issue #6).

A field's postings are sorted once, by term bytes then document (whoosh's order), and written term by term in
blocks of 128: a header (count, last document, max weight, compression, min and max length byte) and the
pickled (document deltas, weights, values), as whoosh's W3PostingsWriter writes them, then each term's
statistics into the term index. What differs from whoosh's writer stays within what its reader reads: the
(deltas, weights, values) pickles are short pickle programs put together from opcodes encoded for a whole chunk
of postings at once (pickle.loads, which whoosh's reader calls, gives the same tuples as from whoosh's own);
blocks under COMPRESS_FROM bytes are stored as they are (compression 0 in their header; whoosh meant to skip
those under 20 bytes); larger ones are deflated by ISA-L at its level 1 (a standard zlib stream, twice as fast
as zlib's level 3 for 7 % more bytes; whoosh's reader inflates with zlib whatever the level). Terms are written
a chunk at a time, so memory stays proportional to a chunk, not to the field.
"""

from __future__ import annotations

import pickle

import numpy as np
from isal import isal_zlib

from .pickles import pickled_bytes, pickled_floats, pickled_ints
from .postings import SortedPostings
from .w3 import WHOOSH3_HEADER_MAGIC, TermIndex, pack_int, pack_ushort, term_info

BLOCK = 128  # postings per block, as W3Codec(blocklimit=128)
LEVEL = 1  # ISA-L deflate level of larger blocks (and of stored fields, see segment_writer.py)
COMPRESS_FROM = 256  # bytes: two thirds of all blocks are smaller, where deflating costs more than it saves
CHUNK = 1 << 16  # postings encoded at a time


class PostingsFile:
    """The .pst file, written in large pieces, with its own offset count."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.offset = 0
        self.pieces: list[bytes] = []
        self.pending = 0

    def write(self, data: bytes) -> None:
        """Append bytes."""
        self.pieces.append(data)
        self.offset += len(data)
        self.pending += len(data)
        if self.pending > 1 << 22:
            self.flush()

    def flush(self) -> None:
        """Write what is pending."""
        self.handle.write(b"".join(self.pieces))
        self.pieces.clear()
        self.pending = 0

    def close(self) -> None:
        """Write what is pending and close the file."""
        self.flush()
        self.handle.close()


def write_field(number: int, postings: SortedPostings, out: PostingsFile, terms: TermIndex) -> None:
    """Write a field's posting blocks and term infos as whoosh's W3FieldWriter does, a chunk of terms at a time."""
    bounds = postings.term_starts
    first = 0
    while first < len(postings.terms):
        last = max(int(np.searchsorted(bounds, bounds[first] + CHUNK, side="right")) - 1, first + 1)
        _write_terms(number, postings, first, min(last, len(postings.terms)), out, terms)
        first = min(last, len(postings.terms))


def _write_terms(
    number: int, postings: SortedPostings, first: int, last: int, out: PostingsFile, terms: TermIndex
) -> None:
    """Write terms [first, last) of a field."""
    base = int(postings.term_starts[first])
    term_starts = postings.term_starts[first : last + 1] - base
    end = int(term_starts[-1])
    docs = postings.docs[base : base + end].astype(np.int64)
    weights = postings.weights[base : base + end].astype(np.float64)
    lengths = postings.length_bytes[base : base + end].astype(np.int64)
    sizes = np.diff(term_starts)
    blocks_per_term = -(-sizes // BLOCK)
    block_starts = np.repeat(term_starts[:-1], blocks_per_term) + BLOCK * (
        np.arange(blocks_per_term.sum()) - np.repeat(np.cumsum(blocks_per_term) - blocks_per_term, blocks_per_term)
    )
    block_ends = np.minimum(block_starts + BLOCK, np.repeat(term_starts[1:], blocks_per_term))
    opens_block = np.zeros(end, dtype=bool)
    opens_block[block_starts] = True
    deltas = np.where(opens_block, docs, docs - np.concatenate(([0], docs[:-1])))
    nonzero = np.where(lengths > 0, lengths, 256)
    stats = []  # per block and per term: max weight, min length byte, max length byte
    for starts in (block_starts, term_starts[:-1]):
        low = np.minimum.reduceat(nonzero, starts)
        stats.append(
            (
                np.maximum.reduceat(weights, starts).tolist(),
                np.where(low == 256, 0, low).tolist(),
                np.maximum.reduceat(lengths, starts).tolist(),
            )
        )
    (block_weight, block_low, block_high), (term_weight, term_low, term_high) = stats
    low_weight = np.minimum.reduceat(weights, block_starts).tolist()
    term_total = np.add.reduceat(weights, term_starts[:-1]).tolist()
    docs_list = docs.tolist()
    block_starts, block_ends, term_starts = block_starts.tolist(), block_ends.tolist(), term_starts.tolist()
    ids, id_at = pickled_ints(np.asarray(deltas))
    floats = pickled_floats(weights)
    values, value_at = postings.values(base, base + end)
    size = len(values) // end if values is not None and value_at is None else 0
    prefix = pack_ushort(number)
    keys, infos = [], []
    block = 0
    for index, term in enumerate(postings.terms[first:last]):
        start_offset = out.offset
        out.write(WHOOSH3_HEADER_MAGIC)
        term_end = term_starts[index + 1]
        while block < len(block_starts) and block_starts[block] < term_end:
            a, b = block_starts[block], block_ends[block]
            # pickled (document deltas, weights, values), as pickle.loads reads whoosh's own
            if low_weight[block] != block_weight[block]:
                weights_part = b"(" + floats[9 * a : 9 * b] + b"t"
            elif block_weight[block] == 1.0:
                weights_part = b"N"
            else:
                weights_part = floats[9 * a : 9 * a + 9]
            if values is None:
                values_part = b"N"
            elif value_at is None:
                values_part = pickled_bytes(values[a * size : b * size])
            else:
                values_part = b"(" + values[value_at[a] : value_at[b]] + b"t"
            data = b"".join((b"\x80\x04(", ids[id_at[a] : id_at[b]], b"t", weights_part, values_part, b"\x87."))
            level = LEVEL if len(data) >= COMPRESS_FROM else 0
            if level:
                data = isal_zlib.compress(data, level)
            header = (b - a, docs_list[b - 1], block_weight[block], level, block_low[block], block_high[block])
            info = pickle.dumps(header, 2)
            size_bytes = len(info) + len(data)
            out.write(pack_int(-size_bytes if b == term_end else size_bytes) + info + data)
            block += 1
        a = term_starts[index]
        keys.append(prefix + term)
        infos.append(
            term_info(
                term_total[index],
                term_end - a,
                term_low[index],
                term_high[index],
                term_weight[index],
                docs_list[a],
                docs_list[term_end - 1],
                start_offset,
                out.offset - start_offset,
            )
        )
    terms.add_all(keys, infos)
