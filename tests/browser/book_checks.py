"""Checks run on every page of the built book, written as functions that return problems.

Each check returns a list of human-readable problems (empty = fine), so the tests of the
tests can open deliberately broken pages and assert that the problem is reported.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from bs4 import BeautifulSoup

from dvbook.localweb import is_local, offline_context
from dvregions.i18n import EDITIONS

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
FIRST_VISIT = "first-visit"
"""A reader's first visit: a fresh context with nothing in storage, the mode the theme falls back to."""
MODES = (FIRST_VISIT, "dark")
"""Every page is checked on a first visit (nothing stored: the theme's auto mode, drawn light as the system asks)
and with dark mode chosen; a stored light mode draws exactly what the first visit draws."""
COLOUR_RULES = ("color-contrast", "link-in-text-block")
"""The axe rules whose verdict depends on colours. Dark mode swaps the theme's colour variables and nothing else,
so it runs only these; a phone draws the first visit's light colours in a narrower layout, so it runs every rule
but these (they are the slowest: contrast is worked out for every piece of text)."""
# Smallest drawn chart we accept, in CSS pixels: a collapsed or zero-size chart is a broken chart.
MIN_CHART_SIZE = 40
CHART_WAIT_MS = 8000
DESKTOP = {"width": 1280, "height": 900}
PHONE_WIDTHS = (320,)
"""Phone widths every page is checked at: the narrowest still in use (a chart that fits there fits any wider phone)."""
PHONE_HEIGHT = 740
# Folders of the build that hold assets, not pages.
NON_PAGE_DIRS = {"_static", "_sources", "_images", "_downloads"}

_AXE = Axe()  # reads axe-core's JS shipped inside axe-playwright-python: no network needed


def book_html_dir() -> Path:
    """Where the built HTML book is read from (``DVREGIONS_BOOK_HTML`` overrides)."""
    return Path(os.environ.get("DVREGIONS_BOOK_HTML", REPO_ROOT / "_build" / "html")).resolve()


def discover_pages(root: Path) -> list[str]:
    """All HTML pages of a build, as paths relative to ``root`` (posix), sorted."""
    pages = []
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root)
        if NON_PAGE_DIRS & set(rel.parts[:-1]):
            continue
        pages.append(rel.as_posix())
    return pages


_REFRESH = re.compile(r"""<meta\s+http-equiv=["']?refresh["']?\s+content=["']\d+;\s*url=([^"']+)["']""", re.I)


def redirect_target(path: Path) -> str | None:
    """The target of a bare ``<meta http-equiv=refresh>`` page (Jupyter Book writes one at the root)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if "<body" in text.lower():
        return None
    match = _REFRESH.search(text)
    return match.group(1) if match else None


@dataclass
class PageLog:
    """What a browser context saw: every request, blocked foreign requests, console and page errors."""

    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Everything recorded that must not happen on a page of the book."""
        out = [f"request to another host: {url}" for url in dict.fromkeys(self.foreign)]
        out += [f"console error: {text}" for text in self.console_errors]
        out += [f"page error: {text}" for text in self.page_errors]
        return out


@contextmanager
def recorded_context(
    browser, mode: str = "light", javascript: bool = True, viewport: dict[str, int] | None = None
) -> Iterator[tuple[object, PageLog]]:
    """A fresh browser context in light or dark mode, or FIRST_VISIT, that blocks and records foreign requests.

    ``viewport`` (default DESKTOP) of a phone's width makes a touch-screen phone context.
    """
    viewport = viewport or DESKTOP
    phone = viewport["width"] < 600
    context = offline_context(browser, color_scheme="light" if mode == FIRST_VISIT else mode,
                              java_script_enabled=javascript, viewport=viewport, is_mobile=phone, has_touch=phone)
    log = PageLog()
    if mode != FIRST_VISIT:
        # The theme keeps the reader's choice in localStorage; force the mode under test.
        context.add_init_script(
            f"try {{ localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}'); }} catch (e) {{}}"
        )
    try:
        yield context, log
    finally:
        context.close()


