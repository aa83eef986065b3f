"""The print edition: the built book printed to one PDF (``python -m dvbook pdf``).

The PDF is printed into a temporary folder (the built book is left as it is, since other browser
tests read it) and read back with pypdf: every chapter of the table of contents where the contents
say it starts, every chart by its title, a page number on every page after the title page, the help
lines on the title page, none of the screen's page furniture, and no word cut off at the right margin
(every run of text is measured in the PDF itself, with its font's glyph widths).
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


# Chromium clips what lies past the text area of the paper, and a line of text is never laid out wider than its
# box: text that reaches into the right margin by more than a glyph's side bearing and rounding (up to 1 pt was
# seen on whole lines) is a word cut off there.
MARGIN_TOLERANCE_MM = 0.5
IDENTITY = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]


def times(first: list[float], then: list[float]) -> list[float]:
    """The PDF matrix that applies ``first``, then ``then`` (row vectors, as in the PDF reference)."""
    a, b, c, d, e, f = (float(value) for value in first)
    a2, b2, c2, d2, e2, f2 = (float(value) for value in then)
    return [a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2, e * b2 + f * d2 + f2]


def to_unicode(font) -> dict[int, str]:
    """A font's character codes and the text they stand for, from its /ToUnicode CMap."""
    stream = font.get("/ToUnicode")
    if stream is None:
        return {}
    cmap = stream.get_object().get_data().decode("latin-1")

    def text(hexadecimal: str) -> str:
        return bytes.fromhex(hexadecimal).decode("utf-16-be", "replace")

    mapping = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            mapping[int(code, 16)] = text(target)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])", block):
            low, high = int(low, 16), int(high, 16)
            if target.startswith("["):
                for offset, item in enumerate(re.findall(r"<([0-9A-Fa-f]*)>", target)):
                    mapping[low + offset] = text(item)
            else:
                first = bytes.fromhex(target[1:-1])
                for offset in range(high - low + 1):
                    value = int.from_bytes(first, "big") + offset
                    mapping[low + offset] = value.to_bytes(len(first), "big").decode("utf-16-be", "replace")
    return mapping


class Font:
    """What measuring and reading a string shown in a PDF font takes: its codes' widths and text."""

    def __init__(self, font) -> None:
        font = font.get_object()
        self.two_bytes = font.get("/Subtype") == "/Type0"
        self.widths: dict[int, float] = {}
        if self.two_bytes:
            descendant = font["/DescendantFonts"][0].get_object()
            self.default = float(descendant.get("/DW", 1000))
            array = [item.get_object() for item in descendant.get("/W", [])]
            index = 0
            while index + 1 < len(array):
                first, second = int(array[index]), array[index + 1]
                if isinstance(second, list):
                    self.widths.update({first + offset: float(width) for offset, width in enumerate(second)})
                    index += 2
                else:
                    self.widths.update({code: float(array[index + 2]) for code in range(first, int(second) + 1)})
                    index += 3
        else:
            first = int(font.get("/FirstChar", 0))
            self.widths = {first + offset: float(width) for offset, width in enumerate(font.get("/Widths", []))}
            self.default = float(font.get("/FontDescriptor", {}).get("/MissingWidth", 0))
        self.unicode = to_unicode(font)

    def codes(self, string) -> list[int]:
        data = string.original_bytes if hasattr(string, "original_bytes") else bytes(string)
        if self.two_bytes:
            return [int.from_bytes(data[index : index + 2], "big") for index in range(0, len(data) - 1, 2)]
        return list(data)

    def text(self, codes: list[int]) -> str:
        return "".join(self.unicode.get(code, "?") for code in codes)


