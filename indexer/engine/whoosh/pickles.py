"""Pickle programs put together from opcodes encoded for a whole chunk of postings at once: the (document deltas,
weights, values) of whoosh's posting blocks. pickle.loads, which whoosh's reader calls, gives the same tuples as
from whoosh's own pickles (protocol 4 opcodes instead of protocol 2, which wraps every byte string in a
`codecs.encode` call: 10× slower, 2× larger)."""

from __future__ import annotations

import numpy as np
from whoosh import formats

_MAX_PICKLED_LIST = 1000  # pickle writes longer lists in batches; such position lists are encoded by pickle itself


def pickled_ints(values: np.ndarray) -> tuple[bytes, list[int]]:
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


def pickled_floats(values: np.ndarray) -> bytes:
    """Floats as pickle opcodes (BINFLOAT: "G" and 8 big-endian bytes), one after another, 9 bytes each."""
    buffer = np.empty((len(values), 9), dtype=np.uint8)
    buffer[:, 0] = ord("G")
    buffer[:, 1:] = values.astype(">f8").view(np.uint8).reshape(-1, 8)
    return buffer.tobytes()


def pickled_bytes(data: bytes) -> bytes:
    """A byte string as a pickle opcode (SHORT_BINBYTES or BINBYTES)."""
    return (b"C" + bytes((len(data),)) if len(data) < 256 else b"B" + len(data).to_bytes(4, "little")) + data


def position_values(positions: np.ndarray, starts: np.ndarray, freqs: np.ndarray) -> tuple[bytes, list[int]]:
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
