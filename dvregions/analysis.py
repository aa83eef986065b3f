"""Tidy derived tables the chapters show and chart: labels, rates, changes, coverage.

Every function takes the loaded tables and returns a new DataFrame; nothing here reads files.

Three rules hold throughout:

- Counts of areas use :func:`non_overlapping_areas`, so no order is counted twice when a
  municipality and the region that contains it are both reported.
- Year-on-year changes are tested as one family per measure, adjusted with Holm's method
  (:func:`year_changes`); a direction ("more", "fewer") is named only where the adjusted test
  says the change is beyond chance (:func:`change_direction`, :func:`change_phrase`).
- Violations are a count of events, not of violated orders, so violations per order is a rate
  with an exact Poisson interval (:func:`violation_rates`), never a share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from dvregions import i18n
from dvregions.i18n import _
from dvregions.stats import (
    between_unit_variance,
    chi_square_p_value,
    holm,
    normal_quantile,
    poisson_deviance,
    poisson_quantile_limit,
    poisson_rate_interval,
    poisson_ratio_interval,
    poisson_ratio_p_value,
    wilson_interval,
)
from dvregions.validation import LEVELS

MEASURES = ["procedures_started", "orders_imposed", "violations"]
"""The measures of ``restraining_orders.csv``, in the order of the path from procedure to violation."""

VERDICTS = ("fewer", "more", "same", "within_chance")
"""What :func:`change_verdict` can say of a change between two years."""


def measure_labels() -> dict[str, str]:
    """Each measure's label in the current language, in the order of :data:`MEASURES`.

    A function, not a constant, so the language is read when a chapter runs, not at import.
    """
    return {
        "procedures_started": _("Procedures started"),
        "orders_imposed": _("Orders imposed"),
        "violations": _("Violations"),
    }


def level_labels() -> dict[str, str]:
    """Each level of area's label in the current language, in the order of :data:`LEVELS`."""
    return {
        "municipality": _("Municipality"),
        "municipality_group": _("Group of municipalities"),
        "centrumgemeente_region": _("Centrumgemeente region"),
        "province": _("Province"),
    }


def coverage_level_labels() -> dict[str, str]:
    """The labels :func:`coverage` gives a cell: a level, several levels, or not stated (keyed by code)."""
    return {**level_labels(), "several": _("Several levels"), "not_stated": not_stated()}


def code_words() -> dict[str, str]:
    """The data's codes for measures, levels and how a centrumgemeente is known, as a table of the data shows them.

    An English table shows each code as the files hold it (``orders_imposed``); since the codes are
    English words, other languages show them in their own words.
    """
    return {
        "procedures_started": _("procedures_started"),
        "orders_imposed": _("orders_imposed"),
        "violations": _("violations"),
        "municipality": _("municipality"),
        "municipality_group": _("municipality_group"),
        "centrumgemeente_region": _("centrumgemeente_region"),
        "province": _("province"),
        "stated": _("stated"),
        "implied": _("implied"),
    }


def not_stated() -> str:
    """What a violations figure whose source says nothing of what it counts is labelled with."""
    return _("Not stated")


def non_overlapping_areas(orders: pd.DataFrame, areas: pd.DataFrame | None = None) -> list[str]:
    """The widest area reported in each region: a set of areas no two of which overlap.

    An area is left out when an area that contains it (following ``part_of`` in ``areas``, the
    ``areas`` table of the data package, as far up as it goes) is also reported for the same region.
    Without ``areas``, the widest level reported in each region stands in for nesting. A region
    with two separate wide areas keeps both: Hollands Midden gives "regio Leiden" and
    "regio Gouda", which do not overlap, while Leiden and Gouda lie inside them and are left out.
    Counts of areas in prose and chart titles use this set; the charts may still show every area.

    Returns the areas in the order they first appear in ``orders``.
    """
    reported = orders[["region_id", "area", "area_level"]].drop_duplicates("area")
    if areas is not None:
        parent = _parents(areas)
        by_region = reported.groupby("region_id", sort=False, observed=True)["area"].agg(set).to_dict()
        return [area for region_id, area in zip(reported["region_id"], reported["area"])
                if not by_region[region_id] & set(_ancestors(area, parent))]
    width = reported["area_level"].map(LEVELS.index)  # the widest area when no nesting is given
    widest = width.groupby(reported["region_id"]).transform("max")
    return reported.loc[width == widest, "area"].tolist()


