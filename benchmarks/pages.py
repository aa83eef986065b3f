"""Page weight and chart drawing time of the built book, measured in headless Chromium.

The book is served from 127.0.0.1 (a throwaway local server); every request a page makes
is recorded, so fonts and scripts loaded later count too. Requests to any other host are
blocked and reported: the book must not make them.
"""

from __future__ import annotations

import contextlib
import statistics
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlparse

from dvregions.localweb import CHROMIUM_ARGS, DEFAULT_CHROMIUM, chromium_path, serve_directory

SKIP_PAGES = {"genindex.html", "search.html"}
TIMEOUT_MS = 20_000

# Polls every frame from the first one; records when every chart figure holds an SVG with drawn marks.
# performance.now() counts from the start of navigation.
CHARTS_DRAWN_JS = """
(() => {
  const drawn = () => {
    if (document.readyState === 'loading') return false;
    const figures = document.querySelectorAll('.dv-chart');
    return figures.length > 0 && [...figures].every(f => f.querySelector('svg .role-mark > *'));
  };
  const tick = () => { if (drawn()) { window.__dvChartsDrawn = performance.now(); } else { requestAnimationFrame(tick); } };
  requestAnimationFrame(tick);
})();
"""


serve = serve_directory


@contextlib.contextmanager
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path() or DEFAULT_CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def list_pages(html_dir: Path) -> list[str]:
    """Content pages of the built book (no search, index or redirect pages)."""
    found = []
    for path in sorted(html_dir.rglob("*.html")):
        rel = path.relative_to(html_dir).as_posix()
        if rel.startswith(("_static/", "_sources/", "_images/")) or rel in SKIP_PAGES:
            continue
        if path.stat().st_size < 2000 and "http-equiv=\"Refresh\"" in path.read_text(encoding="utf-8", errors="replace"):
            continue  # jupyter-book's redirect from index.html to the root page
        found.append(rel)
    return found


def _local_file(html_dir: Path, base: str, url: str) -> Path | None:
    if not url.startswith(base):
        return None
    path = html_dir / unquote(urlparse(url).path).lstrip("/")
    return path / "index.html" if path.is_dir() else path


def _is_shared(url_path: str) -> bool:
    """Files every page shares: the static folder and the search index (loaded by every page)."""
    return url_path.startswith("/_static/") or url_path == "/searchindex.js"


def _open(context, base: str, rel: str, blocked: list[str]):
    """Open a page with requests to other hosts blocked (and listed)."""

    def route(route_obj) -> None:
        url = route_obj.request.url
        if url.startswith(base) or url.startswith(("data:", "blob:")):
            route_obj.continue_()
        else:
            blocked.append(url)
            route_obj.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.add_init_script(CHARTS_DRAWN_JS)
    return page


def page_weights(html_dir: Path) -> list[dict]:
    """Per page: own bytes (the HTML and what it loads outside ``_static/``), the shared static bytes it
    loads, its chart count and any request to another host; plus the shared total over all pages."""
    html_dir = Path(html_dir)
    results = []
    shared_all: dict[str, int] = {}
    with serve(html_dir) as base, browser() as chromium:
        for rel in list_pages(html_dir):
            context = chromium.new_context()
            blocked: list[str] = []
            requested: list[str] = []
            page = _open(context, base, rel, blocked)
            page.on("request", lambda request: requested.append(request.url))
            page.goto(base + rel, wait_until="load")
            charts = page.locator(".dv-chart").count()
            if charts:
                with contextlib.suppress(Exception):
                    page.wait_for_function("window.__dvChartsDrawn !== undefined", timeout=TIMEOUT_MS)
            page.wait_for_load_state("networkidle")
            own: dict[str, int] = {}
            shared: dict[str, int] = {}
            for url in dict.fromkeys(requested):
                path = _local_file(html_dir, base, url)
                if path is None or not path.is_file():
                    continue
                target = shared if _is_shared(urlparse(url).path) else own
                target[url] = path.stat().st_size
            shared_all.update(shared)
            html_bytes = (html_dir / rel).stat().st_size
            results.append({"page": rel, "html_bytes": html_bytes, "own_bytes": sum(own.values()),
                            "own_files": len(own), "shared_bytes": sum(shared.values()), "charts": charts,
                            "external_requests": sorted(set(blocked))})
            context.close()
    for result in results:
        result["shared_bytes_all_pages"] = sum(shared_all.values())
    return results


def time_to_charts(html_dir: Path, rel: str, reps: int = 3) -> float | None:
    """Median ms from navigation to every chart drawn (cold cache each time); None if never drawn."""
    samples = []
    with serve(Path(html_dir)) as base, browser() as chromium:
        for _ in range(reps):
            context = chromium.new_context()
            page = _open(context, base, rel, [])
            page.goto(base + rel, wait_until="commit")
            try:
                page.wait_for_function("window.__dvChartsDrawn !== undefined", timeout=TIMEOUT_MS)
            except Exception:  # noqa: BLE001 - reported as "not drawn"
                context.close()
                return None
            samples.append(page.evaluate("window.__dvChartsDrawn"))
            context.close()
    return statistics.median(samples)


def weight_table(weights: list[dict]) -> str:
    """Plain-text table of the page weights, heaviest first."""
    lines = [f"{'page':48} {'html KiB':>9} {'own KiB':>8} {'files':>5} {'static KiB':>10} {'charts':>6}"]
    for w in sorted(weights, key=lambda w: -w["own_bytes"]):
        lines.append(f"{w['page'][:48]:48} {w['html_bytes'] / 1024:9.1f} {w['own_bytes'] / 1024:8.1f} "
                     f"{w['own_files']:5d} {w['shared_bytes'] / 1024:10.1f} {w['charts']:6d}")
    if weights:
        lines.append(f"shared static files, all pages, each counted once: {weights[0]['shared_bytes_all_pages'] / 1024:.1f} KiB")
    return "\n".join(lines)
