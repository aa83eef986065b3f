"""Page-level HTML fixes (dvbook.sphinx_page) and the committed icon stylesheet (dvbook.icons)."""

from dvbook.sphinx_page import mark_term_languages, name_toggles_by_their_text, phrasing_summaries

LINK = ('<a class="reference internal" href="../book/glossary.html#{anchor}">'
        '<span class="xref std std-term">{text}</span></a>')


def test_dutch_term_link_is_marked():
    html = LINK.format(anchor="term-huisverbod", text="huisverbod")
    assert '<span class="xref std std-term" lang="nl">huisverbod</span>' in mark_term_languages(html)


def test_english_term_link_is_not_marked():
    html = LINK.format(anchor="term-Istanbul-Convention", text="Istanbul Convention")
    assert mark_term_languages(html) == html


def test_glossary_entries_are_marked():
    html = '<dt id="term-Veilig-Thuis">Veilig Thuis</dt><dt id="term-GREVIO">GREVIO</dt>'
    assert mark_term_languages(html) == '<dt id="term-Veilig-Thuis" lang="nl">Veilig Thuis</dt><dt id="term-GREVIO">GREVIO</dt>'


def test_folded_code_cells_are_named_by_their_visible_text():
    html = '<summary aria-label="Toggle hidden content">\n<p class="collapsed admonition-title">Show code cell source</p>'
    assert name_toggles_by_their_text(html) == '<summary>\n<p class="collapsed admonition-title">Show code cell source</p>'


def test_folded_code_cell_labels_are_phrasing_content():
    # HTML allows only phrasing content in <summary>; myst-nb writes its two labels as paragraphs.
    html = ('<details class="admonition hide above-input">\n<summary>\n'
            '<p class="collapsed admonition-title">Show code cell source</p>\n'
            '<p class="expanded admonition-title">Hide code cell source</p>\n</summary>\n'
            '<div class="cell_input"><pre>x</pre></div>\n<p>After.</p><summary>A <em>b</em></summary>')
    assert phrasing_summaries(html) == (
        '<details class="admonition hide above-input">\n<summary>\n'
        '<span class="collapsed admonition-title">Show code cell source</span>\n'
        '<span class="expanded admonition-title">Hide code cell source</span>\n</summary>\n'
        '<div class="cell_input"><pre>x</pre></div>\n<p>After.</p><summary>A <em>b</em></summary>')


def test_theme_gets_a_valid_default_mode():
    # An empty default_mode made the theme log "Got invalid theme mode: ." for every first-time visitor.
    from types import SimpleNamespace

    from dvbook.sphinx_page import set_default_mode

    config = SimpleNamespace(html_context={})
    set_default_mode(None, config)
    assert config.html_context == {"default_mode": "auto"}
    chosen = SimpleNamespace(html_context={"default_mode": "dark"})
    set_default_mode(None, chosen)
    assert chosen.html_context == {"default_mode": "dark"}


def test_root_redirect_declares_an_icon():
    from dvbook.sphinx_page import root_redirect

    page = root_redirect("book/index.html")
    assert '<link rel="icon" href="data:,"/>' in page
    assert '<meta http-equiv="Refresh" content="0; url=book/index.html" />' in page


def test_dutch_pages_mark_only_the_english_headwords():
    html = ('<dt id="term-huisverbod">huisverbod</dt><dt id="term-state-report">state report</dt>'
            '<a class="reference internal" href="glossary.html#term-huisverbod"><span class="xref std std-term">x</span>')
    marked = mark_term_languages(html, "nl")
    assert '<dt id="term-state-report" lang="en">' in marked
    assert '<dt id="term-huisverbod">' in marked and 'lang="nl"' not in marked


def test_description_is_the_first_paragraph_of_body_text_without_citations():
    from docutils import nodes
    from docutils.core import publish_doctree

    from dvbook.sphinx_page import first_paragraph

    doctree = publish_doctree("Title\n=====\n\n.. note:: Not this.\n\nFirst paragraph,\nover two lines\n\nSecond.\n")
    paragraph = next(p for p in doctree.findall(nodes.paragraph) if p.astext().startswith("First"))
    paragraph += nodes.inline("", "[Government of the Netherlands, 2018]", classes=["bibtex-citation"])
    paragraph += nodes.Text(".")
    assert first_paragraph(doctree) == "First paragraph, over two lines."
    assert first_paragraph(None) == ""


