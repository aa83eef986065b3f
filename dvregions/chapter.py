"""What every chapter notebook calls: set-up, glued numbers and accessible data tables.

A chapter starts with ``from dvregions import chapter; dataset = chapter.setup()`` and never
copies set-up code from another chapter.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import pandas as pd
from IPython.display import HTML

from dvregions import analysis, data, i18n
from dvregions.charts.render import enable_renderer
from dvregions.charts.theme import enable_theme


def setup(tables: Iterable[str] | None = None) -> data.Dataset:
    """Enable the chart theme and the offline renderer, then load and validate the data."""
    enable_theme()
    enable_renderer()
    pd.set_option("display.max_colwidth", 120)
    return data.load(tables=tables)


def slug(text: str) -> str:
    """A glue-name-safe lower-case slug: 'regio Leiden' -> 'regio_leiden'."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def glue_number(name: str, value: float | int, *, decimals: int = 0, percent: bool = False) -> None:
    """Store a number for the prose (``{glue:text}`name```), written as the page's language writes it.

    The text is formatted here rather than by a format spec in the prose, so the Dutch edition
    says ``0,06`` and ``12%`` from the same sentence source.
    """
    from myst_nb import glue

    text = i18n.percent(value, decimals) if percent else i18n.number(value, decimals)
    glue(name, text, display=False)


def glue_text(name: str, text: str) -> None:
    """Store a short piece of Markdown for the prose (``{glue:md}`name```), e.g. a list of area names."""
    from IPython.display import Markdown
    from myst_nb import glue

    glue(name, Markdown(text), display=False)


def glue_stated_values(orders: pd.DataFrame, prefix: str = "") -> list[str]:
    """Glue every figure in ``orders`` as ``<prefix><area>_<measure>_<year>``; returns the names."""
    names = []
    for row in orders.sort_values(["area", "measure", "year"]).itertuples():
        name = f"{prefix}{slug(row.area)}_{row.measure}_{row.year}"
        glue_number(name, int(row.value))
        names.append(name)
    return names


def data_table(frame: pd.DataFrame, caption: str, *, collapsed: bool = True,
               labels: dict[str, str] | None = None) -> HTML:
    """An accessible HTML table with a caption, optionally folded away under a summary line.

    Used next to each chart, for readers who cannot see the chart. The HTML is built
    without random ids so stored outputs are reproducible.
    """
    shown = frame.rename(columns=labels or {})
    shown = shown.astype(object).where(shown.notna(), "not stated")
    table = shown.to_html(index=False, border=0, classes="dv-data-table", escape=True, na_rep="not stated")
    table = table.replace('<table border="0" class="dataframe dv-data-table">',
                          f'<table class="dataframe dv-data-table">\n  <caption>{html.escape(caption)}</caption>', 1)
    if not collapsed:
        return HTML(table)
    summary = f"<summary>Data table: {html.escape(caption)}</summary>"
    return HTML(f'<details class="dv-data">\n{summary}\n{table}\n</details>')


def key_figures(orders: pd.DataFrame) -> pd.DataFrame:
    """A region's figures as a key-figures table: one row per area and year, one column per measure."""
    table = analysis.wide(orders).drop(columns=["region_id"])
    table["area_level"] = table["area_level"].map(analysis.LEVEL_LABELS)
    return table.rename(columns={"area": "Area", "area_level": "Level", "year": "Year",
                                 **analysis.MEASURE_LABELS})


def initiatives_table(dataset: data.Dataset, region_id: str) -> pd.DataFrame:
    """A region's coded initiatives with their themes, in annex order."""
    themes = (dataset.initiative_themes.merge(dataset.themes[["theme_id", "label"]], on="theme_id")
              .groupby("initiative_id")["label"].agg(", ".join))
    table = dataset.initiatives[dataset.initiatives["region_id"] == region_id].copy()
    table["themes"] = table["initiative_id"].map(themes)
    years = [_years(start, end) for start, end in zip(table["year_start"], table["year_end"])]
    table["years"] = years
    return table[["initiative_id", "description", "name_nl", "years", "themes", "source_paragraph"]].rename(
        columns={"initiative_id": "Id", "description": "What the annex reports", "name_nl": "Dutch name",
                 "years": "Years", "themes": "Themes", "source_paragraph": "Paragraph"})


