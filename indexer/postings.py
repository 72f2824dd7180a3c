"""whoosh's W3 posting format, written from numpy arrays instead of one posting at a time (issue #6).

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
from dataclasses import dataclass

import numpy as np
from isal import isal_zlib
from whoosh import formats
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.filedb.filetables import OrderedHashWriter, md5_hash
from whoosh.filedb.filetables import _lengths as _RECORD
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import _length_byte_cache

BLOCK = 128  # postings per block, as W3Codec(blocklimit=128)
LEVEL = 1  # ISA-L deflate level of larger blocks (and of stored fields, see segment_writer.py)
COMPRESS_FROM = 256  # bytes: two thirds of all blocks are smaller, where deflating costs more than it saves
CHUNK = 1 << 16  # postings encoded at a time
_LENGTHS = np.asarray(_length_byte_cache, dtype=np.int64)  # whoosh's quantised field lengths (byte → length)
_MAX_PICKLED_LIST = 1000  # pickle writes longer lists in batches; such position lists are encoded by pickle itself


def length_bytes(lengths: np.ndarray) -> np.ndarray:
    """whoosh's length_to_byte for an array of lengths."""
    return np.where(lengths >= 106374, 255, np.searchsorted(_LENGTHS, lengths, side="left")).astype(np.uint8)


def stable_order(keys: np.ndarray) -> np.ndarray:
    """np.argsort(keys, kind="stable") for keys in [0, 2**32), as one or two radix passes of 16 bits (5× faster)."""
    low = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    if not len(keys) or keys.max() <= 0xFFFF:
        return low
    return low[np.argsort((keys[low] >> 16).astype(np.uint16), kind="stable")]


@dataclass
class SortedPostings:
    """A field's postings sorted by term bytes, then document; with `positions`, each posting's positions are
    `positions[token_starts[i] : token_starts[i] + freqs[i]]`."""

    terms: list[bytes]  # sorted
    term_starts: np.ndarray  # len(terms) + 1 offsets into the postings
    docs: np.ndarray  # int32
    freqs: np.ndarray  # int32
    weights: np.ndarray  # float32, as whoosh keeps them
    length_bytes: np.ndarray  # uint8: the document's quantised field length (0: none)
    fmt: formats.Format
    token_starts: np.ndarray | None = None
    positions: np.ndarray | None = None  # int32, per token, in posting order
    item_values: list[bytes] | None = None  # values whoosh computed (fields it analysed itself)

    def values(self, a: int, b: int) -> tuple[bytes | None, list[int] | None]:
        """Values of postings [a, b): None (no values), joined fixed-size values and None, or pickled byte strings
        one after another and where each begins, relative to posting a."""
        size = self.fmt.fixed_value_size()
        if size == 0:
            return None, None
        if size:
            if self.item_values is not None:
                return b"".join(self.item_values[a:b]), None
            if type(self.fmt) is formats.Frequency:
                return self.freqs[a:b].astype(">u4").tobytes(), None
        elif self.item_values is not None:
            pickled = [_pickled_bytes(v) for v in self.item_values[a:b]]
            return b"".join(pickled), [0, *np.cumsum([len(v) for v in pickled]).tolist()]
        elif type(self.fmt) is formats.Positions:
            first = int(self.token_starts[a])
            end = int(self.token_starts[b]) if b < len(self.docs) else len(self.positions)
            return _position_values(self.positions[first:end], self.token_starts[a:b] - first, self.freqs[a:b])
        raise TypeError(f"the lean writer does not write {type(self.fmt).__name__} postings")


def sort_postings(
    names: list[str | bytes],
    term_ids: np.ndarray,
    docs: np.ndarray,
    doc_lengths: np.ndarray,
    fmt: formats.Format,
    positions: np.ndarray | None = None,
    items: tuple[np.ndarray, list[bytes] | None] | None = None,
) -> SortedPostings:
    """Sort a field's tokens (term id, document; in document order, positions ascending) into postings.
    `items`, for fields whoosh analysed itself, gives each token's (posting's) weight and value."""
    encoded = [t.encode("utf-8") if isinstance(t, str) else t for t in names]
    order = sorted(range(len(encoded)), key=encoded.__getitem__)
    rank = np.empty(len(encoded), dtype=np.int32)
    rank[order] = np.arange(len(encoded), dtype=np.int32)
    token_rank = rank[term_ids]
    sort = stable_order(token_rank)
    token_rank, token_docs = token_rank[sort], docs[sort]
    count = len(sort)
    change = np.ones(count, dtype=bool)
    change[1:] = (token_rank[1:] != token_rank[:-1]) | (token_docs[1:] != token_docs[:-1])
    starts = np.flatnonzero(change)
    freqs = np.diff(np.append(starts, count)).astype(np.int32)
    postings = SortedPostings(
        terms=[encoded[i] for i in order],
        term_starts=np.searchsorted(token_rank[starts], np.arange(len(encoded) + 1)),
        docs=token_docs[starts],
        freqs=freqs,
        weights=(freqs * float(fmt.field_boost)).astype(np.float32),
        length_bytes=length_bytes(doc_lengths)[token_docs[starts]],
        fmt=fmt,
    )
    if items is not None:
        weights, values = items
        postings.weights = weights[sort].astype(np.float32)
        postings.item_values = [values[i] for i in sort.tolist()] if values is not None else None
    elif type(fmt) is formats.Existence:
        postings.weights = np.full(len(starts), float(fmt.field_boost), dtype=np.float32)
    elif type(fmt) is formats.Positions:
        postings.token_starts, postings.positions = starts, positions[sort]
    return postings


