"""Small named layers and the finishing step every chart in the book goes through."""

from __future__ import annotations

import math
import textwrap

import altair as alt

from dvregions.charts.theme import INK, MUTED, WIDTH
from dvregions.i18n import _


def source_line(paragraphs: str | None = None, note: str | None = None) -> str:
    """'Source: Annex 3 to the Netherlands' report on the Istanbul Convention (2018), paragraph 4.', under a chart.

    ``paragraphs`` is one ('4') or several ('4-21', '3, 5'); ``note``, a translated sentence, follows the source.
    """
    if not paragraphs:
        text = _("Source: Annex 3 to the Netherlands' report on the Istanbul Convention (2018).")
    elif "-" in paragraphs or "," in paragraphs:
        text = _("Source: Annex 3 to the Netherlands' report on the Istanbul Convention (2018), "
                 "paragraphs {paragraphs}.").format(paragraphs=paragraphs)
    else:
        text = _("Source: Annex 3 to the Netherlands' report on the Istanbul Convention (2018), "
                 "paragraph {paragraphs}.").format(paragraphs=paragraphs)
    return f"{text} {note}" if note else text


# Characters that fit in a title's width (the theme's limit) at its font size, for Liberation Sans with
# room to spare: a longer line wraps at a space instead of being cut with an ellipsis.
TITLE_CHARS = 76
SUBTITLE_CHARS = 100
SOURCE_CHARS = 104


def finish(chart: alt.TopLevelMixin, *, title: str | list[str], description: str, source: str,
           subtitle: str | list[str] | None = None) -> alt.VConcatChart:
    """Give a chart its finding-stating title, its text alternative and its source line.

    ``description`` (screen reader, alt text) states the numbers; a one-chart concat carries the finding, as a view
    has only one title (its source line). A title is a line, lines, or a text with newlines where it wraps.
    """
    title_params = alt.TitleParams(text=_lines(title, TITLE_CHARS),
                                   subtitle=_lines(subtitle, SUBTITLE_CHARS) if subtitle else alt.Undefined)
    sourced = chart.properties(title=alt.TitleParams(  # small, under the chart, from its left edge
        text=_lines(source, SOURCE_CHARS), orient="bottom", anchor="start", frame="bounds", fontSize=11,
        fontWeight="normal", color=MUTED, offset=12, limit=WIDTH + 60))
    return alt.vconcat(sourced, title=title_params, description=description).configure_view(stroke=None)


def _lines(text: str | list[str], width: int) -> str | list[str]:
    """A text as the lines Vega-Lite draws one under another (one line that fits stays a string)."""
    given = text.split("\n") if isinstance(text, str) else list(text)
    lines = [part for line in given for part in balanced_lines(line, width)]
    return lines[0] if len(lines) == 1 else lines


def balanced_lines(line: str, width: int) -> list[str]:
    """``line`` wrapped at spaces into the fewest lines of at most ``width`` characters, evened out."""
    lines = textwrap.wrap(line, width, break_long_words=False) or [line]
    if len(lines) == 1:
        return lines
    even = textwrap.wrap(line, math.ceil(len(line) / len(lines)) + 4, break_long_words=False)
    return even if len(even) == len(lines) else lines


def value_labels(base: alt.Chart, field: str = "value", dx: int = 4) -> alt.Chart:
    """Numbers printed at the end of bars, so values are readable without hovering."""
    return base.mark_text(align="left", baseline="middle", dx=dx).encode(
        text=alt.Text(f"{field}:Q", format=",d"), color=alt.value(INK))
