"""A deterministic, offline Altair renderer for the book and for JupyterLab.

Stock Altair output loads Vega from a CDN, carries a random ``div`` id and uses a Vega-Lite mime type that
JupyterLab 4 cannot draw. This renderer returns a mime bundle whose bytes depend only on the chart spec:

- ``application/vnd.dvregions.chart+json``: id, spec, description and Vega-Lite version, for the book's figure;
- ``application/vnd.vega.v5+json``: the spec compiled to Vega for JupyterLab's bundled Vega renderer, which is
  *safe* (it draws in untrusted notebooks too, offline) and ranks 57, above every static type below but
  ``text/html`` (50), hence no ``text/html``; its Vega-Lite (5.6) is older than ours (6), hence compiled Vega;
- ``text/markdown``: a static SVG as an ``<img>`` with the description as ``alt``, for nbconvert, nbviewer, GitHub;
- ``image/png``: a 1x1 transparent placeholder, never shown: without it JupyterLab's Vega renderer writes a PNG
  snapshot of every chart into the notebook, so saving a chapter would add browser-made bytes;
- ``text/plain``: the chart description, the text alternative.

The Vega spec repeats the data rows of the Vega-Lite spec: the price of drawing in JupyterLab without a download.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import altair as alt

from dvregions.i18n import _

MIME_TYPE = "application/vnd.dvregions.chart+json"
# Drawn by JupyterLab's own Vega renderer (@jupyterlab/vega5-extension: safe, rank 57).
VEGA_MIME_TYPE = "application/vnd.vega.v5+json"
# The book's vega-embed options (book/_static/dv-charts.js) minus the mode, which JupyterLab sets.
JUPYTERLAB_EMBED_OPTIONS = {"actions": False, "renderer": "svg", "tooltip": {"theme": "light"}}
# A valid 1x1 transparent PNG (base64); see the module docstring for why it is there.
PNG_PLACEHOLDER = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
RENDERER_NAME = "dvregions"


def vegalite_version() -> str:
    """Vega-Lite version of the installed Altair, e.g. ``"6.4.1"``."""
    return alt.SCHEMA_VERSION.lstrip("v")


@lru_cache(maxsize=1)
def vl_convert_version() -> str:
    """The ``major.minor`` Vega-Lite of vl-convert matching Altair's, so the image is drawn as the spec says."""
    import vl_convert as vlc

    wanted = ".".join(vegalite_version().split(".")[:2])
    if wanted not in vlc.get_vegalite_versions():
        raise RuntimeError(f"vl-convert {vlc.__version__} has no Vega-Lite {wanted}; it has "
                           f"{vlc.get_vegalite_versions()}. Pin matching altair and vl-convert-python.")
    return wanted


def canonical_json(obj: Any) -> str:
    """Sorted keys, no whitespace and no NaN (not JSON; browsers differ), so equal specs give equal text."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def clean_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """A key-sorted copy of the spec without its ``$schema`` URL (another host; the bundle keeps the version)."""
    return json.loads(canonical_json({k: v for k, v in spec.items() if k != "$schema"}))


def chart_id(spec: dict[str, Any]) -> str:
    """Deterministic element id: a short SHA-256 of the canonical spec JSON."""
    # 12 hex digits (48 bits): unique enough for a few hundred charts, short in HTML.
    return "dv-chart-" + hashlib.sha256(canonical_json(clean_spec(spec)).encode("utf-8")).hexdigest()[:12]


def title_of(spec: dict[str, Any]) -> str:
    """The chart's title on one line (a title of several lines joined by spaces), or ``""``."""
    title = spec.get("title")
    title = title.get("text") if isinstance(title, dict) else title
    title = " ".join(str(part) for part in title) if isinstance(title, list) else title
    return title.strip() if isinstance(title, str) else ""


def description_of(spec: dict[str, Any]) -> str:
    """The text alternative: the spec's description, else its title, else a generic label (current language)."""
    description = spec.get("description")
    if isinstance(description, str) and description.strip():
        return description.strip()
    title = title_of(spec)
    return _("Chart: {title}").format(title=title) if title else _("Chart without a description")


def accessible_name(spec: dict[str, Any]) -> str:
    """What a screen reader announces for a chart: its title, which states the finding, then its description.

    The title is drawn inside the image: without this, a reader who cannot see it would miss the finding.
    """
    title, description = title_of(spec), description_of(spec)
    if not title or title in description:
        return description
    return f"{title}{'' if title[-1] in '.?!:' else '.'} {description}"


# Per-mark ARIA attributes repeat every tooltip field; inside an <img> nobody can read them
# (the image's alt text is its accessible name), so they are dropped to keep outputs small.
# Vega escapes attribute values, so a value never contains a raw double quote.
_ARIA_ATTRS = re.compile(r' (?:aria-[a-z]+|role)="[^"]*"')
# Characters left as they are in the SVG data URI; everything else is percent-encoded.
_URI_SAFE = " /:;=,!*()'?@+$"


def static_svg(spec: dict[str, Any]) -> str:
    """The spec as SVG by vl-convert (no browser, no network), in its bundled fonts: the same on every machine."""
    import vl_convert as vlc

    return _ARIA_ATTRS.sub("", vlc.vegalite_to_svg(clean_spec(spec), vl_version=vl_convert_version()))


def svg_img_tag(svg: str, description: str) -> str:
    """An ``<img>`` carrying the SVG as a data URI, with alt and title text.

    Percent-encoded, not base64: 20% shorter, diffs and compresses far better, and holds no '"', '&' or '<'.
    """
    alt_text = html.escape(description, quote=True)
    uri = "data:image/svg+xml," + quote(svg, safe=_URI_SAFE)
    return f'<img class="dv-chart-static" src="{uri}" alt="{alt_text}" title="{alt_text}">'


def jupyterlab_vega_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The chart compiled to Vega by ``vl_convert``, for JupyterLab's bundled Vega renderer.

    Compiled with the book's Vega-Lite (not JupyterLab's older one), so JupyterLab only runs Vega; the mime
    type gives the mode, and vega-embed reads its options from ``usermeta.embedOptions``.
    """
    import vl_convert as vlc

    compiled = vlc.vegalite_to_vega(clean_spec(spec), vl_version=vl_convert_version())
    compiled["usermeta"] = {"embedOptions": JUPYTERLAB_EMBED_OPTIONS}
    return clean_spec(compiled)


def render(spec: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    """Altair renderer: spec -> deterministic mime bundle (see module docstring)."""
    cleaned = clean_spec(spec)
    description = description_of(cleaned)
    return {
        MIME_TYPE: {"description": description, "id": chart_id(cleaned), "spec": cleaned,
                    "vegalite_version": vegalite_version()},
        VEGA_MIME_TYPE: jupyterlab_vega_spec(cleaned),
        "text/markdown": svg_img_tag(static_svg(cleaned), description),
        "image/png": PNG_PLACEHOLDER,
        "text/plain": description,
    }


def enable_renderer() -> None:
    """Register (once) and enable the ``dvregions`` renderer; safe to call repeatedly."""
    if RENDERER_NAME not in alt.renderers.names():
        alt.renderers.register(RENDERER_NAME, render)
    if alt.renderers.active != RENDERER_NAME:
        alt.renderers.enable(RENDERER_NAME)
