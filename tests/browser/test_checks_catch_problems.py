"""Tests of the tests: the page checks must report deliberately broken fixture pages."""

from __future__ import annotations

import pytest
from book_checks import COLOUR_RULES, PHONE_HEIGHT, check_legible, check_page, new_recorded_page, recorded_context

pytestmark = pytest.mark.browser

# Fixture charts that fail fail for good; no need to wait the full render time for them.
SHORT_WAIT_MS = 300


def problems_for(browser, fixtures_url: str, name: str, mode: str = "light", viewport=None, **checks) -> list[str]:
    """Run every page check on one fixture page (``checks``: more arguments of ``check_page``)."""
    with recorded_context(browser, mode, viewport=viewport) as (context, log):
        page = new_recorded_page(context, log)
        return check_page(page, fixtures_url + name, log, chart_wait_ms=SHORT_WAIT_MS, **checks)


def test_clean_fixture_passes(browser, fixtures_url: str) -> None:
    """The checks do not cry wolf: a plain accessible page with a drawn chart has no problems."""
    assert problems_for(browser, fixtures_url, "ok.html") == []
    assert problems_for(browser, fixtures_url, "ok.html", mode="dark") == []


def test_cdn_script_is_reported_and_blocked(browser, fixtures_url: str) -> None:
    """A script from a CDN is reported as a request to another host (and the route aborts it)."""
    problems = problems_for(browser, fixtures_url, "cdn-script.html")
    assert any(p.startswith("request to another host: https://cdn.jsdelivr.net/") for p in problems), problems


def test_broken_charts_are_reported(browser, fixtures_url: str) -> None:
    """Each broken chart figure is named; the drawn one is not."""
    problems = problems_for(browser, fixtures_url, "broken-chart.html")
    reported = {name for name in ("no-svg", "zero-size", "axes-only", "blank-canvas", "good-chart") if any(
        p.startswith(f"chart not drawn: {name} ") for p in problems)}
    assert reported == {"no-svg", "zero-size", "axes-only", "blank-canvas"}, problems


def test_low_contrast_is_reported(browser, fixtures_url: str) -> None:
    """axe's color-contrast violation makes the page fail, with every rule and with the colour rules (dark mode)."""
    for axe_only in ((), COLOUR_RULES):
        problems = problems_for(browser, fixtures_url, "low-contrast.html", axe_only=axe_only)
        assert any(p.startswith("axe color-contrast (serious") for p in problems), (axe_only, problems)
    # The phone run leaves the colour rules to the first visit.
    skipped = problems_for(browser, fixtures_url, "low-contrast.html", axe_skip=COLOUR_RULES)
    assert not any(p.startswith("axe color-contrast") for p in skipped), skipped


def test_chart_names_are_checked(browser, fixtures_url: str) -> None:
    """A drawn chart that reads out its marks one by one, and a chart without a name, are both named."""
    problems = problems_for(browser, fixtures_url, "chatty-chart.html")
    assert "chatty: the drawn chart reads out 2 labels of its own, besides the figure's name" in problems, problems
    assert "nameless has no accessible name (aria-label or caption)" in problems, problems


def test_script_errors_are_reported(browser, fixtures_url: str) -> None:
    """An uncaught exception and a console.error both make the page fail."""
    problems = problems_for(browser, fixtures_url, "script-error.html")
    assert any(p.startswith("page error:") and "undefinedFunctionCall" in p for p in problems), problems
    assert any(p.startswith("console error: something went wrong") for p in problems), problems


def test_too_wide_chart_is_reported_on_a_phone(browser, fixtures_url: str) -> None:
    """At phone width a chart of fixed width wider than the column is named, and so is the sideways scroll."""
    problems = problems_for(browser, fixtures_url, "too-wide-chart.html", viewport={"width": 360, "height": PHONE_HEIGHT})
    assert any(p.startswith("chart wider than its column: too-wide ") for p in problems), problems
    assert any(p.startswith("page scrolls sideways:") for p in problems), problems
    assert not any("scaled" in p for p in problems), problems
    # The same page on a desktop, where the chart fits, is fine.
    assert problems_for(browser, fixtures_url, "too-wide-chart.html") == []


def test_phone_passes_a_chart_that_scales(browser, fixtures_url: str) -> None:
    """The clean page passes at 320 px too: its chart scales down with the column."""
    assert problems_for(browser, fixtures_url, "ok.html", viewport={"width": 320, "height": PHONE_HEIGHT}) == []


def test_a_chart_shrunk_on_a_phone_is_reported(browser, fixtures_url: str) -> None:
    """A chart that has a phone layout but shows its wide image, at half size, is named twice."""
    with recorded_context(browser, viewport={"width": 320, "height": PHONE_HEIGHT}) as (context, log):
        page = new_recorded_page(context, log)
        page.goto(fixtures_url + "shrunk-chart.html", wait_until="load")
        problems = check_legible(page)
    assert "#shrunk: shows the wide image on a phone" in problems, problems
    assert any(p.startswith("#shrunk: drawn at ") and "% of its size on a phone" in p for p in problems), problems
