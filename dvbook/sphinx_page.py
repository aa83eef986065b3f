"""Sphinx extension: page-level fixes for readers who may be offline, watched, or using a screen reader.

It adds the help-and-exit banner's CSS and JS (the banner is in ``layout.html``) and ``dv-icons.css``, which draws
the theme's fifteen icons instead of ``fontawesome.js`` (1.45 MB). Per page it drops sphinx-thebe's assets (Jupyter
Book always adds them; their inline config comes twice, an error, and points at unpkg.com, yet no kernel is ever
launched), defers scripts, warns about remote ones, fixes ARIA roles and ``<summary>`` content, marks foreign glossary
words, adds a description and links to the other edition; it sets a colour mode, Dutch search and a root redirect.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

THEBE_MARKERS = ("THEBE_JS_URL", "thebe_selector")
THEBE_FILES = ("sphinx-thebe.js", "sphinx-thebe.css")
# sphinx-design's assets, which Jupyter Book adds to every page; only pages using its components need them.
DESIGN_FILES = ("sphinx-design.min.css", "design-tabs.js")
_DESIGN_CLASS = re.compile(r'class="(?:[^"]* )?sd-')
# Scripts that must run before the inline scripts after them (``DOCUMENTATION_OPTIONS.pagename = ...``).
BLOCKING_SCRIPTS = ("documentation_options.js",)
# Run after every other html-page-context handler (MathJax adds its script in one).
LATE = 900


def _filename(asset: Any) -> str:
    return str(getattr(asset, "filename", asset) or "")


def _inline_body(asset: Any) -> str:
    return str(getattr(asset, "attributes", {}).get("body", ""))


def _is_remote(url: str) -> bool:
    return url.startswith("//") or urlsplit(url).scheme in {"http", "https"}


def _is_unwanted(asset: Any, uses_design: bool) -> bool:
    """sphinx-thebe's assets, and sphinx-design's on a page without its components."""
    name = _filename(asset)
    return (name.endswith(THEBE_FILES) or any(marker in _inline_body(asset) for marker in THEBE_MARKERS)
            or (not uses_design and name.split("?")[0].endswith(DESIGN_FILES)))


def _deferred(asset: Any) -> Any:
    """The same local classic script, deferred: on a slow phone the help banner shows before scripts arrive."""
    attributes = getattr(asset, "attributes", None)
    name = _filename(asset)
    if (attributes is None or not name or attributes.get("body") or _is_remote(name)
            or name.split("?")[0].endswith(BLOCKING_SCRIPTS) or {"async", "defer"} & set(attributes)
            or attributes.get("type", "text/javascript") != "text/javascript"):
        return asset
    # A new asset, not the same one changed: Sphinx shares asset objects between pages.
    return type(asset)(asset.filename, priority=asset.priority, **{**attributes, "defer": "defer"})


def clean_page_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Remove thebe, unused sphinx-design and duplicate assets from this page; defer scripts; warn about remote ones."""
    body = context.get("body")
    uses_design = isinstance(body, str) and _DESIGN_CLASS.search(body) is not None
    for key in ("script_files", "css_files"):
        assets = context.get(key) or []
        kept: dict[tuple[str, str], Any] = {}  # the first of identical assets (same file or same inline body)
        for asset in assets:
            if not _is_unwanted(asset, uses_design):
                kept.setdefault((_filename(asset), _inline_body(asset)), asset)
        # Edit the list in place: Sphinx restores it from its own copy before the next page.
        # search.html runs inline code that needs doctools.js at once; it has no chart or banner hurry.
        defer = key == "script_files" and pagename != "search"
        assets[:] = [_deferred(asset) if defer else asset for asset in kept.values()]
        for name in filter(_is_remote, map(_filename, assets)):
            logger.warning("page %s loads %s from another host; vendor it under book/_static instead",
                           pagename, name, type="dvregions", subtype="remote_asset")
    if isinstance(body, str) and 'role="doc-biblioentry"' in body:
        # docutils puts doc-biblioentry items inside role="list"; ARIA only allows listitem there.
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


