"""Page-level HTML fixes: Dutch glossary terms carry lang="nl" for screen readers."""

from dvregions.sphinx_page import mark_dutch_terms, name_toggles_by_their_text

LINK = ('<a class="reference internal" href="../book/glossary.html#{anchor}">'
        '<span class="xref std std-term">{text}</span></a>')


def test_dutch_term_link_is_marked():
    html = LINK.format(anchor="term-huisverbod", text="huisverbod")
    assert '<span class="xref std std-term" lang="nl">huisverbod</span>' in mark_dutch_terms(html)


def test_english_term_link_is_not_marked():
    html = LINK.format(anchor="term-Istanbul-Convention", text="Istanbul Convention")
    assert mark_dutch_terms(html) == html


def test_glossary_entries_are_marked():
    html = '<dt id="term-Veilig-Thuis">Veilig Thuis</dt><dt id="term-GREVIO">GREVIO</dt>'
    assert mark_dutch_terms(html) == '<dt id="term-Veilig-Thuis" lang="nl">Veilig Thuis</dt><dt id="term-GREVIO">GREVIO</dt>'


def test_folded_code_cells_are_named_by_their_visible_text():
    html = '<summary aria-label="Toggle hidden content">\n<p class="collapsed admonition-title">Show code cell source</p>'
    assert name_toggles_by_their_text(html) == '<summary>\n<p class="collapsed admonition-title">Show code cell source</p>'
