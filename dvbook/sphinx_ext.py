"""Sphinx extension and myst-nb mime renderer for the book's Altair charts.

:class:`ChartMimeRenderer` renders ``application/vnd.dvregions.chart+json`` (made by :mod:`dvregions.charts.render`)
in HTML builds as a focusable ``<figure>``, labelled with the chart description, holding the static SVG (an
ordinary Sphinx image, shown at once) and the Vega-Lite spec, and a phone layout when the plot width is fixed
(:mod:`dvregions.charts.narrow`). ``dv-charts.js`` loads the pinned Vega bundle (300 KiB gzipped) only when a reader
reaches for a chart, so a first visit on a slow phone downloads the static images only.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.util import logging

from dvregions.charts import narrow as phone
from dvregions.charts import render as chart_render

if TYPE_CHECKING:
    from myst_nb.core.render import MimeData, NbElementRenderer
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)
MIME_TYPE = chart_render.MIME_TYPE
# Outputs the renderer adds for JupyterLab only; the book draws the chart from MIME_TYPE.
JUPYTERLAB_ONLY = {chart_render.VEGA_MIME_TYPE: None, "image/png": chart_render.PNG_PLACEHOLDER}
VENDOR_SUBDIR = "vendor"
SCRIPT_NAME = "dv-charts.js"
CSS_NAME = "dv-charts.css"
# Marker the page hook looks for in a rendered body to decide if the page needs Vega.
SPEC_MARKER = 'class="dv-chart-spec"'
NARROW_MEDIA = f"screen and (max-width: {phone.BREAKPOINT_REM}rem)"


def spec_script(spec: dict[str, Any], marker: str = SPEC_MARKER) -> str:
    r"""The spec as a JSON ``<script>``, with no ``<`` (``\u003c`` in JSON) to break out of it."""
    safe_json = chart_render.canonical_json(spec).replace("<", "\\u003c")
    return f'<script type="application/json" {marker}>{safe_json}</script>'


def figure_open_html(payload: dict[str, Any]) -> str:
    """Start of the chart figure, named by the chart's title and description, and of its view."""
    chart_id = html.escape(payload["id"], quote=True)
    label = html.escape(chart_render.accessible_name(payload["spec"]), quote=True)
    return f'<figure class="dv-chart" id="{chart_id}" tabindex="0" aria-label="{label}"><div class="dv-chart-view">'


def figure_close_html(payload: dict[str, Any], narrow: dict[str, Any] | None = None) -> str:
    """End of the chart figure: close the view, then the spec script (and the phone layout's, if any)."""
    narrow_script = spec_script(narrow, 'class="dv-chart-spec-narrow"') if narrow else ""
    return f'</div>{spec_script(payload["spec"])}{narrow_script}</figure>'


def read_payload(data: MimeData) -> dict[str, Any]:
    """The chart payload, whether myst-nb hands over a dict or JSON text."""
    payload = dict(json.loads(data.string) if isinstance(data.content, (bytes, str)) else data.content)
    # Recompute id and description from the spec so a hand-edited output stays consistent.
    payload["id"] = chart_render.chart_id(payload["spec"])
    payload["description"] = chart_render.description_of(payload["spec"])
    return payload


def static_image_nodes(renderer: NbElementRenderer, payload: dict[str, Any],
                       narrow_svg: str | None) -> list[nodes.image]:
    """The static SVG (the chart itself without JavaScript) and its phone layout, written through myst-nb.

    Sphinx copies them to ``_images`` with the right URLs; :func:`picture_html` joins them in one ``<picture>``.
    """
    def image(suffix: str, svg: str, *layout: str) -> nodes.image:
        uri = renderer.write_file([f"{payload['id']}{suffix}.svg"], svg.encode("utf-8"), overwrite=True)
        return nodes.image(uri=uri, alt=payload["description"], classes=["dv-chart-static", *layout])

    wide_svg = chart_render.static_svg(payload["spec"])
    if narrow_svg is None:
        return [image("", wide_svg)]
    return [image("", wide_svg, "dv-chart-static--wide"), image("-narrow", narrow_svg, "dv-chart-static--narrow")]


class ChartMimeRenderer:
    """myst-nb mime render plugin for ``application/vnd.dvregions.chart+json``."""

    # Priority 0 beats myst-nb's defaults (widgets 10, text/html 30, ...) in HTML builds;
    # other builders (latex, epub) keep the static fallbacks. The compiled Vega spec is never chosen.
    mime_priority_overrides: ClassVar[list[tuple[str, str, int | None]]] = [
        (builder, MIME_TYPE, 0) for builder in ("html", "dirhtml", "singlehtml")
    ] + [("*", chart_render.VEGA_MIME_TYPE, None)]

    @staticmethod
    def handle_mime(renderer: NbElementRenderer, data: MimeData, inline: bool) -> list[nodes.Element] | None:
        """Render the chart figure; drop the JupyterLab-only outputs; None for other mime types.

        myst-nb renders every mime type before choosing one: dropped here, these make no nodes, warning or file.
        """
        if data.mime_type in JUPYTERLAB_ONLY:
            wanted = JUPYTERLAB_ONLY[data.mime_type]
            return [] if wanted is None or data.content == wanted else None
        if data.mime_type != MIME_TYPE:
            return None
        payload = read_payload(data)
        if inline:
            # Inline contexts (e.g. an inline glue role) cannot hold block nodes: no static image there.
            return [nodes.raw(text=figure_open_html(payload) + figure_close_html(payload), format="html")]
        narrow_spec, narrow_svg = phone.fitted(payload["spec"], chart_render.static_svg) or (None, None)
        container = nodes.container(classes=["output", "dv-chart-output"])
        container += [nodes.raw(text=figure_open_html(payload), format="html"),
                      *static_image_nodes(renderer, payload, narrow_svg),
                      nodes.raw(text=figure_close_html(payload, narrow_spec), format="html")]
        return [container]


