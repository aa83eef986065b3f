"""The matrices of the Convention and themes chapters: articles or themes by regions, one cell each."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dvregions.charts.plots import panel_rows, tooltip
from dvregions.charts.theme import INK, MUTED, PAPER, SEQUENTIAL, WIDTH
from dvregions.i18n import _


def _by_region(data: pd.DataFrame, region_order: list[str], y: alt.Y, lines: list[alt.Tooltip]) -> alt.Chart:
    """A matrix's base: one column per region, named above it, and rows ``y``."""
    axis = alt.Axis(labelAngle=-35, orient="top", labelLimit=220)
    return alt.Chart(data).encode(x=alt.X("name_en:N", sort=region_order, title=None, axis=axis), y=y, tooltip=lines)


def _count_colour(title: str) -> alt.Color:
    """Darker for more initiatives."""
    return alt.Color("initiatives:Q", title=title, scale=alt.Scale(range=SEQUENTIAL[1:], domainMin=1),
                     legend=alt.Legend(orient="bottom", tickMinStep=1, format="d"))


def _counts(base: alt.Chart, dark: str, **text) -> alt.Chart:
    """The number of initiatives printed in each cell: white on the darkest fills (where ``dark`` holds)."""
    return base.mark_text(**text).encode(text=alt.Text("initiatives:Q", format="d"),
                                         color=alt.condition(dark, alt.value(PAPER), alt.value(INK)))


def article_region_matrix(matrix: pd.DataFrame, region_order: list[str], group_order: list[str]) -> alt.Chart:
    """Articles (rows, one panel per group in ``group_order``) by regions (columns, in ``region_order``).

    ``matrix`` is :func:`dvregions.convention.article_region_matrix`. Primary links are filled (darker for
    more initiatives), related-only links are white with a grey outline, and cells no initiative reaches are
    invisible but keep their tooltip; every reached cell prints its number of initiatives. A single cell layer
    keeps every panel's mark group non-empty, so each group has an accessible name.
    """
    data = matrix.assign(link_label=matrix["link"].map(  # the tooltip's words for each link
        {"primary": _("Primary link"), "related only": _("Related links only"), "none": _("None")}))
    article_order = data.sort_values("article")["label"].drop_duplicates().tolist()
    columns = ["article", "label", "group_label", "name_en", "initiatives", "link", "link_label",
               "initiative_list", "paragraphs"]
    base = _by_region(data[columns], region_order, alt.Y("label:N", sort=article_order, title=None,
                                                         axis=alt.Axis(labelLimit=420)),
                      tooltip(("label:N", _("Article")), ("name_en:N", _("Region")),
                              ("initiatives:Q", _("Initiatives")), ("link_label:N", _("Link")),
                              ("initiative_list:N", _("Initiatives (annex paragraph)")),
                              ("paragraphs:N", _("Annex paragraph(s)"))))
    cells = base.mark_rect(strokeWidth=1).encode(
        color=alt.condition("datum.link == 'primary'", _count_colour(_("Initiatives (primary link)")),
                            alt.value(PAPER)),
        stroke=alt.condition("datum.link == 'related only'", alt.value(MUTED), alt.value(PAPER)),
        opacity=alt.condition("datum.link == 'none'", alt.value(0), alt.value(1)))
    counts = _counts(base.transform_filter("datum.initiatives > 0"),
                     "datum.link == 'primary' && datum.initiatives >= 4", fontSize=11)
    return (alt.layer(cells, counts).properties(width=alt.Step(44), height=alt.Step(20))
            .facet(row=panel_rows("group_label", group_order, labelLimit=WIDTH + 200), spacing=6)
            .resolve_scale(y="independent"))


def theme_matrix_with_articles(matrix: pd.DataFrame, theme_order: list[str], region_order: list[str]) -> alt.Chart:
    """Themes by regions, as in chapter 12, with each theme's Convention articles in the tooltip.

    ``matrix``: :func:`dvregions.analysis.theme_matrix` with the ``articles`` of ``convention.theme_article_labels``.
    """
    base = _by_region(matrix[["name_en", "label", "initiatives", "descriptions", "paragraphs", "articles"]],
                      region_order, alt.Y("label:N", sort=theme_order, title=None),
                      tooltip(("name_en:N", _("Region")), ("label:N", _("Theme")), ("initiatives:Q", _("Initiatives")),
                              ("descriptions:N", _("What the annex reports")),
                              ("paragraphs:N", _("Annex paragraph(s)")),
                              ("articles:N", _("Istanbul Convention articles"))))
    cells = base.mark_rect(stroke=PAPER, strokeWidth=1).encode(color=_count_colour(_("Initiatives")))
    return alt.layer(cells, _counts(base, "datum.initiatives >= 5")).properties(width=alt.Step(52), height=alt.Step(22))
