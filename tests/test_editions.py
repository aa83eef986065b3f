"""The two editions of the built book: the same figures, a switch between them, and each page in its language.

Reads what ``make book`` wrote: the stored (English) notebooks, the Dutch executions in
``_build/nl/executed`` and the HTML of both editions in ``_build/html`` and ``_build/html/nl``.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest

from dvbook import edition, translations
from dvregions import i18n

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
DUTCH_RUNS = edition.stage_dir(ROOT, "nl") / "executed"
DUTCH_HTML = HTML / i18n.EDITIONS["nl"][1]
CHART_MIME = "application/vnd.dvregions.chart+json"
GLUE_PREFIX = "application/papermill.record/"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
_DIGITS = re.compile(r"\d+")


def _require_build() -> None:
    if not (DUTCH_HTML / "index.html").is_file() or not DUTCH_RUNS.is_dir():
        pytest.fail("no Dutch edition built: run `make book` (make test builds it first)", pytrace=False)


def outputs(path: Path) -> list[dict]:
    """Every output of a notebook, in order."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [output for cell in nb["cells"] for output in cell.get("outputs", [])]


def glued_numbers(path: Path) -> dict[str, list[str]]:
    """Glue name -> the digit runs of its plain-text value (``1,234.5`` and ``1.234,5`` both give 1, 234, 5).

    A count the Dutch edition writes in words (``negen``) is read as its digits.
    """
    values = {}
    for output in outputs(path):
        name = output.get("metadata", {}).get("scrapbook", {}).get("name")
        text = output.get("data", {}).get(GLUE_PREFIX + "text/plain")
        if name and text and GLUE_PREFIX + "text/markdown" not in output["data"]:
            values[name] = _DIGITS.findall(_DUTCH_COUNTS.get(text.strip("'"), text))
    return values


def _dutch_counts() -> dict[str, str]:
    """The Dutch words for the counts the edition spells out, each with its digits."""
    before = os.environ.get(i18n.LANGUAGE_ENV)
    os.environ[i18n.LANGUAGE_ENV] = "nl"
    try:
        return {i18n.number_word(n): str(n) for n in range(1, i18n.SPELLED_OUT["nl"] + 1)}
    finally:
        if before is None:
            os.environ.pop(i18n.LANGUAGE_ENV)
        else:
            os.environ[i18n.LANGUAGE_ENV] = before


_DUTCH_COUNTS = _dutch_counts()


def chart_facts(path: Path) -> list[tuple[list, Counter]]:
    """Per chart: the numbers of each of its datasets, in order, and the digit runs of its description (any order).

    The datasets are compared as a sorted list: their names are hashes of their content, words included, so the
    order Vega-Lite gives them differs between the editions while each dataset's numbers must not.
    """
    facts = []
    for output in outputs(path):
        chart = output.get("data", {}).get(CHART_MIME)
        if chart:
            numbers = sorted([value for row in rows for value in row.values()
                              if isinstance(value, int | float) and not isinstance(value, bool)]
                             for rows in chart["spec"].get("datasets", {}).values())
            facts.append((numbers, Counter(_DIGITS.findall(chart["description"]))))
    return facts


def table_numbers(path: Path) -> list[Counter]:
    """Per HTML data table: the digit runs of its cells (any order)."""
    return [Counter(_DIGITS.findall(translations.ordinals_as_digits(
                html.unescape(re.sub(r"<[^>]+>", " ", "".join(output["data"]["text/html"]))))))
            for output in outputs(path) if "dv-data-table" in "".join(output.get("data", {}).get("text/html", ""))]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_both_editions_show_the_same_figures(notebook: Path) -> None:
    _require_build()
    dutch = DUTCH_RUNS / notebook.name
    assert glued_numbers(dutch) == glued_numbers(notebook)
    english_charts, dutch_charts = chart_facts(notebook), chart_facts(dutch)
    assert len(english_charts) == len(dutch_charts)
    for (english_data, english_words), (dutch_data, dutch_words) in zip(english_charts, dutch_charts, strict=True):
        assert dutch_data == english_data
        assert dutch_words == english_words
    assert table_numbers(dutch) == table_numbers(notebook)


def _title_lines(spec: dict) -> list[str]:
    """Every line of a chart's title, subtitle and source line (the inner bottom title)."""
    lines = []
    for title in (spec.get("title"), *(view.get("title") for view in spec.get("vconcat", []))):
        if isinstance(title, dict):
            for key in ("text", "subtitle"):
                value = title.get(key)
                lines += value if isinstance(value, list) else [value] if value else []
    return lines


def _svg_texts(output: dict) -> set[str]:
    markdown = "".join(output["data"]["text/markdown"])
    svg = unquote(re.search(r'src="data:image/svg\+xml,([^"]+)"', markdown).group(1))
    return {html.unescape(text) for text in re.findall(r">([^<>]+)</(?:text|tspan)>", svg)}


@pytest.mark.parametrize("edition", ["en", "nl"])
def test_chart_titles_wrap_instead_of_being_cut(edition: str) -> None:
    """Every line of every chart's title, subtitle and source line is drawn in full in the still image."""
    _require_build()
    cut = []
    for notebook in NOTEBOOKS:
        path = notebook if edition == "en" else DUTCH_RUNS / notebook.name
        for output in outputs(path):
            chart = output.get("data", {}).get(CHART_MIME)
            if chart:
                drawn = _svg_texts(output)
                cut += [f"{notebook.stem}: {line}" for line in _title_lines(chart["spec"]) if line not in drawn]
    assert not cut, cut


