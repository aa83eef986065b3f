"""What the chapters across the regions (11) and on the limits of the figures (13) glue and show, as data tables.

Every year, count and area in the sentences comes from the data, so they follow an added year or area.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from dvregions import analysis, chapter, data, i18n
from dvregions.charts import across
from dvregions.i18n import _


def glue_chapter(dataset: data.Dataset) -> None:
    """Glue the figures of chapter 11: the year-on-year changes, rates per order and per inhabitant, the funnels."""
    orders, areas = dataset.orders, dataset.areas
    changes = analysis.year_changes(orders, areas=areas)
    counted = changes[changes["non_overlapping"]]
    non_overlapping = analysis.non_overlapping_areas(orders, areas)
    chapter.glue_number("n_levels", changes["area_level"].nunique())
    chapter.glue_text("years_compared", years_compared(changes))
    chapter.glue_number("n_non_overlapping", len(non_overlapping))
    chapter.glue_text("non_overlapping_list", "; ".join(non_overlapping))
    chapter.glue_text("inner_areas", i18n.join(changes.loc[~changes["non_overlapping"], "area"].tolist()) or _("none"))
    chapter.glue_number("n_tests", len(changes))
    chapter.glue_number("n_counted", len(counted))
    chapter.glue_number("n_lower", int((counted["change"] < 0).sum()))
    chapter.glue_number("n_higher", int((counted["change"] > 0).sum()))
    chapter.glue_number("n_same", int((counted["change"] == 0).sum()))
    chapter.glue_number("n_nominal", int((counted["p_value"] < 0.05).sum()))
    chapter.glue_number("n_beyond", int(counted["beyond_chance"].sum()))
    chapter.glue_number("expected_false", 0.05 * len(changes), decimals=1)
    smallest = changes.sort_values("p_value").iloc[0]
    chapter.glue_text("smallest_area", _("{area} ({earlier} to {later})").format(
        area=smallest["area"], **chapter.change_values(smallest)))
    chapter.glue_number("smallest_p", float(smallest["p_value"]), decimals=3)
    chapter.glue_number("smallest_p_holm", float(smallest["p_holm"]), decimals=2)
    chapter.glue_text("orders_verdict", across.verdict_title(changes, _("orders imposed")) + ".")
    rates = analysis.violation_rates(orders)
    chapter.glue_number("n_rate_pairs", len(rates))
    chapter.glue_number("rate_min", float(rates["rate"].min()), decimals=2)
    chapter.glue_number("rate_max", float(rates["rate"].max()), decimals=2)
    widest = rates.assign(width=rates["rate_high"] - rates["rate_low"]).sort_values("width").iloc[-1]
    chapter.glue_text("widest_area", _("{area} in {year}").format(area=widest["area"], year=widest["year"]))
    chapter.glue_number("widest_low", float(widest["rate_low"]), decimals=2)
    chapter.glue_number("widest_high", float(widest["rate_high"]), decimals=2)
    _glue_violations(orders, areas)
    funnels = across.funnels(orders, dataset.populations, areas, dataset.regions)
    names = analysis.short_names(areas, dataset.regions)
    _glue_populations(dataset)
    chapter.glue_text("funnel_areas", i18n.join([names.get(a, a) for a in funnels[-1].points["area"]]))
    chapter.glue_text("overdispersion", overdispersion(funnels))
    chapter.glue_text("between_areas", between_areas(funnels))
    chapter.glue_text("outside_plain", outside(funnels, "position", names))
    chapter.glue_text("outside_widened", outside(funnels, "position_widened", names))
    chapter.glue_text("largest_share", largest_share(funnels))
    differences = analysis.violation_rate_differences(orders, areas)
    chapter.glue_text("violation_differences", violation_differences(differences))


def _glue_violations(orders: pd.DataFrame, areas: pd.DataFrame) -> None:
    """The family of year-on-year tests of violations, and what passes it."""
    changes = analysis.year_changes(orders, "violations", areas=areas)
    chapter.glue_number("n_violation_tests", len(changes))
    chapter.glue_text("violations_verdict", across.verdict_title(changes, _("violations")) + ".")
    beyond = changes[changes["beyond_chance"]]
    passing = "; ".join(_("{area}, {earlier} to {later} (adjusted p {p_holm})").format(
        area=row.area, **chapter.change_values(row)) for _index, row in beyond.iterrows())
    message = (_("No change in violations passes.") if beyond.empty
               else _("The change that passes: {changes}.") if len(beyond) == 1
               else _("The changes that pass: {changes}."))
    chapter.glue_text("violations_beyond", message.format(changes=passing))
    chapter.glue_text("violations_without_implied", without_implied(orders, areas))


def _population_rates(dataset: data.Dataset) -> pd.DataFrame:
    return analysis.population_rates(dataset.orders, analysis.populations(dataset.populations, dataset.areas))


def _glue_populations(dataset: data.Dataset) -> None:
    """Which areas have no population to compare on, and which year's population each rate rests on."""
    rates, orders = _population_rates(dataset), dataset.orders
    without = sorted(set(orders.loc[orders["measure"] == "orders_imposed", "area"]) - set(rates["area"]))
    chapter.glue_text("areas_without_population", i18n.join(without) or _("none"))
    chapter.glue_text("population_basis", population_basis(rates))


