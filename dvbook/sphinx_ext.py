"""Sphinx extension and myst-nb mime renderer for the book's Altair charts.

Notebook outputs made by :mod:`dvregions.charts.render` carry the mime type
``application/vnd.dvregions.chart+json``. In HTML builds :class:`ChartMimeRenderer`
gives it the highest priority and renders it as a ``<figure>`` holding the static
SVG (an ordinary Sphinx image, copied to ``_images``, shown at once and scaled to
the column), the Vega-Lite spec in a ``<script type="application/json">``, in a
focusable container labelled with the chart description. ``_static/dv-charts.js``
swaps in the interactive chart (vega-embed) when the reader reaches for it. A chart with
a fixed plot width also gets a phone layout (:mod:`dvregions.charts.narrow`): its own
static SVG and spec, shown and drawn on narrow screens instead of the wide one shrunk.

The Vega libraries come from ``vl_convert.javascript_bundle`` (pinned with
vl-convert-python), written once to ``_static/vendor/`` with the versions in the
file name. Pages with a chart name the bundle in ``dv-charts.js``'s
``data-vega`` attribute; the script loads it only when a reader points at,
touches or focuses a chart, so a first visit on a slow phone downloads the
static images only (the bundle is 300 KiB even gzipped).
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes

from dvregions.charts import narrow as phone
from dvregions.charts import render as chart_render

if TYPE_CHECKING:
    from myst_nb.core.render import MimeData, NbElementRenderer
    from sphinx.application import Sphinx

MIME_TYPE = chart_render.MIME_TYPE
# Outputs the renderer adds for JupyterLab only; the book draws the chart from MIME_TYPE.
JUPYTERLAB_ONLY = {chart_render.VEGA_MIME_TYPE: None, "image/png": chart_render.PNG_PLACEHOLDER}
HTML_BUILDERS = ("html", "dirhtml", "singlehtml")
VENDOR_SUBDIR = "vendor"
SCRIPT_NAME = "dv-charts.js"
CSS_NAME = "dv-charts.css"
# Marker the page hook looks for in a rendered body to decide if the page needs Vega.
SPEC_MARKER = 'class="dv-chart-spec"'
NARROW_SPEC_MARKER = 'class="dv-chart-spec-narrow"'
NARROW_MEDIA = f"screen and (max-width: {phone.BREAKPOINT_REM}rem)"


def spec_script_json(spec: dict[str, Any]) -> str:
    r"""Canonical spec JSON that is safe inside ``<script>``: no ``<`` at all.

    ``\\u003c`` is the same string in JSON, and it rules out ``</script>`` and
    ``<!--`` breaking out of the element.
    """
    return chart_render.canonical_json(spec).replace("<", "\\u003c")


def figure_open_html(payload: dict[str, Any]) -> str:
    """Start of the chart figure: a focusable container named by the chart's title and description.

    It opens the view that holds the static image.
    """
    chart_id = html.escape(payload["id"], quote=True)
    label = html.escape(chart_render.accessible_name(payload["spec"]), quote=True)
    return f'<figure class="dv-chart" id="{chart_id}" tabindex="0" aria-label="{label}"><div class="dv-chart-view">'


def figure_close_html(payload: dict[str, Any], narrow: dict[str, Any] | None = None) -> str:
    """End of the chart figure: close the view, then the spec script (and the phone layout's, if any)."""
    narrow_script = (f'<script type="application/json" {NARROW_SPEC_MARKER}>{spec_script_json(narrow)}</script>'
                     if narrow else "")
    return (
        "</div>"
        f'<script type="application/json" {SPEC_MARKER}>{spec_script_json(payload["spec"])}</script>'
        f"{narrow_script}</figure>"
    )


def read_payload(data: MimeData) -> dict[str, Any]:
    """The chart payload, whether myst-nb hands over a dict or JSON text."""
    content = data.content
    if isinstance(content, (bytes, str)):
        content = json.loads(data.string)
    payload = dict(content)
    # Recompute id and description from the spec so a hand-edited output stays consistent.
    payload["id"] = chart_render.chart_id(payload["spec"])
    payload["description"] = chart_render.description_of(payload["spec"])
    return payload


def static_image_nodes(renderer: NbElementRenderer, payload: dict[str, Any],
                       narrow_svg: str | None) -> list[nodes.image]:
    """The static SVG, shown at once (and the chart itself without JavaScript), and its phone layout.

    The SVGs are written through myst-nb (like any notebook image), so Sphinx copies
    them to ``_images`` and computes the right relative URL for every builder. The page's
    page hook (:func:`picture_html`) joins the two into one ``<picture>``, so a browser fetches one.
    """
    svg = chart_render.static_svg(payload["spec"]).encode("utf-8")
    uri = renderer.write_file([f"{payload['id']}.svg"], svg, overwrite=True)
    if narrow_svg is None:
        return [nodes.image(uri=uri, alt=payload["description"], classes=["dv-chart-static"])]
    narrow_uri = renderer.write_file([f"{payload['id']}-narrow.svg"], narrow_svg.encode("utf-8"), overwrite=True)
    return [nodes.image(uri=uri, alt=payload["description"], classes=["dv-chart-static", "dv-chart-static--wide"]),
            nodes.image(uri=narrow_uri, alt=payload["description"],
                        classes=["dv-chart-static", "dv-chart-static--narrow"])]


class ChartMimeRenderer:
    """myst-nb mime render plugin for ``application/vnd.dvregions.chart+json``."""

    # Priority 0 beats myst-nb's defaults (widgets 10, text/html 30, ...) in HTML builds;
    # other builders (latex, epub) keep the static fallbacks. The compiled Vega spec is never chosen.
    mime_priority_overrides: ClassVar[list[tuple[str, str, int | None]]] = [
        (builder, MIME_TYPE, 0) for builder in HTML_BUILDERS
    ] + [("*", chart_render.VEGA_MIME_TYPE, None)]

    @staticmethod
    def handle_mime(renderer: NbElementRenderer, data: MimeData, inline: bool) -> list[nodes.Element] | None:
        """Render the chart figure; drop the JupyterLab-only outputs; None for other mime types.

        myst-nb renders every mime type of an output before choosing one, so the Vega spec
        and the PNG placeholder are dropped here (no nodes, no "unknown mime type" warning,
        no placeholder file written) rather than only left out of the priority list.
        """
        if data.mime_type in JUPYTERLAB_ONLY:
            wanted = JUPYTERLAB_ONLY[data.mime_type]
            if wanted is None or data.content == wanted:
                return []
            return None
        if data.mime_type != MIME_TYPE:
            return None
        payload = read_payload(data)
        narrow_spec, narrow_svg = phone.fitted(payload["spec"], chart_render.static_svg) or (None, None)
        opening = nodes.raw(text=figure_open_html(payload), format="html")
        closing = nodes.raw(text=figure_close_html(payload, narrow_spec), format="html")
        if inline:
            # Inline contexts (e.g. an inline glue role) cannot hold block nodes: no static image there.
            return [nodes.raw(text=figure_open_html(payload) + figure_close_html(payload), format="html")]
        container = nodes.container(classes=["output", "dv-chart-output"])
        container += [opening, *static_image_nodes(renderer, payload, narrow_svg), closing]
        return [container]


def vega_bundle_name() -> str:
    """File name of the Vega bundle, with the three library versions (cache busting)."""
    import vl_convert as vlc

    return (
        f"vega-{vlc.get_vega_version()}"
        f"_vega-lite-{chart_render.vegalite_version()}"
        f"_vega-embed-{vlc.get_vega_embed_version()}.js"
    )


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
    """Where the generated Vega bundle is kept between builds.

    The user's cache folder, never the source tree. Its file name carries the library
    versions, so a new pin never reuses an old file.
    """
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "dvregions" / "static"


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

    Print and screens from 30rem up get the wide image; narrower screens the phone layout
    (the breakpoint ``dv-charts.js`` also uses to choose the spec it draws).
    """
    return _IMAGE_PAIR.sub(
        lambda match: (f'<picture><source media="{NARROW_MEDIA}" srcset="{match["narrow"]}" />'
                       f'<img alt="{match["alt"]}" class="dv-chart-static" src="{match["wide"]}" /></picture>'),
        body)


def on_html_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
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
            from sphinx.util import logging

            logging.getLogger(__name__).warning(
                "%s is missing from _static; add book/_static to html_static_path", name
            )


BIBLIOGRAPHY_STYLE = "dvregions"
"""The pybtex style ``_config.yml`` names (``bibtex_default_style``)."""


def bibliography_style(lang: str) -> type:
    """The book's pybtex style in ``lang``: titles as the sources write them, the words around entries translated.

    pybtex's ``plain`` style writes every article title in sentence case, which lower-cases proper
    names ("Veilig thuis", "De wet tijdelijk huisverbod"); this style keeps a title as written.
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
