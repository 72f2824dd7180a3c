"""The index on disk: idempotent re-indexing, replacement, deletion, atomic rebuilds, one writer."""

from __future__ import annotations

import pytest
from whoosh import index as whoosh_index

from indexer import IndexBusy, IndexOutdated, SearchRequest, index_files, open_backend, remove_reports
from indexer.engine.whoosh.location import FORMAT, FORMAT_FILE, IndexLocation

REPORT = "某某县司法局2021年工作总结\n一、主要工作\n全县人民调解纠纷100件。\n二、下一步\n继续推进法律援助。\n"


def hits(home, query):
    backend = open_backend(home)
    try:
        return [h.id for h in backend.search(SearchRequest(query, page_size=100)).hits]
    finally:
        backend.close()


def test_reindexing_the_same_reports_is_idempotent(home, tmp_path, write_report):
    folder = tmp_path / "c"
    write_report(folder, "a.txt", REPORT)
    first = index_files(home, [folder])
    again = index_files(home, [folder])
    assert (first.reports, again.reports, again.unchanged) == (1, 0, 1)
    assert len(hits(home, "调解")) == 1


def test_a_changed_report_replaces_its_paragraphs(home, tmp_path, write_report):
    folder = tmp_path / "c"
    path = write_report(folder, "a.txt", REPORT)
    index_files(home, [folder])
    path.write_text(REPORT.replace("人民调解纠纷100件", "办理公证200件"), encoding="utf-8")
    index_files(home, [folder])
    assert hits(home, "调解") == [] and len(hits(home, "公证")) == 1


def test_a_removed_report_can_be_deleted(home, tmp_path, write_report):
    folder = tmp_path / "c"
    path = write_report(folder, "a.txt", REPORT)
    write_report(folder, "b.txt", REPORT.replace("某某县", "另一县"))
    index_files(home, [folder])
    assert remove_reports(home, [str(path)]) == 1
    assert len(hits(home, "调解")) == 1


def test_bad_files_are_skipped_and_reported_while_the_rest_is_indexed(home, tmp_path, write_report):
    folder = tmp_path / "c"
    write_report(folder, "good.txt", REPORT)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    summary = index_files(home, [folder, tmp_path / "missing"])
    assert summary.reports == 1
    assert {p.rsplit("/", 1)[-1]: r for p, r in summary.skipped}.keys() == {"empty.txt", "binary.txt", "missing"}
    assert not summary.failed


def test_a_rebuild_is_built_aside_and_swapped_in(home, tmp_path, write_report):
    folder = tmp_path / "c"
    write_report(folder, "a.txt", REPORT)
    index_files(home, [folder])
    backend = open_backend(home)
    before = backend.search(SearchRequest("调解")).total
    write_report(folder, "b.txt", REPORT.replace("某某县", "另一县"))
    index_files(home, [folder], rebuild=True)
    assert backend.search(SearchRequest("调解")).total == before + 1  # an open backend follows the swap
    assert len(list((home.home / "indexes").iterdir())) == 1  # the old index is gone
    backend.close()


def test_a_failed_rebuild_leaves_the_old_index_untouched(home, tmp_path, monkeypatch, write_report):
    folder = tmp_path / "c"
    write_report(folder, "a.txt", REPORT)
    index_files(home, [folder])
    from indexer.engine.whoosh import parallel

    def broken(report):
        raise KeyboardInterrupt

    monkeypatch.setattr(parallel, "report_documents", broken)
    with pytest.raises(KeyboardInterrupt):
        index_files(home, [folder], rebuild=True, workers=1)
    assert len(hits(home, "调解")) == 1
    assert len(list((home.home / "indexes").iterdir())) == 1


def test_a_second_writer_is_told_another_is_writing(home, tmp_path, write_report):
    folder = tmp_path / "c"
    write_report(folder, "a.txt", REPORT)
    index_files(home, [folder])
    writer = whoosh_index.open_dir(home.home / "index").writer()
    try:
        with pytest.raises(IndexBusy, match="another govsearch process"):
            index_files(home, [folder])
    finally:
        writer.cancel()