def glue_limits(dataset: data.Dataset) -> None:
    """Glue the figures of chapter 13: how many tests and figures there are, and what the data leaves out."""
    orders = dataset.orders
    changes = analysis.year_changes(orders, areas=dataset.areas)
    counted = changes[changes["non_overlapping"]]
    chapter.glue_number("n_tests", len(changes))
    chapter.glue_number("n_counted", len(counted))
    chapter.glue_number("n_counted_beyond", int(counted["beyond_chance"].sum()))
    coverage = analysis.coverage(orders, dataset.regions)
    chapter.glue_number("n_cells", len(coverage))
    chapter.glue_number("n_cells_stated", int((coverage["figures"] > 0).sum()))
    years = sorted(int(year) for year in orders["year"].unique())
    chapter.glue_text("n_years", i18n.number_word(len(years)))
    chapter.glue_text("years", i18n.join([str(year) for year in years]))
    chapter.glue_year("first_year", orders["year"].min())
    chapter.glue_year("last_year", orders["year"].max())
    chapter.glue_number("n_levels", orders["area_level"].nunique())
    chapter.glue_number("n_figures", len(orders))
    by_region = orders.groupby("region_id")["measure"]
    chapter.glue_number("n_regions_procedures", int(by_region.agg(lambda s: "procedures_started" in set(s)).sum()))
    chapter.glue_number("n_regions_orders_only", int(by_region.agg(lambda s: set(s) == {"orders_imposed"}).sum()))
    _glue_populations(dataset)


def rates_table(dataset: data.Dataset) -> HTML:
    """Orders imposed per 10,000 inhabitants, with their intervals and populations."""
    return chapter.data_table(chapter.rates_table(_population_rates(dataset)), _(
        "Orders imposed per 10,000 inhabitants, with exact 95% Poisson intervals and the population each rate "
        "rests on"))


def _changes_table(dataset: data.Dataset, measure: str, columns: list[str], caption: str, counts: str) -> HTML:
    """A table of :func:`dvregions.analysis.year_changes`: each area's two years and counts, then ``columns``."""
    changes = analysis.year_changes(dataset.orders, measure, areas=dataset.areas)
    columns = ["area", "level_label", "earlier_year", "earlier", "later_year", "later", *columns]
    return chapter.data_table(changes[columns].round(3), caption, labels=chapter.change_labels(counts))


def changes_table(dataset: data.Dataset) -> HTML:
    """Orders imposed per area in its last two years."""
    return _changes_table(dataset, "orders_imposed", ["change"],
                          _("Orders imposed per area in the last two years each reports"), _("Orders"))


def change_ratios_table(dataset: data.Dataset) -> HTML:
    """The ratios of orders imposed, later year to earlier, with their tests."""
    return _changes_table(
        dataset, "orders_imposed", ["ratio", "ratio_low", "ratio_high", "p_value", "p_holm", "beyond_chance",
                                    "non_overlapping"],
        _("Ratio of orders imposed, later year to earlier year: unadjusted exact 95% interval and p-value, and the "
          "Holm-adjusted p-value for the family of year-on-year tests"), _("Orders"))


def violation_changes_table(dataset: data.Dataset) -> HTML:
    """Violations in each area's last two years, with their tests."""
    return _changes_table(
        dataset, "violations", ["p_value", "p_holm", "beyond_chance"],
        _("Violations in the last two years each area reports: unadjusted p-value and Holm-adjusted p-value for the "
          "family of year-on-year tests"), _("Violations"))


def violation_rates_table(dataset: data.Dataset) -> HTML:
    """Violations per order imposed, with their intervals."""
    labels = {"area": _("Area"), "level_label": _("Level"), "year": _("Year"), "violations": _("Violations"),
              "orders_imposed": _("Orders imposed"), "rate": _("Violations per order"),
              "rate_low": _("Interval from"), "rate_high": _("Interval to"), "counted": _("What the area counts")}
    return chapter.data_table(analysis.violation_rates(dataset.orders)[list(labels)].round(3),
                              _("Violations per order imposed, with exact 95% Poisson intervals"), labels=labels)


def population_basis(rates: pd.DataFrame) -> str:
    """Which population each year's rates rest on, e.g. 'the 2017 rates use the population of 1 January 2016'."""
    pairs = rates[["year", "reference_date"]].drop_duplicates().sort_values("year")
    parts = [_("The rates of {years} rest on the registered population of {day}.").format(
        years=i18n.join([str(year) for year in of_date["year"]]), day=i18n.day(date))
        for date, of_date in pairs.groupby("reference_date", sort=True)]
    stale = pairs[pairs["reference_date"].str.slice(0, 4).astype(int) < pairs["year"]]
    if len(stale):
        parts.append(_("The data holds no population counted on 1 January {years}; those rates use the latest "
                       "earlier count.").format(years=i18n.join([str(y) for y in stale["year"]])))
    return " ".join(parts)


