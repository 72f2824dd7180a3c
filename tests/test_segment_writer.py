"""The lean segment writer writes what whoosh's own writer writes, as whoosh reads it back (issue #6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from analyzers import PreAnalysed, char_tokens, index_terms, word_tokens
from indexer import BUNDLED_CORPUS, Instance, read_report
from indexer.engine.whoosh import blocks, w3
from indexer.engine.whoosh.charindex import SegmentChars
from indexer.engine.whoosh.documents import report_documents
from indexer.engine.whoosh.reading import decode_postings
from indexer.engine.whoosh.schema import make_schema
from indexer.engine.whoosh.segment_writer import LeanSegmentWriter
from indexer.engine.whoosh.wordpostings import RANKED, SegmentPostings
from indexer.engine.whoosh.writing import committing


@pytest.fixture(scope="module")
def documents() -> list[dict]:
    """The seed reports' documents twice over (so common terms span several 128-posting blocks), and one
    document with a character seen 1,200 times and positions past 65,535 (pickle's wider integer codes)."""
    taxonomy = Instance(BUNDLED_CORPUS).taxonomy()
    reports = [read_report(path, taxonomy) for path in sorted(BUNDLED_CORPUS.glob("*.txt"))]
    docs = [d for r in reports for d in report_documents(r)]
    copies = [dict(d, id=f"copy-{d['id']}", report_id=f"copy-{d['report_id']}") for d in docs]
    odd = dict(docs[0], id="odd#1", report_id="odd", year=None, topics="")
    odd["chars"] = PreAnalysed(["法"] * 1202 + ["治"], [*range(1200), 70_000, 5_000_000, 5_000_001])
    odd["body"] = PreAnalysed(["法治"] * 300 + ["政府"])
    return docs + copies + [odd]


def write_with(kind: str, folder: Path, docs: list[dict]):
    folder.mkdir()
    index = whoosh_index.create_in(folder, make_schema())
    if kind == "whoosh":
        writer = SegmentWriter(index, _lk=False)
        for doc in docs:
            writer.add_document(**{k: v for k, v in doc.items() if v is not None})
        segment = writer._finalize_segment()
    else:
        writer = LeanSegmentWriter(index, folder)
        for doc in docs:
            writer.add_document(doc)
        segment = writer.finish()
    with committing(folder) as commit:
        commit.segments.append(segment)
    return folder


def contents(folder: Path) -> dict:
    """Everything whoosh reads from a one-segment index: each term's statistics and postings with their block's
    statistics, stored fields, field lengths and the sortable column."""
    index = whoosh_index.open_dir(folder)
    with index.reader() as reader:
        terms = {}
        for field, term in reader.all_terms():
            info = reader.term_info(field, term)
            stats = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(), info.max_weight())
            matcher = reader.postings(field, term)
            postings = []
            while matcher.is_active():
                block = (matcher.block_max_weight(), matcher.block_min_length(), matcher.block_max_length())
                postings.append((matcher.id(), matcher.weight(), matcher.value(), block))
                matcher.next()
            terms[field, term] = (stats, info.min_id(), info.max_id(), postings)
        scorable = [name for name, field in index.schema.items() if field.scorable]
        documents = range(reader.doc_count_all())
        return {
            "terms": terms,
            "stored": [reader.stored_fields(d) for d in documents],
            "lengths": {f: [reader.doc_field_length(d, f) for d in documents] for f in scorable},
            "totals": {
                f: (reader.field_length(f), reader.min_field_length(f), reader.max_field_length(f)) for f in scorable
            },
            "year": list(reader.column_reader("year")),
        }


