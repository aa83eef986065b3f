"""Every page of both built editions, on a first visit and in dark mode, at phone width, in headless Chromium.

Both editions are checked: the Dutch one lives in ``nl/`` under the English one. A page fails on: a request
to another host, a chart that does not draw, a chart wider than its column or a page that scrolls sideways,
a console or page error, a serious or critical WCAG 2.1 A/AA axe violation (every rule on the first visit;
the colour rules in dark mode; every other rule on a phone), a wrong ``lang``, a cookie; on the first visit
also a help banner that is missing, misplaced or not the first Tab stop. Each page's HTML is also read as it is
served: a block element inside a ``<summary>`` fails it, and so does a meta description missing, empty or twice.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from book_checks import (
    COLOUR_RULES,
    FIRST_VISIT,
    MODES,
    PHONE_HEIGHT,
    PHONE_WIDTHS,
    book_html_dir,
    check_markup,
    check_page,
    discover_pages,
    is_local,
    new_recorded_page,
    recorded_context,
    redirect_target,
    screenshot_name,
)

from dvregions.i18n import EDITIONS

pytestmark = pytest.mark.browser


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per (page, mode); a missing build yields one test that fails with a hint."""
    if "page_path" not in metafunc.fixturenames:
        return
    root = book_html_dir()
    pages = discover_pages(root) if (root / "index.html").is_file() else []
    # Redirect stubs have no content of their own; test_redirect_stubs covers them.
    pages = [p for p in pages if redirect_target(root / p) is None] or ["index.html"]
    metafunc.parametrize("page_path", pages)
    if "mode" in metafunc.fixturenames:
        metafunc.parametrize("mode", MODES)


def test_page(browser, book_url: str, screenshot_dir: Path | None, page_path: str, mode: str) -> None:
    """The page loads offline, draws its charts, logs no errors and passes axe (dark mode: its colour rules).

    A first visit also stays in auto mode and shows the help banner on top, its exit the first Tab stop.
    """
    shot = screenshot_dir / screenshot_name(page_path, mode) if screenshot_dir else None
    with recorded_context(browser, mode) as (context, log):
        page = new_recorded_page(context, log)
        axe_only = () if mode == FIRST_VISIT else COLOUR_RULES
        problems = check_page(page, book_url + page_path, log, shot, axe_only=axe_only, banner=mode == FIRST_VISIT)
        if mode == FIRST_VISIT:
            modes = (page.evaluate("document.documentElement.dataset.mode"),
                     page.evaluate("localStorage.getItem('mode')"))
            if modes != ("auto", "auto"):
                problems.append(f"first visit: theme mode and stored mode are {modes}, not auto")
    assert not problems, f"{page_path} ({mode}):\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_phone(browser, book_url: str, screenshot_dir: Path | None, page_path: str, width: int) -> None:
    """On a phone every chart fits the column, static and drawn, legibly, and every other check still holds."""
    viewport = {"width": width, "height": PHONE_HEIGHT}
    shot = screenshot_dir / screenshot_name(page_path, f"phone{width}") if screenshot_dir else None
    with recorded_context(browser, "light", viewport=viewport) as (context, log):
        page = new_recorded_page(context, log)
        problems = check_page(page, book_url + page_path, log, shot, axe_skip=COLOUR_RULES)
    assert not problems, f"{page_path} (phone, {width} px):\n  " + "\n  ".join(problems)


def test_markup(book_dir: Path, page_path: str) -> None:
    """The page's HTML: only phrasing content in a ``<summary>``, and one meta description, not empty."""
    problems = check_markup((book_dir / page_path).read_text(encoding="utf-8"))
    assert not problems, f"{page_path}:\n  " + "\n  ".join(problems)


DESCRIBED = '<html><head><meta name="description" content="A page."/></head><body>{}</body></html>'


def test_markup_check_finds_a_paragraph_in_a_summary() -> None:
    """What myst-nb writes for a folded code cell is caught."""
    folded = ('<details class="admonition hide above-input"><summary>'
              '<p class="collapsed admonition-title">Show code cell source</p></summary><pre>x</pre></details>')
    assert check_markup(DESCRIBED.format(folded)) == ["<summary> 'Show code cell source' holds block elements: p"]
    assert check_markup(DESCRIBED.format(folded.replace("<p ", "<span ").replace("</p>", "</span>"))) == []


def test_markup_check_wants_one_description() -> None:
    """A page without a description, with an empty one or with two is caught."""
    assert check_markup("<html><head></head></html>") == ["0 meta descriptions, not one"]
    assert check_markup(DESCRIBED.replace("A page.", " ")) == ["the meta description is empty"]
    assert check_markup(DESCRIBED.replace("<head>", '<head><meta name="description" content="B"/>')) == [
        "2 meta descriptions, not one"]


def test_first_visit_to_the_root(browser, book_dir: Path, book_url: str) -> None:
    """The root redirect asks for no /favicon.ico and lands on the home page without errors."""
    assert '<link rel="icon" href="data:,"/>' in (book_dir / "index.html").read_text(encoding="utf-8")
    with recorded_context(browser, FIRST_VISIT) as (context, log):
        page = new_recorded_page(context, log)
        page.goto(book_url, wait_until="load")
        page.wait_for_url("**/book/index.html")
        page.wait_for_load_state("networkidle")  # Chromium asks for a favicon after the load, if it is going to
        problems = log.problems()
    assert not problems, "\n".join(problems)
    assert not [url for url in log.requests if url.endswith("/favicon.ico")]


def test_book_has_pages(book_dir: Path) -> None:
    """Guard against a build that silently produced nothing to test."""
    pages = [p for p in discover_pages(book_dir) if redirect_target(book_dir / p) is None]
    assert len(pages) >= 2, f"only {pages} found in {book_dir}"


def test_redirect_stubs(book_dir: Path) -> None:
    """Jupyter Book's root redirect must point at a page of the book, never at another host."""
    for rel in discover_pages(book_dir):
        target = redirect_target(book_dir / rel)
        if target is None:
            continue
        assert "://" not in target and not target.startswith("//"), f"{rel} redirects off-site to {target}"
        assert ((book_dir / rel).parent / target.split("#")[0]).is_file(), f"{rel} redirects to missing {target}"


@pytest.mark.parametrize(("edition", "word"), [(EDITIONS["en"][1], "domestic"), (EDITIONS["nl"][1], "overtredingen")])
def test_search_works_offline_in_its_own_edition(browser, book_dir: Path, book_url: str, edition: str,
                                                 word: str) -> None:
    """Each edition's search finds its own words, links only to its own pages, and needs no network."""
    if not (book_dir / edition / "search.html").is_file():
        pytest.fail(f"the build has no {edition}search.html")
    with recorded_context(browser) as (context, log):
        page = new_recorded_page(context, log)
        page.goto(f"{book_url}{edition}search.html?q={word}", wait_until="load")
        page.wait_for_selector("ul.search li", timeout=10000)
        links = page.eval_on_selector_all("ul.search li a", "links => links.map(link => link.href)")
        problems = log.problems()
    assert links, f"search for {word!r} found nothing"
    in_dutch = [link for link in links if f"{book_url}nl/" in link]
    assert len(in_dutch) == (len(links) if edition else 0), f"results from the other edition: {links}"
    assert not problems, "\n".join(problems)
    assert all(is_local(url) for url in log.requests)