def _pickled_ints(values: np.ndarray) -> tuple[bytes, list[int]]:
    """Non-negative ints below 2**31 as pickle opcodes (BININT1, BININT2 or BININT), one after another; and where
    each begins (plus the end)."""
    values = values.astype(np.int64)
    sizes = np.where(values < 256, 2, np.where(values < 65536, 3, 5))
    ends = np.cumsum(sizes)
    at = ends - sizes
    buffer = np.zeros(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    buffer[at] = np.where(sizes == 2, ord("K"), np.where(sizes == 3, ord("M"), ord("J")))
    for shift, wide in ((0, sizes >= 2), (8, sizes >= 3), (16, sizes == 5), (24, sizes == 5)):
        buffer[at[wide] + 1 + shift // 8] = (values[wide] >> shift) & 0xFF
    return buffer.tobytes(), [0, *ends.tolist()]


def _pickled_floats(values: np.ndarray) -> bytes:
    """Floats as pickle opcodes (BINFLOAT: "G" and 8 big-endian bytes), one after another, 9 bytes each."""
    buffer = np.empty((len(values), 9), dtype=np.uint8)
    buffer[:, 0] = ord("G")
    buffer[:, 1:] = values.astype(">f8").view(np.uint8).reshape(-1, 8)
    return buffer.tobytes()


def _pickled_bytes(data: bytes) -> bytes:
    """A byte string as a pickle opcode (SHORT_BINBYTES or BINBYTES)."""
    return (b"C" + bytes((len(data),)) if len(data) < 256 else b"B" + len(data).to_bytes(4, "little")) + data


def _position_values(positions: np.ndarray, starts: np.ndarray, freqs: np.ndarray) -> tuple[bytes, list[int]]:
    """Each posting's value as whoosh's Positions.encode makes it (its count as a big-endian uint, then a
    protocol-2 pickle of the list of position deltas) as a pickled byte string, one after another in one buffer
    built for all the postings at once; and where each begins (plus the end)."""
    count = len(starts)
    if not count:
        return b"", [0]
    positions = positions.astype(np.int64)
    posting_of = np.repeat(np.arange(count), freqs)
    previous = np.empty_like(positions)
    previous[0] = 0
    previous[1:] = positions[:-1]
    previous[starts] = 0
    deltas = positions - previous
    sizes = np.where(deltas < 256, 2, np.where(deltas < 65536, 3, 5))  # BININT1, BININT2, BININT
    multi = (freqs > 1).astype(np.int64)
    value_lengths = 4 + 5 + 1 + multi + np.add.reduceat(sizes, starts) + 1  # uint, header, APPEND(S), STOP
    batched = {  # pickle writes lists longer than 1000 in batches: those few are encoded by whoosh itself
        i: formats.Positions().encode(positions[starts[i] : starts[i] + freqs[i]].tolist())
        for i in np.flatnonzero(freqs > _MAX_PICKLED_LIST).tolist()
    }
    for i, value in batched.items():
        value_lengths[i] = len(value)
    prefix = np.where(value_lengths < 256, 2, 5)  # SHORT_BINBYTES and a length byte, or BINBYTES and four
    ends = np.cumsum(prefix + value_lengths)
    begins = ends - prefix - value_lengths
    buffer = np.zeros(int(ends[-1]), dtype=np.uint8)
    short = prefix == 2
    buffer[begins[short]] = ord("C")
    buffer[begins[short] + 1] = value_lengths[short]
    buffer[begins[~short]] = ord("B")
    for i in range(4):
        buffer[begins[~short] + 1 + i] = (value_lengths[~short] >> (8 * i)) & 0xFF
    values = begins + prefix
    header = freqs.astype(">u4").view(np.uint8).reshape(-1, 4)
    for i in range(4):
        buffer[values + i] = header[:, i]
    for i, byte in enumerate(b"\x80\x02]q\x00"):  # PROTO 2, EMPTY_LIST, BINPUT 0
        buffer[values + 4 + i] = byte
    buffer[values[multi == 1] + 9] = ord("(")
    before = np.cumsum(sizes) - sizes
    at = values[posting_of] + 9 + multi[posting_of] + before - before[starts][posting_of]
    buffer[at] = np.where(sizes == 2, ord("K"), np.where(sizes == 3, ord("M"), ord("J")))
    for shift, wide in ((0, sizes >= 2), (8, sizes >= 3), (16, sizes == 5), (24, sizes == 5)):
        buffer[at[wide] + 1 + shift // 8] = (deltas[wide] >> shift) & 0xFF
    buffer[ends - 2] = np.where(multi == 1, ord("e"), ord("a"))
    buffer[ends - 1] = ord(".")
    for i, value in batched.items():  # written over what the vectorised steps put there
        buffer[values[i] : values[i] + len(value)] = np.frombuffer(value, dtype=np.uint8)
    return buffer.tobytes(), [*begins.tolist(), int(ends[-1])]


class TermIndex(OrderedHashWriter):
    """whoosh's term index file (an ordered hash: term key → term info), given a chunk of terms at a time: one
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
    ids, id_at = _pickled_ints(np.asarray(deltas))
    floats = _pickled_floats(weights)
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
                values_part = _pickled_bytes(values[a * size : b * size])
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
        info = W3TermInfo._struct.pack(
            False,
            term_total[index],
            term_end - a,
            term_low[index],
            term_high[index],
            term_weight[index],
            docs_list[a],
            docs_list[term_end - 1],
        )
        keys.append(prefix + term)
        infos.append(info + pack_long(start_offset) + pack_int(out.offset - start_offset))
    terms.add_all(keys, infos)
