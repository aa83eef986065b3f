"""The Convention layer: which Istanbul Convention articles the regions' reported work bears on.

Tables in the data package hold the book's own reading (not GREVIO's):

- ``convention_articles``: every article the book refers to (its own selection), with its chapter and group;
- ``initiative_articles``: the articles each initiative bears on, ``primary`` or ``related``, each link with
  its rationale, read initiative by initiative; every count, matrix cell and region section comes from it;
- ``initiatives_without_article``: initiatives that bear on no listed article, with the reason;
- ``theme_articles`` and ``themes_without_article``: a reading guide from themes to articles, from which
  nothing is counted.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from IPython.display import HTML

from dvregions import data, i18n
from dvregions.i18n import _

TABLES = ("convention_articles", "theme_articles", "themes_without_article", "initiative_articles",
          "initiatives_without_article")
"""The Convention tables; :func:`dvregions.data.load` loads and validates them with the others."""

STRENGTHS = ("primary", "related")


def group_labels() -> dict[str, str]:
    """The book's label for each group, in the Convention's order of chapters and the current language.

    A function, not a constant, so the language is read when a chapter runs, not at import.
    """
    return {
        "general": _("Purposes, definitions and general obligations"),
        "policies_data": _("Integrated policies and data"),
        "prevention": _("Prevention"),
        "protection_support": _("Protection and support"),
        "substantive_law": _("Substantive law"),
        "protective_measures": _("Investigation, prosecution and protective measures"),
        "migration": _("Migration and asylum"),
        "monitoring": _("Monitoring"),
    }


def strength_names() -> dict[str, str]:
    """Each kind of link of ``initiative_articles.csv`` ('primary', 'related') as a table or sentence shows it."""
    return {"primary": _("primary"), "related": _("related")}


def link_names() -> dict[str, str]:
    """Each value of the ``link`` column ('primary', 'related only', 'none') as a table or sentence shows it.

    The column itself keeps these codes, which the charts test; only what a reader sees is translated.
    """
    return {"primary": _("primary"), "related only": _("related only"), "none": _("none")}


# --------------------------------------------------------------------------------------------
# Derived tables


def article_label(article: int, title: str) -> str:
    """'Art. 23 Shelters', the short label the chart and tables use, in the current language."""
    return _("Art. {article} {title}").format(article=int(article), title=title)


def articles(dataset: data.Dataset) -> pd.DataFrame:
    """The articles with their group label and a short label, in article order.

    Returns
    -------
    DataFrame
        The columns of ``convention_articles.csv`` plus ``group_label`` and ``label``.
    """
    table = dataset.convention_articles.sort_values("article").copy()
    table["group_label"] = table["group"].map(group_labels())
    table["label"] = [article_label(a, t) for a, t in zip(table["article"], table["title"])]
    return table.reset_index(drop=True)


def initiative_articles(dataset: data.Dataset) -> pd.DataFrame:
    """The links from initiatives to articles, as read initiative by initiative (``initiative_articles.csv``).

    Parameters
    ----------
    dataset : Dataset

    Returns
    -------
    DataFrame
        One row per initiative and article: ``initiative_id``, ``region_id``, ``article``,
        ``strength`` (``primary`` or ``related``), ``rationale``, ``description`` and
        ``source_paragraph``, sorted by article and initiative.
    """
    table = dataset.initiative_articles.drop(columns="source_paragraph").merge(
        dataset.initiatives[["initiative_id", "region_id", "description", "source_paragraph"]], on="initiative_id")
    columns = ["initiative_id", "region_id", "article", "strength", "rationale", "description", "source_paragraph"]
    return table[columns].sort_values(["article", "initiative_id"]).reset_index(drop=True)


def article_region_matrix(dataset: data.Dataset) -> pd.DataFrame:
    """For every article and region, the initiatives bearing on it (zero rows included).

    Parameters
    ----------
    dataset : Dataset

    Returns
    -------
    DataFrame
        One row per article (of the groups the annex can touch, i.e. not ``monitoring``) and
        region: ``article``, ``label``, ``group``, ``group_label``, ``region_id``, ``name_en``,
        ``initiatives`` (number), ``primary`` (number linked as primary), ``link``
        ('primary', 'related only' or 'none'), ``initiative_list`` ('ze-01 (para. 3): ...'
        joined by ' | ') and ``paragraphs``.
    """
    arts = articles(dataset)
    arts = arts[arts["group"] != "monitoring"]
    links = initiative_articles(dataset)
    regions = dataset.regions[["region_id", "name_en"]]
    grid = arts[["article", "label", "group", "group_label"]].merge(regions, how="cross")
    item = _("{initiative} (para. {paragraph}): {description}")
    links["item"] = [item.format(initiative=i, paragraph=p, description=d) for i, p, d in
                     zip(links["initiative_id"], links["source_paragraph"], links["description"])]
    counts = (links.groupby(["article", "region_id"])
              .agg(initiatives=("initiative_id", "size"),
                   primary=("strength", lambda s: int((s == "primary").sum())),
                   initiative_list=("item", " | ".join),
                   paragraphs=("source_paragraph", lambda s: ", ".join(str(p) for p in sorted(set(s)))))
              .reset_index())
    table = grid.merge(counts, on=["article", "region_id"], how="left")
    table[["initiatives", "primary"]] = table[["initiatives", "primary"]].fillna(0).astype("int64")
    table["link"] = ["none" if n == 0 else "primary" if p > 0 else "related only"
                     for n, p in zip(table["initiatives"], table["primary"])]
    table[["initiative_list", "paragraphs"]] = table[["initiative_list", "paragraphs"]].fillna("")
    return table.reset_index(drop=True)


def article_summary(dataset: data.Dataset) -> pd.DataFrame:
    """Per article: how many regions and initiatives bear on it, and through which link.

    Returns
    -------
    DataFrame
        One row per article (monitoring articles left out): ``article``, ``label``, ``group``,
        ``group_label``, ``summary``, ``regions`` (number of regions with any link),
        ``regions_primary`` (with a primary link), ``initiatives`` and ``region_names``.
    """
    matrix = article_region_matrix(dataset)
    reached = matrix[matrix["initiatives"] > 0]
    per = (matrix.groupby(["article", "label", "group", "group_label"], sort=False)
           .agg(initiatives=("initiatives", "sum")).reset_index())
    per["regions"] = per["article"].map(reached.groupby("article")["region_id"].nunique()).fillna(0).astype("int64")
    per["regions_primary"] = (per["article"].map(reached[reached["primary"] > 0].groupby("article")["region_id"]
                                                 .nunique()).fillna(0).astype("int64"))
    per["region_names"] = per["article"].map(reached.groupby("article")["name_en"].agg(", ".join)).fillna("")
    summaries = articles(dataset).set_index("article")["summary"]
    per["summary"] = per["article"].map(summaries)
    return per


def theme_article_labels(dataset: data.Dataset) -> pd.DataFrame:
    """For every theme, its articles in one line: 'Art. 23 (primary); Art. 22 (related)'.

    Themes without a dedicated article say so and name the other instrument, if any.

    Returns
    -------
    DataFrame
        ``theme_id``, ``articles`` (the line) and ``dedicated`` (bool).
    """
    links = dataset.theme_articles.copy()
    links["rank"] = links["strength"].map({s: i for i, s in enumerate(STRENGTHS)})
    links = links.sort_values(["theme_id", "rank", "article"])
    link = {"primary": _("Art. {article} (primary)"), "related": _("Art. {article} (related)")}
    lines = links.groupby("theme_id").apply(
        lambda g: "; ".join(link[s].format(article=a) for a, s in zip(g["article"], g["strength"])),
        include_groups=False)
    marked = dataset.themes_without_article.set_index("theme_id")
    rows = []
    for theme_id in dataset.themes["theme_id"]:
        text = lines.get(theme_id, "")
        if theme_id in marked.index:
            other = marked.loc[theme_id, "other_instrument"]
            lead = (_("no dedicated article (see {instrument})").format(instrument=other) if isinstance(other, str)
                    else _("no dedicated article"))
            text = f"{lead}; {text}" if text else lead
        rows.append({"theme_id": theme_id, "articles": text, "dedicated": theme_id not in marked.index})
    return pd.DataFrame(rows)


def region_articles(dataset: data.Dataset, region_id: str) -> pd.DataFrame:
    """The articles one region's reported work bears on, with the initiatives behind each.

    Parameters
    ----------
    dataset : Dataset
    region_id : str
        A ``region_id`` of ``regions.csv``.

    Returns
    -------
    DataFrame
        One row per article reached: ``article``, ``label``, ``group_label``, ``link``
        ('primary' or 'related only'), ``initiatives`` (number), ``initiative_ids`` and
        ``paragraphs``; sorted by the number of primary links, then of all links, then article.

    Raises
    ------
    KeyError
        When ``region_id`` is not a region of the data.
    """
    if region_id not in set(dataset.regions["region_id"]):
        raise KeyError(f"no region {region_id!r}; regions are {sorted(dataset.regions['region_id'])}")
    links = initiative_articles(dataset)
    links = links[links["region_id"] == region_id]
    arts = articles(dataset).set_index("article")
    table = (links.groupby("article")
             .agg(initiatives=("initiative_id", "size"),
                  primary=("strength", lambda s: int((s == "primary").sum())),
                  initiative_ids=("initiative_id", ", ".join),
                  paragraphs=("source_paragraph", lambda s: ", ".join(str(p) for p in sorted(set(s)))))
             .reset_index())
    table["label"] = table["article"].map(arts["label"])
    table["group_label"] = table["article"].map(arts["group_label"])
    table["link"] = ["primary" if p else "related only" for p in table["primary"]]
    table = table.sort_values(["primary", "initiatives", "article"], ascending=[False, False, True])
    return table[["article", "label", "group_label", "link", "initiatives", "initiative_ids",
                  "paragraphs"]].reset_index(drop=True)


def notable_articles(dataset: data.Dataset, region_id: str) -> pd.DataFrame:
    """The articles most of a region's initiatives bear on as their primary article, ties included.

    The first rows of :func:`region_articles` that share its top number of primary links and of
    links, in article order.
    """
    table = region_articles(dataset, region_id)
    first = table.iloc[0]
    tied = table[(table["link"] == first["link"]) & (table["initiatives"] == first["initiatives"])]
    return tied.sort_values("article").reset_index(drop=True)


def notable_article_text(dataset: data.Dataset, region_id: str) -> str:
    """One Markdown phrase for a chapter, naming every article in a tie.

    'Article 18 (*General obligations*), with 4 initiatives', or 'Articles 11 (*Data collection and
    research*) and 18 (*General obligations*), with 2 initiatives each'.
    """
    rows = notable_articles(dataset, region_id)
    titles = articles(dataset).set_index("article")["title"]
    count = int(rows["initiatives"].iloc[0])
    named = [_("{article} (*{title}*)").format(article=int(a), title=titles.loc[a]) for a in rows["article"]]
    if len(named) == 1:
        phrase = (_("Article {articles}, with {count} initiative") if count == 1
                  else _("Article {articles}, with {count} initiatives"))
    else:
        phrase = (_("Articles {articles}, with {count} initiative each") if count == 1
                  else _("Articles {articles}, with {count} initiatives each"))
    return phrase.format(articles=i18n.join(named), count=i18n.number_word(count))


def region_section(dataset: data.Dataset, region_id: str) -> HTML:
    """The generated 'Convention articles' block of a region chapter, as accessible HTML.

    A list of the articles the region's reported work bears on (primary links first), each
    naming its initiatives and annex paragraphs. The chapter's own prose links to the
    Convention chapter. The HTML holds no random ids, so stored outputs are reproducible.

    Parameters
    ----------
    dataset : Dataset
    region_id : str

    Returns
    -------
    IPython.display.HTML
    """
    from IPython.display import HTML

    table = region_articles(dataset, region_id)
    items = [_region_section_item(row) for row in table.itertuples()]
    body = "\n".join(items)
    return HTML(f'<div class="dv-convention">\n<ul>\n{body}\n</ul>\n</div>')


def _region_section_item(row: tuple) -> str:
    """One article of :func:`region_section` as an HTML list item, in the current language."""
    count = (_("{count} initiative") if row.initiatives == 1 else _("{count} initiatives")).format(
        count=i18n.number(row.initiatives))
    link = _("primary link") if row.link == "primary" else _("related links only")
    paragraphs = (_("annex paragraphs {paragraphs}") if "," in row.paragraphs
                  else _("annex paragraph {paragraphs}")).format(paragraphs=html.escape(row.paragraphs))
    return (f"  <li><strong>{html.escape(row.label)}</strong> ({html.escape(row.group_label)}; "
            f"{link}): {count}, {html.escape(row.initiative_ids)}; {paragraphs}</li>")


_WOMEN_IN_ENGLISH = r"\b(?:wom[ae]n|girls?|gender|female)\b"
_WOMEN = _WOMEN_IN_ENGLISH + r"|vrouw|meisje"
