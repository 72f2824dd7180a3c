"""`govsearch index` on a folder holding every format: each readable one indexed, each bad one named with its
reason, exit 0; a search finds each report's paragraphs with their section paths; the report page says what read
the text and links the original file (only ever the indexed one)."""

from __future__ import annotations

import re
import shutil
import time
import zipfile
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import Instance, SearchRequest, open_backend
from search_app import create_app
from search_app.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def folder_home(tmp_path_factory, made):
    """A home indexed from a folder of every format made, beside hostile files."""
    folder = tmp_path_factory.mktemp("every-format")
    for kind, path in made.items():
        if kind != "txt":
            shutil.copy(path, folder / f"{kind}-{path.name}")
    (folder / "truncated.pdf").write_bytes(made["pdf"].read_bytes()[:2000] if "pdf" in made else b"%PDF-1.7\n")
    (folder / "sheet.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with zipfile.ZipFile(folder / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("word/document.xml", b"\x00" * (300 * 2**20))  # 300 MiB of zeros in well under 1 MiB
    (folder / "huge.html").write_bytes(
        b"<html><body>" + b"<p>\xe8\xb0\x83\xe8\xa7\xa3</p>" * (4 * 2**20) + b"</body></html>"
    )
    home = tmp_path_factory.mktemp("every-format-home")
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["index", str(folder), "--home", str(home)])
    return home, result, time.perf_counter() - started


def test_every_readable_format_is_indexed_and_every_bad_file_named(folder_home, made):
    home, result, seconds = folder_home
    assert result.exit_code == 0, result.output
    readable = len(made) - 1  # all but the .txt, which is not in the folder
    assert f"indexed {readable} reports" in result.output
    for name, reason in [
        ("truncated.pdf", "a damaged PDF"),
        ("sheet.xlsx", "unsupported format: a damaged zip archive"),
        ("bomb.docx", "a zip bomb, not a document"),
        ("huge.html", "a web page larger than 20 MiB"),
    ]:
        assert re.search(rf"{re.escape(name)}: .*{re.escape(reason)}", result.output), (name, result.output)
    print(f"indexed the folder in {seconds:.1f} s")
    assert seconds < 300


def test_a_search_finds_each_report_with_its_section_path(folder_home, made):
    home, _, _ = folder_home
    result = CliRunner().invoke(main, ["search", '"法律顾问"', "--json", "--limit", "100", "--home", str(home)])
    import json

    hits = [json.loads(line) for line in result.output.splitlines()]
    assert hits and all(hit["section"].startswith(("一、上半年工作回顾", "三、")) for hit in hits)
    backend = open_backend(Instance(home))
    every = backend.search(SearchRequest('"法律顾问"', page_size=100, collapse=False)).hits  # each format's copy
    backend.close()
    kinds = {Path(hit.source).name.split("-", 1)[0] for hit in every}
    assert kinds == {kind for kind in made if kind != "txt"}
    sections: dict[str, set[str]] = {}
    for hit in every:
        if not Path(hit.source).name.startswith("scan"):  # OCR reads the seed's 下ー步 as 下一步: a fair difference
            sections.setdefault(hit.text, set()).add(hit.section)
    assert all(len(found) == 1 for found in sections.values())  # a paragraph has one section path in every format
    assert len(hits[0]["also_in"]) >= len(kinds) - 2  # shown once, the other formats' copies linked


def test_the_report_page_says_what_read_it_and_links_the_original(folder_home):
    home, _, _ = folder_home
    client = create_app({"HOME": str(home)}).test_client()
    page = unescape(client.get("/reports").get_data(as_text=True))
    ids = re.findall(r'<a href="/reports/([^"/]+)">', page)
    seen = {}
    for report_id in ids:
        body = unescape(client.get(f"/reports/{report_id}").get_data(as_text=True))
        reader = re.search(r'id="reader">([^<（]+)', body).group(1)
        seen[reader.split(" · ")[0]] = body
        with client.get(f"/reports/{report_id}/original") as original:
            assert original.status_code == 200 and len(original.data) > 1000
    assert {"PDF", "DOCX", "HTML", "OFD"} <= set(seen)
    ocr = [body for reader, body in seen.items() if reader == "PDF" and "OCR" in body]
    assert not ocr or "扫描件经文字识别" in ocr[0]
    with client.get("/reports/no-such-report/original") as missing:
        assert missing.status_code == 404
