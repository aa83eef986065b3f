"""``python -m dvbook pdf``: the print edition, one PDF per built edition of the book.

An edition is a built HTML folder: ``_build/html`` is the English one; another language built into
its own folder (say ``_build/html/nl``) is passed as a further argument and gets its own PDF. Its
language is read from the home page's ``<html lang>``.

For each edition the pages of its table of contents (the sidebar of the home page, in order) are
opened in headless Chromium (found as in :mod:`dvbook.localweb`) on a local server, with print
media and ``book/_static/print.css``, and printed to PDF once every chart is drawn: charts stay
vector graphics whose titles, axes and source lines are real text. Links to other pages of the book
become plain text; external links keep their address in print. Each page is laid out at the width of
the paper first, and a table wider than the paper is fitted to it: its cells wrap, then its type gets
smaller; one that still does not fit is left to the online book, with a note in the edition's
language, as a table of more than ``MAX_TABLE_ROWS`` rows is. The programs run in the page and the
stylesheets are in ``print/`` beside this module. Then:

1. the chapters' page counts give the page numbers of a table of contents, printed with a title
   page (title, help lines, citation) from a generated page;
2. one overlay page per page, printed from another generated page, carries the running head (book
   and chapter title) and the foot (help lines and page number), and is stamped on with pypdf, so
   page numbers run on through the whole book;
3. everything is joined with pypdf, with a bookmark per part and chapter, into
   ``_build/pdf/<name>-<lang>.pdf``.

The PDF is copied into the edition's ``_downloads/print/`` and the home page of every edition gets
a small "Print edition" section linking every edition made; the HTML build itself never refers to
a PDF, so it builds (strictly) with or without one.
"""

from __future__ import annotations

import argparse
import html
import io
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


_READ_HOME_JS = _print_file("read_home.js")
_REACH_FOR_CHARTS_JS = _print_file("reach_for_charts.js")
_CHARTS_SETTLED_JS = _print_file("charts_settled.js")
_CHART_PROBLEMS_JS = _print_file("chart_problems.js")
_PREPARE_JS = _print_file("prepare.js")
_FIT_TABLES_JS = _print_file("fit_tables.js")
_FIT_TABLES_CSS = _print_file("fit_tables.css")
_CITATION_JS = _print_file("citation.js")
_FONTS_READY_JS = _print_file("fonts_ready.js")
_LIGHT_MODE_JS = _print_file("light_mode.js")
# Templates: ${name} placeholders are filled in from the page size and margins above.
_PAGE_CSS = Template(_print_file("page.css"))
_FRONT_MATTER_CSS = Template(_print_file("front_matter.css"))
_FURNITURE_CSS = Template(_print_file("furniture.css"))


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
    """The words the print edition adds itself, in an edition's language (the source's for a language not in the list).

    They come from the catalogs, like every other word of an edition.
    """
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
    """The home page of a built book: ``index.html``, or the page its redirect stub points to.

    Parameters
    ----------
    html_dir : Path
        Folder of the built HTML book.

    Returns
    -------
    Path
        The HTML file of the home page.
    """
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


def _page_css(margin: bool) -> str:
    inner = "; ".join(f"margin-{side}: {MARGIN_MM[side]}mm" for side in MARGIN_MM) if margin else "margin: 0"
    return _PAGE_CSS.substitute(page_width=PAGE_WIDTH_MM, page_height=PAGE_HEIGHT_MM, page_margins=inner)


def front_matter_html(edition: Edition, chapters: Sequence[Chapter]) -> str:
    """Title page and table of contents of an edition, as one HTML document to print.

    Parameters
    ----------
    edition : Edition
        The edition: title, language, help lines and citation.
    chapters : sequence of Chapter
        The printed chapters, with ``first_page`` set (0 while the page numbers are not known yet).

    Returns
    -------
    str
        A complete HTML document.
    """
    words = labels(edition.lang)
    rows = []
    part = None
    for chapter in chapters:
        entry = chapter.entry
        if entry.part and entry.part != part:
            part = entry.part
            rows.append(f'<li class="part">{html.escape(part)}</li>')
        number = chapter.first_page or "000"
        rows.append(
            f'<li class="entry"><span class="title">{html.escape(entry.title)}</span>'
            f'<span class="leader"></span><span class="page">{number}</span></li>'
        )
    front_css = _FRONT_MATTER_CSS.substitute(
        title_page_height=PAGE_HEIGHT_MM - MARGIN_MM["top"] - MARGIN_MM["bottom"] - 2
    )
    return f"""<!DOCTYPE html>
<html lang="{html.escape(edition.lang)}"><head><meta charset="utf-8"><title>{html.escape(edition.title)}</title>
<style>{_page_css(margin=True)}
{front_css}</style></head><body>
<section class="title-page">
<h1>{html.escape(edition.title)}</h1>
<p class="edition">{html.escape(words["edition"])}</p>
<div class="help" role="note">{edition.help_html}</div>
<div class="cite"><h2>{html.escape(words["cite"])}</h2><div>{edition.citation_html}</div></div>
</section>
<section class="contents"><h2>{html.escape(words["contents"])}</h2><ol>{"".join(rows)}</ol></section>
</body></html>"""