# Glossary anchors of headwords that are not Dutch.
ENGLISH_TERMS = {"term-Istanbul-Convention", "term-GREVIO", "term-MDA", "term-Committee-of-the-Parties",
                 "term-emergency-barring-order", "term-state-report"}
_TERM_LINK = re.compile(r'(<a class="reference internal" href="[^"]*#(term-[^"]+)"><span class="xref std std-term")>')
_TERM_ENTRY = re.compile(r'<dt id="(term-[^"]+)">')


def mark_term_languages(body: str, page_language: str = "en") -> str:
    """Mark glossary words not in the page's language for screen readers: Dutch terms, English ones on Dutch pages."""
    dutch_page = page_language == "nl"
    foreign_lang = "en" if dutch_page else "nl"

    def is_foreign(term: str) -> bool:
        return (term in ENGLISH_TERMS) == dutch_page

    body = _TERM_ENTRY.sub(lambda m: f'<dt id="{m[1]}" lang="{foreign_lang}">' if is_foreign(m[1]) else m[0], body)
    # On a Dutch page the links show Dutch text: only the English headwords are marked.
    return body if dutch_page else _TERM_LINK.sub(lambda m: f'{m[1]} lang="nl">' if is_foreign(m[2]) else m[0], body)


def name_toggles_by_their_text(body: str) -> str:
    """Drop myst-nb's fixed aria-label on folded cells: speech users say what they see (label-content-name-mismatch)."""
    return body.replace('<summary aria-label="Toggle hidden content">', "<summary>")


_SUMMARY = re.compile(r"<summary\b[^>]*>.*?</summary>", re.S)
_PARAGRAPH_TAG = re.compile(r"<(/?)p(?=[\s>])")


def phrasing_summaries(body: str) -> str:
    """Make the paragraphs inside every ``<summary>`` spans: HTML allows only phrasing content there.

    myst-nb writes a folded cell's labels as ``<p class="collapsed admonition-title">`` (and ``expanded``);
    the spans keep the classes, and ``dv-text.css`` gives them the paragraphs' look and toggling.
    """
    return _SUMMARY.sub(lambda match: _PARAGRAPH_TAG.sub(r"<\1span", match.group(0)), body)


