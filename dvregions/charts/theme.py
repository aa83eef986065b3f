"""The book's one chart theme, registered with Altair once.

Colours are the Okabe-Ito palette, safe for the common colour-vision deficiencies; the
pairs the book contrasts most (2016 against 2017, orders against violations) also differ
clearly in lightness, so they survive greyscale printing, and charts add a second cue
(shape, position or label) so that no meaning rests on colour alone.
"""

from __future__ import annotations

import altair as alt

THEME_NAME = "dvregions"

# Liberation Sans ships inside vl-convert, so static renderings measure text identically on
# every machine; browsers fall back to Arial, which has the same metrics.
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"

INK = "#1a1a1a"
MUTED = "#595959"  # 7:1 on white: readable for axis labels and source lines
GRID = "#e0e0e0"

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"]

YEAR_COLOURS = {"2016": "#E69F00", "2017": "#0072B2"}  # light orange vs dark blue: distinct in grey too
MEASURE_COLOURS = {"procedures_started": "#8c8c8c", "orders_imposed": "#0072B2", "violations": "#D55E00"}
LEVEL_COLOURS = {
    "municipality": "#0072B2",
    "municipality_group": "#009E73",
    "centrumgemeente_region": "#CC79A7",
    "province": "#D55E00",
}
LEVEL_SHAPES = {
    "municipality": "circle",
    "municipality_group": "diamond",
    "centrumgemeente_region": "square",
    "province": "triangle-up",
}
SEQUENTIAL = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]

WIDTH = 560


def theme() -> alt.theme.ThemeConfig:
    """The theme's configuration (fonts, palette, sizes)."""
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "padding": 8,
            "view": {"continuousWidth": WIDTH, "continuousHeight": 280, "stroke": None},
            "title": {"font": FONT, "fontSize": 16, "fontWeight": "bold", "color": INK, "anchor": "start",
                      "subtitleFont": FONT, "subtitleFontSize": 12, "subtitleColor": MUTED, "offset": 10,
                      "limit": WIDTH + 80},
            "axis": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 12, "titleFontSize": 12,
                     "labelColor": INK, "titleColor": INK, "titleFontWeight": "normal", "gridColor": GRID,
                     "domainColor": MUTED, "tickColor": MUTED, "labelLimit": 220},
            "legend": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 12, "titleFontSize": 12,
                       "labelColor": INK, "titleColor": INK, "titleFontWeight": "normal", "orient": "top",
                       "labelLimit": 260},
            "header": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 12, "titleFontSize": 12,
                       "labelColor": INK, "titleColor": INK},
            "range": {"category": OKABE_ITO, "ramp": SEQUENTIAL, "heatmap": SEQUENTIAL},
            "text": {"font": FONT, "fontSize": 12, "color": INK},
            "bar": {"color": OKABE_ITO[0]},
            "point": {"size": 80, "filled": True},
            "line": {"strokeWidth": 2},
            "concat": {"spacing": 12},
        }
    }


def enable_theme() -> None:
    """Register (once) and enable the theme; safe to call repeatedly."""
    if THEME_NAME not in alt.theme.names():
        alt.theme.register(THEME_NAME, enable=False)(theme)
    if alt.theme.active != THEME_NAME:
        alt.theme.enable(THEME_NAME)
