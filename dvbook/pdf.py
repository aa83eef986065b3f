"""``python -m dvbook pdf``: the print edition, one PDF per built edition of the book.

An edition is a built HTML folder (``_build/html``, ``_build/html/nl``, ...); its language is the home page's
``<html lang>``. The pages of its table of contents (the home page's sidebar, in order) are opened in headless
Chromium on a local server (:mod:`dvbook.localweb`) with print media, laid out at the paper's width, their wide
tables fitted to it (or left to the online book with a note, as tables of more than ``MAX_TABLE_ROWS`` rows are),
and printed once every chart is drawn, so charts stay vector graphics with real text. The programs and stylesheets
run in the page are in ``print/`` beside this module. A title page with the table of contents and one overlay page
per page (running head, help lines, page number) are printed from generated pages; pypdf stamps the overlay on and
joins everything, with bookmarks, into ``_build/pdf/<name>-<lang>.pdf``.

The PDF is copied into the edition's ``_downloads/print/`` and every edition's home page links every PDF made; the
HTML build itself never refers to a PDF, so it builds (strictly) with or without one.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import io
import itertools
import os
import re
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

from dvbook.localweb import CHROMIUM_ARGS, chromium_path, offline_context, serve_directory
from dvregions import i18n
from dvregions.i18n import _

DEFAULT_HTML = Path("_build") / "html"
DEFAULT_OUT = Path("_build") / "pdf"
DEFAULT_NAME = "dvregions"
DOWNLOAD_DIR = "_downloads/print"
CITATION_PAGE = "how_to_cite.html"

PAGE_WIDTH_MM = 210  # A4
PAGE_HEIGHT_MM = 297
MARGIN_MM = {"top": 24, "bottom": 24, "left": 18, "right": 18}
CHART_WAIT_MS = 20_000
# Data tables of at most this many rows are printed open (every chart's own table is); longer ones are left out.
MAX_TABLE_ROWS = 20
# The text area of the paper in CSS pixels (96 to the inch), rounded down: a chapter is laid out at this width
# before it is printed, so that a table can be measured against the paper (fit_tables.js).
TEXT_WIDTH_PX = int((PAGE_WIDTH_MM - MARGIN_MM["left"] - MARGIN_MM["right"]) / 25.4 * 96)
TEXT_HEIGHT_PX = int((PAGE_HEIGHT_MM - MARGIN_MM["top"] - MARGIN_MM["bottom"]) / 25.4 * 96)

# The home page's link section sits between these comments, so a new `make pdf` replaces it.
LINK_START = "<!-- dv-print-edition -->"
LINK_END = "<!-- /dv-print-edition -->"

# The browser programs and stylesheets of the print edition are files of their own in ``print/`` beside this module
# (package data); each file's opening comment says what it does.
PRINT_FILES = Path(__file__).with_name("print")


def _print_file(name: str) -> str:
    """The text of one file of ``print/``: a program run in the page, or a stylesheet (template)."""
    return (PRINT_FILES / name).read_text(encoding="utf-8")


_FONTS_READY_JS = _print_file("fonts_ready.js")


@dataclass
class Entry:
    """One page of the table of contents."""

    title: str
    url: str
    part: str | None = None


@dataclass
class Chapter:
    """A page of the book printed to PDF."""

    entry: Entry
    pdf: bytes
    pages: int
    charts: int
    first_page: int = 0
    # Each table that did not fit the paper as it was: {table, columns, step, note} (see fit_tables.js).
    tables: list[dict] = field(default_factory=list)


@dataclass
class Edition:
    """A built HTML book in one language, and what its print edition is made of."""

    html_dir: Path
    home: Path
    lang: str = "en"
    title: str = ""
    help_html: str = ""
    citation_html: str = ""
    entries: list[Entry] = field(default_factory=list)


@dataclass
class PrintedEdition:
    """A finished PDF: where it is and what it holds."""

    edition: Edition
    path: Path
    pages: int
    chapters: list[Chapter]

    @property
    def charts(self) -> int:
        """Number of charts printed."""
        return sum(chapter.charts for chapter in self.chapters)


def labels(lang: str) -> dict[str, str]:
    """The words the print edition adds itself, from the catalogs (the source language's for an unknown language)."""
    lang = lang.split("-")[0].lower()
    lang = lang if lang in i18n.EDITIONS else i18n.SOURCE_LANGUAGE
    return {
        "language": i18n.EDITIONS[lang][0],
        "edition": _("English edition", lang),
        "home": _("About this book", lang),
        "contents": _("Contents", lang),
        "help": _("Need help or advice?", lang),
        "cite": _("How to cite", lang),
        "foot_help": _("Veilig Thuis 0800-2000 (free, day and night) \u00b7 in immediate danger 112", lang),
        "section": _("Print edition", lang),
        "download": _("Download the book as PDF", lang),
        "pages": _("pages", lang),
        "data_table": _("Data table", lang),
        "table": _("Table", lang),
        "long": _("{summary} ({rows} rows): not printed; it is in the online book and in the data package.", lang),
        "wide": _("{summary} ({columns} columns): too wide to print; it is in the online book and in the data "
                  "package.", lang),
        "wide_table": _("{summary} ({columns} columns): too wide to print; it is in the online book.", lang),
    }


def home_page(html_dir: Path) -> Path:
    """The home page of the book built in ``html_dir``: ``index.html``, or the page its redirect stub points to."""
    index = html_dir / "index.html"
    if not index.is_file():
        raise FileNotFoundError(f"no built book at {html_dir}: run `make book` first")
    text = index.read_text(encoding="utf-8", errors="replace")
    match = re.search(r"""http-equiv=["']?refresh["']?\s+content=["']\d+;\s*url=([^"']+)["']""", text, re.I)
    if match and "<body" not in text.lower():
        target = (html_dir / match.group(1)).resolve()
        if target.is_file():
            return target
    return index


# --------------------------------------------------------------------------- generated pages


def _document(lang: str, title: str, margin: bool, css: str, body: str) -> str:
    """A page to print: the paper's size (with or without margins), ``css`` and ``body``."""
    margins = "; ".join(f"margin-{side}: {MARGIN_MM[side]}mm" for side in MARGIN_MM) if margin else "margin: 0"
    page_css = Template(_print_file("page.css")).substitute(
        page_width=PAGE_WIDTH_MM, page_height=PAGE_HEIGHT_MM, page_margins=margins)
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}"><head><meta charset="utf-8"><title>{html.escape(title)}'
            f"</title>\n<style>{page_css}\n{css}</style></head><body>{body}</body></html>")


