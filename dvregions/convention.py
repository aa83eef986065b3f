"""The Convention layer: which Istanbul Convention articles the regions' reported work bears on.

The data package holds the book's own reading (not GREVIO's): the articles it selects (``convention_articles``);
the links of each initiative, ``primary`` or ``related``, each with its rationale (``initiative_articles``), from
which every count, matrix cell and region section comes, or the reason it has none (``initiatives_without_article``);
and a reading guide from themes to articles (``theme_articles``, ``themes_without_article``), which counts nothing.
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


def group_labels() -> dict[str, str]:
    """Each group's label in the Convention's order (a function, so the language is read when a chapter runs)."""
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


def link_names() -> dict[str, str]:
    """Each kind of link (``strength``, a cell's ``link``) as a reader sees it; the data keeps the codes."""
    return {"primary": _("primary"), "related": _("related"), "related only": _("related only"), "none": _("none")}


def articles(dataset: data.Dataset) -> pd.DataFrame:
    """The articles (``convention_articles.csv``) in article order, plus ``group_label`` and ``label``."""
    table = dataset.convention_articles.sort_values("article").copy()
    table["group_label"] = table["group"].map(group_labels())
    table["label"] = [_("Art. {article} {title}").format(article=int(a), title=t)
                      for a, t in zip(table["article"], table["title"])]
    return table.reset_index(drop=True)


def initiative_articles(dataset: data.Dataset) -> pd.DataFrame:
    """The links of ``initiative_articles.csv`` with each initiative's region, description and paragraph."""
    table = dataset.initiative_articles.drop(columns="source_paragraph").merge(
        dataset.initiatives[["initiative_id", "region_id", "description", "source_paragraph"]], on="initiative_id")
    columns = ["initiative_id", "region_id", "article", "strength", "rationale", "description", "source_paragraph"]
    return table[columns].sort_values(["article", "initiative_id"]).reset_index(drop=True)


def _counted_links(links: pd.DataFrame, by: list[str], **listed: tuple) -> pd.DataFrame:
    """Per ``by``: the links (``initiatives``), the primary ones, the ``listed`` aggregates and the paragraphs."""
    return (links.groupby(by)
            .agg(initiatives=("initiative_id", "size"), primary=("strength", lambda s: int((s == "primary").sum())),
                 **listed, paragraphs=("source_paragraph", lambda s: ", ".join(str(p) for p in sorted(set(s)))))
            .reset_index())


def article_region_matrix(dataset: data.Dataset) -> pd.DataFrame:
    """For every article (but the ``monitoring`` group, which the annex cannot touch) and region, its links.

    Besides the article's and region's columns: ``initiatives`` and ``primary`` (counts, zero included), ``link``
    ('primary', 'related only' or 'none'), ``initiative_list`` ('ze-01 (para. 3): ...' | ...) and ``paragraphs``.
    """
    arts = articles(dataset)
    links = initiative_articles(dataset)
    item = _("{initiative} (para. {paragraph}): {description}")
    links["item"] = [item.format(initiative=i, paragraph=p, description=d) for i, p, d in
                     zip(links["initiative_id"], links["source_paragraph"], links["description"])]
    table = (arts.loc[arts["group"] != "monitoring", ["article", "label", "group", "group_label"]]
             .merge(dataset.regions[["region_id", "name_en"]], how="cross")
             .merge(_counted_links(links, ["article", "region_id"], initiative_list=("item", " | ".join)),
                    on=["article", "region_id"], how="left"))
    table[["initiatives", "primary"]] = table[["initiatives", "primary"]].fillna(0).astype("int64")
    table["link"] = ["none" if n == 0 else "primary" if p > 0 else "related only"
                     for n, p in zip(table["initiatives"], table["primary"])]
    table[["initiative_list", "paragraphs"]] = table[["initiative_list", "paragraphs"]].fillna("")
    return table.reset_index(drop=True)


def article_summary(dataset: data.Dataset) -> pd.DataFrame:
    """Per article of the matrix: ``initiatives`` linked, ``regions`` reached and ``regions_primary`` (primarily)."""
    matrix = article_region_matrix(dataset)
    per = (matrix.assign(reached=matrix["initiatives"] > 0, reached_primary=matrix["primary"] > 0)
           .groupby(["article", "label", "group", "group_label"], sort=False)
           .agg(initiatives=("initiatives", "sum"), regions=("reached", "sum"),
                regions_primary=("reached_primary", "sum"))
           .reset_index())
    per["summary"] = per["article"].map(articles(dataset).set_index("article")["summary"])
    return per


def theme_article_labels(dataset: data.Dataset) -> pd.DataFrame:
    """Each theme's ``articles`` in one line ('Art. 23 (primary); Art. 22 (related)'), or why it has none."""
    link = {"primary": _("Art. {article} (primary)"), "related": _("Art. {article} (related)")}
    links = dataset.theme_articles.sort_values(["theme_id", "strength", "article"])  # 'primary' before 'related'
    links["text"] = [link[s].format(article=a) for a, s in zip(links["article"], links["strength"])]
    lines = links.groupby("theme_id")["text"].agg("; ".join)
    without = dataset.themes_without_article
    leads = {theme_id: _("no dedicated article (see {instrument})").format(instrument=other)
             if isinstance(other, str) else _("no dedicated article")
             for theme_id, other in zip(without["theme_id"], without["other_instrument"])}
    themes = dataset.themes["theme_id"].tolist()
    return pd.DataFrame({"theme_id": themes, "articles": [
        "; ".join(part for part in (leads.get(theme_id), lines.get(theme_id)) if part) for theme_id in themes]})


def region_articles(dataset: data.Dataset, region_id: str) -> pd.DataFrame:
    """The articles a region's work bears on, most primary links first (KeyError for an unknown region).

    Columns: ``article``, ``label``, ``group_label``, ``link``, ``initiatives``, ``initiative_ids``, ``paragraphs``.
    """
    if region_id not in set(dataset.regions["region_id"]):
        raise KeyError(f"no region {region_id!r}; regions are {sorted(dataset.regions['region_id'])}")
    links = initiative_articles(dataset)
    table = _counted_links(links[links["region_id"] == region_id], ["article"],
                           initiative_ids=("initiative_id", ", ".join))
    table = table.merge(articles(dataset)[["article", "label", "group_label"]], on="article", how="left")
    table["link"] = ["primary" if p else "related only" for p in table["primary"]]
    table = table.sort_values(["primary", "initiatives", "article"], ascending=[False, False, True])
    return table[["article", "label", "group_label", "link", "initiatives", "initiative_ids",
                  "paragraphs"]].reset_index(drop=True)


def notable_article_text(dataset: data.Dataset, region_id: str) -> str:
    """The article(s) most of a region's initiatives bear on, every one of a tie named, as Markdown.

    'Article 18 (*General obligations*), with 4 initiatives', or 'Articles 11 (*...*) and 18 (*...*), with 2 ... each'.
    """
    table = region_articles(dataset, region_id)
    first = table.iloc[0]
    rows = table[(table["link"] == first["link"]) & (table["initiatives"] == first["initiatives"])]
    titles = articles(dataset).set_index("article")["title"]
    count = int(first["initiatives"])
    named = [_("{article} (*{title}*)").format(article=int(a), title=titles.loc[a]) for a in sorted(rows["article"])]
    if len(named) == 1:
        phrase = (_("Article {articles}, with {count} initiative") if count == 1
                  else _("Article {articles}, with {count} initiatives"))
    else:
        phrase = (_("Articles {articles}, with {count} initiative each") if count == 1
                  else _("Articles {articles}, with {count} initiatives each"))
    return phrase.format(articles=i18n.join(named), count=i18n.number_word(count))


def region_section(dataset: data.Dataset, region_id: str) -> HTML:
    """A region chapter's 'Convention articles' block: an HTML list without random ids (reproducible outputs)."""
    from IPython.display import HTML

    items = []
    for row in region_articles(dataset, region_id).itertuples():
        count = (_("{count} initiative") if row.initiatives == 1 else _("{count} initiatives")).format(
            count=i18n.number(row.initiatives))
        link = _("primary link") if row.link == "primary" else _("related links only")
        paragraphs = (_("annex paragraphs {paragraphs}") if "," in row.paragraphs
                      else _("annex paragraph {paragraphs}")).format(paragraphs=html.escape(row.paragraphs))
        items.append(f"  <li><strong>{html.escape(row.label)}</strong> ({html.escape(row.group_label)}; "
                     f"{link}): {count}, {html.escape(row.initiative_ids)}; {paragraphs}</li>")
    body = "\n".join(items)
    return HTML(f'<div class="dv-convention">\n<ul>\n{body}\n</ul>\n</div>')
