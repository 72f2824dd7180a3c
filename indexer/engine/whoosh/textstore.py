"""The paragraphs' own stored fields in a memory-mapped file beside each segment: what re-ranking, folding copies
and a page read of up to a few hundred paragraphs per search, without whoosh's stored-field reads (a seek, a
decompression and a pickle of every field of the paragraph and its report, ~25 µs each).

Per segment, `<segment id>.gst.blob` holds one pickled tuple per document (PARAGRAPH_FIELDS, in that order: the
text's word edges too, so a page's highlights need no jieba; None in a store built from stored fields),
`….keys.npy` each text's key (analyzers.same_text_key), `….reports.json` each report's run of documents (with
its title's word edges), and
`….offsets.npy` where each entry starts (written last: its presence means the store is whole). Keys and runs make
a searcher's start-up cheap (no column read value by value, no posting list per report). The report's fields stay
in whoosh's stored fields, read once per view. Like the character sidecar, the lean writer writes the store with
each segment, and a segment without one (whoosh merged it, or an index from before) gets it built from its stored
fields the first time a searcher opens it.
"""

from __future__ import annotations

import json
import mmap
import pickle
from bisect import bisect_right
from pathlib import Path

import numpy as np

from .sidecars import mapped, write_atomically

PARAGRAPH_FIELDS = ("report_id", "number", "text", "section_path", "topic_list", "edges")


def _paths(folder: Path, segment_id: str) -> dict[str, Path]:
    base = folder / f"{segment_id}.gst"
    names = {"blob": "blob", "keys": "keys.npy", "reports": "reports.json", "offsets": "offsets.npy"}
    return {part: Path(f"{base}.{name}") for part, name in names.items()}


def record(stored: dict, edges: tuple[int, ...] | None = None) -> bytes:
    """One document's entry: its paragraph fields and its text's word edges (None: not known), pickled."""
    values = (*(stored.get(name) for name in PARAGRAPH_FIELDS[:-1]), edges)
    return pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)


def save_store(
    folder: Path, segment_id: str, records: list[bytes], keys: list[int], reports: list[tuple[str, object]]
) -> None:
    """Write a segment's store: per document its entry, its text's key (analyzers.same_text_key) and its report
    with its title's word edges (None: not known), kept as runs (a report's paragraphs are written one after
    another); atomically, the offsets last."""
    paths = _paths(folder, segment_id)
    offsets = np.zeros(len(records) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in records], out=offsets[1:])
    runs: list[list] = []
    for docnum, (report_id, title_edges) in enumerate(reports):
        if runs and runs[-1][0] == report_id and runs[-1][1] + runs[-1][2] == docnum:
            runs[-1][2] += 1
        else:
            runs.append([report_id, docnum, 1, list(title_edges) if title_edges is not None else None])
    listing = json.dumps(runs, ensure_ascii=False).encode("utf-8")
    write_atomically(folder, paths["blob"], lambda fh: fh.writelines(records))
    write_atomically(folder, paths["keys"], lambda fh: np.save(fh, np.array(keys, dtype=np.int64)))
    write_atomically(folder, paths["reports"], lambda fh: fh.write(listing))
    write_atomically(folder, paths["offsets"], lambda fh: np.save(fh, offsets))


class SegmentTexts:
    """One segment's store, memory-mapped."""

    def __init__(self, blob: bytes | mmap.mmap, offsets: np.ndarray, keys: np.ndarray, reports: list) -> None:
        self.blob = blob
        self.offsets = offsets.tolist()  # Python ints: one look-up per read, no numpy scalar on the way
        self.keys = keys  # per document, its text's key
        self.reports = reports  # (report id, first document, paragraphs) runs

    @classmethod
    def load(cls, folder: Path, segment_id: str) -> SegmentTexts | None:
        """The store of a segment, or None when it has none yet (or one of an earlier layout)."""
        paths = _paths(folder, segment_id)
        if not paths["offsets"].is_file() or not paths["keys"].is_file():
            return None
        offsets = np.load(paths["offsets"])
        with paths["blob"].open("rb") as fh:
            blob = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if offsets[-1] else b""
        reports = json.loads(paths["reports"].read_text(encoding="utf-8"))
        return cls(blob, offsets, mapped(paths["keys"]), reports)

    @classmethod
    def build(cls, reader, folder: Path, segment_id: str) -> SegmentTexts:
        """Build a segment's store from its whoosh stored fields and text keys, save it, and return it."""
        stored = [reader.stored_fields(d) for d in range(reader.doc_count_all())]  # deleted ones too
        records = [record(fields) for fields in stored]
        if "same_text" in reader.schema and reader.has_column("same_text"):
            keys = list(reader.column_reader("same_text"))
        else:  # an index from before the key: every paragraph a text of its own (negative: never a text's key)
            keys = list(range(-len(stored), 0))
        reports = [(fields.get("report_id", ""), None) for fields in stored]
        try:
            save_store(folder, segment_id, records, keys, reports)
        except OSError:  # a read-only index: nothing kept (the next process builds it again)
            pass
        return cls.load(folder, segment_id) or cls._unsaved(records, keys)

    @classmethod
    def _unsaved(cls, records: list[bytes], keys: list[int]) -> SegmentTexts:
        offsets = np.zeros(len(records) + 1, dtype=np.int64)
        np.cumsum([len(r) for r in records], out=offsets[1:])
        reports = [[pickle.loads(r)[0], d, 1, None] for d, r in enumerate(records)]
        return cls(b"".join(records), offsets, np.array(keys, dtype=np.int64), reports)

    def values(self, local: int) -> tuple:
        """The paragraph fields of a document of this segment, in PARAGRAPH_FIELDS order."""
        return pickle.loads(self.blob[self.offsets[local] : self.offsets[local + 1]])


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

    def same_text(self, size: int) -> np.ndarray:
        """Every document's text key, by global document number."""
        keys = np.empty(size, dtype=np.int64)
        for texts, start in zip(self.parts, self.starts, strict=True):
            keys[start : start + len(texts.keys)] = texts.keys
        return keys

    def report_docs(self, live: np.ndarray) -> dict[str, np.ndarray]:
        """Report id → its live documents, sorted."""
        found: dict[str, list[np.ndarray]] = {}
        for texts, start in zip(self.parts, self.starts, strict=True):
            for report_id, first, count, *_ in texts.reports:
                found.setdefault(report_id, []).append(np.arange(start + first, start + first + count))
        docs = {r: np.concatenate(parts) if len(parts) > 1 else parts[0] for r, parts in found.items()}
        docs = {r: d[live[d]] for r, d in docs.items()}
        return {r: d for r, d in docs.items() if len(d)}

    def title_edges(self) -> dict[str, list[int]]:
        """Report id → its title's word edges, for the reports whose store kept them."""
        return {run[0]: run[3] for texts in self.parts for run in texts.reports if len(run) > 3 and run[3] is not None}

    def values(self, docnum: int) -> tuple:
        """The paragraph fields of a document, in PARAGRAPH_FIELDS order."""
        at = bisect_right(self.starts, docnum) - 1
        return self.parts[at].values(docnum - self.starts[at])

    def fields(self, docnum: int) -> dict:
        """The paragraph fields of a document."""
        return dict(zip(PARAGRAPH_FIELDS, self.values(docnum), strict=True))