def _years(start: object, end: object) -> str | None:
    if pd.isna(start):
        return None
    return str(start) if pd.isna(end) or end == start else f"{start}-{end}"


def rare_themes(matrix: pd.DataFrame, region_id: str, max_others: int = 2) -> pd.DataFrame:
    """Themes a region reports that at most ``max_others`` other regions also report.

    ``matrix`` is ``analysis.theme_matrix(...)``. Returns one row per theme, in theme order, with
    ``theme_id``, ``label`` and ``others`` (the English names of the other regions that report it, sorted).
    """
    own = matrix.loc[matrix["region_id"] == region_id, ["theme_id", "label"]].drop_duplicates()
    rows = []
    for theme_id, label in own.itertuples(index=False):
        others = sorted(set(matrix.loc[(matrix["theme_id"] == theme_id) & (matrix["region_id"] != region_id),
                                       "name_en"]))
        if len(others) <= max_others:
            rows.append({"theme_id": theme_id, "label": label, "others": others})
    return pd.DataFrame(rows, columns=["theme_id", "label", "others"])


def rare_themes_text(matrix: pd.DataFrame, region_id: str, max_others: int = 2) -> str:
    """The rare themes as prose, to follow the region's name.

    For example: 'two themes that at most two other regions report: elder abuse (also
    Rotterdam); complex divorces (no other region)'.
    """
    table = rare_themes(matrix, region_id, max_others)
    if table.empty:
        return f"no theme that at most {_NUMBERS[max_others]} other regions report"
    parts = []
    for label, others in zip(table["label"], table["others"]):
        where = "also " + _and([_plain(other) for other in others]) if others else "no other region"
        parts.append(f"{_plain(label).lower()} ({where})")
    count = _NUMBERS.get(len(parts), str(len(parts)))
    noun = "theme" if len(parts) == 1 else "themes"
    verb = "reports" if max_others == 1 else "report"
    return f"{count} {noun} that at most {_NUMBERS[max_others]} other {'region' if max_others == 1 else 'regions'} " \
        f"{verb}: " + "; ".join(parts)


_NUMBERS = {0: "no", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}


def comparable_areas(orders: pd.DataFrame, region_id: str) -> pd.DataFrame:
    """For each level of area at which a region states orders imposed, the other regions' areas at that level.

    Figures are comparable only between areas of the same level. Returns ``area_level``, ``level_label``,
    ``areas`` (this region's areas at that level) and ``others`` (other regions' areas at it), both sorted lists.
    """
    imposed = orders[orders["measure"] == "orders_imposed"]
    rows = []
    for level in analysis.LEVELS:
        own = sorted(set(imposed.loc[(imposed["region_id"] == region_id) & (imposed["area_level"] == level), "area"]))
        if not own:
            continue
        others = sorted(set(imposed.loc[(imposed["region_id"] != region_id) & (imposed["area_level"] == level),
                                        "area"]))
        rows.append({"area_level": level, "level_label": analysis.LEVEL_LABELS[level], "areas": own,
                     "others": others})
    return pd.DataFrame(rows, columns=["area_level", "level_label", "areas", "others"])


def comparable_areas_text(orders: pd.DataFrame, region_id: str) -> str:
    """The comparison as prose, one clause per level: 'the province total for Zeeland can be set beside Friesland'."""
    clauses = []
    for row in comparable_areas(orders, region_id).itertuples():
        level = _LEVEL_ADJECTIVES[row.area_level]
        subject = f"the {level} figures for {_and(row.areas)}" if len(row.areas) > 1 else \
            f"the {level} figure for {row.areas[0]}"
        if row.others:
            clauses.append(f"{subject} can be set only beside {_and(row.others)}")
        else:
            verb = "have" if len(row.areas) > 1 else "has"
            clauses.append(f"{subject} {verb} no counterpart at the same level in any other region")
    return "; ".join(clauses)


_LEVEL_ADJECTIVES = {"municipality": "municipal", "municipality_group": "joint", "centrumgemeente_region": "regional",
                     "province": "provincial"}


def _plain(name: str) -> str:
    """A name without a trailing parenthesis: 'Shelter (vrouwenopvang)' -> 'Shelter'."""
    return re.sub(r"\s*\([^)]*\)$", "", name)


def _and(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
