"""Tidy derived tables the chapters show and chart: labels, rates, changes, coverage (nothing here reads files).

Counts of areas use :func:`non_overlapping_areas`, so no order is counted twice. Year-on-year changes are tested
as one Holm-adjusted family per measure, and a direction ("more", "fewer") is named only beyond chance
(:func:`change_verdict`). Violations count events, not violated orders: per order they are a rate, never a share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from dvregions import i18n, stats
from dvregions.i18n import _
from dvregions.validation import LEVELS

MEASURES = ["procedures_started", "orders_imposed", "violations"]
"""The measures of ``restraining_orders.csv``, in the order of the path from procedure to violation."""

VERDICTS = ("fewer", "more", "same", "within_chance")
"""What :func:`change_verdict` can say of a change between two years."""

PER_INHABITANTS = 10_000
"""Rates per inhabitant are given per this many inhabitants."""
FUNNEL_LIMITS = (0.95, 0.998)
"""The two-sided coverage of a funnel plot's inner and outer limits (about 2 and 3 standard errors)."""

# The labels are functions, not constants, so the language is read when a chapter runs, not at import.


def measure_labels() -> dict[str, str]:
    """Each measure's label in the current language, in the order of :data:`MEASURES`."""
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
    """The data's codes as a table shows them: as the files hold them in English, in other languages' words."""
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
    """The widest areas reported in each region, none inside another (by ``areas``, else by level), in order.

    Hollands Midden keeps regio Leiden and regio Gouda, not Leiden and Gouda inside them.
    """
    reported = orders[["region_id", "area", "area_level"]].drop_duplicates("area")
    if areas is not None:
        by_region = reported.groupby("region_id", sort=False, observed=True)["area"].agg(set).to_dict()
        return _outermost(reported["area"], [by_region[region] for region in reported["region_id"]], areas)
    width = reported["area_level"].map(LEVELS.index)  # the widest area when no nesting is given
    return reported.loc[width == width.groupby(reported["region_id"]).transform("max"), "area"].tolist()


def funnel_areas(rates: pd.DataFrame, areas: pd.DataFrame) -> list[str]:
    """The areas of one year's :func:`population_rates` inside no other with a rate (Leiden: regio Leiden has none)."""
    return _outermost(rates["area"], [set(rates["area"])] * len(rates), areas)


def _outermost(names: pd.Series, shown_with: list[set[str]], areas: pd.DataFrame) -> list[str]:
    """The ``names`` inside none of the areas shown with each (``part_of`` of ``areas.csv``, followed up)."""
    parent = {a: p for a, p in zip(areas["area"], areas["part_of"]) if isinstance(p, str) and p}
    return [name for name, others in zip(names, shown_with) if not others & _ancestors(name, parent)]


def _ancestors(area: str, parent: dict[str, str]) -> set[str]:
    chain, start = set(), area
    while (area := parent.get(area)) is not None and area != start and area not in chain:
        chain.add(area)
    return chain


def labelled(orders: pd.DataFrame) -> pd.DataFrame:
    """Orders with readable measure and level labels added, in the current language."""
    return orders.assign(measure_label=orders["measure"].map(measure_labels()),
                         level_label=orders["area_level"].map(level_labels()))


def wide(orders: pd.DataFrame) -> pd.DataFrame:
    """One row per area and year, one column per measure (missing where the annex is silent)."""
    table = orders.pivot_table(index=["region_id", "area", "area_level", "year"], columns="measure",
                               values="value", aggfunc="first", observed=True)
    measures = [m for m in MEASURES if m in table.columns]
    table = table.reindex(columns=measures).rename_axis(columns=None)
    return table.reset_index().astype(dict.fromkeys(measures, "Int64"))


def _bounds(intervals: list[tuple[float, float]]) -> tuple[list[float], list[float]]:
    """The lower and the upper bounds of a list of intervals, as two columns."""
    return [low for low, _high in intervals], [high for _low, high in intervals]