def test_a_long_description_is_cut_at_a_word_with_an_ellipsis():
    from dvbook.sphinx_page import DESCRIPTION_LIMIT, shorten

    assert shorten("  A short\n page.  ") == "A short page."
    text = "For Rotterdam the annex describes an action programme that adds to the city's regular work, three " \
           "studies, and restraining-order figures that include known violations. What it tells belongs to 2016."
    cut = shorten(text)
    assert 150 <= len(cut) <= DESCRIPTION_LIMIT
    assert cut.endswith("\u2026") and text.startswith(cut[:-1]) and text[len(cut) - 1] == " "
    assert shorten("x" * 200) == "x" * (DESCRIPTION_LIMIT - 1) + "\u2026"
    assert shorten("a" * 150 + " word, more words here") == "a" * 150 + " word\u2026"


def test_description_tag_escapes_quotes_and_ampersands():
    from dvbook.sphinx_page import description_tag

    assert description_tag('Safe & sound: "Veilig Thuis" <b>') == (
        '<meta name="description" content="Safe &amp; sound: &quot;Veilig Thuis&quot; &lt;b&gt;" />')


def test_edition_links_are_relative_without_a_base_url():
    from dvbook.sphinx_page import alternate_links, edition_links

    assert edition_links("nl", "notebooks/10_rotterdam") == [
        ("en", "English", "../../notebooks/10_rotterdam.html"),
        ("nl", "Nederlands", "../../nl/notebooks/10_rotterdam.html")]
    assert alternate_links("en", "search") == [("en", "search.html"), ("nl", "nl/search.html")]


def test_alternates_are_absolute_with_a_base_url_and_name_a_default():
    from dvbook.sphinx_page import alternate_links, edition_links, site_url

    site = site_url("https://example.org/dvregions")
    assert site == "https://example.org/dvregions/"
    english, dutch = ("https://example.org/dvregions/notebooks/10_rotterdam.html",
                      "https://example.org/dvregions/nl/notebooks/10_rotterdam.html")
    for lang in ("en", "nl"):
        assert alternate_links(lang, "notebooks/10_rotterdam", site) == [
            ("en", english), ("nl", dutch), ("x-default", english)]
        assert [url for _, _, url in edition_links(lang, "notebooks/10_rotterdam", site)] == [english, dutch]


def test_each_edition_gets_its_own_base_url():
    # Sphinx writes each page's canonical URL from html_baseurl: a Dutch page is its own canonical page.
    from types import SimpleNamespace

    from dvbook.sphinx_page import SITE_URL, set_edition_base_url

    for lang, base in (("en", "https://example.org/dvregions/"), ("nl", "https://example.org/dvregions/nl/")):
        config = SimpleNamespace(html_baseurl="https://example.org/dvregions", html_context={}, language=lang)
        set_edition_base_url(None, config)
        assert (config.html_baseurl, config.html_context[SITE_URL]) == (base, "https://example.org/dvregions/")
    unset = SimpleNamespace(html_baseurl="", html_context={}, language="nl")
    set_edition_base_url(None, unset)
    assert (unset.html_baseurl, unset.html_context[SITE_URL]) == ("", "")


def test_committed_icon_stylesheet_is_current():
    # book/_static/dv-icons.css is written by hand (python -m dvbook.icons) from the theme's Font Awesome.
    from dvbook.icons import ICONS, ICONS_CSS, PSEUDO_ICONS, current_css

    text, missing = current_css()
    assert not missing, f"the theme's Font Awesome lacks {missing}"
    assert ICONS_CSS.read_text(encoding="utf-8") == text, "run `.venv/bin/python -m dvbook.icons` and commit"
    assert all(f".fa-{name} {{ --dv-icon: url(" in text or f".fa-{name}, " in text for name in ICONS)
    # The download icon the theme's CSS puts before a download link (the print edition's, on the home page).
    assert PSEUDO_ICONS["a.reference.download::before"] == "download"
    assert ".fa-download, a.reference.download::before { --dv-icon: url(" in text