def mark_language(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Mark foreign glossary terms, name folded code cells by their visible text and make their labels phrasing."""
    body = context.get("body")
    if isinstance(body, str):
        body = mark_term_languages(body, app.config.language or "en")
        context["body"] = phrasing_summaries(name_toggles_by_their_text(body))


# ``html_context`` key of the book's address as configured (``html_baseurl``), before the edition's folder is added.
SITE_URL = "dv_site_url"


def site_url(base_url: str | None) -> str:
    """The book's address ending in one slash, or '' when none is configured."""
    base_url = (base_url or "").strip()
    return base_url.rstrip("/") + "/" if base_url else ""


def set_edition_base_url(app: Sphinx, config: Any) -> None:
    """Read ``html_baseurl`` as the whole book's address and give each edition its own, for its canonical URLs."""
    from dvregions.i18n import EDITIONS

    site = config.html_context[SITE_URL] = site_url(config.html_baseurl)
    if site:
        config.html_baseurl = site + EDITIONS.get(config.language or "en", ("", ""))[1]


def edition_links(lang: str, pagename: str, site: str = "") -> list[tuple[str, str, str]]:
    """(code, name, URL) of ``pagename`` in every edition: relative to it in ``lang``, or absolute under ``site``."""
    from dvregions.i18n import EDITIONS

    root = site or "../" * (pagename.count("/") + EDITIONS[lang][1].count("/"))
    return [(code, name, f"{root}{folder}{quote(pagename)}.html") for code, (name, folder) in EDITIONS.items()]


def alternate_links(lang: str, pagename: str, site: str = "") -> list[tuple[str, str]]:
    """(hreflang, URL) of the page in every edition; under ``site`` absolute, as search engines want, with x-default."""
    from dvregions.i18n import SOURCE_LANGUAGE

    links = [(code, url) for code, _, url in edition_links(lang, pagename, site)]
    return links + [("x-default", dict(links)[SOURCE_LANGUAGE])] if site else links


def add_edition_links(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Give the templates this page's links in every edition and the help banner's words (``dv_say``, Dutch first)."""
    from dvregions.i18n import EDITIONS, _

    lang = app.config.language or "en"
    known = lang in EDITIONS
    site = app.config.html_context.get(SITE_URL, "")
    context["dv_editions"] = edition_links(lang, pagename) if known else []
    context["dv_alternates"] = alternate_links(lang, pagename, site) if known else []
    context["dv_say"] = _  # the catalogs' translation, so the templates hold no text of one language
    # Help comes in Dutch first on every page: a person in danger in the Netherlands reads Dutch.
    context["dv_help_languages"] = list(dict.fromkeys(["nl", lang]))


# Most characters of a page description: what search engines show of one before they cut it themselves.
DESCRIPTION_LIMIT = 160
_PUNCTUATION_AFTER_GAP = re.compile(r"\s+(?=[.,;:!?)\]])")
_EMPTY_BRACKETS = re.compile(r"\s*(?:\(\s*\)|\[\s*\])")
_CUT_END = " ,.;:!?-\u2013\u2014([{'\"\u2018\u201c"


def shorten(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """``text`` on one line, cut at a word boundary with an ellipsis when it is longer than ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit]  # the last character's place goes to the ellipsis
    space = head.rfind(" ")
    kept = head[:space] if space > limit // 2 else head[: limit - 1]
    return kept.rstrip(_CUT_END) + "\u2026"


def _is_reference_mark(node: nodes.Node) -> bool:
    """Citations and footnote marks: they point elsewhere and read badly out of their page."""
    return (isinstance(node, (nodes.footnote_reference, nodes.citation_reference))
            # sphinxcontrib-bibtex's citation before it is resolved
            or (isinstance(node, addnodes.pending_xref) and node.get("refdomain") == "cite")
            or (isinstance(node, nodes.Element) and "bibtex-citation" in node.get("classes", ())))


def paragraph_text(paragraph: nodes.paragraph) -> str:
    """The words of a paragraph as a reader sees them, without its citations; whitespace folded."""
    copy = paragraph.deepcopy()
    for node in list(copy.findall(_is_reference_mark)):
        node.parent.remove(node)
    for raw in list(copy.findall(nodes.raw)):
        words = html.unescape(re.sub(r"<[^>]*>", "", raw.astext())) if raw.get("format") == "html" else ""
        raw.replace_self(nodes.Text(words))
    return _PUNCTUATION_AFTER_GAP.sub("", _EMPTY_BRACKETS.sub("", " ".join(copy.astext().split())))


def first_paragraph(doctree: nodes.Node | None) -> str:
    """The text of the page's first paragraph of body text (not in a note, table, figure or output), or ''."""
    paragraphs = doctree.findall(nodes.paragraph) if doctree is not None else ()
    texts = (paragraph_text(p) for p in paragraphs if isinstance(p.parent, (nodes.section, nodes.document)))
    return next(filter(None, texts), "")


def description_tag(text: str) -> str:
    """The ``<meta name="description">`` tag for ``text``, cut to :data:`DESCRIPTION_LIMIT` and escaped."""
    return f'<meta name="description" content="{html.escape(shorten(text), quote=True)}" />'


def add_description(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Describe the page by its first paragraph, one without (index, search) by the home page's; keep its own."""
    metatags = context.get("metatags") or ""
    if 'name="description"' in metatags:
        return
    text = first_paragraph(doctree)
    if not text and pagename != app.config.root_doc:
        text = first_paragraph(app.env.get_doctree(app.config.root_doc))
    text = text or str(context.get("docstitle") or context.get("title") or "")
    if text:
        context["metatags"] = "\n    ".join(filter(None, [metatags, description_tag(text)]))


def dutch_search_language() -> type:
    """Sphinx's Dutch search, indexing with the Porter stemmer its browser side uses, not snowballstemmer 3's ``dutch``.

    That is another algorithm ("geweld" -> "wel"): a reader's search for "overtredingen" found nothing.
    """
    import snowballstemmer
    from sphinx.search.nl import SearchDutch

    class SearchDutchPorter(SearchDutch):
        def init(self, options: dict[str, str]) -> None:
            algorithm = "dutch_porter" if "dutch_porter" in snowballstemmer.algorithms() else "dutch"
            self.stemmer = snowballstemmer.stemmer(algorithm)

    return SearchDutchPorter


def set_default_mode(app: Sphinx, config: Any) -> None:
    """Give the theme a valid ``default_mode`` unless set: an empty one logs "Got invalid theme mode: ." to visitors."""
    if not config.html_context.get("default_mode"):
        config.html_context["default_mode"] = "auto"  # the reader's system setting until they choose


def root_redirect(target: str) -> str:
    """A minimal redirect page that asks the browser for no icon."""
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8"/>\n'
            f'<title>Redirecting</title>\n<link rel="icon" href="data:,"/>\n'
            f'<meta http-equiv="Refresh" content="0; url={target}" />\n</head>\n</html>\n')


def _write_if_changed(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def write_root_redirect(app: Sphinx, exception: Exception | None) -> None:
    """Write the root ``index.html`` with a ``<head>`` and an empty icon (sphinx-external-toc's makes a 404)."""
    if exception is None and app.builder.format == "html" and app.config.root_doc != "index":
        _write_if_changed(Path(app.outdir) / "index.html", root_redirect(f"{app.config.root_doc}.html"))


_GLYPH_RULE = re.compile(r'(?:\.fa-[a-z0-9-]+:(?:before|after),?)+\{content:"[^"]*"\}')
_FONT_FACE = re.compile(r"@font-face\{[^}]*Font Awesome[^}]*\}")


def trim_theme_css(app: Sphinx, exception: Exception | None) -> None:
    """Drop Font Awesome's glyph rules and webfonts from the theme's CSS (a third of it; 20 KiB gzipped).

    It blocks the first paint, delaying the help banner; dv-icons.css draws the icons (add new ones to its ICONS).
    """
    path = Path(app.outdir) / "_static" / "styles" / "pydata-sphinx-theme.css"
    if exception is None and app.builder.format == "html" and path.is_file():
        _write_if_changed(path, _FONT_FACE.sub("", _GLYPH_RULE.sub("", path.read_text(encoding="utf-8"))))


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the banner assets and the per-page clean-up."""
    app.add_css_file("safety.css")
    app.add_css_file("dv-icons.css")  # written by hand with ``python -m dvbook.icons``
    # Before Sphinx's own scripts (priority 200): now that they are deferred too, sphinx_highlight.js would
    # otherwise register its Escape handler (which calls preventDefault) before the quick exit's.
    app.add_js_file("safety.js", defer="defer", priority=150)
    app.connect("html-page-context", clean_page_assets, priority=LATE)
    app.connect("html-page-context", mark_language, priority=LATE)
    app.connect("html-page-context", add_edition_links)
    app.connect("html-page-context", add_description)
    app.add_search_language(dutch_search_language())
    app.connect("config-inited", set_default_mode)
    app.connect("config-inited", set_edition_base_url)
    # Before sphinx-external-toc's handler (default priority 500), which writes only a missing file.
    app.connect("build-finished", write_root_redirect, priority=400)
    app.connect("build-finished", trim_theme_css)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
