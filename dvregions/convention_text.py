"""What the Convention chapter glues and shows: its counts, phrases, tables and the matrix, from the links.

Every count comes from :func:`dvregions.convention.initiative_articles`; every article of a tie for "most" is named.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from dvregions import chapter, convention, data, i18n
from dvregions.charts import convention as convention_charts
from dvregions.charts import layers
from dvregions.i18n import _

GROUPS_IN_THE_ANNEX = ("general", "policies_data", "prevention", "protection_support", "substantive_law",
                       "protective_measures", "migration")
"""The groups of articles the annex's subjects can reach (monitoring is the Parties' and GREVIO's work)."""


def glue_chapter(dataset: data.Dataset) -> None:
    """Glue every count and phrase of the Convention chapter (in the order its stored outputs keep them)."""
    summary = convention.article_summary(dataset)
    links = convention.initiative_articles(dataset)
    without = dataset.initiatives_without_article
    _glue_numbers({"conv_n_listed": len(dataset.convention_articles), "conv_n_articles": len(summary),
                   "conv_n_reached": int((summary["initiatives"] > 0).sum()),
                   "conv_n_silent": int((summary["initiatives"] == 0).sum()),
                   "conv_n_initiatives": len(dataset.initiatives), "conv_n_initiative_links": len(links),
                   "conv_n_linked": links["initiative_id"].nunique(),
                   "conv_n_primary_links": int((links["strength"] == "primary").sum()),
                   "conv_n_unlinked": len(without)})
    chapter.glue_text("conv_unlinked", "; ".join(
        _("{initiative}: {reason}").format(initiative=i, reason=r.rstrip("."))
        for i, r in zip(without["initiative_id"], without["reason"])) or _("none"))
    chapter.glue_text("conv_most_regions", most_regions(summary))
    for group in GROUPS_IN_THE_ANNEX:
        rows = summary[summary["group"] == group]
        reached = rows[rows["initiatives"] > 0]  # 'Art. 7 Comprehensive ... policies (8 regions); ...'
        chapter.glue_text(f"conv_reached_{group}", "; ".join(
            (_("{article} ({regions} region)") if r.regions == 1 else _("{article} ({regions} regions)"))
            .format(article=r.label, regions=i18n.number(r.regions)) for r in reached.itertuples()) or _("none"))
        silent = rows[rows["initiatives"] == 0]
        chapter.glue_text(f"conv_silent_{group}", "; ".join(silent["label"]) or _("none of the articles listed here"))
    everywhere = summary[summary["regions"] == len(dataset.regions)]
    chapter.glue_text("conv_everywhere", "; ".join(everywhere["label"]) or _("none"))
    # which regions give orders and violations, and how many breakdowns by sex the figures have
    orders = dataset.orders
    regions = dataset.regions
    with_violations = set(orders.loc[orders["measure"] == "violations", "region_id"])
    _glue_numbers({"conv_n_regions_orders": orders.loc[orders["measure"] == "orders_imposed", "region_id"].nunique(),
                   "conv_n_regions_violations": len(with_violations)})
    chapter.glue_text("conv_regions_no_violations", i18n.join(
        regions.loc[~regions["region_id"].isin(with_violations), "name_en"].tolist()))
    _glue_numbers({"conv_n_order_figures": int((orders["measure"] == "orders_imposed").sum()),
                   "conv_n_violation_figures": int((orders["measure"] == "violations").sum()),
                   "conv_n_sex_breakdowns": len([c for c in orders.columns if c in ("sex", "gender")])})
    chapter.glue_text("conv_gender_links", gender_links(links, dataset))


def _glue_numbers(numbers: dict[str, int]) -> None:
    for name, value in numbers.items():
        chapter.glue_number(name, value)


def most_regions(summary: pd.DataFrame) -> str:
    """The article(s) reached through a primary link by the most regions, every one of a tie named."""
    top = summary["regions_primary"].max()
    rows = summary[summary["regions_primary"] == top].sort_values("article")
    sentence = (_("{articles}, in {regions} region") if top == 1 else _("{articles}, in {regions} regions"))
    return sentence.format(articles=i18n.join(rows["label"].tolist()), regions=i18n.number(int(top)))


