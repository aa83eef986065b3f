"""The articles-by-regions matrix of the Convention chapter, built from small named layers."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dvregions.charts.theme import INK, MUTED, PAPER, SEQUENTIAL, WIDTH
from dvregions.i18n import _


def link_labels() -> dict[str, str]:
    """The tooltip's words for each ``link`` of the matrix, in the current language."""
    return {"primary": _("Primary link"), "related only": _("Related links only"), "none": _("None")}


def _tooltip() -> list[alt.Tooltip]:
    return [alt.Tooltip("label:N", title=_("Article")), alt.Tooltip("name_en:N", title=_("Region")),
            alt.Tooltip("initiatives:Q", title=_("Initiatives")), alt.Tooltip("link_label:N", title=_("Link")),
            alt.Tooltip("initiative_list:N", title=_("Initiatives (annex paragraph)")),
            alt.Tooltip("paragraphs:N", title=_("Annex paragraph(s)"))]


def _base(data: pd.DataFrame, region_order: list[str], article_order: list[str]) -> alt.Chart:
    return alt.Chart(data).encode(
        x=alt.X("name_en:N", sort=region_order, title=None,
                axis=alt.Axis(labelAngle=-35, orient="top", labelLimit=220)),
        y=alt.Y("label:N", sort=article_order, title=None, axis=alt.Axis(labelLimit=420)),
        tooltip=_tooltip(),
    )


def cells(base: alt.Chart) -> alt.Chart:
    """One cell per article and region, styled by its link.

    Primary links are filled (darker for more initiatives), related-only links are white with a
    grey outline, and cells no initiative reaches are invisible but keep their tooltip. A
    single layer keeps every panel's mark group non-empty, so each group has an accessible name.
    """
    primary = "datum.link == 'primary'"
    related = "datum.link == 'related only'"
    return base.mark_rect(strokeWidth=1).encode(
        color=alt.condition(primary, alt.Color("initiatives:Q", title=_("Initiatives (primary link)"),
                                               scale=alt.Scale(range=SEQUENTIAL[1:], domainMin=1),
                                               legend=alt.Legend(orient="bottom", tickMinStep=1, format="d")),
                            alt.value(PAPER)),
        stroke=alt.condition(related, alt.value(MUTED), alt.value(PAPER)),
        opacity=alt.condition("datum.link == 'none'", alt.value(0), alt.value(1)),
    )


def count_labels(base: alt.Chart, dark_from: int = 4) -> alt.Chart:
    """The number of initiatives printed in each reached cell; white on the darkest fills."""
    return base.transform_filter("datum.initiatives > 0").mark_text(fontSize=11).encode(
        text=alt.Text("initiatives:Q", format="d"),
        color=alt.condition(f"datum.link == 'primary' && datum.initiatives >= {dark_from}", alt.value(PAPER),
                            alt.value(INK)))


def article_region_matrix(matrix: pd.DataFrame, region_order: list[str], group_order: list[str]) -> alt.Chart:
    """Articles (rows, grouped as the Convention groups them) by regions (columns).

    Parameters
    ----------
    matrix : DataFrame
        :func:`dvregions.convention.article_region_matrix`.
    region_order : list of str
        Region names (``name_en``) in the book's order.
    group_order : list of str
        Group labels in the Convention's order of chapters.

    Returns
    -------
    alt.FacetChart
        One panel per group, stacked; filled cells mark primary links (darker = more
        initiatives), grey outlines mark related links only, and every reached cell
        prints its number of initiatives.
    """
    data = matrix.assign(link_label=matrix["link"].map(link_labels()))
    article_order = data.sort_values("article")["label"].drop_duplicates().tolist()
    columns = ["article", "label", "group_label", "name_en", "initiatives", "link", "link_label",
               "initiative_list", "paragraphs"]
    base = _base(data[columns], region_order, article_order)
    layered = alt.layer(cells(base), count_labels(base))
    return (layered.properties(width=alt.Step(44), height=alt.Step(20))
            .facet(row=alt.Row("group_label:N", sort=group_order, title=None,
                               header=alt.Header(labelOrient="top", labelAnchor="start", labelAngle=0,
                                                 labelFontWeight="bold", labelLimit=WIDTH + 200,
                                                 labelPadding=4)),
                   spacing=6)
            .resolve_scale(y="independent"))


def theme_cells(base: alt.Chart) -> alt.Chart:
    """Cells of the theme matrix, darker for more initiatives."""
    return base.mark_rect(stroke=PAPER, strokeWidth=1).encode(
        color=alt.Color("initiatives:Q", title=_("Initiatives"), scale=alt.Scale(range=SEQUENTIAL[1:], domainMin=1),
                        legend=alt.Legend(orient="bottom", tickMinStep=1, format="d")))


def theme_counts(base: alt.Chart, dark_from: int = 5) -> alt.Chart:
    """The number of initiatives in each cell; white on the darkest fills."""
    return base.mark_text().encode(
        text=alt.Text("initiatives:Q", format="d"),
        color=alt.condition(f"datum.initiatives >= {dark_from}", alt.value(PAPER), alt.value(INK)))


def theme_matrix_with_articles(matrix: pd.DataFrame, theme_order: list[str], region_order: list[str]) -> alt.Chart:
    """Themes by regions, as in chapter 12, with each theme's Convention articles in the tooltip.

    Parameters
    ----------
    matrix : DataFrame
        :func:`dvregions.analysis.theme_matrix` with an ``articles`` column added from
        :func:`dvregions.convention.theme_article_labels`.
    theme_order, region_order : list of str
        Theme labels and region names in the book's order.
    """
    data = matrix[["name_en", "label", "initiatives", "descriptions", "paragraphs", "articles"]]
    base = alt.Chart(data).encode(
        x=alt.X("name_en:N", sort=region_order, title=None,
                axis=alt.Axis(labelAngle=-35, orient="top", labelLimit=220)),
        y=alt.Y("label:N", sort=theme_order, title=None),
        tooltip=[alt.Tooltip("name_en:N", title=_("Region")), alt.Tooltip("label:N", title=_("Theme")),
                 alt.Tooltip("initiatives:Q", title=_("Initiatives")),
                 alt.Tooltip("descriptions:N", title=_("What the annex reports")),
                 alt.Tooltip("paragraphs:N", title=_("Annex paragraph(s)")),
                 alt.Tooltip("articles:N", title=_("Istanbul Convention articles"))],
    )
    return alt.layer(theme_cells(base), theme_counts(base)).properties(width=alt.Step(52), height=alt.Step(22))
