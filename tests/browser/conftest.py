"""A real headless Chromium (Debian's, driven by Playwright) against the app served over real HTTP."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from search_app import create_app
from tests.chromium import CHROMIUM

if not CHROMIUM and os.environ.get("CI"):
    pytest.fail("CI must have Debian's chromium installed (.ci/run installs it)", pytrace=False)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# screenshots kept after the run (CI keeps the folder as an artifact): GOVSEARCH_ARTIFACTS or ./artifacts
ARTIFACTS = Path(os.environ.get("GOVSEARCH_ARTIFACTS", Path(__file__).parents[2] / "artifacts")) / "screenshots"


def pytest_collection_modifyitems(items):
    """Every test in this folder needs Chromium."""
    skip = pytest.mark.skip(reason="no chromium on this machine: apt-get install chromium")
    for item in items:
        if not CHROMIUM and "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def server(seed_home):
    """The app over the seed index, served over real HTTP on a free loopback port."""
    app = create_app({"HOME": str(seed_home)})
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture
def page(browser):
    """A fresh desktop-sized tab (1280×800)."""
    context = browser.new_context(viewport=DESKTOP)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser):
    """A fresh phone-sized tab (390×844, touch)."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=2)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The folder screenshots are kept in after the run."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