def violation_rates(orders: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Violations per order imposed (a rate, not a share) with exact Poisson intervals, per area-year stating both.

    ``counted`` is the source's note on what the violations figure counts, or :func:`not_stated`.
    """
    table = wide(orders)
    if "violations" not in table or "orders_imposed" not in table:
        return pd.DataFrame()
    table = table.dropna(subset=["violations", "orders_imposed"])
    table = table[table["orders_imposed"] > 0]
    if table.empty:
        return table
    table = table[["region_id", "area", "area_level", "year", "violations", "orders_imposed"]]
    table["rate"] = table["violations"].astype(float) / table["orders_imposed"].astype(float)
    table["rate_low"], table["rate_high"] = _bounds([stats.poisson_rate_interval(int(v), int(n), confidence)
                                                     for v, n in zip(table["violations"], table["orders_imposed"])])
    notes = orders[orders["measure"] == "violations"].set_index(["area", "year"])["note"]
    table["counted"] = [notes.get((a, y), pd.NA) for a, y in zip(table["area"], table["year"])]
    table["counted"] = table["counted"].fillna(not_stated())
    table["level_label"] = table["area_level"].map(level_labels())
    return table.astype({"violations": "int64", "orders_imposed": "int64"}).reset_index(drop=True)


def procedure_path(orders: pd.DataFrame, area: str) -> pd.DataFrame:
    """One area's path from procedures to orders (a share: Wilson interval) to violations per order, by year."""
    table = wide(orders[orders["area"] == area]).dropna(subset=["procedures_started", "orders_imposed"])
    table["share_ordered"] = table["orders_imposed"].astype(float) / table["procedures_started"].astype(float)
    table["share_low"], table["share_high"] = _bounds([stats.wilson_interval(int(k), int(n)) for k, n in zip(
        table["orders_imposed"], table["procedures_started"])])
    columns, rates = ["year", "rate", "rate_low", "rate_high"], violation_rates(orders)
    rates = rates.loc[rates["area"] == area, columns] if len(rates) else pd.DataFrame(columns=columns)
    return table.merge(rates, on="year", how="left").sort_values("year", ignore_index=True)


def year_changes(orders: pd.DataFrame, measure: str = "orders_imposed", earlier: int | None = None,
                 later: int | None = None, confidence: float = 0.95,
                 areas: pd.DataFrame | None = None) -> pd.DataFrame:
    """Change in a measure between each area's last two years (or ``earlier`` and ``later``), as one tested family.

    Holm's method holds whatever the tests' dependence, so an area and one containing it may both be in the family.
    ``p_value`` is the exact conditional binomial test, ``ratio_low``/``ratio_high`` its unadjusted interval.
    """
    keys, rows = ["region_id", "area", "area_level"], []
    for key, by_area in orders[orders["measure"] == measure].sort_values("year").groupby(keys, observed=True):
        values = dict(zip(by_area["year"].astype(int), by_area["value"].astype(int)))
        pair = (earlier, later) if earlier is not None and later is not None else tuple(sorted(values)[-2:])
        if len(pair) == 2 and set(pair) <= values.keys() and values[pair[0]] + values[pair[1]] != 0:
            rows.append((*key, values[pair[0]], values[pair[1]], *pair))
    table = pd.DataFrame(rows, columns=[*keys, "earlier", "later", "earlier_year", "later_year"])
    table = table.sort_values(keys, ignore_index=True)
    table["change"] = table["later"] - table["earlier"]
    pairs = [(int(lat), int(ear)) for ear, lat in zip(table["earlier"], table["later"])]
    table["ratio"] = [lat / ear if ear else float("inf") for lat, ear in pairs]
    table["ratio_low"], table["ratio_high"] = _bounds([stats.poisson_ratio_interval(*p, confidence) for p in pairs])
    table["p_value"] = [stats.poisson_ratio_p_value(*pair) for pair in pairs]
    table["p_holm"] = stats.holm(table["p_value"].tolist())
    table["beyond_chance"] = table["p_holm"] < 1 - confidence
    table["could_be_chance"] = ~table["beyond_chance"]
    table["non_overlapping"] = table["area"].isin(non_overlapping_areas(orders, areas))
    table["level_label"] = table["area_level"].map(level_labels())
    return table.astype(dict.fromkeys(["earlier", "later", "change", "earlier_year", "later_year"], "int64"))


def coverage(orders: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """For each region, measure and year: which areas and levels the annex reports, or none."""
    keys, years = ["region_id", "measure", "year"], sorted(int(y) for y in orders["year"].unique())
    grid = pd.MultiIndex.from_product([regions["region_id"], MEASURES, years], names=keys).to_frame(index=False)
    reported = (orders.groupby(keys, observed=True)
                .agg(areas=("area", lambda s: "; ".join(sorted(s))),
                     level=("area_level", lambda s: s.iloc[0] if s.nunique() == 1 else "several"),
                     figures=("value", "size"))
                .reset_index())
    table = grid.merge(reported, on=keys, how="left").fillna({"figures": 0, "areas": _("none")})
    table["figures"] = table["figures"].astype("int64")
    table["level_label"] = table["level"].fillna("not_stated").map(coverage_level_labels())
    table = table.drop(columns="level").merge(regions[["region_id", "name_en"]], on="region_id")
    return table.assign(measure_label=table["measure"].map(measure_labels()))


def theme_matrix(initiatives: pd.DataFrame, initiative_themes: pd.DataFrame, themes: pd.DataFrame,
                 regions: pd.DataFrame) -> pd.DataFrame:
    """Number of initiatives per region and theme, with their one-line descriptions and paragraphs."""
    coded = (initiative_themes.merge(initiatives, on="initiative_id")
             .merge(themes[["theme_id", "label"]], on="theme_id")
             .merge(regions[["region_id", "name_en"]], on="region_id")
             .sort_values(["region_id", "theme_id", "initiative_id"]))
    return (coded.groupby(["region_id", "name_en", "theme_id", "label"], observed=True)
            .agg(initiatives=("initiative_id", "size"),
                 descriptions=("description", lambda s: " | ".join(s)),
                 paragraphs=("source_paragraph", lambda s: ", ".join(str(p) for p in sorted(set(s)))))
            .reset_index())


def change_verdict(orders: pd.DataFrame, area: str, measure: str) -> str:
    """An area's change as one of :data:`VERDICTS`, tested among all areas of ``orders``; KeyError if it lacks years."""
    changes = year_changes(orders, measure)
    match = changes[changes["area"] == area]
    if match.empty:
        raise KeyError(f"the data has no {measure} figures for {area!r} in both years to compare")
    return row_verdict(match.iloc[0])


def row_verdict(change: pd.Series) -> str:
    """The :data:`VERDICTS` entry for one row of :func:`year_changes`: a direction only beyond chance."""
    if change["change"] == 0:
        return "same"
    if not change["beyond_chance"]:
        return "within_chance"
    return "more" if change["change"] > 0 else "fewer"


def change_direction(orders: pd.DataFrame, area: str, measure: str) -> str | None:
    """"more" or "fewer" when :func:`change_verdict` names a direction (beyond chance), else None."""
    verdict = change_verdict(orders, area, measure)
    return verdict if verdict in ("more", "fewer") else None


def verdict_phrase(verdict: str, noun: str) -> str:
    """The phrase for a :data:`VERDICTS` entry about ``noun`` (a plural noun already in the current language)."""
    phrases = {
        "fewer": _("fewer {noun}"),
        "more": _("more {noun}"),
        "same": _("the same number of {noun}"),
        "within_chance": _("a change in {noun} within what chance produces"),
    }
    return phrases[verdict].format(noun=noun)


def change_phrase(orders: pd.DataFrame, area: str, measure: str, noun: str | None = None) -> str:
    """A title phrase saying only what the adjusted test supports, about ``noun`` (default: the measure's label)."""
    return verdict_phrase(change_verdict(orders, area, measure), noun or measure_labels()[measure].lower())


def describe(orders: pd.DataFrame) -> str:
    """Every figure in words for a chart's text alternative: 'Orders imposed: 71 in 2016 and 45 in 2017.'."""
    several = orders["area"].nunique() > 1
    template = _("{area}, {measure}: {values}.") if several else _("{measure}: {values}.")
    labels = {measure: label.lower() if several else label for measure, label in measure_labels().items()}
    parts = []
    for area, by_area in orders.groupby("area", sort=False):
        for measure in MEASURES:
            rows = by_area[by_area["measure"] == measure].sort_values("year")
            values = i18n.join([_("{value} in {year}").format(value=i18n.number(int(v)), year=int(y))
                                for y, v in zip(rows["year"], rows["value"])])
            if values:
                parts.append(template.format(area=area, measure=labels[measure], values=values))
    return " ".join(parts)


def populations(populations: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Every sourced population, plus a group of municipalities' sum on each date all its members have one."""
    table, rows = populations.assign(derived=False), []
    members = areas[areas["part_of"].isin(areas.loc[areas["area_level"] == "municipality_group", "area"])]
    for group, names in members.groupby("part_of")["area"]:
        for date, on_date in table[table["area"].isin(names)].groupby("reference_date"):
            stated = ((table["area"] == group) & (table["reference_date"] == date)).any()
            if set(on_date["area"]) == set(names) and not stated:
                rows.append({**on_date.iloc[0].to_dict(), "area": group, "population": int(on_date["population"].sum()),
                             "cbs_code": pd.NA, "note": pd.NA, "derived": True})
    if rows:
        table = pd.concat([table, pd.DataFrame(rows).astype(table.dtypes.to_dict())], ignore_index=True)
    return table.assign(year=table["reference_date"].str.slice(0, 4).astype(int))


def population_rates(orders: pd.DataFrame, populations_table: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Orders imposed per :data:`PER_INHABITANTS` inhabitants with exact Poisson intervals, where there is a population.

    A year's rate rests on the latest population of :func:`populations` counted by 1 January of that year.
    """
    rows = []
    for row in orders[orders["measure"] == "orders_imposed"].itertuples(index=False):
        counted = populations_table[(populations_table["area"] == row.area) & (populations_table["year"] <= row.year)]
        if counted.empty:
            continue
        base, count = counted.sort_values("reference_date").iloc[-1], int(row.value)
        low, high = stats.poisson_rate_interval(count, float(base["population"]) / PER_INHABITANTS, confidence)
        rows.append((row.region_id, row.area, row.area_level, int(row.year), count, int(base["population"]),
                     base["reference_date"], bool(base["derived"]), PER_INHABITANTS * count / int(base["population"]),
                     low, high, base["note"]))
    table = pd.DataFrame(rows, columns=["region_id", "area", "area_level", "year", "orders_imposed", "population",
                                        "reference_date", "derived", "rate", "rate_low", "rate_high", "note"])
    return table.assign(level_label=table["area_level"].map(level_labels()))


def short_names(areas: pd.DataFrame, regions: pd.DataFrame) -> dict[str, str]:
    """Short names for areas whose own name is a list: a group of municipalities goes by its region's name."""
    groups = areas[areas["area_level"] == "municipality_group"].merge(regions[["region_id", "name_en"]], on="region_id")
    return dict(zip(groups["area"], groups["name_en"]))


@dataclass(frozen=True)
class Funnel:
    """A funnel plot's numbers for one year: ``points`` (one per area, placed against both kinds of limit), limits."""

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
    """Funnel plot of orders imposed per :data:`PER_INHABITANTS` inhabitants in one year (Spiegelhalter 2005).

    Around the pooled rate, plain limits are exact Poisson quantiles; widened ones add the between-area variance:
    ``pooled +- z * sqrt(pooled / population + tau**2)``. No limit is adjusted for the number of areas.
    """
    of_year = rates[rates["year"] == year]
    points = of_year[of_year["area"].isin(funnel_areas(of_year, areas))].copy()
    pooled = PER_INHABITANTS * points["orders_imposed"].sum() / points["population"].sum()
    points["expected"] = pooled * points["population"] / PER_INHABITANTS
    points["z"] = (points["orders_imposed"] - points["expected"]) / points["expected"] ** 0.5
    weights = points["population"] / PER_INHABITANTS / pooled
    tau = stats.between_unit_variance(points["z"].tolist(), weights.tolist()) ** 0.5
    chi_square, degrees = float((points["z"] ** 2).sum()), len(points) - 1
    for column, kind in (("position", "poisson"), ("position_widened", "widened")):
        points[column] = [_funnel_position(rate, population, pooled, tau, kind)
                          for rate, population in zip(points["rate"], points["population"])]
    sizes = _log_grid(points["population"].min() * 0.8, points["population"].max() * 1.1, grid)
    limits = pd.DataFrame([{"population": size, "limit": coverage, "kind": kind, "low": low, "high": high}
                           for kind in ("poisson", "widened") for coverage in FUNNEL_LIMITS for size in sizes
                           for low, high in [_limit_band(pooled, tau, size, coverage, kind)]])
    return Funnel(year=int(year), pooled=float(pooled), chi_square=chi_square, degrees_of_freedom=degrees,
                  p_value=stats.chi_square_p_value(chi_square, degrees), dispersion=chi_square / len(points),
                  tau=float(tau), points=points.reset_index(drop=True), limits=limits)


def _log_grid(smallest: float, largest: float, steps: int) -> list[float]:
    low, high = math.log(smallest), math.log(largest)
    return [math.exp(low + (high - low) * step / (steps - 1)) for step in range(steps)]


def _limit_band(pooled: float, tau: float, population: float, coverage: float, kind: str) -> tuple[float, float]:
    """The low and high rate limits at a population, per :data:`PER_INHABITANTS` inhabitants."""
    tail = (1 - coverage) / 2
    if kind == "poisson":
        expected, scale = pooled * population / PER_INHABITANTS, PER_INHABITANTS / population
        return (max(0.0, stats.poisson_quantile_limit(expected, tail) * scale),
                stats.poisson_quantile_limit(expected, 1 - tail) * scale)
    spread = stats.normal_quantile(1 - tail) * (pooled * PER_INHABITANTS / population + tau * tau) ** 0.5
    return max(0.0, pooled - spread), pooled + spread


def _funnel_position(rate: float, population: float, pooled: float, tau: float, kind: str) -> str:
    """``far_above``/``far_below`` the outer limits, else ``above``/``below`` the inner ones, else ``within``."""
    for prefix, coverage in (("far_", FUNNEL_LIMITS[1]), ("", FUNNEL_LIMITS[0])):
        low, high = _limit_band(pooled, tau, population, coverage, kind)
        if rate > high or rate < low:
            return prefix + ("above" if rate > high else "below")
    return "within"


def violation_rate_differences(orders: pd.DataFrame, areas: pd.DataFrame,
                               confidence: float = 0.95) -> pd.DataFrame:
    """Whether violations per order differ between :func:`non_overlapping_areas`, one Holm-adjusted test a year.

    A common Poisson rate against one per area, by the deviance; ``implied``: areas whose figure rests on a reading.
    """
    columns = ["year", "areas", "n_areas", "violations", "orders_imposed", "pooled", "deviance",
               "degrees_of_freedom", "p_value", "p_holm", "beyond_chance", "implied"]
    table = violation_rates(orders)
    if table.empty:
        return pd.DataFrame(columns=columns)
    implied = orders[(orders["measure"] == "violations") & (orders["basis"] == "implied")]
    rows = []
    for year, of_year in table[table["area"].isin(non_overlapping_areas(orders, areas))].groupby("year"):
        if len(of_year) < 2:
            continue
        counts, exposures = of_year["violations"].astype(int).tolist(), of_year["orders_imposed"].astype(int).tolist()
        deviance, degrees = stats.poisson_deviance(counts, exposures), len(of_year) - 1
        rows.append((int(year), of_year["area"].tolist(), len(of_year), sum(counts), sum(exposures),
                     sum(counts) / sum(exposures), deviance, degrees, stats.chi_square_p_value(deviance, degrees),
                     sorted(set(implied.loc[implied["year"] == year, "area"]) & set(of_year["area"]))))
    result = pd.DataFrame(rows, columns=columns[:-3] + ["implied"])
    result["p_holm"] = stats.holm(result["p_value"].tolist())
    result["beyond_chance"] = result["p_holm"] < 1 - confidence
    return result[columns]
