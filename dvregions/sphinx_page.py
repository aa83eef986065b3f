"""Sphinx extension: page-level fixes for readers who may be offline, watched, or using a screen reader.

- adds the help-and-exit banner's CSS and JS (the banner itself is ``book/_templates/layout.html``);
- drops sphinx-thebe's assets: Jupyter Book always loads sphinx-thebe, which adds its inline
  config twice (a ``THEBE_JS_URL has already been declared`` error on every page) and points at
  unpkg.com, although the book launches no live kernels;
- gives bibliography entries a role their ``role="list"`` parent allows (axe aria-required-children);
- warns (an error under ``-W``) when a page would still load a script or stylesheet from another host;
- gives the theme a default colour mode: pydata-sphinx-theme reads ``default_mode`` from
  ``html_context`` and, when it is unset, writes an empty mode into every page, so a first-time
  visitor (nothing stored yet) got "Got invalid theme mode: ." as a console error;
- writes the root redirect page itself, with an empty icon, since the one sphinx-external-toc
  writes has no ``<head>`` and makes browsers request ``/favicon.ico`` (a 404).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

SAFETY_CSS = "safety.css"
SAFETY_JS = "safety.js"
THEBE_MARKERS = ("THEBE_JS_URL", "thebe_selector")
THEBE_FILES = ("sphinx-thebe.js", "sphinx-thebe.css")
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


def clean_page_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Remove thebe and duplicate assets from this page; warn about any asset on another host."""
    for key in ("script_files", "css_files"):
        assets = context.get(key)
        if assets is None:
            continue
        # Edit the list in place: Sphinx restores it from its own copy before the next page.
        assets[:] = _dedupe([asset for asset in assets if not _is_thebe(asset)])
        for asset in assets:
            if _is_remote(_filename(asset)):
                logger.warning(
                    "page %s loads %s from another host; vendor it under book/_static instead",
                    pagename,
                    _filename(asset),
                    type="dvregions",
                    subtype="remote_asset",
                )
    body = context.get("body")
    if isinstance(body, str) and 'role="doc-biblioentry"' in body:
        # docutils puts doc-biblioentry items inside role="list"; ARIA only allows listitem there.
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


ENGLISH_TERMS = {"term-Istanbul-Convention", "term-GREVIO", "term-MDA"}
"""Glossary anchors of terms that are not Dutch; every other glossary term is marked lang="nl"."""

_TERM_LINK = re.compile(r'(<a class="reference internal" href="[^"]*#(term-[^"]+)"><span class="xref std std-term")>')
_TERM_ENTRY = re.compile(r'<dt id="(term-[^"]+)">')


def mark_dutch_terms(body: str) -> str:
    """Add lang="nl" to links to Dutch glossary terms and to their glossary entries, for screen readers."""
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


def mark_language(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Mark Dutch glossary terms and name folded code cells by their visible text, on every page."""
    body = context.get("body")
    if isinstance(body, str):
        context["body"] = name_toggles_by_their_text(mark_dutch_terms(body))


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


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the banner assets and the per-page clean-up."""
    app.add_css_file(SAFETY_CSS)
    app.add_js_file(SAFETY_JS, defer="defer")
    app.connect("html-page-context", clean_page_assets, priority=LATE)
    app.connect("html-page-context", mark_language, priority=LATE)
    app.connect("config-inited", set_default_mode)
    # Before sphinx-external-toc's handler (default priority 500), which writes only a missing file.
    app.connect("build-finished", write_root_redirect, priority=400)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
