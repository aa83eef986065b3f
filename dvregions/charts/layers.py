"""Small named layers and the finishing step every chart in the book goes through."""

from __future__ import annotations

import altair as alt

from dvregions.charts.theme import INK, MUTED, WIDTH

SOURCE = "Source: Annex 3 to the Netherlands' report on the Istanbul Convention (2018)"


def source_line(paragraphs: str | None = None, note: str | None = None) -> str:
    """The source line printed under a chart, naming the annex paragraphs used."""
    text = SOURCE + (f", paragraph{'s' if paragraphs and ('-' in paragraphs or ',' in paragraphs) else ''} "
                     f"{paragraphs}" if paragraphs else "") + "."
    return f"{text} {note}" if note else text


def footer(text: str, width: int = WIDTH) -> alt.Chart:
    """A text-only chart holding the source line, placed under the figure."""
    return (alt.Chart(alt.Data(values=[{}]))
            .mark_text(align="left", baseline="top", x=0, y=0, text=text, color=MUTED, fontSize=11,
                       limit=width + 60)
            .properties(width=width, height=14))


def finish(chart: alt.TopLevelMixin, *, title: str, description: str, source: str,
           subtitle: str | None = None) -> alt.VConcatChart:
    """Give a chart its finding-stating title, its text alternative and its source line.

    ``description`` becomes the Vega-Lite ``description``: the text a screen reader
    announces and the alt text of the static image, so it states the numbers shown.
    """
    title_params = alt.TitleParams(text=title, subtitle=subtitle or alt.Undefined)
    return alt.vconcat(chart, footer(source), title=title_params, description=description).configure_view(
        stroke=None)


def value_labels(base: alt.Chart, field: str = "value", dx: int = 4) -> alt.Chart:
    """Numbers printed at the end of bars, so values are readable without hovering."""
    return base.mark_text(align="left", baseline="middle", dx=dx).encode(
        text=alt.Text(f"{field}:Q", format=",d"), color=alt.value(INK))