def new_recorded_page(context, log: PageLog):
    """Open a page whose requests, console errors and uncaught errors go into ``log``."""
    page = context.new_page()
    page.on("request", lambda request: _record_request(log, request.url))
    page.on("console", lambda msg: log.console_errors.append(_console_text(msg)) if msg.type == "error" else None)
    page.on("pageerror", lambda error: log.page_errors.append(str(error)))
    return page


def _record_request(log: PageLog, url: str) -> None:
    log.requests.append(url)
    if not is_local(url):
        log.foreign.append(url)


def _console_text(msg) -> str:
    location = msg.location or {}
    where = location.get("url", "")
    return f"{msg.text} ({where}:{location.get('lineNumber', '?')})" if where else msg.text


_CHART_STATE_JS = """
(minSize) => Array.from(document.querySelectorAll('.dv-chart')).map((figure, index) => {
  const name = figure.id || figure.getAttribute('aria-label') || `chart #${index + 1}`;
  const shapes = 'path, rect, circle, ellipse, line, polyline, polygon, text, image';
  const drawn = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 || r.height > 0; };
  const bigEnough = (el) => {
    const r = el.getBoundingClientRect();
    return r.width >= minSize && r.height >= minSize;
  };
  for (const svg of figure.querySelectorAll('svg')) {
    if (!bigEnough(svg)) continue;
    // Vega draws data marks inside groups with class role-mark; axes alone are not a chart.
    const vegaMarks = svg.querySelectorAll('g.role-mark > :not(g)');
    const isVega = svg.querySelector('g.mark-group, g.role-mark, g.role-axis') !== null;
    const marks = isVega ? Array.from(vegaMarks) : Array.from(svg.querySelectorAll(shapes));
    if (marks.some(drawn)) return {name, ok: true};
  }
  for (const canvas of figure.querySelectorAll('canvas')) {
    if (!bigEnough(canvas) || canvas.width === 0 || canvas.height === 0) continue;
    try {
      const ctx = canvas.getContext('2d');
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return {name, ok: true};
    } catch (e) {
      // A webgl canvas cannot be read back here; its size is all we can check.
      return {name, ok: true};
    }
  }
  return {name, ok: false};
})
"""


_SHOWN_AT_ONCE_JS = """
(minSize) => Array.from(document.querySelectorAll('.dv-chart')).filter((figure) => {
  const big = (el) => { const r = el.getBoundingClientRect(); return r.width >= minSize && r.height >= minSize; };
  const images = Array.from(figure.querySelectorAll('img')).filter((img) => img.complete && img.naturalWidth > 0 && big(img));
  return images.length === 0 && !Array.from(figure.querySelectorAll('svg, canvas')).some(big);
}).map((figure, index) => figure.id || `chart #${index + 1}`)
"""

# Reaching for a chart (focus, pointer, touch) is what makes dv-charts.js load Vega and draw it.
_REACH_FOR_CHARTS_JS = """
() => document.querySelectorAll('figure.dv-chart').forEach((figure) => {
  figure.focus({preventScroll: true});
  figure.blur();
})
"""


def check_charts(page, wait_ms: int = CHART_WAIT_MS) -> list[str]:
    """Every ``.dv-chart`` shows a picture at once, and, once reached for, an svg or canvas of real size with marks."""
    if page.locator(".dv-chart").count() == 0:
        return []
    problems = [f"chart shows nothing before it is reached for: {name}"
                for name in page.evaluate(_SHOWN_AT_ONCE_JS, MIN_CHART_SIZE)]
    page.evaluate(_REACH_FOR_CHARTS_JS)
    try:
        # Charts render asynchronously; give them a moment, then report whatever is still blank.
        page.wait_for_function(
            f"() => ({_CHART_STATE_JS})({MIN_CHART_SIZE}).every(c => c.ok)", timeout=wait_ms
        )
    except Exception:  # noqa: BLE001 - a timeout just means some chart stays blank; reported below
        pass
    states = page.evaluate(_CHART_STATE_JS, MIN_CHART_SIZE)
    return problems + [
        f"chart not drawn: {state['name']} has no svg/canvas of at least "
        f"{MIN_CHART_SIZE}x{MIN_CHART_SIZE}px with marks"
        for state in states
        if not state["ok"]
    ]


