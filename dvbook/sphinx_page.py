"""Sphinx extension: page-level fixes for readers who may be offline, watched, or using a screen reader.

- adds the help-and-exit banner's CSS and JS (the banner itself is ``book/_templates/layout.html``);
- drops sphinx-thebe's assets: Jupyter Book always loads sphinx-thebe, which adds its inline
  config twice (a ``THEBE_JS_URL has already been declared`` error on every page) and points at
  unpkg.com, although the book launches no live kernels;
- gives bibliography entries a role their ``role="list"`` parent allows (axe aria-required-children);
- writes the folded code cells' labels as spans, since ``<summary>`` may hold only phrasing content
  (myst-nb writes paragraphs there; ``dv-text.css`` styles the spans as the paragraphs were);
- warns (an error under ``-W``) when a page would still load a script or stylesheet from another host;
- gives the theme a default colour mode: pydata-sphinx-theme reads ``default_mode`` from
  ``html_context`` and, when it is unset, writes an empty mode into every page, so a first-time
  visitor (nothing stored yet) got "Got invalid theme mode: ." as a console error;
- draws the theme's few icons with ``dv-icons.css`` (CSS masks of the theme's own Font Awesome paths,
  a static file that :mod:`dvbook.icons` writes) instead of ``fontawesome.js``, 1.45 MB of JavaScript
  for fifteen icons (``layout.html`` drops its script tag), and trims the theme CSS of Font Awesome's
  glyphs and webfonts;
- defers the theme's and extensions' scripts, so a phone on a slow connection shows the help banner
  before they have arrived (only ``documentation_options.js`` stays: inline scripts use it at once);
- gives every page a ``<meta name="description">`` for search engines and link previews: its own first
  paragraph, in its edition's language, as plain text cut to 160 characters (the index and search
  pages, which have none, get the home page's);
- links every page to the same page in the other edition (a visible switch and ``hreflang``
  alternates; the Dutch edition is built into ``nl/`` under the English one); with ``html_baseurl``
  set (the address of the English edition) the alternates are absolute, with an ``x-default``, and
  the Dutch edition's canonical URLs get its folder;
- makes the Dutch edition's search index agree with the browser's Dutch stemmer;
- writes the root redirect page itself, with an empty icon, since the one sphinx-external-toc
  writes has no ``<head>`` and makes browsers request ``/favicon.ico`` (a 404).
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

SAFETY_CSS = "safety.css"
SAFETY_JS = "safety.js"
THEBE_MARKERS = ("THEBE_JS_URL", "thebe_selector")
THEBE_FILES = ("sphinx-thebe.js", "sphinx-thebe.css")
DESIGN_FILES = ("sphinx-design.min.css", "design-tabs.js")
"""sphinx-design's assets, which Jupyter Book adds to every page; only pages using its components need them."""
_DESIGN_CLASS = re.compile(r'class="(?:[^"]* )?sd-')
# Run after every other html-page-context handler (MathJax adds its script in one).
LATE = 900


def _filename(asset: Any) -> str:
    return str(getattr(asset, "filename", asset) or "")


def _is_thebe(asset: Any) -> bool:
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return _filename(asset).endswith(THEBE_FILES) or any(marker in body for marker in THEBE_MARKERS)


def _is_remote(url: str) -> bool:
    return url.startswith("//") or urlsplit(url).scheme in {"http", "https"}


