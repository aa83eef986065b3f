"""The print edition: the built book printed to one PDF (``python -m dvbook pdf``).

The PDF is printed into a temporary folder (the built book is left as it is, since other browser
tests read it) and read back with pypdf: every chapter of the table of contents where the contents
say it starts, every chart by its title, a page number on every page after the title page, the help
lines on the title page, and none of the screen's page furniture.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from pathlib import Path

import pytest

from dvbook import pdf
from dvregions.i18n import EDITIONS

pytestmark = pytest.mark.browser

SPEC = re.compile(r'<script type="application/json" class="dv-chart-spec">(.*?)</script>', re.S)
NAV_LINK = re.compile(r'<li class="toctree-l1[^"]*">\s*<a class="reference internal" href="([^"]+)">\s*(.*?)\s*</a>', re.S)
SCREEN_ONLY = ("Quick exit", "Snel weg", "Show code cell source", "Hide code cell source", "Code tonen", "Search",
               "Zoeken", "Ctrl+K", "Toggle")
WORDS = {"en": {"authors": "The dvregions authors", "source": "Source: Annex 3"},
         "nl": {"authors": "De auteurs van dvregions", "source": "Bron: Bijlage 3"}}


def squash(text: str) -> str:
    """Text with ligatures undone and every run of whitespace made one space (PDF lines break elsewhere)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def toc_pages(book_dir: Path) -> list[tuple[Path, str]]:
    """The pages of the sidebar's table of contents, in order, with their titles, read from the HTML."""
    home = pdf.home_page(book_dir)
    links = NAV_LINK.findall(home.read_text(encoding="utf-8"))
    pages = []
    for href, title in links:
        target = home if href.startswith("#") else (home.parent / href.split("#")[0]).resolve()
        pages.append((target, squash(html.unescape(re.sub(r"<[^>]+>", "", title)))))
    return pages


def chart_titles(page: Path) -> list[str]:
    """The title of every chart on a built page, from its Vega-Lite spec."""
    titles = []
    for raw in SPEC.findall(page.read_text(encoding="utf-8")):
        title = json.loads(raw).get("title")
        text = title.get("text") if isinstance(title, dict) else title
        titles.append(squash(" ".join(text) if isinstance(text, list) else str(text)))
    return titles


@pytest.fixture(scope="module", params=sorted(EDITIONS))
def printed(request, browser, book_dir: Path, tmp_path_factory):
    """Each edition printed once for every test of this module."""
    lang = request.param
    edition_dir = book_dir / EDITIONS[lang][1]
    out = tmp_path_factory.mktemp(f"pdf-{lang}")
    result = pdf.print_edition(browser, edition_dir, out, "dvregions", quiet=True)
    from pypdf import PdfReader

    reader = PdfReader(result.path)
    texts = [page.extract_text() or "" for page in reader.pages]
    return result, reader, texts, lang, edition_dir


def test_one_pdf_per_language(printed) -> None:
    result, reader, _, lang, _ = printed
    assert result.edition.lang == lang
    assert result.path.name == f"dvregions-{lang}.pdf"
    assert len(reader.pages) == result.pages > len(result.chapters)


def test_title_page_has_the_help_lines_and_the_citation(printed) -> None:
    result, _, texts, lang, _ = printed
    title_page = squash(texts[0])
    for needed in ("Veilig Thuis", "0800-2000", "112", result.edition.title):
        assert needed in title_page, f"title page lacks {needed!r}: {title_page[:400]}"
    assert WORDS[lang]["authors"] in title_page, "title page lacks the citation"


def test_every_chapter_is_in_the_contents_and_starts_where_they_say(printed) -> None:
    result, _, texts, _, edition_dir = printed
    pages = toc_pages(edition_dir)
    assert len(pages) == len(result.chapters) >= 15
    contents = squash(" ".join(texts[1 : result.chapters[0].first_page - 1]))
    for (page, title), chapter in zip(pages[1:], result.chapters[1:]):
        assert chapter.entry.title == title, f"chapter order differs from the sidebar at {page.name}"
        assert re.search(re.escape(title) + r"\s+" + str(chapter.first_page) + r"\b", contents), (
            f"contents lack {title!r} on page {chapter.first_page}"
        )
        first = squash(texts[chapter.first_page - 1])
        assert first.count(title) >= 2, f"page {chapter.first_page} does not open {title!r} (heading and running head)"


def test_every_chart_is_printed_with_its_title(printed) -> None:
    result, _, texts, lang, edition_dir = printed
    book_text = squash(" ".join(texts))
    titles = [title for page, _ in toc_pages(edition_dir) for title in chart_titles(page)]
    assert titles and len(titles) == result.charts
    missing = [title for title in titles if title not in book_text]
    assert not missing, f"charts missing from the PDF: {missing}"
    assert book_text.count(WORDS[lang]["source"]) >= len(titles), "a chart lost its source line"


def test_every_page_after_the_title_page_has_its_number(printed) -> None:
    _, _, texts, _, _ = printed
    unnumbered = [number for number, text in enumerate(texts, start=1)
                  if number > 1 and not re.search(rf"(?:^|\s){number}\s*$", text)]
    assert not unnumbered, f"pages without their number at the foot: {unnumbered}"
    assert all("0800-2000" in text for text in texts), "the help lines are missing from a page foot"


def test_no_screen_furniture_on_paper(printed) -> None:
    _, _, texts, _, _ = printed
    for number, text in enumerate(texts, start=1):
        found = [word for word in SCREEN_ONLY if word in text]
        assert not found, f"page {number} shows {found}"


def test_home_page_link_is_added_once(printed, tmp_path: Path) -> None:
    result, _, _, lang, _ = printed
    html_dir = tmp_path / "html"
    (html_dir / "book").mkdir(parents=True)
    home = html_dir / "book" / "index.html"
    home.write_text("<main><article class='bd-article'><section><h1>Book</h1><section><h2>Help</h2></section>"
                    "</section></article></main>", encoding="utf-8")
    edition = pdf.Edition(html_dir=html_dir, home=home, lang=lang, title="Book")
    copy = pdf.PrintedEdition(edition=edition, path=result.path, pages=result.pages, chapters=result.chapters)
    pdf.link_from_home(edition, [copy])
    pdf.link_from_home(edition, [copy])
    text = home.read_text(encoding="utf-8")
    assert text.count('id="dv-print-edition"') == 1
    assert f'href="../_downloads/print/dvregions-{lang}.pdf"' in text
    assert (html_dir / "_downloads" / "print" / f"dvregions-{lang}.pdf").is_file()
    assert text.index("dv-print-edition") < text.rindex("</section>") < text.index("</article>")
