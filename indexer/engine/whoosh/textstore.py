"""The paragraphs' own stored fields in a memory-mapped file beside each segment: what re-ranking, folding copies
and a page read of up to a few hundred paragraphs per search, without whoosh's stored-field reads (a seek, a
decompression and a pickle of every field of the paragraph and its report, ~25 µs each).

Per segment, `<segment id>.gst.blob` holds one pickled tuple per document (PARAGRAPH_FIELDS, in that order: the
text's word edges too, so a page's highlights need no jieba; None in a store built from stored fields) and
`<segment id>.gst.offsets.npy` where each starts (offsets written last: their presence means the store is whole).
The report's fields stay in whoosh's stored fields, read once per report. Like the character sidecar, the lean
writer writes the store with each segment, and a segment without one (whoosh merged it) gets it built from its
stored fields the first time a searcher opens it.
"""

from __future__ import annotations

import mmap
import pickle
from pathlib import Path

import numpy as np

from .sidecars import write_atomically

PARAGRAPH_FIELDS = ("report_id", "number", "text", "section_path", "topic_list", "edges")


def _paths(folder: Path, segment_id: str) -> tuple[Path, Path]:
    base = folder / f"{segment_id}.gst"
    return Path(f"{base}.blob"), Path(f"{base}.offsets.npy")


def record(stored: dict, edges: tuple[int, ...] | None = None) -> bytes:
    """One document's entry: its paragraph fields and its text's word edges (None: not known), pickled."""
    values = (*(stored.get(name) for name in PARAGRAPH_FIELDS[:-1]), edges)
    return pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)


def save_store(folder: Path, segment_id: str, records: list[bytes]) -> None:
    """Write a segment's store (atomically: temporary names, renames, the offsets last)."""
    blob_path, offsets_path = _paths(folder, segment_id)
    offsets = np.zeros(len(records) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in records], out=offsets[1:])
    write_atomically(folder, blob_path, lambda fh: fh.writelines(records))
    write_atomically(folder, offsets_path, lambda fh: np.save(fh, offsets))


class SegmentTexts:
    """One segment's store, memory-mapped."""

    def __init__(self, blob: bytes | mmap.mmap, offsets: np.ndarray) -> None:
        self.blob = blob
        self.offsets = offsets.tolist()  # Python ints: one look-up per read, no numpy scalar on the way

    @classmethod
    def load(cls, folder: Path, segment_id: str) -> SegmentTexts | None:
        """The store of a segment, or None when it has none yet."""
        blob_path, offsets_path = _paths(folder, segment_id)
        if not offsets_path.is_file():
            return None
        offsets = np.load(offsets_path)
        with blob_path.open("rb") as fh:
            blob = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if offsets[-1] else b""
        return cls(blob, offsets)

    @classmethod
    def build(cls, reader, folder: Path, segment_id: str) -> SegmentTexts:
        """Build a segment's store from its whoosh stored fields, save it, and return it."""
        records = [record(reader.stored_fields(d)) for d in range(reader.doc_count_all())]  # deleted ones too
        try:
            save_store(folder, segment_id, records)
        except OSError:  # a read-only index: keep it in memory for this process
            offsets = np.zeros(len(records) + 1, dtype=np.int64)
            np.cumsum([len(r) for r in records], out=offsets[1:])
            return cls(b"".join(records), offsets)
        return cls.load(folder, segment_id)

    def fields(self, local: int) -> dict:
        """The paragraph fields of a document of this segment."""
        values = pickle.loads(self.blob[self.offsets[local] : self.offsets[local + 1]])
        return dict(zip(PARAGRAPH_FIELDS, values, strict=True))


class TextStore:
    """Every segment's store with its document offset: paragraph fields by global document number."""

    def __init__(self, parts: list[tuple[SegmentTexts, int]]) -> None:
        self.starts = [offset for _, offset in parts]
        self.parts = [texts for texts, _ in parts]

    @classmethod
    def open(cls, leaves, folder: Path) -> TextStore:
        """The stores of a whoosh reader's (segment reader, offset) pairs, building any that are missing."""
        parts = []
        for leaf, offset in leaves:
            segment_id = leaf.segment().segment_id()
            texts = SegmentTexts.load(folder, segment_id) or SegmentTexts.build(leaf, folder, segment_id)
            parts.append((texts, offset))
        return cls(parts)

    def fields(self, docnum: int) -> dict:
        """The paragraph fields of a document."""
        at = len(self.starts) - 1
        while self.starts[at] > docnum:
            at -= 1
        return self.parts[at].fields(docnum - self.starts[at])
