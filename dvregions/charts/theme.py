"""The book's one chart theme, registered with Altair once; every colour the charts use is named here only.

Okabe-Ito colours (safe for common colour-vision deficiencies); contrasted pairs also differ in lightness, for grey
print, and a second cue (shape, position, label) means no meaning rests on colour alone. Counts use one blue ramp.
"""

from __future__ import annotations

import altair as alt

from dvregions import i18n

THEME_NAME = "dvregions"

# Liberation Sans ships inside vl-convert, so static renderings measure text identically on
# every machine; browsers fall back to Arial, which has the same metrics.
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"

INK = "#1a1a1a"
MUTED = "#595959"  # 7:1 on white: readable for axis labels and source lines
GRID = "#e0e0e0"
PAPER = "white"
NEUTRAL = "#8c8c8c"  # what a chart shows for context, not for its finding: rules, procedures, "within chance"

# Okabe-Ito, in its order and by name
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"]
BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY_BLUE, BLACK = OKABE_ITO

EARLIER_YEAR, LATER_YEAR = ORANGE, BLUE  # light orange vs dark blue: distinct in grey too
MEASURE_COLOURS = {"procedures_started": NEUTRAL, "orders_imposed": BLUE, "violations": VERMILLION}
WITHIN_CHANCE_COLOUR, BEYOND_CHANCE_COLOUR = NEUTRAL, VERMILLION  # the adjusted test's verdict

SEQUENTIAL = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]
"""Light to dark blue, for counts; also the whole (light, outlined) and its part (dark) in one bar."""
WHOLE_FILL, WHOLE_STROKE, PART_FILL = SEQUENTIAL[1], SEQUENTIAL[3], SEQUENTIAL[4]

# The one second palette: light tints, one hue per level of area, for cells that carry dark
# text naming the level. Full-strength Okabe-Ito fills would leave that text below 4.5:1;
# these keep it readable, and since the text names the level, colour is only a second cue.
LEVEL_TINTS = {
    "municipality": "#a6cee3",
    "municipality_group": "#b2df8a",
    "centrumgemeente_region": "#e7c0da",
    "province": "#fdbf6f",
}
SEVERAL_LEVELS_TINT = "#cccccc"
NOT_STATED_TINT = "#f7f7f7"

WIDTH = 560

NUMBER_LOCALES = {"nl": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]}}
"""d3-format number locales for languages that do not write numbers as English does (``1.234,5``).

Vega-Lite passes ``config.locale`` on to Vega, which formats axis labels, tooltips and text marks
with it, in the browser and in vl-convert's static image alike. English needs none (d3's default).
"""
_TEXT = {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 12, "titleFontSize": 12, "labelColor": INK,
         "titleColor": INK}
"""The labels and titles of axes, legends and headers alike."""


def theme() -> alt.theme.ThemeConfig:
    """The theme's configuration (fonts, palette, sizes, and the number locale outside English).

    Altair calls this whenever a chart is turned into a spec, so the language is the one the
    chapter runs in. An English spec carries no ``locale`` at all and stays byte-for-byte as before.
    """
    locale = NUMBER_LOCALES.get(i18n.language())
    return {"config": {
        "font": FONT,
        "background": PAPER,
        "padding": 8,
        "view": {"continuousWidth": WIDTH, "continuousHeight": 280, "stroke": None},
        "title": {"font": FONT, "fontSize": 16, "fontWeight": "bold", "color": INK, "anchor": "start",
                  "subtitleFont": FONT, "subtitleFontSize": 12, "subtitleColor": MUTED, "offset": 10,
                  "limit": WIDTH + 80},
        "axis": {**_TEXT, "titleFontWeight": "normal", "gridColor": GRID, "domainColor": MUTED, "tickColor": MUTED,
                 "labelLimit": 220},
        "legend": {**_TEXT, "titleFontWeight": "normal", "orient": "top", "labelLimit": 260},
        "header": {**_TEXT},
        "range": {"category": OKABE_ITO, "ramp": SEQUENTIAL, "heatmap": SEQUENTIAL},
        "text": {"font": FONT, "fontSize": 12, "color": INK},
        "bar": {"color": BLUE},
        "point": {"size": 80, "filled": True},
        "line": {"strokeWidth": 2},
        "concat": {"spacing": 12},
        **({"locale": {"number": locale}} if locale else {}),
    }}


def enable_theme() -> None:
    """Register (once) and enable the theme; safe to call repeatedly."""
    if THEME_NAME not in alt.theme.names():
        alt.theme.register(THEME_NAME, enable=False)(theme)
    if alt.theme.active != THEME_NAME:
        alt.theme.enable(THEME_NAME)
