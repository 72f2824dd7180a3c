"""The same seed report read from every format gives the same report: title, region, year, section paths and
(nearly) the same paragraphs; a folder of every format indexes, each skipped file named with its reason."""

from __future__ import annotations

import difflib
import shutil

import pytest

from indexer import load_taxonomy, read_report
from indexer.ingest.formats import detect
from indexer.ingest.formats.ocr import ocr_ready

pytestmark = pytest.mark.slow  # every format made by its real tool: Chromium, LibreOffice, poppler, Tesseract
TEXT_FORMATS = ["docx", "html", "mhtml", "pdf", "ofd", "doc"]


def same_share(mine: list[str], theirs: list[str]) -> float:
    """The share of `theirs` paragraphs found, text for text, among `mine`."""
    found = set(mine)
    return sum(1 for text in theirs if text in found) / max(len(theirs), 1)


@pytest.mark.parametrize("kind", TEXT_FORMATS)
def test_the_same_report_from_each_format_has_the_same_metadata_sections_and_paragraphs(made, seed_report, kind):
    if kind not in made:
        pytest.skip(f"no tool here to make a {kind} file (chromium, soffice)")
    report = read_report(made[kind], load_taxonomy())
    assert (report.title, report.region, report.year) == (seed_report.title, seed_report.region, seed_report.year)
    assert [p.section for p in report.paragraphs if p.text in {q.text for q in seed_report.paragraphs}] == [
        p.section for p in seed_report.paragraphs if p.text in {q.text for q in report.paragraphs}
    ]
    share = same_share([p.text for p in report.paragraphs], [p.text for p in seed_report.paragraphs])
    print(f"{kind}: {share:.1%} of the .txt paragraphs, read by {report.reader}")
    assert share >= 0.98, kind
    assert report.reader.startswith(kind.upper())


def test_a_scan_is_read_by_ocr_to_95_percent_of_its_characters(made, seed_report):
    if "scan" not in made:
        pytest.skip("no chromium or pdftoppm here to make a scan")
    if problem := ocr_ready():
        pytest.skip(problem)
    report = read_report(made["scan"], load_taxonomy())
    ours = "".join(p.text for p in report.paragraphs)
    theirs = "".join(p.text for p in seed_report.paragraphs)
    ratio = difflib.SequenceMatcher(None, ours, theirs, autojunk=False).ratio()
    print(f"OCR: {ratio:.1%} of the characters ({report.reader})")
    assert ratio >= 0.95 and "OCR" in report.reader


def test_formats_are_told_by_content_not_by_name(made, tmp_path):
    disguised = {"pdf": "report.txt", "docx": "report.bin", "ofd": "report.zip"}
    for kind, name in disguised.items():
        shutil.copy(made[kind] if kind in made else made["docx"], tmp_path / name)
        if kind in made:
            assert detect(tmp_path / name) == kind
    (tmp_path / "table.xlsx").write_bytes(b"PK\x03\x04junk")
    assert detect(tmp_path / "table.xlsx") == "a damaged zip archive"