def labelled(orders: pd.DataFrame) -> pd.DataFrame:
    """Orders with readable measure and level labels added, in the current language."""
    return orders.assign(
        measure_label=orders["measure"].map(measure_labels()),
        level_label=orders["area_level"].map(level_labels()),
    )


def wide(orders: pd.DataFrame) -> pd.DataFrame:
    """One row per area and year, one column per measure (missing where the annex is silent)."""
    table = orders.pivot_table(index=["region_id", "area", "area_level", "year"], columns="measure",
                               values="value", aggfunc="first", observed=True)
    table = table.reindex(columns=[m for m in MEASURES if m in table.columns])
    table.columns.name = None
    return table.reset_index().astype({m: "Int64" for m in MEASURES if m in table.columns})


def _violations_and_orders(orders: pd.DataFrame) -> pd.DataFrame:
    table = wide(orders)
    if "violations" not in table or "orders_imposed" not in table:
        return pd.DataFrame()
    table = table.dropna(subset=["violations", "orders_imposed"])
    return table[table["orders_imposed"] > 0].copy()


def violation_rates(orders: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Violations per order imposed, with exact (Garwood) Poisson intervals, per area and year.

    One order can be violated more than once, and the areas word their figures differently, so
    violations divided by orders is a rate (events per order), not the share of orders violated:
    the count is treated as Poisson with the orders imposed as exposure. Columns: ``region_id``,
    ``area``, ``area_level``, ``year``, ``violations``, ``orders_imposed``, ``rate``, ``rate_low``,
    ``rate_high``, ``counted`` (what the source says of the violations figure: its note, or
    :func:`not_stated`) and ``level_label``.
    Only area-years that state both figures, with at least one order, appear.
    """
    table = _violations_and_orders(orders)
    if table.empty:
        return table
    bounds = [poisson_rate_interval(int(v), int(n), confidence)
              for v, n in zip(table["violations"], table["orders_imposed"])]
    table = table[["region_id", "area", "area_level", "year", "violations", "orders_imposed"]]
    table["rate"] = table["violations"].astype(float) / table["orders_imposed"].astype(float)
    table["rate_low"] = [low for low, _high in bounds]
    table["rate_high"] = [high for _low, high in bounds]
    notes = orders[orders["measure"] == "violations"].set_index(["area", "year"])["note"]
    table["counted"] = [notes.get((a, y), pd.NA) for a, y in zip(table["area"], table["year"])]
    table["counted"] = table["counted"].fillna(not_stated())
    table["level_label"] = table["area_level"].map(level_labels())
    return table.astype({"violations": "int64", "orders_imposed": "int64"}).reset_index(drop=True)


def procedure_path(orders: pd.DataFrame, area: str) -> pd.DataFrame:
    """Per year, one area's path from procedures started to orders imposed to violations.

    ``share_ordered`` is the share of procedures that ended in an order, with a Wilson interval
    (``share_low``, ``share_high``): each order comes from one procedure, so it is a true share.
    ``rate`` is violations per order imposed with its exact Poisson interval (``rate_low``,
    ``rate_high``): one order can be violated more than once, so it is not a share. Only years that
    state procedures and orders appear.
    """
    table = wide(orders[orders["area"] == area]).dropna(subset=["procedures_started", "orders_imposed"])
    table["share_ordered"] = table["orders_imposed"].astype(float) / table["procedures_started"].astype(float)
    bounds = [wilson_interval(int(k), int(n)) for k, n in zip(table["orders_imposed"], table["procedures_started"])]
    table["share_low"] = [low for low, _high in bounds]
    table["share_high"] = [high for _low, high in bounds]
    rates = violation_rates(orders)
    rates = rates.loc[rates["area"] == area, ["year", "rate", "rate_low", "rate_high"]] if len(rates) else \
        pd.DataFrame(columns=["year", "rate", "rate_low", "rate_high"])
    return table.merge(rates, on="year", how="left").sort_values("year", ignore_index=True)


def year_changes(orders: pd.DataFrame, measure: str = "orders_imposed", earlier: int | None = None,
                 later: int | None = None, confidence: float = 0.95,
                 areas: pd.DataFrame | None = None) -> pd.DataFrame:
    """Change in a measure between two years per area, tested as one family.

    By default each area compares the last two years it reports the measure for (so an area that
    has added a year is tested on its newest pair, and one that has not keeps its own); pass
    ``earlier`` and ``later`` to compare two given years for every area that has both. Every area with
    two years (and at least one event in them) is tested, and all these tests form the family: they
    are the tests the book reports, and Holm's method holds whatever their dependence, so a
    municipality and the region containing it may both be in it.

    Columns: ``earlier`` and ``later`` counts with their ``earlier_year`` and ``later_year``, ``change``,
    ``ratio`` with its unadjusted exact interval ``ratio_low``/``ratio_high``, ``p_value`` (exact
    conditional binomial test, two-sided, as ``scipy.stats.binomtest``), ``p_holm`` (Holm-adjusted within
    this family), ``beyond_chance`` (``p_holm`` below ``1 - confidence``), ``could_be_chance`` (its
    opposite: the adjusted verdict), and ``non_overlapping`` (the area is in :func:`non_overlapping_areas`;
    ``areas`` passes nesting on).
    """
    subset = orders[orders["measure"] == measure].sort_values("year")
    rows = []
    for (region_id, area, level), by_area in subset.groupby(["region_id", "area", "area_level"], sort=False,
                                                            observed=True):
        values = dict(zip(by_area["year"].astype(int), by_area["value"].astype(int)))
        pair = (earlier, later) if earlier is not None and later is not None else tuple(sorted(values)[-2:])
        if len(pair) < 2 or not set(pair) <= values.keys() or values[pair[0]] + values[pair[1]] == 0:
            continue
        rows.append({"region_id": region_id, "area": area, "area_level": level, "earlier": values[pair[0]],
                     "later": values[pair[1]], "earlier_year": pair[0], "later_year": pair[1]})
    table = pd.DataFrame(rows, columns=["region_id", "area", "area_level", "earlier", "later", "earlier_year",
                                        "later_year"])
    table = table.sort_values(["region_id", "area", "area_level"], ignore_index=True)
    table["change"] = table["later"] - table["earlier"]
    table["ratio"] = [lat / ear if ear else float("inf") for ear, lat in zip(table["earlier"], table["later"])]
    bounds = [poisson_ratio_interval(int(lat), int(ear), confidence)
              for ear, lat in zip(table["earlier"], table["later"])]
    table["ratio_low"] = [low for low, _high in bounds]
    table["ratio_high"] = [high for _low, high in bounds]
    table["p_value"] = [poisson_ratio_p_value(int(lat), int(ear))
                        for ear, lat in zip(table["earlier"], table["later"])]
    table["p_holm"] = holm(table["p_value"].tolist())
    table["beyond_chance"] = table["p_holm"] < 1 - confidence
    table["could_be_chance"] = ~table["beyond_chance"]
    table["non_overlapping"] = table["area"].isin(non_overlapping_areas(orders, areas))
    table["level_label"] = table["area_level"].map(level_labels())
    return table.astype({"earlier": "int64", "later": "int64", "change": "int64", "earlier_year": "int64",
                         "later_year": "int64"}).reset_index(drop=True)


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
    labels = coverage_level_labels()
    table["level_label"] = [
        labels["not_stated"] if not isinstance(levels, list)
        else labels[levels[0]] if len(levels) == 1 else labels["several"]
        for levels in table["levels"]
    ]
    table["areas"] = table["areas"].fillna(_("none"))
    table = table.drop(columns="levels").merge(regions[["region_id", "name_en"]], on="region_id")
    table["measure_label"] = table["measure"].map(measure_labels())
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


def _change_row(orders: pd.DataFrame, area: str, measure: str) -> pd.Series:
    changes = year_changes(orders, measure)
    match = changes[changes["area"] == area]
    if match.empty:
        raise KeyError(f"the data has no {measure} figures for {area!r} in both years to compare")
    return match.iloc[0]


def change_verdict(orders: pd.DataFrame, area: str, measure: str) -> str:
    """What the Holm-adjusted test lets a sentence say about an area's change: one of :data:`VERDICTS`.

    "fewer" or "more" when the change is beyond chance, "same" when the two figures are equal,
    else "within_chance". The family is every area in ``orders`` with the measure in both of the
    two latest years (as :func:`year_changes` builds it), so pass the whole orders table, not one
    region's rows. A KeyError when the area lacks one of the years.
    """
    return row_verdict(_change_row(orders, area, measure))


def row_verdict(change: pd.Series) -> str:
    """The :data:`VERDICTS` entry for one row of :func:`year_changes`."""
    if change["change"] == 0:
        return "same"
    if not change["beyond_chance"]:
        return "within_chance"
    return "more" if change["change"] > 0 else "fewer"


def change_direction(orders: pd.DataFrame, area: str, measure: str) -> str | None:
    """"more" or "fewer" when the Holm-adjusted test says the change is beyond chance, else None.

    The family is every area in ``orders`` with the measure in both of the two latest years (as
    :func:`year_changes` builds it), so pass the whole orders table, not one region's rows, to get
    the verdict the cross-region chapter reports. A KeyError when the area lacks one of the years.
    """
    row = _change_row(orders, area, measure)
    if not row["beyond_chance"]:
        return None
    return "more" if row["change"] > 0 else "fewer"


def verdict_phrase(verdict: str, noun: str) -> str:
    """The phrase for a :func:`change_verdict`, in the current language, about ``noun`` (a plural noun).

    Parameters
    ----------
    verdict : str
        One of :data:`VERDICTS`.
    noun : str
        What changed, already in the current language (e.g. ``_("orders")``).

    Returns
    -------
    str
        "fewer orders", "more orders", "the same number of orders" or "a change in orders within
        what chance produces".
    """
    phrases = {
        "fewer": _("fewer {noun}"),
        "more": _("more {noun}"),
        "same": _("the same number of {noun}"),
        "within_chance": _("a change in {noun} within what chance produces"),
    }
    return phrases[verdict].format(noun=noun)


def change_phrase(orders: pd.DataFrame, area: str, measure: str, noun: str | None = None) -> str:
    """A title phrase for a change that says only what the adjusted test supports.

    "fewer orders" or "more orders" when :func:`change_direction` names a direction; "the same
    number of orders" when the two figures are equal; otherwise "a change in orders within what
    chance produces" (:func:`verdict_phrase`). ``noun`` is a plural noun in the current language
    and defaults to the measure's label in lower case.
    """
    noun = noun or measure_labels()[measure].lower()
    return verdict_phrase(change_verdict(orders, area, measure), noun)


def describe(orders: pd.DataFrame) -> str:
    """Plain-text list of every figure, for a chart's text alternative, in the current language.

    'Orders imposed: 71 in 2016 and 45 in 2017. Violations: 4 in 2016 and 3 in 2017.'
    Areas are named when there are several.
    """
    parts = []
    several = orders["area"].nunique() > 1
    labels = measure_labels()
    for area, by_area in orders.groupby("area", sort=False):
        for measure in MEASURES:
            rows = by_area[by_area["measure"] == measure].sort_values("year")
            if rows.empty:
                continue
            values = i18n.join([_("{value} in {year}").format(value=i18n.number(int(v)), year=int(y))
                                for y, v in zip(rows["year"], rows["value"])])
            if several:
                parts.append(_("{area}, {measure}: {values}.").format(area=area, measure=labels[measure].lower(),
                                                                       values=values))
            else:
                parts.append(_("{measure}: {values}.").format(measure=labels[measure], values=values))
    return " ".join(parts)


PER_INHABITANTS = 10_000
"""Rates per inhabitant are given per this many inhabitants."""
FUNNEL_LIMITS = (0.95, 0.998)
"""The two-sided coverage of a funnel plot's inner and outer limits (about 2 and 3 standard errors)."""


def populations(populations: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Every sourced population, with each group of municipalities given the sum of its members.

    A ``municipality_group`` names all its members (West Veluwe Vallei's five), so its population
    on a date is derived as their sum when every member has one on that date; it is never typed.
    Regions and other wholes whose membership the data does not list get no population. Columns:
    those of ``populations.csv`` plus ``year`` (of the reference date) and ``derived`` (True for a sum).
    """
    table = populations.assign(derived=False)
    members = areas[areas["part_of"].isin(areas.loc[areas["area_level"] == "municipality_group", "area"])]
    rows = []
    for group, names in members.groupby("part_of")["area"]:
        counted = table[table["area"].isin(names)]
        for date, on_date in counted.groupby("reference_date"):
            if set(on_date["area"]) == set(names) and not ((table["area"] == group)
                                                           & (table["reference_date"] == date)).any():
                first = on_date.iloc[0]
                rows.append({**first.to_dict(), "area": group, "population": int(on_date["population"].sum()),
                             "cbs_code": pd.NA, "note": pd.NA, "derived": True})
    if rows:
        table = pd.concat([table, pd.DataFrame(rows).astype(table.dtypes.to_dict())], ignore_index=True)
    return table.assign(year=table["reference_date"].str.slice(0, 4).astype(int))


def population_rates(orders: pd.DataFrame, populations_table: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Orders imposed per :data:`PER_INHABITANTS` inhabitants, with exact Poisson intervals.

    A year's rate rests on the latest population counted on or before 1 January of that year
    (``populations_table`` is :func:`populations`); an area without one gets no row. The 1 January
    population stands in for the person-years of the year, the usual approximation. Columns:
    ``region_id``, ``area``, ``area_level``, ``year``, ``orders_imposed``, ``population``,
    ``reference_date``, ``derived``, ``rate``, ``rate_low``, ``rate_high``, ``note`` and ``level_label``.
    """
    imposed = orders[orders["measure"] == "orders_imposed"]
    rows = []
    for row in imposed.itertuples(index=False):
        counted = populations_table[(populations_table["area"] == row.area)
                                    & (populations_table["year"] <= row.year)]
        if counted.empty:
            continue
        base = counted.sort_values("reference_date").iloc[-1]
        low, high = poisson_rate_interval(int(row.value), float(base["population"]) / PER_INHABITANTS, confidence)
        rows.append({"region_id": row.region_id, "area": row.area, "area_level": row.area_level, "year": int(row.year),
                     "orders_imposed": int(row.value), "population": int(base["population"]),
                     "reference_date": base["reference_date"], "derived": bool(base["derived"]),
                     "rate": PER_INHABITANTS * int(row.value) / int(base["population"]), "rate_low": low,
                     "rate_high": high, "note": base["note"]})
    table = pd.DataFrame(rows, columns=["region_id", "area", "area_level", "year", "orders_imposed", "population",
                                        "reference_date", "derived", "rate", "rate_low", "rate_high", "note"])
    return table.assign(level_label=table["area_level"].map(level_labels()))


def short_names(areas: pd.DataFrame, regions: pd.DataFrame) -> dict[str, str]:
    """Short names for areas whose own name is a list: a group of municipalities goes by its region's name."""
    groups = areas[areas["area_level"] == "municipality_group"].merge(regions[["region_id", "name_en"]],
                                                                       on="region_id")
    return dict(zip(groups["area"], groups["name_en"]))


def funnel_areas(rates: pd.DataFrame, areas: pd.DataFrame) -> list[str]:
    """The areas of a funnel plot: those with a rate, less any that lies inside another area with a rate.

    ``rates`` is one year of :func:`population_rates`. Where a region's whole has no population
    (regio Leiden), the municipality inside it (Leiden) is the widest area that can be shown.
    """
    shown, parent = set(rates["area"]), _parents(areas)
    return [area for area in rates["area"] if not shown & set(_ancestors(area, parent))]


def _parents(areas: pd.DataFrame) -> dict[str, str]:
    """Area -> the larger area it lies in (``part_of`` of ``areas.csv``), for areas that lie in one."""
    return {a: p for a, p in zip(areas["area"], areas["part_of"]) if isinstance(p, str) and p}


def _ancestors(area: str, parent: dict[str, str]) -> list[str]:
    chain, seen = [], {area}
    while (area := parent.get(area)) is not None and area not in seen:
        chain.append(area)
        seen.add(area)
    return chain


@dataclass(frozen=True)
class Funnel:
    """A funnel plot's numbers for one year (:func:`funnel`).

    ``points`` has one row per area (its rate, ``expected`` count, ``z`` score and ``position``
    against the plain and the widened limits); ``limits`` has the curves to draw, one row per
    population on a grid and ``limit`` (a :data:`FUNNEL_LIMITS` coverage) and ``kind``
    (``poisson``: chance alone; ``widened``: with the between-area variance).
    """

    year: int
    pooled: float
    chi_square: float
    degrees_of_freedom: int
    p_value: float
    dispersion: float
    tau: float
    points: pd.DataFrame
    limits: pd.DataFrame

    @property
    def variation(self) -> float:
        """Between-area standard deviation as a share of the pooled rate (coefficient of variation)."""
        return self.tau / self.pooled


def funnel(rates: pd.DataFrame, areas: pd.DataFrame, year: int, grid: int = 60) -> Funnel:
    """Funnel plot of orders imposed per inhabitant in one year (Spiegelhalter 2005).

    The target is the pooled rate of the areas shown (:func:`funnel_areas`): their orders over their
    population. The plain limits are exact Poisson quantiles of the count expected at each
    population, interpolated between whole counts (:func:`dvregions.stats.poisson_quantile_limit`).
    Overdispersion is measured by the mean squared z-score (``dispersion``; Pearson's ``chi_square``
    on ``degrees_of_freedom``), and the widened limits add the additive between-area variance
    ``tau**2`` (:func:`dvregions.stats.between_unit_variance`) to the Poisson variance:
    ``pooled +- z * sqrt(pooled / population + tau**2)``. No limit is adjusted for the number of areas.
    Rates and ``tau`` are per :data:`PER_INHABITANTS` inhabitants.
    """
    of_year = rates[rates["year"] == year]
    points = of_year[of_year["area"].isin(funnel_areas(of_year, areas))].copy()
    scale = PER_INHABITANTS
    pooled = scale * points["orders_imposed"].sum() / points["population"].sum()
    points["expected"] = pooled * points["population"] / scale
    points["z"] = (points["orders_imposed"] - points["expected"]) / points["expected"] ** 0.5
    weights = (points["population"] / scale / pooled).tolist()
    tau = between_unit_variance(points["z"].tolist(), weights) ** 0.5
    chi_square = float((points["z"] ** 2).sum())
    degrees = len(points) - 1
    limits = _funnel_limits(pooled, tau, points["population"].min(), points["population"].max(), grid)
    points["position"] = [_funnel_position(rate, population, pooled, tau, "poisson")
                          for rate, population in zip(points["rate"], points["population"])]
    points["position_widened"] = [_funnel_position(rate, population, pooled, tau, "widened")
                                  for rate, population in zip(points["rate"], points["population"])]
    return Funnel(year=int(year), pooled=float(pooled), chi_square=chi_square, degrees_of_freedom=degrees,
                  p_value=chi_square_p_value(chi_square, degrees), dispersion=chi_square / len(points),
                  tau=float(tau), points=points.reset_index(drop=True), limits=limits)


def _limit_band(pooled: float, tau: float, population: float, coverage: float, kind: str) -> tuple[float, float]:
    """The low and high rate limits at a population, per :data:`PER_INHABITANTS` inhabitants."""
    tail = (1 - coverage) / 2
    if kind == "poisson":
        expected = pooled * population / PER_INHABITANTS
        scale = PER_INHABITANTS / population
        return (max(0.0, poisson_quantile_limit(expected, tail) * scale),
                poisson_quantile_limit(expected, 1 - tail) * scale)
    spread = normal_quantile(1 - tail) * (pooled * PER_INHABITANTS / population + tau * tau) ** 0.5
    return max(0.0, pooled - spread), pooled + spread


def _funnel_limits(pooled: float, tau: float, smallest: float, largest: float, grid: int) -> pd.DataFrame:
    """The limit curves on a logarithmic grid of populations a little wider than the areas shown."""
    low, high = math.log(smallest * 0.8), math.log(largest * 1.1)
    sizes = [math.exp(low + (high - low) * step / (grid - 1)) for step in range(grid)]
    rows = [{"population": size, "limit": coverage, "kind": kind, "low": band[0], "high": band[1]}
            for kind in ("poisson", "widened") for coverage in FUNNEL_LIMITS for size in sizes
            for band in [_limit_band(pooled, tau, size, coverage, kind)]]
    return pd.DataFrame(rows)


def _funnel_position(rate: float, population: float, pooled: float, tau: float, kind: str) -> str:
    """Where a point lies: ``within`` the inner limits, ``above``/``below`` them, or beyond the outer ones."""
    inner = _limit_band(pooled, tau, population, FUNNEL_LIMITS[0], kind)
    outer = _limit_band(pooled, tau, population, FUNNEL_LIMITS[1], kind)
    if rate > outer[1]:
        return "far_above"
    if rate < outer[0]:
        return "far_below"
    if rate > inner[1]:
        return "above"
    if rate < inner[0]:
        return "below"
    return "within"


def violation_rate_differences(orders: pd.DataFrame, areas: pd.DataFrame,
                               confidence: float = 0.95) -> pd.DataFrame:
    """Whether violations per order imposed differ between non-overlapping areas, one test a year.

    For each year, the areas of :func:`non_overlapping_areas` that state both figures are compared
    in a Poisson model with the orders imposed as exposure: one common rate against one rate per
    area, by the deviance (likelihood-ratio) statistic on ``areas - 1`` degrees of freedom
    (:func:`dvregions.stats.poisson_deviance`). The tests of all years form one family, adjusted
    with Holm's method. Columns: ``year``, ``areas`` (names), ``n_areas``, ``violations``,
    ``orders_imposed``, ``pooled`` (violations per order), ``deviance``, ``degrees_of_freedom``,
    ``p_value``, ``p_holm``, ``beyond_chance`` and ``implied`` (areas whose figure rests on a reading).
    """
    table = _violations_and_orders(orders)
    columns = ["year", "areas", "n_areas", "violations", "orders_imposed", "pooled", "deviance",
               "degrees_of_freedom", "p_value", "p_holm", "beyond_chance", "implied"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    kept = table[table["area"].isin(non_overlapping_areas(orders, areas))]
    implied = orders[(orders["measure"] == "violations") & (orders["basis"] == "implied")]
    rows = []
    for year, of_year in kept.groupby("year"):
        if len(of_year) < 2:
            continue
        counts, exposures = of_year["violations"].astype(int).tolist(), of_year["orders_imposed"].astype(int).tolist()
        deviance = poisson_deviance(counts, exposures)
        rows.append({"year": int(year), "areas": of_year["area"].tolist(), "n_areas": len(of_year),
                     "violations": sum(counts), "orders_imposed": sum(exposures),
                     "pooled": sum(counts) / sum(exposures), "deviance": deviance,
                     "degrees_of_freedom": len(of_year) - 1,
                     "p_value": chi_square_p_value(deviance, len(of_year) - 1),
                     "implied": sorted(set(implied.loc[implied["year"] == year, "area"]) & set(of_year["area"]))})
    result = pd.DataFrame(rows, columns=[c for c in columns if c not in ("p_holm", "beyond_chance")])
    result["p_holm"] = holm(result["p_value"].tolist())
    result["beyond_chance"] = result["p_holm"] < 1 - confidence
    return result[columns]