def vega_bundle_name() -> str:
    """File name of the Vega bundle, with the three library versions (cache busting)."""
    import vl_convert as vlc

    vega, embed = vlc.get_vega_version(), vlc.get_vega_embed_version()
    return f"vega-{vega}_vega-lite-{chart_render.vegalite_version()}_vega-embed-{embed}.js"


def write_vega_bundle(static_dir: Path) -> str:
    """Write the pinned vega + vega-lite + vega-embed bundle once; return its name."""
    import vl_convert as vlc

    name = vega_bundle_name()
    target = static_dir / VENDOR_SUBDIR / name
    if not target.exists():
        bundle = vlc.javascript_bundle(vl_version=chart_render.vl_convert_version())
        if f'"{chart_render.vegalite_version()}"' not in bundle:
            raise RuntimeError(f"Vega bundle does not contain Vega-Lite {chart_render.vegalite_version()}")
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(bundle, encoding="utf-8")
        tmp.replace(target)  # atomic: parallel builds never see half a file
    return name


def bundle_cache_dir() -> Path:
    """Where the Vega bundle is kept between builds: the user's cache folder, never the source tree."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dvregions" / "static"


def on_builder_inited(app: Sphinx) -> None:
    """Generate the Vega bundle (once per set of versions) and add its folder to the static path (HTML only)."""
    if app.builder.format != "html":
        return
    # Generating the bundle takes ~3 s, so it outlives `make clean` in the cache folder.
    static_dir = bundle_cache_dir()
    write_vega_bundle(static_dir)
    if str(static_dir) not in app.config.html_static_path:
        app.config.html_static_path.append(str(static_dir))


_IMAGE_PAIR = re.compile(
    r'<img alt="(?P<alt>[^"]*)" class="dv-chart-static dv-chart-static--wide" src="(?P<wide>[^"]+)" />\s*'
    r'<img alt="[^"]*" class="dv-chart-static dv-chart-static--narrow" src="(?P<narrow>[^"]+)" />')


def picture_html(body: str) -> str:
    """Each chart's wide and phone images as one ``<picture>``: a browser fetches only the one it shows.

    Narrower screens than ``dv-charts.js``'s breakpoint get the phone layout; print and wider ones the wide image.
    """
    return _IMAGE_PAIR.sub(rf'<picture><source media="{NARROW_MEDIA}" srcset="\g<narrow>" />'
                           r'<img alt="\g<alt>" class="dv-chart-static" src="\g<wide>" /></picture>', body)


def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Link the chart script, which names the Vega bundle, only from pages that contain a chart."""
    if SPEC_MARKER not in context.get("body", ""):
        return
    context["body"] = picture_html(context["body"])
    # dv-charts.js loads the bundle (relative to itself) when a reader reaches for a chart. The bundle
    # declares top-level constants (e.g. ``_``) that clash with Sphinx's globals in a classic script,
    # so it is loaded as a module (own scope; it sets window.vegaEmbed).
    app.add_js_file(SCRIPT_NAME, loading_method="defer", **{"data-vega": f"{VENDOR_SUBDIR}/{vega_bundle_name()}"})
    app.add_css_file(CSS_NAME)


def check_static_files(app: Sphinx, exception: Exception | None) -> None:
    """Warn when dv-charts.js is missing from the built ``_static`` folder."""
    if exception is not None or app.builder.format != "html":
        return
    for name in (SCRIPT_NAME, CSS_NAME):
        if not (Path(app.outdir) / "_static" / name).exists():
            logger.warning("%s is missing from _static; add book/_static to html_static_path", name)


BIBLIOGRAPHY_STYLE = "dvregions"  # the pybtex style ``_config.yml`` names (``bibtex_default_style``)


def bibliography_style(lang: str) -> type:
    """The book's pybtex style in ``lang``: titles as the sources write them, the words around entries translated.

    pybtex's ``plain`` sentence-cases titles, lower-casing proper names ("Veilig thuis", "De wet tijdelijk huisverbod").
    """
    from pybtex.style.formatting.plain import Style as Plain
    from pybtex.style.template import field, href, optional, sentence, words

    from dvregions.i18n import _

    class BookStyle(Plain):
        visited = _("visited on", lang)

        def format_title(self, e, which_field, as_sentence=True):
            title = field(which_field)
            return sentence[title] if as_sentence else title

        def format_web_refs(self, e):
            return sentence[optional[self.format_url(e), optional[" (", self.visited, " ", field("urldate"), ")"]],
                            optional[self.format_doi(e)]]

        def format_url(self, e):
            url = field("url", raw=True)
            return words["URL:", href(url)[url]]

    return BookStyle


def register_bibliography_style(app: Sphinx, config: Any) -> None:
    """Register the style in the language of the edition being built (it replaces another edition's)."""
    from pybtex.plugin import register_plugin

    register_plugin("pybtex.style.formatting", BIBLIOGRAPHY_STYLE, bibliography_style(config.language or "en"),
                    force=True)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the hooks and the bibliography style; the mime renderer itself is found via its entry point."""
    app.connect("config-inited", register_bibliography_style, priority=100)  # before sphinxcontrib-bibtex reads it
    app.connect("builder-inited", on_builder_inited)
    app.connect("html-page-context", on_html_page_context)
    app.connect("build-finished", check_static_files)
    # Not parallel-read safe: reading renders static SVGs with vl-convert, whose runtime does not
    # survive the fork Sphinx uses for parallel reads (workers hang).
    return {"version": "0.1", "parallel_read_safe": False, "parallel_write_safe": True}