def front_matter_html(edition: Edition, chapters: Sequence[Chapter]) -> str:
    """Title page and table of contents as one HTML document (page numbers ``000`` while ``first_page`` is 0)."""
    words = labels(edition.lang)
    rows, part = [], None
    for chapter in chapters:
        entry = chapter.entry
        if entry.part and entry.part != part:
            part = entry.part
            rows.append(f'<li class="part">{html.escape(part)}</li>')
        rows.append(f'<li class="entry"><span class="title">{html.escape(entry.title)}</span>'
                    f'<span class="leader"></span><span class="page">{chapter.first_page or "000"}</span></li>')
    css = Template(_print_file("front_matter.css")).substitute(
        title_page_height=PAGE_HEIGHT_MM - MARGIN_MM["top"] - MARGIN_MM["bottom"] - 2)
    return _document(edition.lang, edition.title, True, css, f"""
<section class="title-page">
<h1>{html.escape(edition.title)}</h1>
<p class="edition">{html.escape(words["edition"])}</p>
<div class="help" role="note">{edition.help_html}</div>
<div class="cite"><h2>{html.escape(words["cite"])}</h2><div>{edition.citation_html}</div></div>
</section>
<section class="contents"><h2>{html.escape(words["contents"])}</h2><ol>{"".join(rows)}</ol></section>
""")


