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
from dvregions.i18n import _


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

    Formatted here, not in the prose, so the Dutch edition says ``0,06``, ``12%`` and ``negen`` from one source.
    """
    from myst_nb import glue

    if percent:
        text = i18n.percent(value, decimals)
    elif decimals == 0 and float(value).is_integer():
        text = i18n.count(int(value))  # a count in running prose: in words up to twenty in Dutch
    else:
        text = i18n.number(value, decimals)
    glue(name, text, display=False)


def glue_year(name: str, year: int) -> None:
    """Store a year for the prose: written without a thousands separator in every language."""
    from myst_nb import glue

    glue(name, str(int(year)), display=False)


def glue_text(name: str, text: str) -> None:
    """Store a short piece of Markdown for the prose (``{glue:md}`name```), e.g. a list of area names."""
    from IPython.display import Markdown
    from myst_nb import glue

    glue(name, Markdown(text), display=False)


def change_values(change: pd.Series) -> dict[str, str]:
    """The figures of one row of :func:`dvregions.analysis.year_changes`, for ``template.format(**values)``.

    ``earlier``, ``later``, ``earlier_year``, ``later_year``, ``p`` and ``p_holm``, in the current language.
    """
    return {**{key: i18n.number(int(change[key])) for key in ("earlier", "later")},
            **{key: str(int(change[key])) for key in ("earlier_year", "later_year")},
            "p": i18n.p_value(float(change["p_value"])), "p_holm": i18n.p_value(float(change["p_holm"]))}


def change_labels(counts: str) -> dict[str, str]:
    """Headers of a table of :func:`dvregions.analysis.year_changes`; ``counts`` names the counts (``_("Orders")``)."""
    return {"area": _("Area"), "level_label": _("Level"), "earlier_year": _("Earlier year"),
            "earlier": _("{counts}, earlier year").format(counts=counts), "later_year": _("Later year"),
            "later": _("{counts}, later year").format(counts=counts), "change": _("Change"), "ratio": _("Ratio"),
            "ratio_low": _("Interval from (unadjusted)"), "ratio_high": _("Interval to (unadjusted)"),
            "p_value": _("p-value (unadjusted)"), "p_holm": _("p-value (Holm-adjusted)"),
            "beyond_chance": _("Beyond chance after adjustment"), "non_overlapping": _("Counted in the set of areas")}


def coverage_description(coverage: pd.DataFrame) -> str:
    """The text alternative of the coverage matrix: its size, and which regions state each measure in every year.

    ``coverage`` is :func:`dvregions.analysis.coverage`; every name and count comes from it.
    """
    years = sorted(int(year) for year in coverage["year"].unique())
    regions = list(dict.fromkeys(coverage["name_en"]))
    labels = analysis.measure_labels()
    parts = [_("Matrix of {regions} regions by {columns} columns: {measures}, each for {years}.").format(
        regions=i18n.number(len(regions)), columns=i18n.number(len(years) * len(analysis.MEASURES)),
        measures=i18n.join([labels[m].lower() for m in analysis.MEASURES]),
        years=i18n.join([str(y) for y in years]))]
    for measure in analysis.MEASURES:
        stated = coverage[(coverage["measure"] == measure) & (coverage["figures"] > 0)]
        every_year = [r for r in regions if stated.loc[stated["name_en"] == r, "year"].nunique() == len(years)]
        some = [r for r in regions if r in set(stated["name_en"]) and r not in every_year]
        parts.append(_("{measure} in every year: {regions}.").format(
            measure=labels[measure], regions=i18n.join(every_year) or _("none")))
        if some:
            parts.append(_("{measure} in some years only: {regions}.").format(measure=labels[measure],
                                                                              regions=i18n.join(some)))
    return " ".join(parts)


def data_table(frame: pd.DataFrame, caption: str, *, collapsed: bool = True,
               labels: dict[str, str] | None = None) -> HTML:
    """An accessible HTML table with a caption, for readers who cannot see the chart beside it.

    ``collapsed`` folds it under a summary line, ``labels`` name the columns; no random ids (reproducible outputs).
    """
    missing = _("not stated")
    shown = _readable_cells(frame.rename(columns=labels or {}))
    shown = shown.astype(object).where(shown.notna(), missing)
    table = shown.to_html(index=False, border=0, classes="dv-data-table", escape=True, na_rep=missing)
    table = table.replace('<table border="0" class="dataframe dv-data-table">',
                          f'<table class="dataframe dv-data-table">\n  <caption>{html.escape(caption)}</caption>', 1)
    if not collapsed:
        return HTML(table)
    summary = "<summary>" + _("Data table: {caption}").format(caption=html.escape(caption)) + "</summary>"
    return HTML(f'<details class="dv-data">\n{summary}\n{table}\n</details>')


def _readable_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Yes/no and decimal cells as this language writes them (pandas writes them in English; English stays).

    Its ``decimal`` option does not reach cells of mixed columns, so outside English the cells become text here.
    """
    if i18n.language() == i18n.SOURCE_LANGUAGE:
        return frame
    shown = frame.copy()
    for column in shown.columns:
        values = shown[column]
        if pd.api.types.is_bool_dtype(values):
            shown[column] = values.map({True: _("True"), False: _("False")}).astype(object)
        elif pd.api.types.is_float_dtype(values):  # as pandas writes the float, with a decimal comma
            shown[column] = values.astype(object).map(lambda v: str(v).replace(".", ",").replace("-", i18n.MINUS)
                                                      if isinstance(v, float) and not pd.isna(v) else v)
        elif pd.api.types.is_integer_dtype(values) and (values < 0).any():
            shown[column] = values.map(lambda v: i18n.number(int(v)) if pd.notna(v) else v).astype(object)
    return shown