def test_an_index_from_an_older_schema_asks_for_a_rebuild(home, tmp_path, write_report):
    from whoosh import index as whoosh_index
    from whoosh.fields import ID, Schema

    from indexer import IndexOutdated

    home.home.mkdir(parents=True)
    folder = home.home / "indexes" / "old"
    folder.mkdir(parents=True)
    whoosh_index.create_in(folder, Schema(id=ID(stored=True, unique=True), report_id=ID(stored=True)))
    IndexLocation(home.home).swap_in(folder)
    report = write_report(tmp_path / "c", "a.txt", REPORT)
    with pytest.raises(IndexOutdated, match="govsearch index --rebuild"):
        index_files(home, [report])
    assert index_files(home, [report], rebuild=True).reports == 1
    assert len(hits(home, "调解")) == 1


def test_an_index_whose_paragraph_ids_are_indexed_terms_still_takes_reports_and_finds_paragraphs(
    home, tmp_path, write_report
):
    # indexes built before paragraph ids became stored-only have `id` as an indexed field
    from whoosh.fields import ID

    from indexer.engine.whoosh.schema import make_schema

    schema = make_schema()
    schema.remove("id")
    schema.add("id", ID(stored=True, unique=True))
    home.home.mkdir(parents=True)
    folder = home.home / "indexes" / "before"
    folder.mkdir(parents=True)
    whoosh_index.create_in(folder, schema)
    (folder / FORMAT_FILE).write_text(str(FORMAT), encoding="ascii")  # in today's format but for that field
    IndexLocation(home.home).swap_in(folder)
    path = write_report(tmp_path / "c", "a.txt", REPORT)
    assert index_files(home, [path]).reports == 1
    assert index_files(home, [path]).unchanged == 1  # the digest is found through the report's first paragraph
    backend = open_backend(home)
    (found,) = hits(home, "调解")
    assert "人民调解" in backend.paragraph(found).text
    assert backend.paragraph(found.replace("#", "#9")) is None and backend.paragraph("no-such#1") is None
    backend.close()


@pytest.mark.parametrize(
    "older, why",
    [(None, "run across punctuation"), ("2", "no word edges, so 调解 would match 协调|解决")],
    ids=["unmarked", "format-2"],
)
def test_an_index_of_an_older_format_asks_for_a_rebuild(home, tmp_path, write_report, older, why):
    folder = tmp_path / "c"
    write_report(folder, "a.txt", REPORT)
    index_files(home, [folder])
    mark = (home.home / "index").resolve() / FORMAT_FILE
    if older is None:
        mark.unlink()  # as every index written before the format mark
    else:
        mark.write_text(older, encoding="ascii")
    write_report(folder, "b.txt", REPORT.replace("某某县", "另一县"))
    with pytest.raises(IndexOutdated, match=f"{why}.*govsearch index --rebuild"):
        index_files(home, [folder])
    assert index_files(home, [folder], rebuild=True).reports == 2


def test_an_open_backend_sees_every_later_commit_however_soon_or_late_it_comes(home, tmp_path, write_report):
    import time

    folder = tmp_path / "c"
    write_report(folder, "a.txt", REPORT)
    index_files(home, [folder])
    backend = open_backend(home)  # as a server keeps it open while another process indexes
    try:
        time.sleep(1.2)  # the index folder's last change is now old: searches stop listing it
        assert backend.search(SearchRequest("调解")).total == 1
        write_report(folder, "b.txt", REPORT.replace("某某县", "另一县"))
        index_files(home, [folder])
        assert backend.search(SearchRequest("调解")).total == 2  # at once
        write_report(folder, "c.txt", REPORT.replace("某某县", "第三县"))
        index_files(home, [folder])  # a second commit within the same second as the first
        time.sleep(1.2)
        assert backend.search(SearchRequest("调解")).total == 3  # and after the folder has gone quiet
        remove_reports(home, [str(folder / "a.txt")])
        assert backend.search(SearchRequest("调解")).total == 2
    finally:
        backend.close()
