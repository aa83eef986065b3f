"""The chart renderer's output is deterministic, offline and accessible.

Covers :mod:`dvregions.charts.render` (the Altair mime bundle) and
:mod:`dvbook.sphinx_ext` (the myst-nb mime renderer and the HTML book).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

import altair as alt
import nbformat
import pandas as pd
from docutils import nodes

from dvbook import sphinx_ext
from dvregions.charts import render

REPO_ROOT = Path(__file__).resolve().parents[1]
DESCRIPTION = 'Bar chart: reports per region, "B" highest <of three> & rising.'
URL = re.compile(r"https?://[^\s\"'<>)]+")
# SVG namespace declarations are identifiers, never fetched: the only URLs allowed in an SVG.
XMLNS_ATTR = re.compile(r'\sxmlns(:\w+)?="[^"]*"')

# Builds a chart with a selection parameter, so param/view naming is exercised too.
CHART_SOURCE = f"""
import altair as alt
import pandas as pd

def make_chart():
    data = pd.DataFrame({{"region": ["A", "B", "C"], "reports": [3.25, 7.5, 0.1]}})
    pick = alt.selection_point(fields=["region"])
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x="region:N",
            y="reports:Q",
            tooltip=["region:N", "reports:Q"],
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.4)),
        )
        .add_params(pick)
        .properties(width=120, height=80, title="Reports", description={DESCRIPTION!r})
    )
"""


def make_chart() -> alt.Chart:
    """A fresh chart object built by CHART_SOURCE."""
    namespace: dict = {}
    exec(CHART_SOURCE, namespace)  # the same source runs in the subprocess test
    return namespace["make_chart"]()


def bundle_of(chart: alt.TopLevelMixin) -> dict:
    """The mime bundle Jupyter would receive for ``chart``."""
    render.enable_renderer()
    return chart._repr_mimebundle_()


def bundle_bytes(bundle: dict) -> bytes:
    """Bundle serialized the way the kernel does it (insertion order kept, not sorted)."""
    return json.dumps(bundle, ensure_ascii=False).encode("utf-8")


class ImgCollector(HTMLParser):
    """Collect the attributes of every ``<img>``."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs))


def images_in(html_text: str) -> list[dict[str, str | None]]:
    parser = ImgCollector()
    parser.feed(html_text)
    return parser.images


def svg_from_img(img: dict[str, str | None]) -> str:
    """Decode the SVG carried by a percent-encoded ``data:image/svg+xml`` image."""
    prefix = "data:image/svg+xml,"
    src = img["src"] or ""
    assert src.startswith(prefix), src[:60]
    return unquote(src[len(prefix) :])


def foreign_urls(text: str) -> list[str]:
    """URLs in ``text`` other than SVG namespace declarations."""
    return URL.findall(XMLNS_ATTR.sub("", text))


# --- the Altair renderer -----------------------------------------------------------------


def test_enable_renderer_is_idempotent() -> None:
    render.enable_renderer()
    render.enable_renderer()
    assert alt.renderers.active == render.RENDERER_NAME
    assert alt.renderers.names().count(render.RENDERER_NAME) == 1


def test_bundle_has_the_book_jupyterlab_and_fallback_mime_types() -> None:
    bundle = bundle_of(make_chart())
    assert list(bundle) == [render.MIME_TYPE, render.VEGA_MIME_TYPE, "text/markdown", "image/png", "text/plain"]
    # JupyterLab ranks text/html (50) above its Vega renderer (57): it would hide the interactive chart.
    assert "text/html" not in bundle
    payload = bundle[render.MIME_TYPE]
    assert payload["description"] == DESCRIPTION
    assert payload["spec"]["description"] == DESCRIPTION
    assert re.fullmatch(r"dv-chart-[0-9a-f]{12}", payload["id"])
    assert payload["id"] == render.chart_id(payload["spec"])
    assert bundle["text/plain"] == DESCRIPTION


def test_same_chart_twice_gives_identical_bytes() -> None:
    first = bundle_bytes(bundle_of(make_chart()))
    second = bundle_bytes(bundle_of(make_chart()))
    assert first == second


def test_different_data_gives_a_different_id() -> None:
    chart = make_chart()
    other = chart.properties(data=pd.DataFrame({"region": ["A"], "reports": [1.0]}))
    assert bundle_of(chart)[render.MIME_TYPE]["id"] != bundle_of(other)[render.MIME_TYPE]["id"]


