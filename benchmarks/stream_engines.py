"""The reference engines of benchmarks/stream.py, and the reproducible stream of distinct queries they all answer.

Both references get what ours gets: the paragraphs' text, one token per character (a run of letters or digits is one
token, punctuation a placeholder token so that no phrase crosses it) for exact matching by phrase queries, the
paragraphs' jieba words for BM25, region and year for facets. Each answers a query by the same work ours does for a
page: the paragraphs where every word occurs exactly, their count, counts by region and by year, the top 10 by BM25
over jieba words, and a snippet of each of the ten from its stored text.
"""

from __future__ import annotations

import random
import re
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from analyzers import words

PUNCT = "zzpunct"  # the placeholder token of a punctuation mark
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:\.[0-9]+)?|[\u3400-\u9fff\uf900-\ufaff]|\S")
_CJK = re.compile(r"[\u4e00-\u9fff]+")


def char_tokens(text: str) -> list[str]:
    """One token per Chinese character, a letter/digit run as one token, punctuation as the placeholder."""
    out = []
    for match in _TOKEN.finditer(text.lower()):
        token = match.group()
        out.append(token if token.isalnum() or "." in token or _CJK.match(token) else PUNCT)
    return out


@dataclass(frozen=True)
class Paragraph:
    """What the references index of one paragraph."""

    text: str
    region: str
    year: str
    words: tuple[str, ...]


def query_words(query: str) -> list[str]:
    """The words of a stream query: quoted phrases whole, else split on spaces."""
    phrase = re.fullmatch(r'"(.+)"', query)
    return [phrase.group(1)] if phrase else query.split()


