"""Shared browser fixtures: a local web server for the built book and one headless Chromium.

``chromium_path()`` and the ``browser`` fixture are meant to be reused by every browser
test in this folder, so the launch, skip and CI rules live in one place.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from book_checks import book_html_dir

from dvbook.localweb import CHROMIUM_ARGS, chromium_path, serve_directory  # noqa: F401 - re-exported for the tests

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
INSTALL_HINT = (
    "Chromium is needed for the browser tests. On Debian/Ubuntu run "
    "`sudo apt-get install chromium`, then `make test`."
)


def running_in_ci() -> bool:
    """True when the CI environment variable says so (GitHub Actions and most CI set CI=true)."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (skipped locally, fatal in CI, if missing)."""
    executable = chromium_path()
    if executable is None:
        if running_in_ci():
            pytest.fail(f"CI=true but Chromium is missing. {INSTALL_HINT}", pytrace=False)
        pytest.skip(INSTALL_HINT)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def book_dir() -> Path:
    """The built book; fails (not skips) when it is missing, because `make test` builds it first."""
    root = book_html_dir()
    if not (root / "index.html").is_file():
        pytest.fail(
            f"No built book at {root}. Run `make book` first (or `make test`, which builds it), "
            "or point DVREGIONS_BOOK_HTML at a built book's html folder.",
            pytrace=False,
        )
    return root


@pytest.fixture(scope="session")
def book_url(book_dir: Path) -> Iterator[str]:
    """Base URL of the built book served on 127.0.0.1."""
    with serve_directory(book_dir) as url:
        yield url


@pytest.fixture(scope="session")
def fixtures_url() -> Iterator[str]:
    """Base URL of the tiny deliberately broken pages in ``fixtures/``."""
    with serve_directory(FIXTURES_DIR) as url:
        yield url


@pytest.fixture(scope="session")
def screenshot_dir(pytestconfig: pytest.Config) -> Path | None:
    """Folder for full-page screenshots of every page checked, when ``--screenshots DIR`` asks for them."""
    folder = pytestconfig.getoption("screenshots")
    if folder is None:
        return None
    path = Path(folder).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path