SUBPROCESS_SCRIPT = textwrap.dedent(
    """
    import hashlib, json, sys
    import altair as alt
    from dvregions.charts import render
    from dvregions.charts.theme import enable_theme
    enable_theme()  # as every chapter does, through chapter.setup()
    exec(sys.argv[1])
    # Create unrelated charts and parameters first: counters and caches must not leak into names.
    for _ in range(int(sys.argv[2])):
        alt.Chart().mark_point().add_params(alt.selection_interval()).to_dict(validate=False)
    render.enable_renderer()
    bundle = make_chart()._repr_mimebundle_()
    sys.stdout.write(hashlib.sha256(json.dumps(bundle, ensure_ascii=False).encode("utf-8")).hexdigest())
    """
)


def bundle_hash_in_subprocess(warmup_charts: int, hash_seed: str) -> str:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    result = subprocess.run(
        [sys.executable, "-c", SUBPROCESS_SCRIPT, CHART_SOURCE, str(warmup_charts)],
        capture_output=True, text=True, check=True, env=env, timeout=120,
    )
    return result.stdout.strip()


def test_bundle_is_identical_across_processes() -> None:
    from dvregions.charts.theme import enable_theme

    enable_theme()
    here = hashlib.sha256(bundle_bytes(bundle_of(make_chart()))).hexdigest()
    first = bundle_hash_in_subprocess(warmup_charts=0, hash_seed="1")
    second = bundle_hash_in_subprocess(warmup_charts=3, hash_seed="2")
    assert first == second == here


def test_no_url_to_another_host_in_bundle() -> None:
    bundle = bundle_of(make_chart())
    assert foreign_urls(json.dumps(bundle[render.MIME_TYPE])) == []
    assert foreign_urls(json.dumps(bundle[render.VEGA_MIME_TYPE])) == []
    (img,) = images_in(bundle["text/markdown"])
    # The image's data URI is checked decoded; the rest of the HTML as it is.
    assert foreign_urls(bundle["text/markdown"].replace(img["src"] or "", "")) == []
    assert foreign_urls(svg_from_img(img)) == []
    assert "$schema" not in bundle[render.MIME_TYPE]["spec"]
    assert "$schema" not in bundle[render.VEGA_MIME_TYPE]


def test_static_image_carries_the_description() -> None:
    bundle = bundle_of(make_chart())
    (img,) = images_in(bundle["text/markdown"])
    assert img["alt"] == DESCRIPTION
    assert img["title"] == DESCRIPTION
    svg = svg_from_img(img)
    assert svg.startswith("<svg") and 'class="mark-rect' in svg
    # The image's only accessible name is its alt text; per-mark ARIA labels are dropped.
    assert "aria-label" not in svg and "reports: 7.5" not in svg


def test_data_are_embedded_once() -> None:
    bundle = bundle_of(make_chart())
    spec = bundle[render.MIME_TYPE]["spec"]
    (rows,) = spec["datasets"].values()
    assert rows == [{"region": "A", "reports": 3.25}, {"region": "B", "reports": 7.5}, {"region": "C", "reports": 0.1}]
    # The static image is a rendering: it must not smuggle in the spec or the data rows.
    assert "datasets" not in bundle["text/markdown"]
    assert "datasets" not in svg_from_img(images_in(bundle["text/markdown"])[0])


def test_jupyterlab_gets_the_chart_compiled_to_vega() -> None:
    """The Vega spec is compiled by the same Vega-Lite as the book, with the book's embed options."""
    import vl_convert as vlc

    bundle = bundle_of(make_chart())
    vega = bundle[render.VEGA_MIME_TYPE]
    compiled = vlc.vegalite_to_vega(bundle[render.MIME_TYPE]["spec"], vl_version=render.vl_convert_version())
    assert compiled.pop("$schema").startswith("https://vega.github.io/schema/vega/")
    assert vega.pop("usermeta") == {"embedOptions": render.JUPYTERLAB_EMBED_OPTIONS}
    assert vega == compiled
    assert render.JUPYTERLAB_EMBED_OPTIONS["actions"] is False  # no link to the online Vega editor
    # Tooltips and the selection parameter survive compilation.
    text = json.dumps(vega)
    assert "tooltip" in text and "_toggle" in text


def test_png_placeholder_is_a_valid_one_pixel_png() -> None:
    """JupyterLab only skips writing its own PNG snapshot when the output has a (truthy) image/png."""
    import base64
    import struct

    png = base64.b64decode(render.PNG_PLACEHOLDER, validate=True)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    assert struct.unpack(">II", png[16:24]) == (1, 1)
    assert bundle_of(make_chart())["image/png"] == render.PNG_PLACEHOLDER


