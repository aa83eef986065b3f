"""Sphinx extension: page-level fixes for readers who may be offline, watched, or using a screen reader.

- adds the help-and-exit banner's CSS and JS (the banner itself is ``book/_templates/layout.html``);
- drops sphinx-thebe's assets: Jupyter Book always loads sphinx-thebe, which adds its inline
  config twice (a ``THEBE_JS_URL has already been declared`` error on every page) and points at
  unpkg.com, although the book launches no live kernels;
- gives bibliography entries a role their ``role="list"`` parent allows (axe aria-required-children);
- warns (an error under ``-W``) when a page would still load a script or stylesheet from another host.
"""

from __future__ import annotations

import re
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
    """Drop myst-nb's fixed aria-label on folded code cells, so the visible "Show code cell source" is their
    accessible name (axe label-content-name-mismatch: speech users say what they see)."""
    return body.replace(TOGGLE_SUMMARY, "<summary>")


def mark_language(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Mark Dutch glossary terms and name folded code cells by their visible text, on every page."""
    body = context.get("body")
    if isinstance(body, str):
        context["body"] = name_toggles_by_their_text(mark_dutch_terms(body))


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the banner assets and the per-page clean-up."""
    app.add_css_file(SAFETY_CSS)
    app.add_js_file(SAFETY_JS, defer="defer")
    app.connect("html-page-context", clean_page_assets, priority=LATE)
    app.connect("html-page-context", mark_language, priority=LATE)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