@pytest.mark.parametrize("chunk", [blocks.CHUNK, 300])
def test_lean_segment_reads_exactly_like_whoosh_s_own(documents, tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(blocks, "CHUNK", chunk)  # postings are encoded a chunk of terms at a time
    ours = write_with("lean", tmp_path / "lean", documents)
    theirs = write_with("whoosh", tmp_path / "whoosh", documents)
    mine, reference = contents(ours), contents(theirs)
    schema = make_schema()
    assert len(reference["terms"]) > 4_000
    assert max(len(p) for *_, p in reference["terms"].values()) > 128  # several blocks per common term
    for key in reference:
        assert mine[key] == reference[key], key
    odd = mine["terms"]["chars", "法".encode()][3][-1]
    assert mine["stored"][odd[0]]["id"] == "odd#1"
    assert schema["chars"].format.decode_positions(odd[2])[-3:] == [1199, 70_000, 5_000_000]


def written_and_built(kind, documents, tmp_path):
    """A sidecar of `kind` as the lean writer wrote it, and as built from the segment whoosh's writer wrote."""
    ours = write_with("lean", tmp_path / "lean", documents)
    theirs = write_with("whoosh", tmp_path / "whoosh", documents)
    with whoosh_index.open_dir(ours).reader() as reader:
        written = kind.load(ours, reader.segment().segment_id())
    with whoosh_index.open_dir(theirs).reader() as reader:
        built = kind.build(reader, theirs, reader.segment().segment_id())
        words = {field: list(reader.lexicon(field)) for field in RANKED}
    return written, built, words


def test_lean_segment_comes_with_the_character_sidecar_whoosh_s_postings_give(documents, tmp_path):
    written, built, _ = written_and_built(SegmentChars, documents, tmp_path)
    assert written is not None and written.terms.keys() == built.terms.keys()
    for char, (start, end) in built.terms.items():
        mine = written.terms[char]
        assert list(written.keys[mine[0] : mine[1]]) == list(built.keys[start:end]), char
    assert list(written.terms) == list(built.terms)  # the same ids, so the same pair codes
    for name in ("codes", "bounds", "keys"):
        assert getattr(written.pairs, name).tolist() == getattr(built.pairs, name).tolist(), name
    assert len(written.pairs.codes) > 1_000


def test_lean_segment_comes_with_the_ranked_postings_whoosh_s_postings_give(documents, tmp_path):
    written, built, words = written_and_built(SegmentPostings, documents, tmp_path)
    assert written is not None and sorted(written.fields) == sorted(built.fields) == sorted(RANKED)
    for field in RANKED:
        assert len(words[field]) > 10
        for word in words[field]:
            mine, reference = written.postings(field, word), built.postings(field, word)
            assert len(mine[0]) > 0 and mine[0].tolist() == reference[0].tolist(), (field, word)
            assert mine[1].tolist() == reference[1].tolist(), (field, word)
    assert len(written.postings("body", "没有这个词".encode())[0]) == 0


def test_index_terms_are_the_analyzer_s_terms():
    text = "政府工作报告提出：ＰＭ2.5浓度下降5%，人民调解委员会（FM88.7）依法行政 한국어 ελληνικά 下ー步"
    words, chars, edges = index_terms(text)
    assert words == [t.text for t in word_tokens(text)]
    assert edges == sorted(set(edges)) and edges[0] == 0 and edges[-1] == len(chars)
    assert chars == [t.text for t in char_tokens(text)]
    assert {"人民调解", "调解", "依法行政", "依法", "pm2.5"} <= set(words)  # words with their stacked sub-words
    assert chars[:3] == ["政", "府", "工"] and "%" in chars and "fm88.7" in chars and "一" in chars


def test_a_writer_given_no_documents_writes_no_segment(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    index = whoosh_index.create_in(folder, make_schema())
    assert LeanSegmentWriter(index, folder).finish() is None


@pytest.mark.parametrize("kind", ["lean", "whoosh"])
def test_postings_decoded_in_one_piece_are_whoosh_s_postings(documents, tmp_path, kind):
    # the accelerator decodes each posting list with numpy (reading.decode_postings): the same documents and weights
    # as whoosh's matcher gives one at a time, on segments of either writer (compressed, plain, multi-block)
    folder = write_with(kind, tmp_path / kind, documents)
    with whoosh_index.open_dir(folder).reader() as reader:
        leaves = [(reader, 0)]
        for field, term in reader.all_terms():
            if not reader.schema[field].scorable:
                continue
            matcher = reader.postings(field, term)
            expected = []
            while matcher.is_active():
                expected.append((matcher.id(), matcher.weight()))
                matcher.next()
            ids, weights = decode_postings(leaves, field, term.decode("utf-8"))
            assert list(zip(ids.tolist(), weights.tolist(), strict=True)) == expected, (field, term)


def test_another_whoosh_version_is_refused_with_what_to_install():
    w3.check_version((2, 7, 5))  # the pinned one
    with pytest.raises(ImportError, match=r"whoosh 2\.7\.4 is installed.*pip install whoosh-reloaded==2\.7\.5"):
        w3.check_version((2, 7, 4))
