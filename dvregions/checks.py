"""Checks on the logic of the figures, run after the schema has passed.

Each check takes the typed tables and returns :class:`~dvregions.data.Problem` objects
that point at the offending row (data rows counted from 1, header excluded).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from dvregions.data import Problem

ORDERS_FILE = "restraining_orders.csv"
AREAS_FILE = "areas.csv"

LEVEL_RANK = {"municipality": 0, "municipality_group": 1, "centrumgemeente_region": 2, "province": 3}
"""Smaller ranks nest inside larger ones; a municipality can lie in a group or a region."""

# (smaller measure, larger measure): the smaller can never exceed the larger for one area and year.
MEASURE_ORDER = (("violations", "orders_imposed"), ("orders_imposed", "procedures_started"))

Tables = dict[str, pd.DataFrame]


def check_logic(tables: Tables) -> list[Problem]:
    """Run every check the loaded tables allow: structure first, figures only on a sound structure."""
    for stage in (STRUCTURE_CHECKS, FIGURE_CHECKS):
        problems = [p for needed, check in stage if needed <= tables.keys() for p in check(tables)]
        if problems:
            return problems
    return []


def _row(index: int) -> int:
    return int(index) + 1


def check_area_consistency(tables: Tables) -> list[Problem]:
    """An order row's level and region must be those of its area in areas.csv."""
    orders = tables["restraining_orders"].reset_index()
    areas = tables["areas"][["area", "area_level", "region_id"]]
    merged = orders.merge(areas, on="area", how="inner", suffixes=("", "_of_area"))
    problems = []
    for column in ("area_level", "region_id"):
        bad = merged[merged[column] != merged[f"{column}_of_area"]]
        problems += [Problem(ORDERS_FILE, f"{getattr(r, column)!r} does not match {getattr(r, column + '_of_area')!r}, "
                             f"the {column} of {r.area!r} in {AREAS_FILE}", _row(r.index), column)
                     for r in bad.itertuples(index=False)]
    return sorted(problems, key=lambda p: p.row or 0)


def check_area_nesting(tables: Tables) -> list[Problem]:
    """``part_of`` must point at a larger area of the same region, without cycles."""
    areas = tables["areas"].set_index("area")
    problems = []
    for position, (name, area) in enumerate(areas.iterrows()):
        parent = area["part_of"]
        if pd.isna(parent) or parent not in areas.index:
            continue
        if LEVEL_RANK[areas.loc[parent, "area_level"]] <= LEVEL_RANK[area["area_level"]]:
            problems.append(Problem(AREAS_FILE, f"{name!r} ({area['area_level']}) cannot lie in {parent!r} "
                                    f"({areas.loc[parent, 'area_level']}), which is not a larger area",
                                    _row(position), "part_of"))
        elif areas.loc[parent, "region_id"] != area["region_id"]:
            problems.append(Problem(AREAS_FILE, f"{name!r} lies in {parent!r}, which belongs to another region",
                                    _row(position), "part_of"))
    return problems


def check_measure_order(tables: Tables) -> list[Problem]:
    """Violations <= orders imposed <= procedures started, for the same area and year."""
    orders = tables["restraining_orders"]
    wide = orders.reset_index().pivot_table(index=["area", "year"], columns="measure", values=["value", "index"],
                                            aggfunc="first")
    problems = []
    for smaller, larger in MEASURE_ORDER:
        if ("value", smaller) not in wide.columns or ("value", larger) not in wide.columns:
            continue
        both = wide[[("value", smaller), ("value", larger), ("index", smaller)]].dropna()
        for (area, year), row in both[both[("value", smaller)] > both[("value", larger)]].iterrows():
            problems.append(Problem(
                ORDERS_FILE,
                f"{smaller} ({int(row[('value', smaller)])}) exceeds {larger} ({int(row[('value', larger)])}) "
                f"for {area!r} in {year}", _row(row[("index", smaller)]), "value"))
    return problems


def check_parts_within_whole(tables: Tables) -> list[Problem]:
    """A figure for an area is at most the figure for every larger area it lies in (same year and measure)."""
    orders, areas = tables["restraining_orders"].reset_index(), tables["areas"]
    parent = dict(zip(areas["area"], areas["part_of"]))
    pairs = pd.DataFrame([(area, ancestor) for area in parent for ancestor in _ancestors(area, parent)],
                         columns=["area", "whole"])
    wholes = orders[["area", "year", "measure", "value"]].rename(columns={"area": "whole", "value": "whole_value"})
    merged = orders.merge(pairs, on="area").merge(wholes, on=["whole", "year", "measure"])
    bad = merged[merged["value"] > merged["whole_value"]].sort_values("index")
    return [Problem(ORDERS_FILE, f"{r.measure} for {r.area!r} ({r.value}) exceeds the figure for {r.whole!r}, "
                    f"which contains it ({r.whole_value}), in {r.year}", _row(r.index), "value")
            for r in bad.itertuples(index=False)]


def _ancestors(area: str, parent: dict[str, object]) -> list[str]:
    chain, seen = [], {area}
    current = parent.get(area)
    while isinstance(current, str) and current not in seen:
        chain.append(current)
        seen.add(current)
        current = parent.get(current)
    return chain


def check_year_ranges(tables: Tables) -> list[Problem]:
    """An initiative cannot end before it starts."""
    initiatives = tables["initiatives"]
    bad = initiatives[initiatives["year_end"] < initiatives["year_start"]]
    return [Problem("initiatives.csv", f"year_end {r.year_end} is before year_start {r.year_start}",
                    _row(i), "year_end") for i, r in zip(bad.index, bad.itertuples())]


Stage = tuple[tuple[set[str], Callable[[Tables], list[Problem]]], ...]

STRUCTURE_CHECKS: Stage = (
    ({"restraining_orders", "areas"}, check_area_consistency),
    ({"areas"}, check_area_nesting),
    ({"initiatives"}, check_year_ranges),
)
FIGURE_CHECKS: Stage = (
    ({"restraining_orders"}, check_measure_order),
    ({"restraining_orders", "areas"}, check_parts_within_whole),
)