def key_figures(orders: pd.DataFrame) -> pd.DataFrame:
    """A region's figures as a table: one row per area and year, one column per measure, in the current language."""
    table = analysis.wide(orders).drop(columns=["region_id"])
    table["area_level"] = table["area_level"].map(analysis.level_labels())
    return table.rename(columns={"area": _("Area"), "area_level": _("Level"), "year": _("Year"),
                                 **analysis.measure_labels()})


def rates_table(rates: pd.DataFrame) -> pd.DataFrame:
    """Orders per 10,000 inhabitants as a table to read, each row naming the population its rate rests on."""
    table = rates.assign(reference_date=rates["reference_date"].map(i18n.day),
                         derived=rates["derived"].map({True: _("sum of its municipalities"), False: _("as published")}))
    headers = {
        "area": _("Area"), "level_label": _("Level"), "year": _("Year"), "orders_imposed": _("Orders imposed"),
        "population": _("Population"), "reference_date": _("Counted on"), "derived": _("Population figure"),
        "rate": _("Per 10,000 inhabitants"), "rate_low": _("Interval from"), "rate_high": _("Interval to"),
        "note": _("Reading of the area")}
    return table[list(headers)].round({"rate": 2, "rate_low": 2, "rate_high": 2}).rename(columns=headers)


def initiatives_table(dataset: data.Dataset, region_id: str) -> pd.DataFrame:
    """A region's coded initiatives with their themes, in annex order, headed in the current language."""
    themes = (dataset.initiative_themes.merge(dataset.themes[["theme_id", "label"]], on="theme_id")
              .groupby("initiative_id")["label"].agg(", ".join))
    table = dataset.initiatives[dataset.initiatives["region_id"] == region_id].copy()
    table["themes"] = table["initiative_id"].map(themes)
    table["years"] = [None if pd.isna(start) else str(start) if pd.isna(end) or end == start else f"{start}-{end}"
                      for start, end in zip(table["year_start"], table["year_end"])]
    headers = {"initiative_id": _("Id"), "description": _("What the annex reports"), "name_nl": _("Dutch name"),
               "years": _("Years"), "themes": _("Themes"), "source_paragraph": _("Paragraph")}
    return table[list(headers)].rename(columns=headers)


