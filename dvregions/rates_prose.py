"""The sentences a chapter glues about rates per inhabitant, the funnel plots and violations per order.

Each function takes the loaded tables or the results of :mod:`dvregions.analysis` and returns
Markdown in the current language; every year, count and area in it comes from the data, so the
sentences follow when a year or an area is added.
"""

from __future__ import annotations

import pandas as pd

from dvregions import analysis, i18n
from dvregions.i18n import _


def population_basis(rates: pd.DataFrame) -> str:
    """Which population each year's rates rest on, e.g. 'the 2017 rates use the population of 1 January 2016'."""
    pairs = rates[["year", "reference_date"]].drop_duplicates().sort_values("year")
    parts = []
    for date, of_date in pairs.groupby("reference_date", sort=True):
        years = i18n.join([str(year) for year in of_date["year"]])
        parts.append(_("The rates of {years} rest on the registered population of {day}.").format(
            years=years, day=i18n.day(date)))
    stale = pairs[pairs["reference_date"].str.slice(0, 4).astype(int) < pairs["year"]]
    if len(stale):
        parts.append(_("The data holds no population counted on 1 January {years}; those rates use the latest "
                       "earlier count.").format(years=i18n.join([str(y) for y in stale["year"]])))
    return " ".join(parts)


def rate_sentence(row: pd.Series) -> str:
    """One area-year's rate with its interval, e.g. '1.86 orders per 10,000 inhabitants (95% interval 1.45 to 2.35)'."""
    return _("{rate} orders per 10,000 inhabitants (95% interval {low} to {high})").format(
        rate=i18n.number(row["rate"], 2), low=i18n.number(row["rate_low"], 2), high=i18n.number(row["rate_high"], 2))


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
        if beyond.empty:
            parts.append(_("none of the {areas} areas in {year}").format(areas=i18n.count(len(r.points)),
                                                                       year=r.year))
        else:
            parts.append(_("{count} of the {areas} areas in {year} ({names})").format(
                count=i18n.count(len(beyond)), areas=i18n.count(len(r.points)), year=r.year,
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
    """What the tests of violations say when the figures that rest on an implication are left out.

    A figure whose ``basis`` is ``implied`` rests on reading which figure a sentence refers to; this
    sentence shows whether any verdict depends on that reading.
    """
    implied = orders[(orders["measure"] == "violations") & (orders["basis"] == "implied")]
    if implied.empty:
        return _("No figure of violations rests on an implication.")
    kept = analysis.year_changes(orders[orders["basis"] != "implied"], "violations", areas=areas)
    beyond = kept[kept["beyond_chance"]]
    figures = i18n.join([_("{area} in {year}").format(area=r.area, year=r.year) for r in implied.itertuples()])
    if beyond.empty:
        verdict = _("no change in violations passes")
    else:
        verdict = _("the changes that pass are {changes}").format(changes=i18n.join(
            [_("{area} ({earlier} to {later})").format(area=r.area, earlier=i18n.number(r.earlier),
                                                       later=i18n.number(r.later)) for r in beyond.itertuples()]))
    return _("Leaving out the figures that rest on reading which figure a sentence refers to ({figures}), "
             "{tests} tests remain, and {verdict}.").format(figures=figures, tests=i18n.count(len(kept)),
                                                           verdict=verdict)