def furniture_html(edition: Edition, heads: Sequence[str | None]) -> str:
    """One overlay page per running head in ``heads`` with help lines and page number (None: a blank page)."""
    title, foot = html.escape(edition.title), html.escape(labels(edition.lang)["foot_help"])
    sheets = [
        '<div class="sheet"></div>' if head is None else
        f'<div class="sheet"><div class="head"><span>{title}</span><span>{html.escape(head)}</span></div>'
        f'<div class="foot"><span>{foot}</span><span class="number">{number}</span></div></div>'
        for number, head in enumerate(heads, start=1)
    ]
    css = Template(_print_file("furniture.css")).substitute(
        page_width=PAGE_WIDTH_MM, page_height=PAGE_HEIGHT_MM, margin_left=MARGIN_MM["left"],
        margin_right=MARGIN_MM["right"])
    return _document(edition.lang, "furniture", False, css, "".join(sheets))


# --------------------------------------------------------------------------- printing


def _print_html(context, document: str) -> bytes:
    with contextlib.closing(context.new_page()) as page:
        page.set_content(document, wait_until="load")
        page.evaluate(_FONTS_READY_JS)
        return page.pdf(prefer_css_page_size=True, print_background=True)


def _evaluate_at(context, url: str, script: str):  # noqa: ANN202 - whatever the script returns
    with contextlib.closing(context.new_page()) as page:
        page.goto(url, wait_until="load")
        return page.evaluate(script)


def print_chapter(context, entry: Entry, lang: str = "en") -> tuple[bytes, int, list[dict]]:
    """Print one page once its charts are drawn, every table fitted to the paper: the PDF, its charts, its tables.

    What was done to each table wider than the paper: ``{"table", "columns", "step", "note"}``, step ``"omitted"``
    for one left out with a note in ``lang``.
    """
    with contextlib.closing(context.new_page()) as page:
        page.emulate_media(media="print")
        page.goto(entry.url, wait_until="load")
        # Charts are drawn when a reader reaches for one (dv-charts.js); reach for them as a reader would.
        page.evaluate(_print_file("reach_for_charts.js"))
        page.wait_for_function(_print_file("charts_settled.js"), timeout=CHART_WAIT_MS)
        broken = page.evaluate(_print_file("chart_problems.js"))
        if broken:
            raise RuntimeError(f"{entry.url}: chart(s) not drawn: {', '.join(broken)}")
        notes = labels(lang)
        charts = page.evaluate(_print_file("prepare.js"), [entry.title, MAX_TABLE_ROWS, notes])
        # Lay the page out at the paper's width, in the fonts it is printed in, and fit its tables to it.
        page.add_style_tag(content=_print_file("fit_tables.css"))
        page.set_viewport_size({"width": TEXT_WIDTH_PX, "height": TEXT_HEIGHT_PX})
        page.evaluate(_FONTS_READY_JS)
        tables = page.evaluate(_print_file("fit_tables.js"), notes)
        page.evaluate(_FONTS_READY_JS)
        margin = {side: f"{value}mm" for side, value in MARGIN_MM.items()}
        pdf = page.pdf(width=f"{PAGE_WIDTH_MM}mm", height=f"{PAGE_HEIGHT_MM}mm", margin=margin, print_background=True)
        return pdf, charts, tables


def _page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def read_edition(context, html_dir: Path, base_url: str) -> Edition:
    """An edition's language, title, help lines and contents (not its citation), from its home page at ``base_url``."""
    home = home_page(html_dir)
    found = _evaluate_at(context, base_url + home.relative_to(html_dir).as_posix(), _print_file("read_home.js"))
    edition = Edition(html_dir=html_dir, home=home, lang=found["lang"], title=found["title"], help_html=found["help"])
    words = labels(edition.lang)
    for number, item in enumerate(found["entries"]):
        title = words["home"] if number == 0 and item["part"] is None else item["title"]
        edition.entries.append(Entry(title=title, url=item["url"], part=item["part"]))
    if not edition.entries:
        raise RuntimeError(f"{home}: no table of contents found in the sidebar")
    if not edition.help_html:
        raise RuntimeError(f"{home}: no help lines (#dv-safety .dv-safety__help) found")
    return edition