def _dedupe(assets: list[Any]) -> list[Any]:
    """Keep the first of identical assets (same file or same inline body)."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for asset in assets:
        key = (_filename(asset), str(getattr(asset, "attributes", {}).get("body", "")))
        if key not in seen:
            seen.add(key)
            kept.append(asset)
    return kept


BLOCKING_SCRIPTS = ("documentation_options.js",)
"""Scripts that must run before the inline scripts after them (``DOCUMENTATION_OPTIONS.pagename = ...``)."""


def _deferred(asset: Any) -> Any:
    """The same local classic script, waiting until the page is parsed: it no longer holds up the first paint.

    A new asset, not the same one changed: Sphinx shares asset objects between pages.
    """
    attributes = getattr(asset, "attributes", None)
    name = _filename(asset)
    if attributes is None or not name or attributes.get("body") or _is_remote(name):
        return asset
    if name.split("?")[0].endswith(BLOCKING_SCRIPTS) or attributes.get("type", "text/javascript") != "text/javascript":
        return asset
    if {"async", "defer"} & set(attributes):
        return asset
    return type(asset)(asset.filename, priority=asset.priority, **{**attributes, "defer": "defer"})


def clean_page_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Remove thebe, unused sphinx-design and duplicate assets from this page; defer scripts; warn about remote ones."""
    body = context.get("body")
    uses_design = isinstance(body, str) and _DESIGN_CLASS.search(body) is not None
    for key in ("script_files", "css_files"):
        assets = context.get(key)
        if assets is None:
            continue
        # Edit the list in place: Sphinx restores it from its own copy before the next page.
        assets[:] = _dedupe([asset for asset in assets if not _is_thebe(asset)
                             and (uses_design or not _filename(asset).split("?")[0].endswith(DESIGN_FILES))])
        # search.html runs inline code that needs doctools.js at once; it has no chart or banner hurry.
        if key == "script_files" and pagename != "search":
            assets[:] = [_deferred(asset) for asset in assets]
        for asset in assets:
            if _is_remote(_filename(asset)):
                logger.warning(
                    "page %s loads %s from another host; vendor it under book/_static instead",
                    pagename,
                    _filename(asset),
                    type="dvregions",
                    subtype="remote_asset",
                )
    if isinstance(body, str) and 'role="doc-biblioentry"' in body:
        # docutils puts doc-biblioentry items inside role="list"; ARIA only allows listitem there.
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


ENGLISH_TERMS = {"term-Istanbul-Convention", "term-GREVIO", "term-MDA", "term-Committee-of-the-Parties",
                 "term-emergency-barring-order", "term-state-report"}
"""Glossary anchors of headwords that are not Dutch."""

_TERM_LINK = re.compile(r'(<a class="reference internal" href="[^"]*#(term-[^"]+)"><span class="xref std std-term")>')
_TERM_ENTRY = re.compile(r'<dt id="(term-[^"]+)">')


def mark_term_languages(body: str, page_language: str = "en") -> str:
    """Mark glossary words that are not in the page's language, for screen readers.

    On an English page, links to Dutch terms and their glossary entries get lang="nl". On a Dutch page
    the links show Dutch text; only the English headwords of the glossary get lang="en".
    """
    if page_language == "nl":
        return _TERM_ENTRY.sub(lambda match: f'<dt id="{match.group(1)}" lang="en">'
                               if match.group(1) in ENGLISH_TERMS else match.group(0), body)

    def link(match: re.Match) -> str:
        return match.group(0) if match.group(2) in ENGLISH_TERMS else f'{match.group(1)} lang="nl">'

    def entry(match: re.Match) -> str:
        return match.group(0) if match.group(1) in ENGLISH_TERMS else f'<dt id="{match.group(1)}" lang="nl">'

    return _TERM_ENTRY.sub(entry, _TERM_LINK.sub(link, body))


TOGGLE_SUMMARY = '<summary aria-label="Toggle hidden content">'


def name_toggles_by_their_text(body: str) -> str:
    """Drop myst-nb's fixed aria-label on folded code cells.

    The visible "Show code cell source" then is their accessible name (axe
    label-content-name-mismatch: speech users say what they see).
    """
    return body.replace(TOGGLE_SUMMARY, "<summary>")


_SUMMARY = re.compile(r"<summary\b[^>]*>.*?</summary>", re.S)
_PARAGRAPH_TAG = re.compile(r"<(/?)p(?=[\s>])")


def phrasing_summaries(body: str) -> str:
    """Make the paragraphs inside every ``<summary>`` spans: HTML allows only phrasing content there.

    myst-nb writes a folded cell's two labels ("Show code cell source", "Hide code cell source") as
    ``<p class="collapsed admonition-title">`` and ``<p class="expanded admonition-title">``; the spans
    keep the classes, and ``dv-text.css`` gives them the look and the toggling the paragraphs had.
    """
    return _SUMMARY.sub(lambda match: _PARAGRAPH_TAG.sub(r"<\1span", match.group(0)), body)