def text_runs(content, pdf, resources, ctm: list[float]) -> list[tuple[str, float, float, float]]:
    """Every string shown by a content stream (and the forms it draws): its text, left and right edge and baseline.

    A small reading of the PDF text operators: the graphics state's matrix and text state, each string's width from
    its font's glyph widths, character and word spacing and horizontal scaling; coordinates in points.
    """
    from pypdf.generic import ContentStream

    fonts = {name: Font(font) for name, font in (resources.get("/Font") or {}).items()}
    forms = resources.get("/XObject") or {}
    runs: list[tuple[str, float, float, float]] = []
    state = {"ctm": ctm, "font": None, "size": 1.0, "Tc": 0.0, "Tw": 0.0, "Th": 1.0, "TL": 0.0}
    saved = []
    tm = tlm = IDENTITY

    def show(string) -> None:
        nonlocal tm
        font, size = state["font"], state["size"]
        codes = font.codes(string)
        width = drawn = 0.0
        for code in codes:
            spacing = state["Tc"] + (state["Tw"] if code == 32 and not font.two_bytes else 0.0)
            width += (font.widths.get(code, font.default) / 1000 * size + spacing) * state["Th"]
            # A line's trailing space may hang past its box; what counts is where the last character ends.
            drawn = drawn if font.text([code]).isspace() else width
        matrix = times(tm, state["ctm"])
        left, right = matrix[4], drawn * matrix[0] + matrix[4]
        runs.append((font.text(codes), min(left, right), max(left, right), drawn * matrix[1] + matrix[5]))
        tm = times([1, 0, 0, 1, width, 0], tm)

    def move(tx: float, ty: float) -> None:
        nonlocal tm, tlm
        tlm = times([1, 0, 0, 1, tx, ty], tlm)
        tm = tlm

    for operands, operator in ContentStream(content, pdf).operations:
        if operator == b"q":
            saved.append(dict(state))
        elif operator == b"Q" and saved:
            state = saved.pop()
        elif operator == b"cm":
            state["ctm"] = times(operands, state["ctm"])
        elif operator == b"BT":
            tm = tlm = IDENTITY
        elif operator == b"Tf":
            state["font"], state["size"] = fonts.get(operands[0]), float(operands[1])
        elif operator in (b"Tc", b"Tw", b"TL"):
            state[operator.decode()] = float(operands[0])
        elif operator == b"Tz":
            state["Th"] = float(operands[0]) / 100
        elif operator == b"Td":
            move(float(operands[0]), float(operands[1]))
        elif operator == b"TD":
            state["TL"] = -float(operands[1])
            move(float(operands[0]), float(operands[1]))
        elif operator == b"Tm":
            tm = tlm = [float(value) for value in operands]
        elif operator == b"T*":
            move(0.0, -state["TL"])
        elif operator in (b"Tj", b"'", b'"'):
            if operator != b"Tj":
                move(0.0, -state["TL"])
            if operator == b'"':
                state["Tw"], state["Tc"] = float(operands[0]), float(operands[1])
            if state["font"] is not None:
                show(operands[-1])
        elif operator == b"TJ" and state["font"] is not None:
            for item in operands[0]:
                if isinstance(item, (int, float)):
                    tm = times([1, 0, 0, 1, -float(item) / 1000 * state["size"] * state["Th"], 0], tm)
                else:
                    show(item)
        elif operator == b"Do" and operands[0] in forms:
            form = forms[operands[0]].get_object()
            if form.get("/Subtype") == "/Form":
                matrix = times(form.get("/Matrix", IDENTITY), state["ctm"])
                runs += text_runs(form, pdf, form.get("/Resources") or resources, matrix)
    return runs


def text_past_the_margin(reader) -> list[str]:
    """Every page with text drawn past the right margin of the paper: its number and the words cut there."""
    limit = (pdf.PAGE_WIDTH_MM - pdf.MARGIN_MM["right"] + MARGIN_TOLERANCE_MM) / 25.4 * 72
    found = []
    for number, page in enumerate(reader.pages, start=1):
        resources = page.get("/Resources")
        runs = text_runs(page.get_contents(), reader, resources.get_object() if resources else {}, IDENTITY)
        cut = []
        for text, _, right, baseline in runs:
            if right <= limit or not text.strip():
                continue
            # The word is what its line shows from the last space up to where the cut piece ends.
            line = sorted((run for run in runs if abs(run[3] - baseline) < 0.5 and run[2] <= right), key=lambda r: r[1])
            shown = "".join(piece if index == 0 or piece_left - line[index - 1][2] < 1 else " " + piece
                            for index, (piece, piece_left, _, _) in enumerate(line))
            word = (shown.split() or [text])[-1]
            cut.append(f"{word!r} ({(right - limit) / 72 * 25.4 + MARGIN_TOLERANCE_MM:.1f} mm into the margin)")
        if cut:
            found.append(f"page {number}: " + ", ".join(dict.fromkeys(cut)))
    return found


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


def test_no_word_is_cut_off_at_the_right_margin(printed) -> None:
    _, reader, _, _, _ = printed
    found = text_past_the_margin(reader)
    assert not found, "text drawn past the right margin (a table or word too wide for the paper):\n" + "\n".join(found)


def test_tables_too_wide_to_print_are_named_in_their_place(printed) -> None:
    result, _, texts, lang, _ = printed
    book_text = squash(" ".join(texts))
    # Lines of the PDF break after a hyphen too ("year-on-year"), so the notes are looked for without spaces.
    letters = re.sub(r"\s+", "", book_text)
    tables = [table for chapter in result.chapters for table in chapter.tables]
    assert all(table["step"] for table in tables)
    for table in tables:
        if table["step"] == "omitted":
            assert re.sub(r"\s+", "", table["note"]) in letters, f"no note in the PDF for {table['table']!r}"
            assert table["note"].startswith(table["table"]) and ("columns" if lang == "en" else "kolommen") in table["note"]
    assert ("rows): not printed" in book_text) == (lang == "en"), "a note on a long table is not in the page's language"


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