def test_plain_nbconvert_shows_the_still_image() -> None:
    """Where no Vega renderer exists (nbconvert, nbviewer) the Markdown <img> with alt text is shown."""
    from nbconvert import HTMLExporter

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("chart")
    cell.outputs = [nbformat.v4.new_output("execute_result", data=bundle_of(make_chart()), execution_count=1)]
    nb.cells = [cell]
    body, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    charts = [img for img in images_in(body) if (img.get("src") or "").startswith("data:image/svg+xml,")]
    assert len(charts) == 1 and charts[0]["alt"] == DESCRIPTION
    assert render.PNG_PLACEHOLDER not in body


def test_missing_description_falls_back_to_the_title() -> None:
    spec = {"title": {"text": "Reports"}, "mark": "bar"}
    assert render.description_of(spec) == "Chart: Reports"
    assert render.description_of({"mark": "bar"}) == "Chart without a description"


def test_accessible_name_is_the_title_then_the_description() -> None:
    lines = {"title": {"text": ["Zeeland: fewer orders", "in 2017"]}, "description": "Bar chart.", "mark": "bar"}
    assert render.accessible_name(lines) == "Zeeland: fewer orders in 2017. Bar chart."
    asked = {"title": "Fewer orders?", "description": "Bar chart.", "mark": "bar"}
    assert render.accessible_name(asked) == "Fewer orders? Bar chart."
    # Without a description the title is the description: said once.
    assert render.accessible_name({"title": "Reports", "mark": "bar"}) == "Chart: Reports"
    assert render.accessible_name({"description": "Bar chart.", "mark": "bar"}) == "Bar chart."


# --- the myst-nb mime renderer ------------------------------------------------------------