_FITS_JS = """
() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    problems.push(`page scrolls sideways: ${root.scrollWidth}px of content in a ${root.clientWidth}px window`);
  }
  document.querySelectorAll('figure.dv-chart').forEach((figure, index) => {
    const name = figure.id || `chart #${index + 1}`;
    // The column is the text column the figure sits in, and never wider than the window.
    const column = (figure.closest('article, main, [role=main]') || document.body).getBoundingClientRect();
    const left = Math.max(column.left, 0), right = Math.min(column.right, root.clientWidth);
    for (const el of figure.querySelectorAll('svg, img, canvas')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || el.closest('[hidden]')) continue;
      if (box.left < left - 1 || box.right > right + 1) {
        problems.push(`chart wider than its column: ${name} draws ${Math.round(box.width)}px `
                      + `in a ${Math.round(right - left)}px column (${el.tagName.toLowerCase()})`);
        break;
      }
    }
    if (figure.scrollWidth > figure.clientWidth + 1) {
      problems.push(`chart cut off: ${name} is ${figure.scrollWidth}px wide in a ${figure.clientWidth}px figure`);
    }
  });
  return problems;
}
"""


PHONE_LAYOUT_BELOW = 480
"""Viewport width (CSS px) below which a chart with a phone layout must show it (dv-charts.css: 30rem)."""
MIN_PHONE_SCALE = 0.85

_LEGIBLE_JS = """
(minScale) => {
  const problems = [];
  document.querySelectorAll('figure.dv-chart').forEach((figure) => {
    if (!figure.querySelector('script.dv-chart-spec-narrow')) return;  // no phone layout (a matrix)
    const svg = figure.querySelector('.vega-embed svg');
    const image = [...figure.querySelectorAll('img.dv-chart-static')].find((img) => img.offsetParent !== null);
    let shown = null;
    let natural = null;
    if (svg && figure.dataset.dvState === 'drawn') {
      shown = svg.getBoundingClientRect().width;
      natural = svg.width.baseVal.value;
    } else if (image && image.complete && image.naturalWidth) {
      if (!image.currentSrc.includes('-narrow.svg')) {
        problems.push(`#${figure.id}: shows the wide image on a phone`);
      }
      shown = image.getBoundingClientRect().width;
      natural = image.naturalWidth;
    }
    if (shown !== null && natural > 0 && shown / natural < minScale) {
      problems.push(`#${figure.id}: drawn at ${Math.round(100 * shown / natural)}% of its size on a phone`);
    }
  });
  return problems;
}
"""


def check_legible(page) -> list[str]:
    """On a phone, every chart with a phone layout shows it, at close to its natural size (its text readable)."""
    return page.evaluate(_LEGIBLE_JS, MIN_PHONE_SCALE)


_CHART_NAMES_JS = """
() => Array.from(document.querySelectorAll('figure.dv-chart')).flatMap((figure, index) => {
  const name = figure.id || `chart #${index + 1}`;
  const problems = [];
  const caption = figure.querySelector(':scope > figcaption');
  if (!(figure.getAttribute('aria-label') || '').trim() && !(caption && caption.textContent.trim())) {
    problems.push(`${name} has no accessible name (aria-label or caption)`);
  }
  for (const svg of figure.querySelectorAll('.vega-embed svg')) {
    const marks = svg.querySelectorAll('[aria-label]').length;
    if (svg.getAttribute('aria-hidden') !== 'true' && marks) {
      problems.push(`${name}: the drawn chart reads out ${marks} labels of its own, besides the figure's name`);
    }
  }
  return problems;
})
"""


def check_chart_names(page) -> list[str]:
    """Every chart is named (title and description) once: a drawn chart hides Vega's per-mark labels."""
    return page.evaluate(_CHART_NAMES_JS)


def check_fits(page) -> list[str]:
    """No chart (static image or drawn SVG) is wider than its column, and the page does not scroll sideways."""
    return page.evaluate(_FITS_JS)