def overdispersion(results: list[analysis.Funnel]) -> str:
    """Pearson's chi-square of each year against its degrees of freedom, and the p-value."""
    parts = [_("{chi} on {df} degrees of freedom in {year} (p {p})").format(
        chi=i18n.number(r.chi_square, 0), df=i18n.number(r.degrees_of_freedom), year=r.year,
        p=_p_value(r.p_value)) for r in results]
    return _("Pearson's chi-square is {parts}").format(parts=i18n.join(parts))


def between_areas(results: list[analysis.Funnel]) -> str:
    """The standard deviation between areas of each year, in orders per 10,000 and as a share of the pooled rate."""
    parts = [_("{tau} orders per 10,000 inhabitants in {year} ({share} of the pooled rate of {pooled})").format(
        tau=i18n.number(r.tau, 2), year=r.year, share=i18n.percent(r.variation), pooled=i18n.number(r.pooled, 2))
        for r in results]
    return i18n.join(parts)


def outside(results: list[analysis.Funnel], column: str, names: dict[str, str]) -> str:
    """For each year, how many areas lie beyond the outer (99.8%) limits, and which (by their short ``names``)."""
    parts = []
    for r in results:
        beyond = r.points[r.points[column].isin(["far_above", "far_below"])]
        message = (_("none of the {areas} areas in {year}") if beyond.empty
                   else _("{count} of the {areas} areas in {year} ({names})"))
        parts.append(message.format(count=i18n.count(len(beyond)), areas=i18n.count(len(r.points)), year=r.year,
                                    names=i18n.join([names.get(area, area) for area in beyond["area"]])))
    return i18n.join(parts)


def largest_share(results: list[analysis.Funnel]) -> str:
    """How much of the population shown the two largest municipalities hold: 'Amsterdam and Rotterdam, 46%'."""
    points = results[-1].points
    two = points[points["area_level"] == "municipality"].nlargest(2, "population")
    return _("{areas}, together {share} of the population shown").format(
        areas=i18n.join(two["area"].tolist()), share=i18n.percent(two["population"].sum() / points["population"].sum()))


def violation_differences(table: pd.DataFrame) -> str:
    """Each year's test of whether violations per order differ between areas, with the adjusted verdict."""
    parts = []
    for r in table.itertuples():
        verdict = (_("the rates differ by more than chance after the adjustment") if r.beyond_chance
                   else _("the difference is within what chance produces after the adjustment"))
        parts.append(_("In {year}, across {areas} areas, the deviance is {deviance} on {df} degrees of freedom "
                       "(p {p}; Holm-adjusted {p_holm}): {verdict}.").format(
            year=r.year, areas=i18n.number_word(r.n_areas), deviance=i18n.number(r.deviance, 1),
            df=i18n.number(r.degrees_of_freedom), p=_p_value(r.p_value), p_holm=_p_value(r.p_holm), verdict=verdict))
    return " ".join(parts)


def _p_value(p: float) -> str:
    """A p-value with three decimals, or 'below 0.001'."""
    return i18n.p_value(p) if p >= 0.001 else _("below {limit}").format(limit=i18n.number(0.001, 3))


def years_compared(changes: pd.DataFrame) -> str:
    """The years a family of change tests compares: '2016 and 2017', or each area's last two when they differ."""
    pairs = changes[["earlier_year", "later_year"]].drop_duplicates()
    if len(pairs) == 1:
        return i18n.join([str(pairs["earlier_year"].iloc[0]), str(pairs["later_year"].iloc[0])])
    return _("the last two years each area reports")


def without_implied(orders: pd.DataFrame, areas: pd.DataFrame) -> str:
    """Whether a verdict on violations depends on the figures whose ``basis`` is ``implied`` (read from a sentence)."""
    implied = orders[(orders["measure"] == "violations") & (orders["basis"] == "implied")]
    if implied.empty:
        return _("No figure of violations rests on an implication.")
    kept = analysis.year_changes(orders[orders["basis"] != "implied"], "violations", areas=areas)
    beyond = kept[kept["beyond_chance"]]
    verdict = _("no change in violations passes") if beyond.empty else _("the changes that pass are {changes}").format(
        changes=i18n.join([_("{area} ({earlier} to {later})").format(area=row.area, **chapter.change_values(row))
                           for _index, row in beyond.iterrows()]))
    return _("Leaving out the figures that rest on reading which figure a sentence refers to ({figures}), "
             "{tests} tests remain, and {verdict}.").format(
        figures=i18n.join([_("{area} in {year}").format(area=r.area, year=r.year) for r in implied.itertuples()]),
        tests=i18n.count(len(kept)), verdict=verdict)