class FakeRenderer:
    """Stands in for myst-nb's NbElementRenderer: records written files."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def write_file(self, path: list[str], content: bytes, overwrite: bool = False, exists_ok: bool = False) -> str:
        self.files["/".join(path)] = content
        return "/_build/jupyter_execute/" + "/".join(path)


def mime_data(content: object, mime_type: str = render.MIME_TYPE) -> SimpleNamespace:
    text = content if isinstance(content, str) else None
    return SimpleNamespace(mime_type=mime_type, content=content, string=text)


def raw_html(container: nodes.Element) -> str:
    return "".join(node.astext() for node in container.findall(nodes.raw))


def test_mime_renderer_ignores_other_mime_types() -> None:
    assert sphinx_ext.ChartMimeRenderer.handle_mime(FakeRenderer(), mime_data("x", "text/plain"), False) is None
    # A real PNG (not the placeholder) is left to myst-nb.
    assert sphinx_ext.ChartMimeRenderer.handle_mime(FakeRenderer(), mime_data("iVBOR", "image/png"), False) is None


def test_mime_renderer_drops_the_jupyterlab_only_outputs() -> None:
    bundle = bundle_of(make_chart())
    for mime in (render.VEGA_MIME_TYPE, "image/png"):
        fake = FakeRenderer()
        assert sphinx_ext.ChartMimeRenderer.handle_mime(fake, mime_data(bundle[mime], mime), False) == []
        assert fake.files == {}


def test_mime_renderer_writes_the_chart_figure() -> None:
    payload = bundle_of(make_chart())[render.MIME_TYPE]
    fake = FakeRenderer()
    (container,) = sphinx_ext.ChartMimeRenderer.handle_mime(fake, mime_data(payload), False)
    html_text = raw_html(container)
    assert html_text.startswith(f'<figure class="dv-chart" id="{payload["id"]}" tabindex="0" aria-label="')
    # Named by the title (the finding, drawn only inside the image), then the description.
    assert ("aria-label=\"Reports. Bar chart: reports per region, &quot;B&quot; highest &lt;of three&gt; "
            "&amp; rising.\"") in html_text
    script = re.search(r'<script type="application/json" class="dv-chart-spec">(.*?)</script>', html_text, re.S)
    assert script is not None and json.loads(script.group(1)) == payload["spec"]
    assert html_text.endswith("</figure>")
    assert foreign_urls(html_text) == []
    (image,) = container.findall(nodes.image)
    assert image["alt"] == DESCRIPTION and image["uri"].endswith(f"{payload['id']}.svg")
    assert fake.files[f"{payload['id']}.svg"].startswith(b"<svg")


def test_mime_renderer_accepts_json_text_and_escapes_script_end() -> None:
    payload = bundle_of(make_chart())[render.MIME_TYPE]
    payload["spec"]["title"] = "</script><script>alert(1)</script>"
    (container,) = sphinx_ext.ChartMimeRenderer.handle_mime(FakeRenderer(), mime_data(json.dumps(payload)), False)
    html_text = raw_html(container)
    # Exactly one closing tag: the one that ends the spec script.
    assert html_text.count("</script>") == 1
    assert "alert(1)" in html_text and "<script>alert" not in html_text


def test_chart_mime_type_wins_in_html_builds_only() -> None:
    from myst_nb.core.render import get_mime_priority

    bundle = bundle_of(make_chart())
    for builder in ("html", "dirhtml", "singlehtml"):
        chosen = [mime for mime in get_mime_priority(builder, []) if mime in bundle]
        assert chosen[0] == render.MIME_TYPE, builder
    assert render.MIME_TYPE not in get_mime_priority("latex", [])
    for builder in ("html", "dirhtml", "singlehtml", "latex", "epub"):
        assert render.VEGA_MIME_TYPE not in get_mime_priority(builder, []), builder


def test_vega_bundle_is_versioned_and_written_once(tmp_path: Path) -> None:
    import vl_convert as vlc

    name = sphinx_ext.write_vega_bundle(tmp_path)
    assert name == (
        f"vega-{vlc.get_vega_version()}_vega-lite-{render.vegalite_version()}"
        f"_vega-embed-{vlc.get_vega_embed_version()}.js"
    )
    target = tmp_path / sphinx_ext.VENDOR_SUBDIR / name
    text = target.read_text(encoding="utf-8")
    assert "window.vegaEmbed" in text and f'"{render.vegalite_version()}"' in text
    stamp = target.stat().st_mtime_ns
    assert sphinx_ext.write_vega_bundle(tmp_path) == name
    assert target.stat().st_mtime_ns == stamp


# --- an HTML build with stored chart outputs ----------------------------------------------


def write_small_book(src: Path) -> None:
    """conf.py, an index without charts and a notebook with one stored chart output."""
    static = (REPO_ROOT / "book" / "_static").as_posix()
    (src / "conf.py").write_text(
        "extensions = ['myst_nb', 'dvbook.sphinx_ext']\n"
        "nb_execution_mode = 'off'\n"
        f"html_static_path = [{static!r}]\n"
        "html_theme = 'basic'\n",
        encoding="utf-8",
    )
    (src / "index.md").write_text("# Index\n\n```{toctree}\nchart\n```\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("chart")
    cell.outputs = [nbformat.v4.new_output("execute_result", data=bundle_of(make_chart()), execution_count=1)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Chart"), cell]
    nbformat.write(nb, src / "chart.ipynb")


def test_html_build_links_vega_only_on_chart_pages(tmp_path: Path) -> None:
    from sphinx.application import Sphinx

    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    write_small_book(src)
    app = Sphinx(str(src), str(src), str(out), str(tmp_path / "doctrees"), "html",
                 status=None, warningiserror=True, freshenv=True)
    app.build()
    chart_page = (out / "chart.html").read_text(encoding="utf-8")
    index_page = (out / "index.html").read_text(encoding="utf-8")
    bundle = sphinx_ext.vega_bundle_name()
    # The bundle is loaded by dv-charts.js when a reader reaches for a chart, not by the page.
    assert f'data-vega="vendor/{bundle}"' in chart_page and f'src="_static/vendor/{bundle}' not in chart_page
    assert re.search(r"<script [^>]*defer=\"defer\"[^>]*src=\"_static/dv-charts.js", chart_page)
    assert 'class="dv-chart"' in chart_page and "vega" not in index_page
    assert (out / "_static" / "vendor" / bundle).is_file()
    assert (out / "_static" / "dv-charts.js").is_file()
    assert len(list((out / "_images").glob("dv-chart-*.svg"))) == 1
    assert "text/html" not in chart_page and "data:image/svg+xml" not in chart_page  # no second copy
    # One figure per chart: neither the Vega spec for JupyterLab nor the PNG placeholder shows up.
    assert chart_page.count('<figure class="dv-chart"') == 1
    assert "vnd.vega" not in chart_page and chart_page.count("<img") == 1
    assert re.search(r'<div class="dv-chart-view">\s*<img alt="[^"]+" class="dv-chart-static" src="_images/', chart_page)
    assert [p.name for p in (out / "_images").iterdir()] == [f"{render.chart_id(make_chart().to_dict())}.svg"]
    scripts = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', chart_page)
    assert scripts == []