def test_dutch_runs_are_in_dutch() -> None:
    """The Dutch chart descriptions differ from the English ones (a run that silently stayed English fails)."""
    _require_build()
    same = [notebook.name for notebook in NOTEBOOKS
            if chart_facts(notebook) and json.dumps([o.get("data", {}).get(CHART_MIME, {}).get("description")
                                                     for o in outputs(notebook)])
            == json.dumps([o.get("data", {}).get(CHART_MIME, {}).get("description")
                           for o in outputs(DUTCH_RUNS / notebook.name)])]
    assert not same


def html_pages() -> list[Path]:
    return sorted(path for path in HTML.rglob("*.html") if "_static" not in path.parts and "_sources" not in path.parts
                  and 'http-equiv="Refresh"' not in path.read_text(encoding="utf-8")[:400])


def test_every_page_links_to_itself_in_the_other_edition() -> None:
    _require_build()
    problems = []
    pages = html_pages()
    assert len([page for page in pages if page.is_relative_to(DUTCH_HTML)]) >= 18
    for page in pages:
        text = page.read_text(encoding="utf-8")
        lang = "nl" if page.is_relative_to(DUTCH_HTML) else "en"
        rel = page.relative_to(HTML).as_posix()
        if f'<html lang="{lang}"' not in text:
            problems.append(f"{rel}: html lang is not {lang}")
        alternates = dict(re.findall(r'<link rel="alternate" hreflang="(\w+)" href="([^"]+)"/>', text))
        if set(alternates) != {"en", "nl"}:
            problems.append(f"{rel}: hreflang alternates {sorted(alternates)}")
        for code, href in alternates.items():
            target = (page.parent / href).resolve()
            expected = (HTML / i18n.EDITIONS[code][1] / page.relative_to(HTML / i18n.EDITIONS[lang][1])).resolve()
            if target != expected or not target.is_file():
                problems.append(f"{rel}: hreflang {code} points at {href}")
        switch = re.search(r'<nav class="dv-language[^>]*>\s*<a href="([^"]+)" hreflang="(\w+)" lang="\w+">', text)
        other = "en" if lang == "nl" else "nl"
        if not switch or switch.group(2) != other or switch.group(1) != alternates.get(other):
            problems.append(f"{rel}: no visible switch to the {other} edition")
    assert not problems, "\n".join(problems[:20])


def test_no_year_is_written_with_a_thousands_separator() -> None:
    _require_build()
    found = [f"{page.relative_to(HTML)}: {match}" for page in html_pages()
             for match in re.findall(r'pasted-text">(\d[.,]\d{3})<', page.read_text(encoding="utf-8"))
             if match[0] in "12" and match[2:4] in ("00", "01", "02")]
    assert not found, found


def test_dutch_pages_show_no_untranslated_chapter_titles() -> None:
    """The Dutch sidebar and headings come from the Dutch catalogs, not the English sources."""
    _require_build()
    page = (DUTCH_HTML / "notebooks" / "03_zeeland.html").read_text(encoding="utf-8")
    for english in ("What the annex leaves out", "Restraining orders", "Data table:", "not stated"):
        assert english not in page, english


def test_a_moved_code_line_does_not_rerun_the_dutch_chapters(tmp_path) -> None:
    """The Dutch outputs depend on the catalogs' translations, not on their location comments."""
    import shutil

    for name in ("dvregions.po", "data.po"):
        (tmp_path / "locales" / "nl").mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "locales" / "nl" / name, tmp_path / "locales" / "nl" / name)
    english = json.loads(NOTEBOOKS[2].read_text(encoding="utf-8"))
    before = edition.fingerprint(english, tmp_path, "nl")
    catalog = tmp_path / "locales" / "nl" / "dvregions.po"
    catalog.write_text(re.sub(r"(#: dvregions/\S+:)(\d+)", lambda m: f"{m[1]}{int(m[2]) + 7}",
                              catalog.read_text(encoding="utf-8")), encoding="utf-8")
    assert edition.fingerprint(english, tmp_path, "nl") == before
    catalog.write_text(catalog.read_text(encoding="utf-8").replace('msgstr "niet vermeld"', 'msgstr "onbekend"'),
                       encoding="utf-8")
    assert edition.fingerprint(english, tmp_path, "nl") != before


def test_dutch_chapters_run_beside_the_english_build_only_with_complete_catalogs(monkeypatch, tmp_path: Path) -> None:
    """With a catalog problem the English book is built first and the Dutch build then stops with the list."""
    from dvbook import translations

    monkeypatch.setattr(translations, "problems", lambda root, lang: [])
    assert edition.can_run_early(ROOT, "nl")
    assert edition.translated(tmp_path) == [], "a tree without catalogs has no other edition to run"
    missing = translations.TranslationProblem("locales/nl/dvregions.po", "Orders imposed", "not translated")
    monkeypatch.setattr(translations, "problems", lambda root, lang: [missing])
    assert not edition.can_run_early(ROOT, "nl")


def test_a_dutch_run_gives_the_language_to_its_kernel_only(monkeypatch, tmp_path: Path) -> None:
    """The English book may be building in the same process, so the process's own language stays as it was."""
    import nbformat

    from dvbook import build

    source = tmp_path / "chapter.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), source)
    seen = {}
    monkeypatch.setattr(build, "execute_in_fresh_kernel",
                        lambda nb, cwd, timeout, env=None: seen.update(env=env))
    monkeypatch.delenv(i18n.LANGUAGE_ENV, raising=False)
    result = edition.execute_in_language(source, tmp_path / "out" / "chapter.ipynb", "nl", "key", 5)
    assert result.error is None
    assert seen["env"][i18n.LANGUAGE_ENV] == "nl"
    assert i18n.LANGUAGE_ENV not in os.environ
