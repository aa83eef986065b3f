"""Serve a built book on 127.0.0.1 and find Debian's Chromium.

Shared by the browser tests and the benchmarks, so both open the book the same way.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

# Root in CI containers needs --no-sandbox; the rest keep the browser from contacting any host on its own.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def chromium_path() -> str | None:
    """The Chromium executable (``DVREGIONS_CHROMIUM`` overrides /usr/bin/chromium), or None if none is installed."""
    candidate = os.environ.get("DVREGIONS_CHROMIUM", "/usr/bin/chromium")
    if Path(candidate).is_file() and os.access(candidate, os.X_OK):
        return candidate
    return shutil.which("chromium")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static file handler that does not print every request."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Print nothing: the tests' output stays readable."""


# Text types a web server would compress; images other than SVG are compressed already.
GZIP_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


@functools.lru_cache(maxsize=256)
def _gzipped(path: str, mtime: float) -> bytes:
    """The file at ``path`` gzip-compressed, kept in memory per path and modification time (the latest 256)."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=6)


class GzipHandler(QuietHandler):
    """Like :class:`QuietHandler`, but sends text files gzip-compressed when the browser accepts it.

    As an ordinary web server does for a static site, so page-load measurements see the bytes a reader's phone gets.
    """

    def send_head(self):  # noqa: ANN201 - stdlib signature
        """Serve a compressed copy of text files; everything else as the stdlib does."""
        path = self.translate_path(self.path)
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not accepts or not os.path.isfile(path) or not self.guess_type(path).startswith(GZIP_TYPES):
            return super().send_head()
        stat = os.stat(path)
        since = self.headers.get("If-Modified-Since")
        last_modified = self.date_time_string(int(stat.st_mtime))
        if since == last_modified:
            self.send_response(304)
            self.end_headers()
            return None
        body = _gzipped(path, stat.st_mtime)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", last_modified)
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def serve_directory(root: Path, compress: bool = False) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 on a free port in a background thread (``compress``: gzip text); yield its URL."""
    handler = functools.partial(GzipHandler if compress else QuietHandler, directory=str(root))
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


def is_local(url: str) -> bool:
    """True for a URL served from this machine's test server, or one that never reaches a network."""
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.hostname == "127.0.0.1"


def offline_context(browser, **options):
    """A Playwright browser context (``options`` as ``new_context`` takes them) that lets no request leave the machine.

    Requests elsewhere are aborted, not merely recorded, and service workers blocked: nothing leaks or needs a network.
    """
    context = browser.new_context(service_workers="block", **options)
    context.route("**/*", lambda route: route.continue_() if is_local(route.request.url)
                  else route.abort("blockedbyclient"))
    return context