_AXE_RUN_JS = """
async ([tags, only, skip]) => {
  // getRules(tags) also lists rules axe marks experimental (e.g. label-content-name-mismatch);
  // naming them in runOnly makes axe run them, as WCAG 2.1 A/AA asks of us.
  const ids = only.length ? only : axe.getRules(tags).map((rule) => rule.ruleId).filter((id) => !skip.includes(id));
  return await axe.run(document, {runOnly: {type: 'rule', values: ids}, resultTypes: ['violations']});
}
"""


def check_axe(page, only: Sequence[str] = (), skip: Sequence[str] = ()) -> list[str]:
    """axe-core violations of WCAG 2.0/2.1 A and AA with impact serious or critical.

    Every such rule runs, or ``only`` these rules, or all but those in ``skip``.
    """
    page.evaluate(_AXE.axe_script)
    results = page.evaluate(_AXE_RUN_JS, [AXE_TAGS, list(only), list(skip)])
    problems = []
    for violation in results["violations"]:
        if violation.get("impact") not in BLOCKING_IMPACTS:
            continue
        targets = [" ".join(map(str, node.get("target", []))) for node in violation["nodes"]]
        shown = "; ".join(targets[:5]) + (" ..." if len(targets) > 5 else "")
        problems.append(
            f"axe {violation['id']} ({violation['impact']}, {len(targets)} nodes): {violation['help']} -> {shown}"
        )
    return problems


DUTCH_EDITION = EDITIONS["nl"][1]
"""The Dutch edition's folder under the English book's root."""


def edition_language(page_path: str) -> str:
    """The language a page of the build is written in, from where it lives: ``nl/...`` is Dutch."""
    return "nl" if page_path.startswith(DUTCH_EDITION) else "en"


def check_lang(page, expected: str) -> list[str]:
    """The page must say which language it is in."""
    lang = page.evaluate("document.documentElement.lang")
    return [] if lang == expected else [f'html lang is "{lang}", expected "{expected}"']


QUICK_EXIT = "#dv-quick-exit"
DUTCH_HELP_LINES = ("Hulp of advies nodig?", "Veilig Thuis", "0800-2000", "112", "browsegeschiedenis wordt niet gewist")
ENGLISH_HELP_LINES = ("Need help or advice?", "does not erase your browsing history")


def banner_language_problems(banner, lang: str) -> list[str]:
    """Dutch help lines on every page, first; English ones after them on English pages only."""
    text = banner.inner_text()
    problems = [f"banner lacks {line!r}" for line in DUTCH_HELP_LINES if line not in text]
    if lang == "en":
        problems += [f"banner lacks {line!r}" for line in ENGLISH_HELP_LINES if line not in text]
        if problems == [] and text.index(DUTCH_HELP_LINES[0]) > text.index(ENGLISH_HELP_LINES[0]):
            problems.append("the English help line comes before the Dutch one")
    else:
        problems += [f"Dutch page shows English {line!r}" for line in ENGLISH_HELP_LINES if line in text]
    exit_text = banner.locator(QUICK_EXIT).inner_text()
    if not exit_text.startswith("Snel weg"):
        problems.append(f"quick exit reads {exit_text!r}, not Dutch first")
    return problems


def check_banner(page, lang: str) -> list[str]:
    """The help banner: in the page's language(s), a plain visible exit link, above the content, first Tab stop.

    Presses Tab, so it must run before anything on the page is focused.
    """
    banner = page.locator("#dv-safety")
    if banner.count() != 1:
        return ["no help banner"]
    problems = banner_language_problems(banner, lang)
    exit_link = page.locator(QUICK_EXIT)
    href = exit_link.get_attribute("href") or ""
    if not href.startswith("https://") or not exit_link.is_visible():
        problems.append(f"quick exit is not a visible plain link (href={href!r})")
    box, main = banner.bounding_box(), page.locator("main").first.bounding_box()
    if box is None or box["y"] > 1 or (main is not None and box["y"] + box["height"] > main["y"] + 1):
        problems.append("banner is not at the top, above the content")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement && document.activeElement.id")
    if focused != QUICK_EXIT.removeprefix("#"):
        problems.append(f"first Tab stop is {focused!r}, not the quick exit")
    return problems


