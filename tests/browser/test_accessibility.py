"""axe-core (the engine behind Lighthouse's accessibility audit) finds nothing on any kind of page."""

from __future__ import annotations

import pytest

from .conftest import DESKTOP, PHONE
from .test_layout import PAGES, report_path

axe = pytest.importorskip("axe_playwright_python.sync_playwright", reason="pip install -e '.[test]' brings axe")


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_violation_on_any_page(browser, server, size):
    context = browser.new_context(viewport=size)
    page = context.new_page()
    paths = dict(PAGES, report=report_path(page, server))
    found = {}
    for name, path in paths.items():
        page.goto(server + path)
        violations = axe.Axe().run(page).response["violations"]
        if violations:
            found[name] = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["html"][:100]) for v in violations]
    context.close()
    assert not found, found