def furniture_html(edition: Edition, heads: Sequence[str | None]) -> str:
    """One overlay page per page of the PDF: running head, help lines and page number.

    Parameters
    ----------
    edition : Edition
        The edition (book title and language).
    heads : sequence of str or None
        The running chapter title of each page, in order; None for a page without furniture (the title page).

    Returns
    -------
    str
        A complete HTML document with ``len(heads)`` pages.
    """
    words = labels(edition.lang)
    sheets = []
    for number, head in enumerate(heads, start=1):
        if head is None:
            sheets.append('<div class="sheet"></div>')
            continue
        sheets.append(
            '<div class="sheet">'
            f'<div class="head"><span>{html.escape(edition.title)}</span><span>{html.escape(head)}</span></div>'
            f'<div class="foot"><span>{html.escape(words["foot_help"])}</span>'
            f'<span class="number">{number}</span></div></div>'
        )
    furniture_css = _FURNITURE_CSS.substitute(
        page_width=PAGE_WIDTH_MM, page_height=PAGE_HEIGHT_MM, margin_left=MARGIN_MM["left"],
        margin_right=MARGIN_MM["right"]
    )
    return f"""<!DOCTYPE html>
<html lang="{html.escape(edition.lang)}"><head><meta charset="utf-8"><title>furniture</title>
<style>{_page_css(margin=False)}
{furniture_css}</style></head><body>{"".join(sheets)}</body></html>"""


# --------------------------------------------------------------------------- printing


def _print_html(context, document: str) -> bytes:
    page = context.new_page()
    try:
        page.set_content(document, wait_until="load")
        page.evaluate(_FONTS_READY_JS)
        return page.pdf(prefer_css_page_size=True, print_background=True)
    finally:
        page.close()


def print_chapter(context, entry: Entry, lang: str = "en") -> tuple[bytes, int, list[dict]]:
    """Print one page of the book to PDF once its charts are drawn, with every table fitted to the paper.

    Parameters
    ----------
    context : playwright.sync_api.BrowserContext
        The browser context to open the page in.
    entry : Entry
        The page and its title in the table of contents.
    lang : str
        Language of the edition, for the notes on tables left out.

    Returns
    -------
    tuple of (bytes, int, list of dict)
        The PDF, the number of charts on the page, and what was done to each table that was wider than the
        paper (``{"table", "columns", "step", "note"}``; step ``"omitted"`` for one left out with a note).
    """
    page = context.new_page()
    try:
        page.emulate_media(media="print")
        page.goto(entry.url, wait_until="load")
        # Charts are drawn when a reader reaches for one (dv-charts.js); reach for them as a reader would.
        page.evaluate(_REACH_FOR_CHARTS_JS)
        page.wait_for_function(_CHARTS_SETTLED_JS, timeout=CHART_WAIT_MS)
        broken = page.evaluate(_CHART_PROBLEMS_JS)
        if broken:
            raise RuntimeError(f"{entry.url}: chart(s) not drawn: {', '.join(broken)}")
        notes = labels(lang)
        charts = page.evaluate(_PREPARE_JS, [entry.title, MAX_TABLE_ROWS, notes])
        # Lay the page out at the paper's width, in the fonts it is printed in, and fit its tables to it.
        page.add_style_tag(content=_FIT_TABLES_CSS)
        page.set_viewport_size({"width": TEXT_WIDTH_PX, "height": TEXT_HEIGHT_PX})
        page.evaluate(_FONTS_READY_JS)
        tables = page.evaluate(_FIT_TABLES_JS, notes)
        page.evaluate(_FONTS_READY_JS)
        pdf = page.pdf(
            width=f"{PAGE_WIDTH_MM}mm",
            height=f"{PAGE_HEIGHT_MM}mm",
            margin={side: f"{value}mm" for side, value in MARGIN_MM.items()},
            print_background=True,
        )
        return pdf, charts, tables
    finally:
        page.close()


def _page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _offline_context(browser):
    """A light-mode browser context that lets no request leave the machine."""
    context = offline_context(browser, color_scheme="light")
    context.add_init_script(_LIGHT_MODE_JS)
    return context