def check_no_cookies(context) -> list[str]:
    """The book sets no cookies."""
    return [f"cookie set: {cookie['name']}" for cookie in context.cookies()]


def check_page(
    page,
    url: str,
    log: PageLog,
    screenshot: Path | None = None,
    chart_wait_ms: int = CHART_WAIT_MS,
    axe_only: Sequence[str] = (),
    axe_skip: Sequence[str] = (),
    banner: bool = False,
) -> list[str]:
    """Open ``url`` in ``page`` and return every problem found (empty list = page is fine).

    axe runs every WCAG A/AA rule, or ``axe_only`` these, or all but ``axe_skip`` (see :func:`check_axe`).
    ``banner`` adds :func:`check_banner`, run first, while nothing on the page has had focus.
    """
    response = page.goto(url, wait_until="load")
    problems = []
    if response is None or not response.ok:
        problems.append(f"HTTP {response.status if response else 'no response'} for {url}")
    # "load" has waited for the page's scripts, stylesheets and images; web fonts may still be arriving
    # and change the layout the width checks measure. (Playwright's "networkidle" adds a fixed 500 ms.)
    page.evaluate("document.fonts.ready.then(() => true)")
    lang = "nl" if f"/{DUTCH_EDITION}" in urlsplit(url).path else "en"
    if banner:
        problems += check_banner(page, lang)
    problems += check_fits(page)  # the static charts, as a first visit shows them
    problems += check_charts(page, chart_wait_ms)
    problems += [problem for problem in check_fits(page) if problem not in problems]  # the drawn charts
    problems += check_chart_names(page)
    if (page.viewport_size or {}).get("width", DESKTOP["width"]) < PHONE_LAYOUT_BELOW:
        problems += check_legible(page)
    problems += check_lang(page, lang)
    problems += check_no_cookies(page.context)
    # Read the log before axe runs: axe fetches @import-ed stylesheets itself and resolves
    # them against the page, not the stylesheet, which logs 404s that readers never see.
    problems += log.problems()
    problems += check_axe(page, axe_only, axe_skip)
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
    return problems


BLOCK_ELEMENTS = frozenset({
    "address", "article", "aside", "blockquote", "details", "dialog", "div", "dl", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "ul",
})
"""Elements that are not phrasing content (a ``<summary>`` may hold phrasing content only)."""


def parse_html(text: str) -> BeautifulSoup:
    """A built page, parsed with Python's own HTML parser (no browser needed)."""
    return BeautifulSoup(text, "html.parser")


def check_summaries(soup: BeautifulSoup) -> list[str]:
    """No block element inside a ``<summary>`` (the Nu HTML Checker's "p not allowed as child of summary")."""
    problems = []
    for summary in soup.find_all("summary"):
        blocks = [element.name for element in summary.find_all(True) if element.name in BLOCK_ELEMENTS]
        if blocks:
            label = " ".join(summary.get_text(" ", strip=True).split())[:60]
            problems.append(f"<summary> {label!r} holds block elements: {', '.join(blocks)}")
    return problems


def check_description(soup: BeautifulSoup) -> list[str]:
    """Exactly one ``<meta name="description">``, not empty (what search engines and link previews show)."""
    metas = soup.find_all("meta", attrs={"name": "description"})
    if len(metas) != 1:
        return [f"{len(metas)} meta descriptions, not one"]
    return [] if (metas[0].get("content") or "").strip() else ["the meta description is empty"]


def check_markup(text: str) -> list[str]:
    """Problems in a built page's HTML itself, found without a browser."""
    soup = parse_html(text)
    return check_summaries(soup) + check_description(soup)


def screenshot_name(page_path: str, mode: str) -> str:
    """A flat, readable file name for a page's screenshot."""
    stem = page_path.removesuffix(".html").replace("/", "__")
    return f"{stem}-{mode}.png"
