"""The Dutch edition's catalogs: complete, faithful to the English references and numbers, and no copy of the annex."""

from __future__ import annotations

from pathlib import Path

import pytest

from dvbook import translations

ROOT = Path(__file__).resolve().parent.parent
ANNEX_RUNS = ROOT / "tests" / "fixtures" / "annex_7word_runs.sha256"


def annex_hashes() -> set[str]:
    lines = ANNEX_RUNS.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


@pytest.mark.parametrize("page", translations.page_sources(ROOT), ids=lambda path: path.name)
def test_blocks_join_back_to_the_page(page):
    for markdown in translations.page_markdown(page):
        pieces = translations.segments(markdown)
        assert "".join(text for _, text in pieces) == markdown
        identity = {translations.same_words(message): message for message in translations.messages(markdown)}
        assert translations.translate_markdown(markdown, identity) == markdown


def test_code_and_fences_are_not_messages():
    markdown = "Some prose here.\n\n```python\nprint('hello world')\n```\n\n:::{note}\n:class: tip\nA note.\n:::\n"
    assert translations.messages(markdown) == ["Some prose here.", "A note."]


def test_every_message_is_translated_and_keeps_its_references():
    found = translations.problems(ROOT, "nl")
    assert not found, "\n".join(map(str, found[:30])) + f"\n({len(found)} in all; see README: translating)"


@pytest.mark.parametrize(("english", "dutch", "problem"), [
    ("{glue:text}`a` orders in 2016", "{glue:text}`b` huisverboden in 2016", "glued"),
    ("see {doc}`11_across_regions`", "zie hoofdstuk 11", "references"),
    ("71 orders in 2016", "71 huisverboden in 2017", "numbers"),
    ("the {term}`huisverbod`", "het huisverbod", "glossary"),
])
def test_a_translation_that_drops_a_reference_or_changes_a_number_is_caught(english, dutch, problem):
    why = translations.message_problem(english, dutch)
    assert why is not None and problem.split()[0] in why.replace("glued values", "glued")


def test_a_link_may_have_dutch_text_but_not_another_target():
    english = "the {doc}`glossary of Dutch terms <../book/glossary>`"
    assert translations.message_problem(english, "de {doc}`woordenlijst <../book/glossary>`") is None
    assert translations.message_problem(english, "de {doc}`woordenlijst <../book/references>`") is not None


def test_a_faithful_translation_passes():
    assert translations.message_problem(
        "In 2016 {glue:text}`n` orders ({doc}`x`), see {term}`huisverbod`.",
        "In 2016 {glue:text}`n` huisverboden ({doc}`x`), zie {term}`huisverbod <huisverbod>`.") is None


def _all_text(root: Path) -> dict[str, str]:
    texts = {}
    for page in translations.page_sources(root):
        texts[f"{page.name} (English)"] = "\n\n".join(translations.page_markdown(page))
    for path, found in translations.catalogs(root, "nl").items():
        rel = path.relative_to(root).as_posix()
        texts[f"{rel} (English messages)"] = "\n\n".join(found)
        texts[f"{rel} (Dutch)"] = "\n\n".join(translations.table(path).values())
    return texts


def test_no_sentence_in_either_language_repeats_seven_words_of_the_annex():
    hashes = annex_hashes()
    assert len(hashes) > 1000  # the fixture holds the annex's runs, not an empty file
    copies = {name: runs for name, text in _all_text(ROOT).items() if (runs := translations.copied_runs(text, hashes))}
    assert not copies, copies


def test_a_run_around_an_italic_name_is_caught():
    annex = "Ook is het project ‘De Nieuwe Toekomst’ (gericht op de economische zelfstandigheid van vrouwen) geborgd."
    hashes = translations.source_runs(annex)
    assert translations.copied_runs("Het project *De Nieuwe Toekomst*, gericht op de economische zelfstandigheid.",
                                    hashes)
    assert not translations.copied_runs("*De Nieuwe Toekomst* helpt vrouwen financieel op eigen benen te staan.",
                                        hashes)


def test_the_copy_check_finds_a_copied_run():
    source = "de gemeenten hebben samen een nieuw plan gemaakt voor de hele regio"
    hashes = set(translations.word_runs(source))
    assert translations.copied_runs("In 2017 hebben de gemeenten hebben samen een nieuw plan gemaakt.", hashes)
    assert not translations.copied_runs("De gemeenten maakten samen een plan voor de regio.", hashes)


def test_a_rewrapped_paragraph_keeps_its_translation_and_a_changed_one_does_not():
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale="nl")
    catalog.add("One two\nthree.", string="Een twee drie.")
    translations._keep_rewrapped(catalog, {"One  two three.": ["page"], "One two four.": ["page"]})
    assert catalog.get("One  two three.").string == "Een twee drie."
    assert not catalog.get("One  two three.").fuzzy
    assert catalog.get("One two four.") is None  # a real change is new, to translate (or fuzzy after update)
    table = {translations.same_words("One two\nthree."): "Een twee drie."}
    assert translations.translate_markdown("One two  three.\n", table) == "Een twee drie.\n"


def test_the_dutch_edition_names_the_articles_as_the_dutch_translation_does():
    """Every article and chapter title of the data, as the Dutch edition shows it, is the official Dutch one.

    The reference is a table kept in the project and copied from the Dutch text of the Convention
    (``locales/nl/convention_titles.csv``), not the catalog the edition reads its titles from.
    """
    import csv

    official = {}
    with open(ROOT / "locales" / "nl" / "convention_titles.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(line for line in handle if not line.startswith("#")):
            official[row["kind"], row["number"]] = row["title_nl"]
    dutch = translations.table(ROOT / "locales" / "nl" / "data.po")
    with open(ROOT / "data" / "convention_articles.csv", encoding="utf-8") as handle:
        articles = list(csv.DictReader(handle))
    wrong = [(a["article"], a["title"], dutch.get(a["title"])) for a in articles
             if dutch.get(a["title"]) != official["article", a["article"]]]
    wrong += [(a["chapter"], a["chapter_title"], dutch.get(a["chapter_title"])) for a in articles
              if (dutch.get(a["chapter_title"]) or "").lower() != official["chapter", a["chapter"]].lower()]
    assert not wrong, wrong
    assert len(official) == 81 + 12


def test_the_dutch_bibliography_is_dutch_and_keeps_the_sources_own_words():
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    dutch = translations.translate_bibliography(bib, translations.table(ROOT / "locales" / "nl" / "book"
                                                                        / "references_bib.po"))
    assert "year         = {z.j.}" in dutch and "{n.d.}" not in dutch
    assert "Statistics Netherlands' definition" not in dutch  # notes are ours, so they are translated
    assert "title        = {De Wet tijdelijk huisverbod}" in dutch  # titles are the sources' own


def test_titles_keep_their_capitals_in_the_bibliography():
    from pybtex.database import parse_string

    from dvbook.sphinx_ext import bibliography_style

    entry = '@article{x, author={Garwood, F.}, title={Fiducial Limits for Veilig Thuis}, journal={B}, year={1936}}'
    data = parse_string(entry, "bibtex")
    for style in (bibliography_style(lang) for lang in ("en", "nl")):
        text = next(iter(style().format_entries(data.entries.values()))).text.render_as("text")
        assert "Fiducial Limits for Veilig Thuis" in text