def rare_themes(matrix: pd.DataFrame, region_id: str, max_others: int = 2) -> pd.DataFrame:
    """Themes a region reports that at most ``max_others`` other regions also report.

    ``matrix`` is ``analysis.theme_matrix(...)``. One row per theme, in theme order: ``theme_id``, ``label``
    and ``others`` (the sorted English names of the other regions that report it).
    """
    others = matrix[matrix["region_id"] != region_id].groupby("theme_id")["name_en"].agg(lambda s: sorted(set(s)))
    own = matrix.loc[matrix["region_id"] == region_id, ["theme_id", "label"]].drop_duplicates()
    own = own.assign(others=[others.get(theme_id, []) for theme_id in own["theme_id"]])
    return own[own["others"].map(len) <= max_others].reset_index(drop=True)


def rare_themes_text(matrix: pd.DataFrame, region_id: str, max_others: int = 2) -> str:
    """The rare themes as prose to follow the region's name: 'two themes that at most two other regions report: ...'.

    Each count of themes and of regions has its own whole sentence, as languages agree verbs with different words.
    """
    table = rare_themes(matrix, region_id, max_others)
    parts = [_("{theme} (also {regions})").format(theme=_plain(label).lower(), regions=i18n.join(
        [_plain(other) for other in others])) if others else _("{theme} (no other region)").format(
        theme=_plain(label).lower()) for label, others in zip(table["label"], table["others"])]
    sentences = {  # keyed by (number of themes, up to 2; one other region)
        (0, True): _("no theme that at most {limit} other region reports"),
        (0, False): _("no theme that at most {limit} other regions report"),
        (1, True): _("{count} theme that at most {limit} other region reports: {themes}"),
        (1, False): _("{count} theme that at most {limit} other regions report: {themes}"),
        (2, True): _("{count} themes that at most {limit} other region reports: {themes}"),
        (2, False): _("{count} themes that at most {limit} other regions report: {themes}"),
    }
    return sentences[min(len(parts), 2), max_others == 1].format(
        count=i18n.number_word(len(parts)), limit=i18n.number_word(max_others), themes="; ".join(parts))


def comparable_areas(orders: pd.DataFrame, region_id: str) -> pd.DataFrame:
    """For each level of area at which a region states orders imposed, the other regions' areas at that level.

    Figures are comparable only between areas of the same level. Returns ``area_level``, ``level_label``,
    ``areas`` (this region's areas at that level) and ``others`` (other regions' areas at it), both sorted lists.
    """
    imposed = orders[orders["measure"] == "orders_imposed"]
    rows = []
    for level in analysis.LEVELS:
        at_level = imposed[imposed["area_level"] == level]
        own = at_level["region_id"] == region_id
        if own.any():
            rows.append({"area_level": level, "level_label": analysis.level_labels()[level],
                         "areas": sorted(set(at_level.loc[own, "area"])),
                         "others": sorted(set(at_level.loc[~own, "area"]))})
    return pd.DataFrame(rows, columns=["area_level", "level_label", "areas", "others"])


def comparable_areas_text(orders: pd.DataFrame, region_id: str) -> str:
    """The comparison as prose, one clause per level: 'the provincial figure for Zeeland can be set only beside ...'."""
    clauses = {  # a whole sentence per case, keyed by (a counterpart, several areas)
        (True, True): _("the {level} figures for {areas} can be set only beside {others}"),
        (True, False): _("the {level} figure for {areas} can be set only beside {others}"),
        (False, True): _("the {level} figures for {areas} have no counterpart at the same level in any other region"),
        (False, False): _("the {level} figure for {areas} has no counterpart at the same level in any other region"),
    }
    adjectives = {"municipality": _("municipal"), "municipality_group": _("joint"),
                  "centrumgemeente_region": _("regional"), "province": _("provincial")}
    return "; ".join(clauses[bool(row.others), len(row.areas) > 1].format(
        level=adjectives[row.area_level], areas=i18n.join(row.areas), others=i18n.join(row.others))
        for row in comparable_areas(orders, region_id).itertuples())


def _plain(name: str) -> str:
    """A name without a trailing parenthesis: 'Shelter (vrouwenopvang)' -> 'Shelter'."""
    return re.sub(r"\s*\([^)]*\)$", "", name)