def gender_links(links: pd.DataFrame, dataset: data.Dataset, article: int = 6) -> str:
    """Which initiatives are read as bearing on the gender perspective (Article 6), and how."""
    names = dict(zip(dataset.regions["region_id"], dataset.regions["name_en"]))
    kinds = convention.link_names()
    rows = links[links["article"] == article]
    if rows.empty:
        return _("no initiative is read as bearing on Article {article}").format(article=article)
    items = [_("{initiative} ({region}, {kind})").format(initiative=r.initiative_id, region=names[r.region_id],
                                                         kind=kinds[r.strength]) for r in rows.itertuples()]
    sentence = (_("the initiative read as bearing on Article {article} is {items}") if len(items) == 1
                else _("the initiatives read as bearing on Article {article} are {items}"))
    return sentence.format(article=article, items=i18n.join(items))


def articles_table(dataset: data.Dataset) -> HTML:
    """The articles this book refers to, with their official English titles and our summaries."""
    labels = {"article": _("Article"), "title": _("Official title (English text)"), "group_label": _("Group"),
              "chapter": _("Chapter"), "summary": _("What it asks (our summary)")}
    caption = _("Articles of the Istanbul Convention this book refers to, grouped by chapter")
    return chapter.data_table(convention.articles(dataset)[list(labels)], caption, labels=labels)


def links_table(dataset: data.Dataset) -> HTML:
    """Every link from an initiative to an article, with its kind and reason, as a folded data table."""
    links = convention.initiative_articles(dataset)
    table = links.assign(label=links["article"].map(convention.articles(dataset).set_index("article")["label"]),
                         strength=links["strength"].map(convention.link_names()))
    labels = {"initiative_id": _("Initiative"), "label": _("Article"), "strength": _("Link"), "rationale": _("Why"),
              "source_paragraph": _("Paragraph")}
    caption = _("Each initiative and the articles it bears on, with the reason for each link")
    return chapter.data_table(table[list(labels)], caption, labels=labels)


def themes_without_article_table(dataset: data.Dataset) -> HTML:
    """The annex's subjects with no dedicated article, and how the Convention still reaches them."""
    without = dataset.themes_without_article.merge(dataset.themes[["theme_id", "label"]], on="theme_id")
    labels = {"label": _("Theme"), "other_instrument": _("Other instrument"), "other_instrument_title": _("Its title"),
              "note": _("How the Convention touches the theme"), "source": _("Source")}
    return chapter.data_table(without[list(labels)], _("Themes with no dedicated article in the Istanbul Convention"),
                              collapsed=False, labels=labels)


def reached_table(dataset: data.Dataset) -> HTML:
    """The matrix's reached cells as a folded data table."""
    matrix = convention.article_region_matrix(dataset)
    reached = matrix[matrix["initiatives"] > 0].assign(link=lambda t: t["link"].map(convention.link_names()))
    labels = {"label": _("Article"), "name_en": _("Region"), "initiatives": _("Initiatives"), "link": _("Link"),
              "paragraphs": _("Paragraphs"), "initiative_list": _("Initiatives (annex paragraph)")}
    caption = _("Initiatives bearing on each article, by region, with the annex paragraphs")
    return chapter.data_table(reached[list(labels)], caption, labels=labels)


def matrix_chart(dataset: data.Dataset):
    """The articles-by-regions matrix, titled with how many articles are reached and the most reached, ties named."""
    matrix = convention.article_region_matrix(dataset)
    summary = convention.article_summary(dataset)
    reached = matrix[matrix["initiatives"] > 0].assign(link=lambda t: t["link"].map(convention.link_names()))
    cell = _("{article}, {region}: {initiatives} ({link}).")
    return layers.finish(
        convention_charts.article_region_matrix(matrix, dataset.regions["name_en"].tolist(),
                                                list(convention.group_labels().values())),
        title=_("{reached} of the {articles} articles this book selects are reached by some region's work; most "
                "widely {most}").format(reached=i18n.number(int((summary["initiatives"] > 0).sum())),
                                        articles=i18n.number(len(summary)), most=most_regions(summary)),
        subtitle=[_("Initiatives in the annex bearing on each article, by region (filled: primary link; outlined: "
                    "related only)"),
                  _("The links from initiatives to articles are this book's own reading, based on CETS No. 210")],
        description=(_("Matrix of Istanbul Convention articles by region, counting the initiatives in the annex read "
                       "as bearing on each article.") + " "
                     + " ".join(cell.format(article=r.label, region=r.name_en,
                                            initiatives=i18n.number(r.initiatives), link=r.link)
                                for r in reached.itertuples())
                     + " " + _("Articles no region reaches: {articles}.").format(
                         articles=", ".join(summary.loc[summary["initiatives"] == 0, "label"]))),
        source=layers.source_line("3-21"),
    )