def read_edition(context, html_dir: Path, base_url: str) -> Edition:
    """Read an edition's language, title, help lines and table of contents from its home page.

    Parameters
    ----------
    context : playwright.sync_api.BrowserContext
        Browser context to open the home page in.
    html_dir : Path
        Folder of the built HTML book.
    base_url : str
        URL under which ``html_dir`` is served.

    Returns
    -------
    Edition
        The edition, without its citation (read while its page is printed).
    """
    home = home_page(html_dir)
    page = context.new_page()
    try:
        page.goto(base_url + home.relative_to(html_dir).as_posix(), wait_until="load")
        found = page.evaluate(_READ_HOME_JS)
    finally:
        page.close()
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
    """Join front matter and chapters, stamp the page furniture on, add bookmarks; return the page count.

    Parameters
    ----------
    edition : Edition
        The edition (title and language for the PDF's metadata).
    front : bytes
        Title page and table of contents.
    chapters : sequence of Chapter
        The printed chapters, in order, with ``first_page`` set.
    furniture : bytes
        One overlay page per page of the result.
    out : Path
        Where to write the PDF.

    Returns
    -------
    int
        Number of pages written.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front)), import_outline=False)
    for chapter in chapters:
        writer.append(PdfReader(io.BytesIO(chapter.pdf)), import_outline=False)
    overlay = PdfReader(io.BytesIO(furniture))
    if len(overlay.pages) != len(writer.pages):
        raise RuntimeError(f"page furniture has {len(overlay.pages)} pages for {len(writer.pages)} pages of text")
    for page, sheet in zip(writer.pages, overlay.pages):
        page.merge_page(sheet)

    writer.add_outline_item(title=labels(edition.lang)["contents"], page_number=1)
    part_name, part_item = None, None
    for chapter in chapters:
        if chapter.entry.part != part_name:
            part_name = chapter.entry.part
            part_item = (
                writer.add_outline_item(title=part_name, page_number=chapter.first_page - 1) if part_name else None
            )
        writer.add_outline_item(title=chapter.entry.title, page_number=chapter.first_page - 1, parent=part_item)
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({"/Title": edition.title, "/Subject": labels(edition.lang)["edition"]})
    writer.root_object[NameObject("/Lang")] = TextStringObject(edition.lang)
    writer.compress_identical_objects()
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as handle:
        writer.write(handle)
    return len(writer.pages)


def print_edition(browser, html_dir: Path, out_dir: Path, name: str, quiet: bool = False) -> PrintedEdition:
    """Print one built edition of the book to ``<out_dir>/<name>-<lang>.pdf``.

    Parameters
    ----------
    browser : playwright.sync_api.Browser
        A launched Chromium.
    html_dir : Path
        Folder of the built HTML book of this edition.
    out_dir : Path
        Folder for the PDF.
    name : str
        Start of the file name.
    quiet : bool
        Print no progress.

    Returns
    -------
    PrintedEdition
        The PDF written and what it holds.
    """
    html_dir = html_dir.resolve()
    with serve_directory(html_dir) as base_url:
        context = _offline_context(browser)
        try:
            edition = read_edition(context, html_dir, base_url)
            chapters = []
            for entry in edition.entries:
                started = time.perf_counter()
                pdf, charts, tables = print_chapter(context, entry, edition.lang)
                chapters.append(Chapter(entry=entry, pdf=pdf, pages=_page_count(pdf), charts=charts, tables=tables))
                if entry.url.endswith("/" + CITATION_PAGE):
                    page = context.new_page()
                    try:
                        page.goto(entry.url, wait_until="load")
                        edition.citation_html = page.evaluate(_CITATION_JS)
                    finally:
                        page.close()
                if not quiet:
                    omitted = sum(table["step"] == "omitted" for table in tables)
                    fitted = f", {len(tables) - omitted} wide table(s) fitted" if len(tables) > omitted else ""
                    fitted += f", {omitted} too wide to print" if omitted else ""
                    print(f"  {entry.title}: {chapters[-1].pages} page(s), {charts} chart(s){fitted}, "
                          f"{time.perf_counter() - started:.1f} s")
            if not edition.citation_html:
                raise RuntimeError(f"no citation found: expected a quotation on the page {CITATION_PAGE}")

            # The contents' length does not depend on the numbers in it: print it once to count its pages.
            front_pages = _page_count(_print_html(context, front_matter_html(edition, chapters)))
            next_page = front_pages + 1
            for chapter in chapters:
                chapter.first_page = next_page
                next_page += chapter.pages
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
    """Copy this edition's PDF into its ``_downloads`` and link every edition's PDF from its home page.

    Parameters
    ----------
    edition : Edition
        The edition whose home page gets the links.
    printed : sequence of PrintedEdition
        Every edition printed in this run (this one among them).

    Returns
    -------
    Path
        The home page written.
    """
    words = labels(edition.lang)
    items = []
    for other in printed:
        target = other.edition.html_dir / DOWNLOAD_DIR / other.path.name
        if other.edition is edition:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(other.path, target)
        href = Path(os.path.relpath(target, edition.home.parent)).as_posix()
        details = f"{labels(other.edition.lang)['language']}, {other.pages} {words['pages']}, " + _size_text(
            other.path.stat().st_size
        )
        items.append(
            f'<li><a class="reference download" href="{html.escape(href)}" type="application/pdf" '
            f'hreflang="{html.escape(other.edition.lang)}">{html.escape(words["download"])}</a> '
            f"({html.escape(details)})</li>"
        )
    section = (
        f'{LINK_START}<section id="dv-print-edition" class="d-print-none">\n'
        f'<h2>{html.escape(words["section"])}<a class="headerlink" href="#dv-print-edition" '
        f'title="Link to this heading">#</a></h2>\n<ul class="simple">{"".join(items)}</ul>\n</section>{LINK_END}'
    )
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
    parser.add_argument(
        "html_dirs",
        nargs="*",
        type=Path,
        metavar="HTML_DIR",
        help=f"built book of one edition (default: {DEFAULT_HTML}); pass one folder per language",
    )
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
