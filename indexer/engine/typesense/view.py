"""One committed generation as an EngineView: the cluster finds the paragraphs with a run of characters (a phrase
query over one token per character, its matches returned as the values of the `num` facet, all in one answer); the
mirror applies the word-edge rule and answers everything per paragraph."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

import numpy as np

from analyzers import BREAK

from ...records import StoredParagraph
from .connection import Connection, Incomplete
from .documents import phrase
from .mirror import Mirror

NO_LIMIT = 10_000_000  # max_facet_values: every matching paragraph
EXACT = {"num_typos": 0, "prefix": "false", "drop_tokens_threshold": 0, "typo_tokens_threshold": 0}


class TypesenseView:
    """The primitives of engine/base.py's EngineView over a mirror and the cluster it mirrors."""

    def __init__(self, conn: Connection, mirror: Mirror) -> None:
        self.conn = conn
        self.mirror = mirror
        self.size = mirror.size
        self.live = mirror.live
        self.facet_arrays = mirror.facet_arrays
        self.report_titles = {rid: mirror.reports[rid].title for rid in mirror.facet_arrays["report"]}
        self.title_edges = mirror.title_edges
        self.same_text = mirror.same_text

    def matches(self, tokens: list[str]) -> np.ndarray:
        """Sorted numbers of live paragraphs where the tokens occur in a row (any word edges), from the cluster;
        ClusterError when no node can answer from all of the generation's paragraphs."""
        state = self.mirror.state
        params = {
            "q": phrase(tokens),
            "query_by": "chars",
            "facet_by": "num",
            "max_facet_values": NO_LIMIT,
            "per_page": 0,
            "filter_by": f"num:<{state.next_num}",
            **EXACT,
        }

        def call(client):
            answer = client.collections[state.collection].documents.search(params)
            if answer.get("out_of", 0) < state.documents:
                raise Incomplete(f"searched {answer.get('out_of')} of {state.documents} paragraphs (still loading)")
            counts = answer["facet_counts"][0]["counts"] if answer.get("facet_counts") else []
            if len(counts) != answer["found"]:  # never shown as complete: a node that cut the list short
                raise Incomplete(f"listed {len(counts)} of {answer['found']} matches")
            return np.array(sorted(int(c["value"]) for c in counts), dtype=np.int64)

        found = self.conn.read(call, "search")
        found = found[found < self.size]
        return found[self.live[found]]

    def docs_with(self, tokens: list[str], across_words: bool = False) -> np.ndarray:
        """Sorted numbers of live paragraphs where these character tokens occur in a row in the headings or the
        text, on word edges or inside one word (`across_words`: anywhere)."""
        if not tokens or tokens[0] == BREAK or tokens[-1] == BREAK:
            return np.zeros(0, dtype=np.int64)
        found = self.matches(tokens)
        if across_words or len(tokens) == 1 or not len(found):
            return found
        return self.mirror.on_edges(found, tokens)

    def term_scores(
        self, field: str, word: str, boost: float, wanted: np.ndarray, into: np.ndarray | None = None
    ) -> np.ndarray:
        """boost × BM25F of one word in one field, per paragraph; 0 where not `wanted` (added to `into` if given)."""
        scores = np.zeros(self.size, dtype=np.float64) if into is None else into
        postings = self.mirror.ranked.get(field)
        if postings is not None:
            postings.scores(word, boost, wanted, self.mirror.state.documents, scores)
        return scores

    def paragraph(self, docnum: int) -> StoredParagraph:
        """The stored paragraph with this number."""
        return self.mirror.paragraph(docnum)

    def doc_frequency(self, field: str, word: str) -> int:
        """How many paragraphs hold a word in a field (body, section, title)."""
        postings = self.mirror.ranked.get(field)
        return postings.frequency(word) if postings is not None else 0

    def words(self, prefix: str) -> Iterator[str]:
        """The indexed jieba words of paragraph texts that start with `prefix`, in order."""
        vocabulary = self.mirror.vocabulary
        at = bisect_left(vocabulary, prefix)
        while at < len(vocabulary) and vocabulary[at].startswith(prefix):
            yield vocabulary[at]
            at += 1
