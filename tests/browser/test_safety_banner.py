"""The help-and-exit banner on every page: visible first, first in keyboard order, works without JS."""

from __future__ import annotations

from pathlib import Path

import pytest
from book_checks import (
    QUICK_EXIT,
    check_banner,
    discover_pages,
    edition_language,
    new_recorded_page,
    recorded_context,
    redirect_target,
)

pytestmark = pytest.mark.browser

NEUTRAL_HOSTS = {"www.google.com", "weather.com", "www.weather.com"}
NEUTRAL_PAGE = "<!DOCTYPE html><html lang='en'><title>Neutral</title><p>neutral</p></html>"


def content_pages(book_dir: Path) -> list[str]:
    """Pages of the build that have content of their own."""
    return [p for p in discover_pages(book_dir) if redirect_target(book_dir / p) is None]


def start_page(book_dir: Path) -> str:
    """The book's landing page (following Jupyter Book's root redirect, if there is one)."""
    return redirect_target(book_dir / "index.html") or "index.html"


def fake_neutral_site(context) -> list[str]:
    """Answer the exit target locally so following it sends nothing out; return the URLs asked for."""
    asked: list[str] = []

    def fulfil(route) -> None:
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body=NEUTRAL_PAGE)

    for host in NEUTRAL_HOSTS:
        context.route(f"https://{host}/**", fulfil)
    return asked


def test_banner_on_every_page_without_javascript(browser, book_dir: Path, book_url: str) -> None:
    """Without JavaScript, too, the help banner is on top and its exit is the first Tab stop, on every page.

    With JavaScript, ``test_book_pages.test_page`` checks the same on every page's first visit.
    """
    problems = []
    with recorded_context(browser, javascript=False) as (context, log):
        page = new_recorded_page(context, log)
        for path in content_pages(book_dir):
            page.goto(book_url + path, wait_until="load")
            problems += [f"{path}: {problem}" for problem in check_banner(page, edition_language(path))]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_quick_exit_leaves_at_once(browser, book_dir: Path, book_url: str, javascript: bool) -> None:
    """Activating the exit lands on the neutral site; with JS it replaces the history entry."""
    with recorded_context(browser, javascript=javascript) as (context, log):
        asked = fake_neutral_site(context)
        page = new_recorded_page(context, log)
        page.goto(book_url + start_page(book_dir), wait_until="load")
        before = page.evaluate("history.length")
        page.locator(QUICK_EXIT).press("Enter")
        page.wait_for_url(lambda url: not url.startswith(book_url), timeout=5000)
        after = page.evaluate("history.length")
    assert asked, "the exit did not navigate to the neutral site"
    if javascript:
        assert after == before, "the exit added a history entry instead of replacing this page"


def test_escape_twice_leaves(browser, book_dir: Path, book_url: str) -> None:
    """Esc pressed twice in quick succession leaves; a single Esc does not."""
    with recorded_context(browser) as (context, log):
        asked = fake_neutral_site(context)
        page = new_recorded_page(context, log)
        page.goto(book_url + start_page(book_dir), wait_until="load")
        page.keyboard.press("Escape")
        page.wait_for_timeout(1500)
        assert page.url.startswith(book_url) and not asked, "a single Esc left the page"
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
        page.wait_for_url(lambda url: not url.startswith(book_url), timeout=5000)
    assert asked


def test_quick_exit_stays_in_view_when_scrolled(browser, book_dir: Path, book_url: str) -> None:
    """On the longest page, after scrolling to the end, the exit is still on screen."""
    longest = max(content_pages(book_dir), key=lambda p: (book_dir / p).stat().st_size)
    with recorded_context(browser) as (context, log):
        page = new_recorded_page(context, log)
        page.goto(book_url + longest, wait_until="load")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(300)
        box = page.locator(QUICK_EXIT).bounding_box()
        viewport = page.viewport_size
    assert box is not None and viewport is not None
    assert 0 <= box["y"] and box["y"] + box["height"] <= viewport["height"], f"exit off screen on {longest}: {box}"
