"""A person in a real headless Chromium: search, facets, open a hit, go back."""

from __future__ import annotations


def total(page) -> int:
    return int(page.locator("#total").inner_text())


def toggle(page, facet: str, value: str) -> None:
    """Tick or untick a facet box; the page applies it at once."""
    with page.expect_navigation():
        page.click(f'#facet-form input[name="{facet}"][value="{value}"]')


def test_search_facets_open_a_hit_and_go_back(server, page, tmp_path):
    page.goto(server)
    page.fill("#q", "调解")
    page.press("#q", "Enter")
    page.wait_for_selector("ol.hits li")
    assert page.locator("ol.hits mark").first.inner_text() == "调解"
    everything = total(page)
    page.screenshot(path=str(tmp_path / "results.png"), full_page=True)

    toggle(page, "region", "广东省/清远市/清城区")
    qingcheng = total(page)
    toggle(page, "region", "广东省/广州市/花都区")
    two_regions = total(page)
    assert qingcheng < two_regions < everything
    assert page.locator("a.chip").count() == 2
    toggle(page, "year", "2024")
    assert total(page) == two_regions - qingcheng
    assert "year=2024" in page.url and page.locator("a.chip").count() == 3

    first = page.locator("ol.hits li").first
    title = first.locator("h2").inner_text()
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
