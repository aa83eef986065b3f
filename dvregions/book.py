"""What every chapter notebook calls: set-up, glued numbers and accessible data tables.

A chapter starts with ``from dvregions import book; dataset = book.setup()`` and never
copies set-up code from another chapter.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import pandas as pd
from IPython.display import HTML

from dvregions import analysis, data
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


def glue_number(name: str, value: float | int) -> None:
    """Store a number for the prose (``{glue:text}`name```), without showing it here."""
    from myst_nb import glue

    glue(name, value, display=False)


def glue_text(name: str, text: str) -> None:
    """Store a short piece of Markdown for the prose (``{glue:md}`name```), e.g. a list of area names."""
    from IPython.display import Markdown
    from myst_nb import glue

    glue(name, Markdown(text), display=False)


def glue_figures(orders: pd.DataFrame, prefix: str = "") -> list[str]:
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
    return HTML(f'<details class="dv-data">\n<summary>Data table: {html.escape(caption)}</summary>\n{table}\n</details>')


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
