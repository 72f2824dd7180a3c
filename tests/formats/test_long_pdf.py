"""A PDF of 500 pages is read whole, within the bounds the README states (about 0.1 s and little memory a page)."""

from __future__ import annotations

import resource
import time

import pytest

from indexer import load_taxonomy, read_report

pytestmark = pytest.mark.slow


def test_a_pdf_of_500_pages_is_read_whole(browser, tmp_path):
    pages = "".join(
        f"<p>第{n}页：全县共排查化解矛盾纠纷{1200 + n}件，调解成功率98%，坚持和发展新时代“枫桥经验”。</p>" * 30
        + '<div style="page-break-after: always"></div>'
        for n in range(500)
    )
    html = tmp_path / "long.html"
    html.write_text(f'<!doctype html><meta charset="utf-8"><h1>某某县司法局2023年工作总结</h1>{pages}', "utf-8")
    page = browser.new_page()
    page.goto(html.as_uri())
    page.pdf(path=str(tmp_path / "long.pdf"), format="A4")
    page.close()
    started = time.perf_counter()
    report = read_report(tmp_path / "long.pdf", load_taxonomy())
    seconds = time.perf_counter() - started
    print(f"500 pages in {seconds:.1f} s, peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB")
    assert report.title == "某某县司法局2023年工作总结" and report.year == 2023
    numbers = {p.text.split("页")[0] for p in report.paragraphs if p.text.startswith("第")}
    assert len(numbers) == 500  # every page's paragraphs, none taken for page furniture
