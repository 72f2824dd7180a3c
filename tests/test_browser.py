"""A person in a real headless Chromium: search, facets, open a hit, go back."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from search_app import create_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM and os.environ.get("CI"):
    pytest.fail("CI must have Debian's chromium installed (.ci/run installs it)", pytrace=False)
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="no chromium on this machine: apt-get install chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def server(seed_home):
    """The app served over real HTTP on a free loopback port."""
    app = create_app({"HOME": str(seed_home)})
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser.new_page(viewport={"width": 1280, "height": 900})
        browser.close()


def total(page) -> int:
    return int(page.locator("#total").inner_text())


def test_search_facets_open_a_hit_and_go_back(server, page, tmp_path):
    page.goto(server)
    page.fill("#q", "调解")
    page.press("#q", "Enter")
    page.wait_for_selector("ol.hits li")
    assert page.locator("ol.hits mark").first.inner_text() == "调解"
    everything = total(page)
    page.screenshot(path=str(tmp_path / "results.png"), full_page=True)

    page.click('a.facet-value[data-facet="region"][data-value="广东省/清远市/清城区"]')
    qingcheng = total(page)
    page.click('a.facet-value[data-facet="region"][data-value="广东省/广州市/花都区"]')
    two_regions = total(page)
    assert qingcheng < two_regions < everything
    assert page.locator("a.chip").count() == 2
    page.click('a.facet-value[data-facet="year"][data-value="2024"]')
    assert total(page) == two_regions - qingcheng
    assert "year=2024" in page.url and page.locator("a.chip").count() == 3

    first = page.locator("ol.hits li").first
    title = first.locator("h3").inner_text()
    first.locator("a.open").click()
    page.wait_for_selector("article.report")
    assert page.locator("h1").inner_text() == title
    target = page.locator(".para:target")
    assert target.count() == 1 and target.locator("mark").count() >= 1
    page.go_back()
    page.wait_for_selector("ol.hits li")
    assert total(page) == two_regions - qingcheng
    page.screenshot(path=str(tmp_path / "results-filtered.png"), full_page=True)
    assert (tmp_path / "results.png").stat().st_size > 10_000


def test_save_a_search_in_one_click_then_find_it_in_the_list_and_delete_it(server, page, tmp_path):
    page.goto(f"{server}/?q=法律援助&region=广东省")
    page.wait_for_selector("#save-search")
    assert page.input_value("#save-name") == "法律援助 广东省"
    page.click("#save-search button")
    page.wait_for_selector("#saved-banner")
    assert "已保存检索「法律援助 广东省」" in page.locator(".flash").inner_text()
    hits = total(page)

    page.click("#saved-link")
    row = page.locator("#saved-list tr", has_text="法律援助 广东省")
    assert row.locator("td.total").inner_text() == str(hits) and row.locator("td.new").inner_text() == "0"
    page.screenshot(path=str(tmp_path / "saved.png"), full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("button", has_text="删除").click()
    page.wait_for_selector(".flash")
    assert "已删除检索「法律援助 广东省」" in page.locator(".flash").inner_text()
    assert page.locator("#saved-list tr", has_text="法律援助 广东省").count() == 0
