"""What the chapter on themes across the regions (12) glues and shows: which themes are widespread, which rare.

Every count comes from the initiatives as the data package codes them, so it follows an added region or initiative.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from dvregions import analysis, chapter, convention, data, i18n
from dvregions.charts import convention as convention_charts
from dvregions.charts import layers
from dvregions.i18n import _


def theme_matrix(dataset: data.Dataset) -> pd.DataFrame:
    """One row per region and theme with initiatives, the paragraphs and the articles the theme bears on."""
    matrix = analysis.theme_matrix(dataset.initiatives, dataset.initiative_themes, dataset.themes, dataset.regions)
    return matrix.merge(convention.theme_article_labels(dataset)[["theme_id", "articles"]], on="theme_id")


def regions_per_theme(dataset: data.Dataset) -> pd.DataFrame:
    """How many regions each theme appears in, most widespread first, with the articles it bears on."""
    return (theme_matrix(dataset).groupby(["theme_id", "label"])["region_id"].nunique()
            .reset_index(name="regions").sort_values(["regions", "label"], ascending=[False, True])
            .merge(convention.theme_article_labels(dataset), on="theme_id"))


def glue_chapter(dataset: data.Dataset) -> None:
    """Glue every count and list the chapter's prose names."""
    matrix, per_theme, n_regions = theme_matrix(dataset), regions_per_theme(dataset), len(dataset.regions)
    chapter.glue_number("n_initiatives", len(dataset.initiatives))
    chapter.glue_number("n_themes", len(dataset.themes))
    chapter.glue_number("n_codes", len(dataset.initiative_themes))
    chapter.glue_number("n_regions", n_regions)
    widest = per_theme[per_theme["regions"] == per_theme["regions"].max()]
    chapter.glue_text("widest_themes", i18n.join([f"*{label}*" for label in widest["label"]]))
    chapter.glue_number("widest_regions", int(widest["regions"].iloc[0]))
    single = per_theme[per_theme["regions"] == 1].merge(matrix[["theme_id", "name_en"]], on="theme_id")
    chapter.glue_text("themes_single", "; ".join(f"*{r.label}*: {r.name_en}" for r in single.itertuples()) or _("none"))
    chapter.glue_number("n_themes_single", len(single))
    per_region = dataset.initiatives.groupby("region_id").size()
    chapter.glue_number("min_initiatives", int(per_region.min()))
    chapter.glue_number("max_initiatives", int(per_region.max()))
    rare = per_theme[per_theme["regions"] <= 2].merge(
        matrix.groupby("theme_id")["name_en"].agg(", ".join).rename("where"), on="theme_id")
    chapter.glue_number("n_themes_rare", len(rare))
    chapter.glue_text("themes_rare", "; ".join(f"*{r.label}* ({r.where})" for r in rare.itertuples()))
    common = per_theme[per_theme["regions"] >= n_regions - 2]
    chapter.glue_number("n_themes_common", len(common))
    chapter.glue_number("common_threshold", n_regions - 2)
    chapter.glue_text("themes_common", i18n.join([f"*{label}*" for label in common["label"]]) or _("none"))
    chapter.glue_number("n_themes_everywhere", int((per_theme["regions"] == n_regions).sum()))
    imposed = dataset.orders[dataset.orders["measure"] == "orders_imposed"]
    chapter.glue_number("n_regions_with_order_figures", int(imposed["region_id"].nunique()))
    chapter.glue_number("restraining_theme_regions",
                        int(per_theme.loc[per_theme["theme_id"] == "restraining_orders", "regions"].iloc[0]))
    chapter.glue_number("n_themes_without_article", len(dataset.themes_without_article))


def matrix_chart(dataset: data.Dataset):
    """The themes by region, counting initiatives, titled by how widespread the themes are."""
    matrix, per_theme = theme_matrix(dataset), regions_per_theme(dataset)
    widest, single = int(per_theme["regions"].max()), int((per_theme["regions"] == 1).sum())
    title = (_("The most widespread themes appear in {widest} of {regions} regions; {single} appears in one "
               "region only") if single == 1 else
             _("The most widespread themes appear in {widest} of {regions} regions; {single} appear in one region "
               "only"))
    cell = _("{region}, {theme}: {initiatives}.")
    return layers.finish(
        convention_charts.theme_matrix_with_articles(matrix, dataset.themes["label"].tolist(),
                                                     dataset.regions["name_en"].tolist()),
        title=title.format(widest=i18n.number(widest), regions=i18n.number(len(dataset.regions)),
                           single=i18n.number(single)),
        subtitle=_("Number of initiatives the annex describes, by theme and region"),
        description=(_("Matrix of themes by region, counting the initiatives the annex describes.") + " "
                     + " ".join(cell.format(region=r.name_en, theme=r.label.lower(),
                                            initiatives=i18n.number(r.initiatives)) for r in matrix.itertuples())),
        source=layers.source_line("3-21"),
    )


def matrix_table(dataset: data.Dataset) -> HTML:
    """The initiatives by region and theme, with the annex paragraphs and the articles."""
    labels = {"name_en": _("Region"), "label": _("Theme"), "initiatives": _("Initiatives"),
              "paragraphs": _("Paragraphs"), "descriptions": _("What the annex reports"),
              "articles": _("Convention articles")}
    return chapter.data_table(theme_matrix(dataset)[list(labels)],
                              _("Initiatives by region and theme, with the annex paragraphs"), labels=labels)


def regions_per_theme_table(dataset: data.Dataset) -> HTML:
    """How many regions each theme appears in, and the articles it bears on."""
    labels = {"label": _("Theme"), "regions": _("Regions"), "articles": _("Istanbul Convention articles")}
    return chapter.data_table(
        regions_per_theme(dataset)[list(labels)],
        _("Number of regions in which each theme appears, and the Convention articles it bears on"),
        collapsed=False, labels=labels)
