"""The embedded whoosh engine: an index on disk, a lean segment writer, numpy accelerators beside it.

engine.py           WhooshEngine: the Engine protocol over an instance's index
location.py         where the index lives; rebuilds built aside and swapped in atomically
view.py             one searcher's primitives: exact-character matches, BM25F term scores, facet arrays
stored.py           stored fields ↔ ReportInfo / StoredParagraph
schema.py           the whoosh schema; documents.py: a Report → one analysed document per paragraph
writing.py          the lock and the one commit of an indexing run; parallel.py: writing on every core
segment_writer.py   the lean writer of standard W3 segments; postings.py, pickles.py, blocks.py encode them
charindex.py        the numpy character index beside each segment (exact-substring matching); pairs.py: its
                    positional index of character pairs with word-edge flags
textstore.py        the paragraphs' own fields, text keys and report runs, memory-mapped beside each segment
wordpostings.py     the ranked fields' posting lists as memory-mapped arrays beside each segment
sidecars.py         writing those files whole or not at all
bm25.py, reading.py BM25F in numpy; posting lists, lengths, facet arrays read as arrays
w3.py               every whoosh-internal name used above, checked against the pinned whoosh at import
"""

from .engine import WhooshEngine

__all__ = ["WhooshEngine"]
