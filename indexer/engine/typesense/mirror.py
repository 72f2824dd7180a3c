"""The read model beside the cluster: per committed generation, each paragraph's own fields, word edges and
ranked words, exported from a node once (every node holds the whole collection), so the search layer's
per-paragraph primitives (facet arrays, BM25F, the word-edge rule, stored paragraphs) run in this process while the
cluster answers which paragraphs hold a run of characters.

Its cost is the text and words of every paragraph in memory: measured in docs/scale-out.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from analyzers import char_spans, on_word_edges

from ...records import ReportInfo, StoredParagraph
from .connection import Connection, Incomplete
from .scoring import Postings
from .state import State

SEP = "\x00"  # between tokens in a paragraph's token key: a run of tokens is found with str.find


def token_key(tokens: list[str]) -> str:
    """Tokens as one string, each between two SEPs."""
    return SEP + SEP.join(tokens) + SEP


def edge_rule(key: str, edges: list[int], needle: str, length: int) -> bool:
    """Whether a token run (`needle`, a token_key of `length` tokens) occurs in `key` inside one word or from a
    word edge to a word edge."""
    at = key.find(needle)
    while at >= 0:
        start = key.count(SEP, 0, at)  # tokens before this one
        if on_word_edges(start, length, edges):
            return True
        at = key.find(needle, at + 1)
    return False


@dataclass
class Mirror:
    """One generation's paragraphs, numbered as in the cluster."""

    state: State
    size: int
    live: np.ndarray
    paragraphs: list  # num → (report id, number, text, section, topics, edges) or None
    keys: list  # num → (heading token key, heading edges, text token key) or None
    reports: dict[str, ReportInfo] = field(default_factory=dict)
    title_edges: dict[str, list[int]] = field(default_factory=dict)
    facet_arrays: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    same_text: np.ndarray | None = None
    ranked: dict[str, Postings] = field(default_factory=dict)
    vocabulary: list[str] = field(default_factory=list)

    def paragraph(self, num: int) -> StoredParagraph:
        """The stored paragraph with this number."""
        report_id, number, text, section, topics, edges = self.paragraphs[num]
        return StoredParagraph(self.reports[report_id], number, text, section, topics, edges)

    def on_edges(self, nums: np.ndarray, tokens: list[str]) -> np.ndarray:
        """Those of `nums` where the token run occurs in the headings or the text by the word-edge rule."""
        needle, length = token_key(tokens), len(tokens)
        keep = []
        for num in nums.tolist():
            heading, heading_edges, text = self.keys[num]
            edges = self.paragraphs[num][5]
            in_heading = bool(heading) and edge_rule(heading, heading_edges, needle, length)
            if in_heading or edge_rule(text, edges, needle, length):
                keep.append(num)
        return np.array(keep, dtype=np.int64)


def load_mirror(conn: Connection, state: State) -> Mirror:
    """Export a generation's live paragraphs from the first node that holds all of them."""

    def export(client):
        text = client.collections[state.collection].documents.export(
            {"filter_by": f"num:<{state.next_num}", "exclude_fields": "chars"}
        )
        docs = [json.loads(line) for line in text.splitlines() if line]
        docs = [d for d in docs if state.live(d["num"])]
        if len(docs) != state.documents:
            raise Incomplete(f"holds {len(docs)} of the {state.documents} paragraphs (still loading)")
        return docs

    docs = conn.read(export, "export the paragraphs")
    return build_mirror(state, docs)


def build_mirror(state: State, docs: list[dict]) -> Mirror:
    """The mirror of a generation from its exported documents."""
    size = state.next_num
    docs.sort(key=lambda d: d["num"])
    mirror = Mirror(state, size, np.zeros(size, dtype=bool), [None] * size, [None] * size)
    mirror.ranked = {f: Postings(size) for f in ("body", "section", "title")}
    facets: dict[str, dict[str, list[int]]] = {"region": {}, "year": {}, "topic": {}, "report": {}}
    same_text = np.arange(size, dtype=np.int64) - size  # dead numbers: keys of their own, never a text's
    headings: dict[tuple, tuple] = {}
    for doc in docs:
        num, report_id, meta = doc["num"], doc["report_id"], doc["report"]
        if report_id not in mirror.reports:
            mirror.reports[report_id] = _report(report_id, meta)
            mirror.title_edges[report_id] = meta["title_edges"]
        section, topics = tuple(doc["section_path"]), tuple(doc["topic_list"])
        mirror.live[num] = True
        mirror.paragraphs[num] = (report_id, doc["number"], doc["text"], section, topics, tuple(doc["edges"]))
        if section not in headings:
            heading = " ".join(section)
            headings[section] = (token_key(char_spans(heading)[0]) if heading else "", doc["section_edges"])
        mirror.keys[num] = (*headings[section], token_key(char_spans(doc["text"])[0]))
        for facet, values in (
            ("region", meta["regions"]),
            ("year", [str(meta["year"])] if meta["year"] else []),
            ("topic", topics),
            ("report", [report_id]),
        ):
            for value in values:
                facets[facet].setdefault(value, []).append(num)
        same_text[num] = int(doc["same_text"])
        mirror.ranked["body"].add(num, doc["body_words"])
        mirror.ranked["section"].add(num, doc["section_words"])
        mirror.ranked["title"].add(num, meta["title_words"])
    for postings in mirror.ranked.values():
        postings.finish()
    mirror.facet_arrays = {f: {v: np.array(n, dtype=np.int64) for v, n in vals.items()} for f, vals in facets.items()}
    mirror.same_text = same_text
    mirror.vocabulary = mirror.ranked["body"].words()
    return mirror


def _report(report_id: str, meta: dict) -> ReportInfo:
    return ReportInfo(
        id=report_id,
        title=meta["title"],
        source=meta["source"],
        org=meta.get("org", ""),
        date=meta.get("date", ""),
        region=tuple(meta.get("region_path", ())),
        year=meta.get("year"),
        paragraphs=int(meta.get("paragraphs", 0)),
        digest=meta.get("digest", ""),
        added=meta.get("added", ""),
        reader=meta.get("reader", ""),
    )
