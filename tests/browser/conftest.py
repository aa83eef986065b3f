"""Shared browser fixtures: a local web server for the built book and one headless Chromium.

``chromium_path()`` and the ``browser`` fixture are meant to be reused by every browser
test in this folder, so the launch, skip and CI rules live in one place.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
DEFAULT_CHROMIUM = "/usr/bin/chromium"

# We run as root in CI containers, and the browser must never phone home on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

INSTALL_HINT = (
    "Chromium is needed for the browser tests. On Debian/Ubuntu run "
    "`sudo apt-get install chromium`, then `make test`."
)


def chromium_path() -> str | None:
    """Return the Chromium executable to use, or None if none is installed.

    ``DVREGIONS_CHROMIUM`` overrides the default Debian location.
    """
    candidate = os.environ.get("DVREGIONS_CHROMIUM", DEFAULT_CHROMIUM)
    if Path(candidate).is_file() and os.access(candidate, os.X_OK):
        return candidate
    return shutil.which("chromium")


def running_in_ci() -> bool:
    """True when the CI environment variable says so (GitHub Actions and most CI set CI=true)."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def book_html_dir() -> Path:
    """Where the built HTML book is read from (``DVREGIONS_BOOK_HTML`` overrides)."""
    return Path(os.environ.get("DVREGIONS_BOOK_HTML", REPO_ROOT / "_build" / "html")).resolve()


def artifacts_dir() -> Path:
    """Where screenshots go (``DVREGIONS_ARTIFACTS`` overrides; gitignored by default)."""
    return Path(os.environ.get("DVREGIONS_ARTIFACTS", REPO_ROOT / "artifacts")).resolve()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static file handler that does not print every request to stderr."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        return


@contextlib.contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 on a free port in a background thread; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"serve {root}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


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
def screenshot_dir() -> Path:
    """Folder for full-page screenshots, created on first use."""
    path = artifacts_dir() / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