def assemble(edition: Edition, front: bytes, chapters: Sequence[Chapter], furniture: bytes, out: Path) -> int:
    """Join front matter and chapters (``first_page`` set), stamp the furniture on, add bookmarks; return the pages."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter()
    for pdf in (front, *(chapter.pdf for chapter in chapters)):
        writer.append(PdfReader(io.BytesIO(pdf)), import_outline=False)
    overlay = PdfReader(io.BytesIO(furniture))
    if len(overlay.pages) != len(writer.pages):
        raise RuntimeError(f"page furniture has {len(overlay.pages)} pages for {len(writer.pages)} pages of text")
    for page, sheet in zip(writer.pages, overlay.pages):
        page.merge_page(sheet)

    words = labels(edition.lang)
    writer.add_outline_item(title=words["contents"], page_number=1)
    part_name, part_item = None, None
    for chapter in chapters:
        if chapter.entry.part != part_name:
            part_name = chapter.entry.part
            part_item = (writer.add_outline_item(title=part_name, page_number=chapter.first_page - 1)
                         if part_name else None)
        writer.add_outline_item(title=chapter.entry.title, page_number=chapter.first_page - 1, parent=part_item)
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({"/Title": edition.title, "/Subject": words["edition"]})
    writer.root_object[NameObject("/Lang")] = TextStringObject(edition.lang)
    writer.compress_identical_objects()
    out.parent.mkdir(parents=True, exist_ok=True)
    writer.write(out)
    return len(writer.pages)


def _print_chapters(context, edition: Edition, quiet: bool) -> list[Chapter]:
    """Print every page of the contents, reading the citation from its page as it goes."""
    chapters = []
    for entry in edition.entries:
        started = time.perf_counter()
        pdf, charts, tables = print_chapter(context, entry, edition.lang)
        chapters.append(Chapter(entry=entry, pdf=pdf, pages=_page_count(pdf), charts=charts, tables=tables))
        if entry.url.endswith("/" + CITATION_PAGE):
            edition.citation_html = _evaluate_at(context, entry.url, _print_file("citation.js"))
        if not quiet:
            omitted = sum(table["step"] == "omitted" for table in tables)
            fitted = f", {len(tables) - omitted} wide table(s) fitted" if len(tables) > omitted else ""
            fitted += f", {omitted} too wide to print" if omitted else ""
            print(f"  {entry.title}: {chapters[-1].pages} page(s), {charts} chart(s){fitted}, "
                  f"{time.perf_counter() - started:.1f} s")
    if not edition.citation_html:
        raise RuntimeError(f"no citation found: expected a quotation on the page {CITATION_PAGE}")
    return chapters


def print_edition(browser, html_dir: Path, out_dir: Path, name: str, quiet: bool = False) -> PrintedEdition:
    """Print one built edition (``html_dir``) with a launched Chromium to ``<out_dir>/<name>-<lang>.pdf``."""
    html_dir = html_dir.resolve()
    with serve_directory(html_dir) as base_url:
        context = offline_context(browser, color_scheme="light")
        context.add_init_script(_print_file("light_mode.js"))
        try:
            edition = read_edition(context, html_dir, base_url)
            chapters = _print_chapters(context, edition, quiet)
            # The contents' length does not depend on the numbers in it: print it once to count its pages.
            front_pages = _page_count(_print_html(context, front_matter_html(edition, chapters)))
            for chapter, first_page in zip(chapters, itertools.accumulate(
                    (chapter.pages for chapter in chapters), initial=front_pages + 1)):
                chapter.first_page = first_page
            front = _print_html(context, front_matter_html(edition, chapters))
            if _page_count(front) != front_pages:
                raise RuntimeError("the table of contents changed length once its page numbers were filled in")
            heads: list[str | None] = [None] + [labels(edition.lang)["contents"]] * (front_pages - 1)
            for chapter in chapters:
                heads += [chapter.entry.title] * chapter.pages
            furniture = _print_html(context, furniture_html(edition, heads))
        finally:
            context.close()
    out = out_dir / f"{name}-{edition.lang}.pdf"
    pages = assemble(edition, front, chapters, furniture, out)
    return PrintedEdition(edition=edition, path=out, pages=pages, chapters=chapters)


# --------------------------------------------------------------------------- the home page link


def _size_text(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{max(1, round(size / 1000))} kB"


def link_from_home(edition: Edition, printed: Sequence[PrintedEdition]) -> Path:
    """Copy this edition's PDF into its ``_downloads`` and link every printed edition's PDF from its home page."""
    words = labels(edition.lang)
    items = []
    for other in printed:
        target = other.edition.html_dir / DOWNLOAD_DIR / other.path.name
        if other.edition is edition:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(other.path, target)
        href = Path(os.path.relpath(target, edition.home.parent)).as_posix()
        size = _size_text(other.path.stat().st_size)
        details = f"{labels(other.edition.lang)['language']}, {other.pages} {words['pages']}, {size}"
        items.append(f'<li><a class="reference download" href="{html.escape(href)}" type="application/pdf" '
                     f'hreflang="{html.escape(other.edition.lang)}">{html.escape(words["download"])}</a> '
                     f"({html.escape(details)})</li>")
    section = (f'{LINK_START}<section id="dv-print-edition" class="d-print-none">\n<h2>{html.escape(words["section"])}'
               f'<a class="headerlink" href="#dv-print-edition" title="Link to this heading">#</a></h2>\n'
               f'<ul class="simple">{"".join(items)}</ul>\n</section>{LINK_END}')
    text = edition.home.read_text(encoding="utf-8")
    text = re.sub(re.escape(LINK_START) + ".*?" + re.escape(LINK_END), "", text, flags=re.S)
    article_end = text.find("</article>")
    if article_end < 0:
        raise RuntimeError(f"{edition.home}: no <article> to add the print edition to")
    # Inside the page's top section, after its last subsection.
    anchor = text.rfind("</section>", 0, article_end)
    anchor = article_end if anchor < 0 else anchor
    edition.home.write_text(text[:anchor] + section + "\n" + text[anchor:], encoding="utf-8")
    return edition.home


# --------------------------------------------------------------------------- command line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m dvbook pdf``."""
    parser.add_argument("html_dirs", nargs="*", type=Path, metavar="HTML_DIR",
                        help=f"built book of one edition (default: {DEFAULT_HTML}); pass one folder per language")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"folder for the PDFs (default: {DEFAULT_OUT})")
    parser.add_argument("--name", default=DEFAULT_NAME, help=f"file name before -<lang>.pdf (default: {DEFAULT_NAME})")
    parser.add_argument("--no-link", action="store_true", help="do not copy the PDFs into the book nor link them")
    parser.add_argument("--quiet", action="store_true", help="print only the PDFs written")


