"""Serve a built book on 127.0.0.1 and find Debian's Chromium.

Shared by the browser tests and the benchmarks, so both open the book the same way.
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

DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Root in CI containers needs --no-sandbox; the rest keep the browser from contacting any host on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """The Chromium executable (``DVREGIONS_CHROMIUM`` overrides /usr/bin/chromium), or None if none is installed."""
    candidate = os.environ.get("DVREGIONS_CHROMIUM", DEFAULT_CHROMIUM)
    if Path(candidate).is_file() and os.access(candidate, os.X_OK):
        return candidate
    return shutil.which("chromium")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static file handler that does not print every request."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Print nothing: the tests' output stays readable."""
        return


@contextlib.contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 on a free port in a background thread; yield the base URL."""
    handler = functools.partial(QuietHandler, directory=str(root))
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