def mark_language(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Mark Dutch glossary terms and name folded code cells by their visible text, on every page.

    The folded cells' labels also become phrasing content (:func:`phrasing_summaries`).
    """
    body = context.get("body")
    if isinstance(body, str):
        body = mark_term_languages(body, app.config.language or "en")
        context["body"] = phrasing_summaries(name_toggles_by_their_text(body))


SITE_URL = "dv_site_url"
"""``html_context`` key of the book's address as configured (``html_baseurl``), before the edition's folder is added."""


def site_url(base_url: str | None) -> str:
    """The book's address ending in one slash, or '' when none is configured."""
    base_url = (base_url or "").strip()
    return base_url.rstrip("/") + "/" if base_url else ""


def set_edition_base_url(app: Sphinx, config: Any) -> None:
    """Read ``html_baseurl`` as the address of the whole book and give each edition its own.

    Both editions are built from the same ``html_baseurl`` (the address of the English edition, in
    which ``nl/`` lives). Sphinx makes each page's ``<link rel="canonical">`` from it, so the Dutch
    edition's base URL gets its folder: its pages are their own canonical pages.
    """
    from dvregions.i18n import EDITIONS

    site = site_url(config.html_baseurl)
    config.html_context[SITE_URL] = site
    folder = EDITIONS.get(config.language or "en", ("", ""))[1]
    if site:
        config.html_baseurl = site + folder


def edition_links(lang: str, pagename: str, site: str = "") -> list[tuple[str, str, str]]:
    """(code, name, URL) of ``pagename`` in every edition.

    URLs are relative to that page in ``lang``, or absolute under ``site`` (the book's address, see
    :func:`site_url`) when it is given.
    """
    from dvregions.i18n import EDITIONS

    page = quote(pagename) + ".html"
    if site:
        return [(code, name, f"{site}{folder}{page}") for code, (name, folder) in EDITIONS.items()]
    up = "../" * pagename.count("/")
    to_site_root = up + "../" * EDITIONS[lang][1].count("/")
    return [(code, name, f"{to_site_root}{folder}{page}") for code, (name, folder) in EDITIONS.items()]


def alternate_links(lang: str, pagename: str, site: str = "") -> list[tuple[str, str]]:
    """(hreflang, URL) of the ``<link rel="alternate">`` tags: the page in every edition.

    With the book's address the URLs are absolute, as search engines want them, and ``x-default``
    names the source-language page for readers of any other language.
    """
    from dvregions.i18n import SOURCE_LANGUAGE

    links = [(code, url) for code, _, url in edition_links(lang, pagename, site)]
    if site:
        links.append(("x-default", dict(links)[SOURCE_LANGUAGE]))
    return links


HELP_LANGUAGE = "nl"
"""The language help is given in first on every page: a person in danger in the Netherlands reads Dutch."""


def add_edition_links(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Give the templates the links to this page in every edition and the words of the help banner.

    ``dv_say(message, language)`` is the catalogs' translation, so the templates hold no text of one
    language; ``dv_help_languages`` are the languages the help is given in, Dutch first.
    """
    from dvregions.i18n import EDITIONS, _

    lang = app.config.language or "en"
    known = lang in EDITIONS
    site = app.config.html_context.get(SITE_URL, "")
    context["dv_editions"] = edition_links(lang, pagename) if known else []
    context["dv_alternates"] = alternate_links(lang, pagename, site) if known else []
    context["dv_say"] = _
    context["dv_help_languages"] = list(dict.fromkeys([HELP_LANGUAGE, lang]))


DESCRIPTION_LIMIT = 160
"""Most characters of a page description: what search engines show of one before they cut it themselves."""
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
    if isinstance(node, (nodes.footnote_reference, nodes.citation_reference)):
        return True
    if isinstance(node, addnodes.pending_xref) and node.get("refdomain") == "cite":
        return True  # sphinxcontrib-bibtex's citation before it is resolved
    return isinstance(node, nodes.Element) and "bibtex-citation" in node.get("classes", ())


def paragraph_text(paragraph: nodes.paragraph) -> str:
    """The words of a paragraph as a reader sees them, without its citations; whitespace folded."""
    copy = paragraph.deepcopy()
    for node in list(copy.findall(_is_reference_mark)):
        node.parent.remove(node)
    for raw in list(copy.findall(nodes.raw)):
        words = html.unescape(re.sub(r"<[^>]*>", "", raw.astext())) if raw.get("format") == "html" else ""
        raw.replace_self(nodes.Text(words))
    text = " ".join(copy.astext().split())
    return _PUNCTUATION_AFTER_GAP.sub("", _EMPTY_BRACKETS.sub("", text))


def first_paragraph(doctree: nodes.Node | None) -> str:
    """The text of the page's first paragraph of body text (not in a note, table, figure or output), or ''."""
    if doctree is None:
        return ""
    for paragraph in doctree.findall(nodes.paragraph):
        if isinstance(paragraph.parent, (nodes.section, nodes.document)):
            text = paragraph_text(paragraph)
            if text:
                return text
    return ""


def description_tag(text: str) -> str:
    """The ``<meta name="description">`` tag for ``text``, cut to :data:`DESCRIPTION_LIMIT` and escaped."""
    return f'<meta name="description" content="{html.escape(shorten(text), quote=True)}" />'


def add_description(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Describe the page by its first paragraph; a page without one (index, search) by the home page's.

    Nothing is added when the page's own metadata already gives a description.
    """
    metatags = context.get("metatags") or ""
    if 'name="description"' in metatags:
        return
    text = first_paragraph(doctree)
    if not text and pagename != app.config.root_doc:
        text = first_paragraph(app.env.get_doctree(app.config.root_doc))
    text = text or str(context.get("docstitle") or context.get("title") or "")
    if text:
        context["metatags"] = f"{metatags}\n    {description_tag(text)}" if metatags else description_tag(text)


def dutch_search_language() -> type:
    """Sphinx's Dutch search, indexing with the stemmer its browser side uses.

    Sphinx ships the classic (Porter) Dutch stemmer for the browser but indexes with snowballstemmer's
    ``dutch``, which since snowballstemmer 3 is another algorithm ("geweld" -> "wel"): a reader's search
    for "overtredingen" then found nothing. Indexing with ``dutch_porter`` makes both sides agree.
    """
    import snowballstemmer
    from sphinx.search.nl import SearchDutch

    class SearchDutchPorter(SearchDutch):
        def init(self, options: dict[str, str]) -> None:
            algorithm = "dutch_porter" if "dutch_porter" in snowballstemmer.algorithms() else "dutch"
            self.stemmer = snowballstemmer.stemmer(algorithm)

    return SearchDutchPorter


DEFAULT_MODE = "auto"
"""Follow the reader's system setting until they choose a mode."""


def set_default_mode(app: Sphinx, config: Any) -> None:
    """Give the theme's ``default_mode`` a valid value unless the book's configuration sets one."""
    if not config.html_context.get("default_mode"):
        config.html_context["default_mode"] = DEFAULT_MODE


def root_redirect(target: str) -> str:
    """A minimal redirect page that asks the browser for no icon."""
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8"/>\n'
            f'<title>Redirecting</title>\n<link rel="icon" href="data:,"/>\n'
            f'<meta http-equiv="Refresh" content="0; url={target}" />\n</head>\n</html>\n')


def write_root_redirect(app: Sphinx, exception: Exception | None) -> None:
    """Write ``index.html`` at the root, pointing at the root document, before sphinx-external-toc would."""
    if exception is not None or app.builder.format != "html" or app.config.root_doc == "index":
        return
    path = Path(app.outdir) / "index.html"
    text = root_redirect(f"{app.config.root_doc}.html")
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


ICONS_CSS = "dv-icons.css"
"""The icon stylesheet in ``book/_static``, written by hand with ``python -m dvbook.icons``."""


THEME_CSS = Path("_static") / "styles" / "pydata-sphinx-theme.css"
_GLYPH_RULE = re.compile(r'(?:\.fa-[a-z0-9-]+:(?:before|after),?)+\{content:"[^"]*"\}')
_FONT_FACE = re.compile(r"@font-face\{[^}]*Font Awesome[^}]*\}")


def trim_theme_css(app: Sphinx, exception: Exception | None) -> None:
    """Drop Font Awesome's glyph rules and webfonts from the theme's CSS (a third of it; 20 KiB gzipped).

    The stylesheet blocks the first paint, so on a slow phone every byte of it delays the help
    banner; dv-icons.css draws the icons the book uses. (Icons outside ``dvbook.icons.ICONS``, e.g.
    brand icons in ``icon_links``, would need adding there.)
    """
    if exception is not None or app.builder.format != "html":
        return
    path = Path(app.outdir) / THEME_CSS
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        trimmed = _FONT_FACE.sub("", _GLYPH_RULE.sub("", text))
        if trimmed != text:
            path.write_text(trimmed, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the banner assets and the per-page clean-up."""
    app.add_css_file(SAFETY_CSS)
    app.add_css_file(ICONS_CSS)
    # Before Sphinx's own scripts (priority 200): now that they are deferred too, sphinx_highlight.js would
    # otherwise register its Escape handler (which calls preventDefault) before the quick exit's.
    app.add_js_file(SAFETY_JS, defer="defer", priority=150)
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
