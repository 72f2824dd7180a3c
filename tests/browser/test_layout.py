"""The pages on a phone and by keyboard, printed and in dark mode, with a screenshot of each kept."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from .conftest import DESKTOP, PHONE

# every kind of page a reader meets: start, results (plain, filtered, no hits, past the end), a report, saved, error
PAGES = {
    "start": "/",
    "results": "/?q=" + quote("调解"),
    "filtered": "/?q=" + quote("社区矫正") + "&region=" + quote("广东省") + "&year=2021",
    "browse": "/?region=" + quote("天津市"),
    "no-hits": "/?q=" + quote("社区娇正"),
    "past-the-end": "/?q=" + quote("调解") + "&page=99",
    "query-error": "/?q=" + quote("(调解"),
    "saved": "/saved",
    "reports": "/reports",
    "not-found": "/no-such-page",
}


def report_path(page, server) -> str:
    """The document view of the first hit for 调解 (the link a reader follows)."""
    page.goto(server + PAGES["results"])
    return page.locator("ol.hits a.open").first.get_attribute("href")


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_page_fits_the_screen_without_sideways_scrolling(browser, server, size, screenshots):
    context = browser.new_context(viewport=size, is_mobile=size is PHONE, has_touch=size is PHONE)
    page = context.new_page()
    paths = dict(PAGES, report=report_path(page, server))
    wide = {}
    for name, path in paths.items():
        page.goto(server + path)
        page.screenshot(path=str(screenshots / f"{name}-{size['width']}.png"), full_page=True)
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            wide[name] = scroll
    context.close()
    assert not wide, f"wider than {size['width']} px: {wide}"


def test_on_a_phone_the_hits_come_first_and_the_filters_are_one_tap_away(phone, server):
    phone.goto(server + PAGES["results"])
    first_hit = phone.locator("ol.hits li").first.bounding_box()
    facets = phone.locator("#facet-form").bounding_box()
    assert first_hit["y"] < PHONE["height"] < facets["y"]
    button = phone.locator("a.to-filters")
    assert button.is_visible()
    button.tap()
    phone.wait_for_function("location.hash === '#filters'")
    assert phone.locator("#facet-form").bounding_box()["y"] < PHONE["height"]


def test_from_the_search_box_the_first_hit_is_three_tabs_away(page, server):
    page.goto(server + PAGES["filtered"])
    page.focus("#q")
    for _ in range(3):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('ol.hits li:first-child a.open')"):
            break
    else:
        pytest.fail(f"after 3 Tabs the focus is on {page.evaluate('document.activeElement.outerHTML')[:120]}")
    page.keyboard.press("Enter")
    page.wait_for_selector("article.report")


def test_space_on_a_facet_box_applies_it_and_keeps_the_focus_there(page, server):
    page.goto(server + PAGES["results"])
    everything = int(page.locator("#total").inner_text())
    box = '#facet-form input[name="year"][value="2021"]'
    page.focus(box)
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert "year=2021" in page.url
    assert page.is_checked(box) and page.evaluate("document.activeElement.value") == "2021"
    filtered = int(page.locator("#total").inner_text())
    assert 0 < filtered < everything
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert not page.is_checked(box) and int(page.locator("#total").inner_text()) == everything


def test_facet_values_keep_their_places_when_one_is_chosen(page, server):
    page.goto(server + PAGES["results"])
    before = page.eval_on_selector_all('#facet-form input[name="topic"]', "boxes => boxes.map(b => b.value)")
    with page.expect_navigation():
        page.click('#facet-form input[name="year"][value="2021"]')
    after = page.eval_on_selector_all('#facet-form input[name="topic"]', "boxes => boxes.map(b => b.value)")
    assert [v for v in before if v in after] == after and len(after) > 3


def test_changing_the_sort_order_applies_it_at_once(page, server):
    page.goto(server + PAGES["results"])
    with page.expect_navigation():
        page.select_option("#sort", "year")
    assert "sort=year" in page.url
    years = [int(y) for y in page.locator("ol.hits .year").all_inner_texts()]
    assert years == sorted(years, reverse=True) and len(set(years)) > 1


def test_the_start_page_does_not_reload_when_the_sort_changes(page, server):
    page.goto(server + "/")
    page.select_option("#sort", "year")
    page.wait_for_timeout(300)
    assert page.url.rstrip("/") == server and page.locator("section.intro").count() == 1


def test_a_printed_results_page_shows_the_hits_without_the_form_or_the_facets(page, server, screenshots):
    page.goto(server + PAGES["results"])
    page.emulate_media(media="print")
    assert page.locator("ol.hits li").first.is_visible()
    assert not page.locator("form.searchbox").is_visible() and not page.locator("#facet-form").is_visible()
    page.pdf(path=str(screenshots / "results-print.pdf"))


def test_dark_mode_follows_the_system_setting(page, server, screenshots):
    page.goto(server + PAGES["results"])
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.screenshot(path=str(screenshots / "results-dark-1280.png"))
    brightness = sum(int(c) for c in dark[dark.index("(") + 1 : -1].split(",")[:3])
    assert dark != light and brightness < 150