def run(args: argparse.Namespace) -> int:
    """Print every edition given; return the exit code."""
    html_dirs = [Path(path) for path in (args.html_dirs or [DEFAULT_HTML])]
    executable = chromium_path()
    if executable is None:
        print("Chromium is needed for the print edition. On Debian/Ubuntu run `sudo apt-get install chromium` "
              "(or set DVREGIONS_CHROMIUM).", file=sys.stderr)
        return 1
    try:
        import pypdf  # noqa: F401 - joins the printed pages
    except ImportError:
        print("pypdf is needed for the print edition: .venv/bin/pip install -r requirements.txt", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    printed: list[PrintedEdition] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            for html_dir in html_dirs:
                started = time.perf_counter()
                if not args.quiet:
                    print(f"Printing {html_dir}")
                result = print_edition(browser, html_dir, Path(args.out), args.name, quiet=args.quiet)
                if any(result.edition.lang == other.edition.lang for other in printed):
                    print(f"Two editions in one language ({result.edition.lang}): {html_dir}", file=sys.stderr)
                    return 1
                printed.append(result)
                print(f"{result.path}: {result.pages} pages, {len(result.chapters)} chapters, {result.charts} charts "
                      f"({time.perf_counter() - started:.0f} s)")
        finally:
            browser.close()
    if not args.no_link:
        for result in printed:
            home = link_from_home(result.edition, printed)
            if not args.quiet:
                print(f"linked from {home}")
    return 0