def snippet(text: str, word: str, width: int = 80) -> str:
    """The text around the first occurrence of a word."""
    at = max(0, text.find(word))
    return text[max(0, at - width // 2) : at + width // 2]


def draw_stream(paragraphs: list[Paragraph], count: int, seed: int) -> list[str]:
    """`count` distinct queries drawn from the paragraphs' own words, reproducibly: single words in three bands of
    document frequency (rare ≤ 20, middle ≤ 2,000, common), two and three words of one paragraph, and quoted
    phrases of 4–8 characters cut from a paragraph (often across word boundaries)."""
    rng = random.Random(seed)
    df: Counter[str] = Counter()
    for p in paragraphs:
        df.update({w for w in p.words if _CJK.fullmatch(w) and len(w) >= 2})
    plan = [("rare", 0.14), ("middle", 0.13), ("common", 0.13), ("two", 0.25), ("three", 0.15), ("phrase", 0.2)]
    wanted = {kind: round(share * count) for kind, share in plan}
    wanted["phrase"] += count - sum(wanted.values())
    queries: dict[str, None] = {}
    for kind, n in wanted.items():
        made = 0
        for _ in range(200 * n):
            if made == n:
                break
            query = _draw(kind, rng.choice(paragraphs), df, rng)
            if query and query not in queries:
                queries[query] = None
                made += 1
    drawn = list(queries)
    rng.shuffle(drawn)
    return drawn


def _draw(kind: str, p: Paragraph, df: Counter[str], rng: random.Random) -> str | None:
    """One query of a kind from one paragraph, or None when the paragraph has none to give."""
    own = sorted({w for w in p.words if df[w] >= 2})
    if kind in ("rare", "middle", "common"):
        band = {"rare": (2, 20), "middle": (21, 2000), "common": (2001, 10**9)}[kind]
        fits = [w for w in own if band[0] <= df[w] <= band[1]]
        return rng.choice(fits) if fits else None
    if kind in ("two", "three"):
        n = 2 if kind == "two" else 3
        fits = [w for w in own if df[w] >= 5]
        return " ".join(rng.sample(fits, n)) if len(fits) >= n else None
    runs = [run for run in _CJK.findall(p.text) if len(run) >= 8]
    if not runs:
        return None
    run = rng.choice(runs)
    length = rng.randint(4, 8)
    start = rng.randint(0, len(run) - length)
    return f'"{run[start : start + length]}"'


Answer = tuple[int, list[str]]  # (matches, the top ten's snippets)


def tantivy_engine(paragraphs: list[Paragraph], folder: Path) -> Callable[[str], Answer]:
    """A tantivy index of the paragraphs in `folder`, and the function that answers a stream query with it."""
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("chars", tokenizer_name="whitespace", index_option="position")
    builder.add_text_field("words", tokenizer_name="whitespace", index_option="freq")
    builder.add_text_field("region", tokenizer_name="raw", fast=True)
    builder.add_text_field("year", tokenizer_name="raw", fast=True)
    builder.add_text_field("text", stored=True, tokenizer_name="raw", index_option="basic")
    schema = builder.build()
    fresh = not (folder / "meta.json").exists()
    folder.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(schema, path=str(folder))
    if fresh:
        writer = index.writer(heap_size=400_000_000, num_threads=2)
        for p in paragraphs:
            writer.add_document(
                tantivy.Document(
                    chars=" ".join(char_tokens(p.text)),
                    words=" ".join(p.words),
                    region=p.region,
                    year=p.year,
                    text=p.text,
                )
            )
        writer.commit()
        writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    facets = {f: {"terms": {"field": f, "size": 100}} for f in ("region", "year")}
    Occur, Query = tantivy.Occur, tantivy.Query

    def exact(word: str):
        tokens = char_tokens(word)
        if len(tokens) == 1:
            return Query.term_query(schema, "chars", tokens[0])
        return Query.phrase_query(schema, "chars", tokens)

    def answer(query: str) -> Answer:
        parts = query_words(query)
        must = [(Occur.Must, Query.boost_query(exact(w), 0.0)) for w in parts]
        ranked = [(Occur.Should, Query.term_query(schema, "words", w)) for part in parts for w in words(part)]
        full = Query.boolean_query(must + ranked)
        found = searcher.search(full, 10, count=True)
        searcher.aggregate(Query.boolean_query(must), facets)
        texts = [searcher.doc(address)["text"][0] for _, address in found.hits]
        return found.count, [snippet(t, parts[0]) for t in texts]

    return answer


def fts5_engine(paragraphs: list[Paragraph], path: Path) -> Callable[[str], Answer]:
    """An SQLite FTS5 table of the paragraphs in the file `path`, and the function that answers a stream query."""
    fresh = not path.exists()
    db = sqlite3.connect(path, check_same_thread=False)
    if fresh:
        db.execute(
            "CREATE VIRTUAL TABLE p USING fts5(chars, words, region UNINDEXED, year UNINDEXED, text UNINDEXED,"
            " tokenize='unicode61 remove_diacritics 0')"
        )
        db.executemany(
            "INSERT INTO p VALUES (?, ?, ?, ?, ?)",
            ((" ".join(char_tokens(p.text)), " ".join(p.words), p.region, p.year, p.text) for p in paragraphs),
        )
        db.commit()

    def phrase(word: str) -> str:
        return '"' + " ".join(char_tokens(word)).replace('"', "") + '"'

    def answer(query: str) -> Answer:
        parts = query_words(query)
        exact = " AND ".join(f"chars : {phrase(w)}" for w in parts)
        ranked = " OR ".join(f"words : {phrase(w)}" for part in parts for w in words(part))
        # A AND (B OR A) matches what A matches; bm25 with the chars column weighted 0 scores the jieba words only
        scored = f"({exact}) AND ({ranked} OR {exact})" if ranked else exact
        count = db.execute("SELECT count(*) FROM p WHERE p MATCH ?", (exact,)).fetchone()[0]
        db.execute("SELECT region, count(*) FROM p WHERE p MATCH ? GROUP BY region", (exact,)).fetchall()
        db.execute("SELECT year, count(*) FROM p WHERE p MATCH ? GROUP BY year", (exact,)).fetchall()
        top = db.execute("SELECT text FROM p WHERE p MATCH ? ORDER BY bm25(p, 0.0, 1.0) LIMIT 10", (scored,)).fetchall()
        return count, [snippet(t, parts[0]) for (t,) in top]

    return answer
