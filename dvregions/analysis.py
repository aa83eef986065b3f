"""Tidy derived tables the chapters show and chart: labels, shares, changes, coverage.

Every function takes the loaded tables and returns a new DataFrame; nothing here reads files.
"""

from __future__ import annotations

import pandas as pd

from dvregions.stats import poisson_ratio_interval, wilson_interval

MEASURE_LABELS = {
    "procedures_started": "Procedures started",
    "orders_imposed": "Orders imposed",
    "violations": "Violations",
}
LEVEL_LABELS = {
    "municipality": "Municipality",
    "municipality_group": "Group of municipalities",
    "centrumgemeente_region": "Centrumgemeente region",
    "province": "Province",
}
MEASURES = list(MEASURE_LABELS)
LEVELS = list(LEVEL_LABELS)


def figure(orders: pd.DataFrame, area: str, year: int, measure: str) -> int:
    """One figure as the annex states it; a clear KeyError when the annex does not state it."""
    match = orders[(orders["area"] == area) & (orders["year"] == year) & (orders["measure"] == measure)]
    if match.empty:
        raise KeyError(f"the data has no {measure} figure for {area!r} in {year}")
    return int(match["value"].iloc[0])


def labelled(orders: pd.DataFrame) -> pd.DataFrame:
    """Orders with readable measure and level labels added."""
    return orders.assign(
        measure_label=orders["measure"].map(MEASURE_LABELS),
        level_label=orders["area_level"].map(LEVEL_LABELS),
    )


def wide(orders: pd.DataFrame) -> pd.DataFrame:
    """One row per area and year, one column per measure (missing where the annex is silent)."""
    table = orders.pivot_table(index=["region_id", "area", "area_level", "year"], columns="measure",
                               values="value", aggfunc="first", observed=True)
    table = table.reindex(columns=[m for m in MEASURES if m in table.columns])
    table.columns.name = None
    return table.reset_index().astype({m: "Int64" for m in MEASURES if m in table.columns})


def violation_shares(orders: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Share of orders violated, with Wilson intervals, where both figures are stated."""
    table = wide(orders)
    if "violations" not in table or "orders_imposed" not in table:
        return pd.DataFrame()
    table = table.dropna(subset=["violations", "orders_imposed"])
    table = table[table["orders_imposed"] > 0].copy()
    bounds = [wilson_interval(int(v), int(n), confidence)
              for v, n in zip(table["violations"], table["orders_imposed"])]
    table["share"] = table["violations"] / table["orders_imposed"]
    table["share_low"] = [low for low, _ in bounds]
    table["share_high"] = [high for _, high in bounds]
    table["level_label"] = table["area_level"].map(LEVEL_LABELS)
    return table.reset_index(drop=True)


def year_changes(orders: pd.DataFrame, measure: str = "orders_imposed", earlier: int | None = None,
                 later: int | None = None, confidence: float = 0.95) -> pd.DataFrame:
    """Change in a measure between two years per area, with an exact interval for the ratio.

    The default years are the two latest in the data. ``could_be_chance`` is True when the
    interval for the ratio contains 1.
    """
    subset = orders[orders["measure"] == measure]
    years = sorted(subset["year"].unique())
    later = later if later is not None else int(years[-1])
    earlier = earlier if earlier is not None else int(years[-2])
    table = subset.pivot_table(index=["region_id", "area", "area_level"], columns="year", values="value",
                               aggfunc="first", observed=True)
    table = table[[earlier, later]].dropna().reset_index()
    table.columns = ["region_id", "area", "area_level", "earlier", "later"]
    table = table[(table["earlier"] + table["later"]) > 0].copy()
    table["earlier_year"], table["later_year"] = earlier, later
    table["change"] = table["later"] - table["earlier"]
    table["ratio"] = [lat / ear if ear else float("inf") for ear, lat in zip(table["earlier"], table["later"])]
    bounds = [poisson_ratio_interval(int(lat), int(ear), confidence)
              for ear, lat in zip(table["earlier"], table["later"])]
    table["ratio_low"] = [low for low, _ in bounds]
    table["ratio_high"] = [high for _, high in bounds]
    table["could_be_chance"] = (table["ratio_low"] <= 1) & (table["ratio_high"] >= 1)
    table["level_label"] = table["area_level"].map(LEVEL_LABELS)
    return table.astype({"earlier": "int64", "later": "int64", "change": "int64"}).reset_index(drop=True)


def coverage(orders: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """For each region, measure and year: which areas and levels the annex reports, or none."""
    years = sorted(int(y) for y in orders["year"].unique())
    grid = pd.MultiIndex.from_product([regions["region_id"], MEASURES, years],
                                      names=["region_id", "measure", "year"]).to_frame(index=False)
    reported = (orders.groupby(["region_id", "measure", "year"], observed=True)
                .agg(areas=("area", lambda s: "; ".join(sorted(s))),
                     levels=("area_level", lambda s: sorted(set(s))),
                     figures=("value", "size"))
                .reset_index())
    table = grid.merge(reported, on=["region_id", "measure", "year"], how="left")
    table["figures"] = table["figures"].fillna(0).astype("int64")
    table["level_label"] = [
        "Not stated" if not isinstance(levels, list)
        else LEVEL_LABELS[levels[0]] if len(levels) == 1 else "Several levels"
        for levels in table["levels"]
    ]
    table["areas"] = table["areas"].fillna("none")
    table = table.drop(columns="levels").merge(regions[["region_id", "name_en"]], on="region_id")
    table["measure_label"] = table["measure"].map(MEASURE_LABELS)
    return table


def theme_matrix(initiatives: pd.DataFrame, initiative_themes: pd.DataFrame, themes: pd.DataFrame,
                 regions: pd.DataFrame) -> pd.DataFrame:
    """Number of initiatives per region and theme, with their one-line descriptions and paragraphs."""
    coded = (initiative_themes.merge(initiatives, on="initiative_id")
             .merge(themes[["theme_id", "label"]], on="theme_id")
             .merge(regions[["region_id", "name_en"]], on="region_id"))
    coded = coded.sort_values(["region_id", "theme_id", "initiative_id"])
    return (coded.groupby(["region_id", "name_en", "theme_id", "label"], observed=True)
            .agg(initiatives=("initiative_id", "size"),
                 descriptions=("description", lambda s: " | ".join(s)),
                 paragraphs=("source_paragraph", lambda s: ", ".join(str(p) for p in sorted(set(s)))))
            .reset_index())


def more_or_fewer(earlier: int, later: int) -> str:
    """'more', 'fewer' or 'as many', for titles that state the direction of a change."""
    return "more" if later > earlier else "fewer" if later < earlier else "as many"


def describe(orders: pd.DataFrame) -> str:
    """Plain-text list of every figure, for a chart's text alternative.

    'Orders imposed: 71 in 2016 and 45 in 2017. Violations: 4 in 2016 and 3 in 2017.'
    Areas are named when there are several.
    """
    parts = []
    several = orders["area"].nunique() > 1
    for area, by_area in orders.groupby("area", sort=False):
        for measure in MEASURES:
            rows = by_area[by_area["measure"] == measure].sort_values("year")
            if rows.empty:
                continue
            values = " and ".join(f"{int(v)} in {int(y)}" for y, v in zip(rows["year"], rows["value"]))
            label = MEASURE_LABELS[measure]
            parts.append(f"{area}, {label.lower()}: {values}." if several else f"{label}: {values}.")
    return " ".join(parts)
