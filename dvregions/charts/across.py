"""The finished cross-region charts, for an orders table of any size (the annex's 37 figures or 20,000).

Where there are more areas than a chart shows legibly, it shows the largest counts or changes and says so.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dvregions import analysis, i18n
from dvregions.charts import layers, plots
from dvregions.i18n import _


def _shown(table: pd.DataFrame, limit: int) -> str:
    """The end of a subtitle saying how many of the areas are shown, or nothing when all are."""
    areas = table["area"].nunique()
    return "" if areas <= limit else _("; the {limit} areas with the largest values of {areas} shown").format(
        limit=i18n.number(limit), areas=i18n.number(areas))


def verdict_title(changes: pd.DataFrame, noun: str) -> str:
    """A title counting the non-overlapping areas of ``changes`` whose change in ``noun`` (plural) is beyond chance.

    Directions only for changes Holm's adjusted test supports; one whole sentence per case (none, fewer, more, both).
    """
    counted = changes[changes["non_overlapping"]]
    beyond = counted[counted["beyond_chance"]]
    fewer, more = int((beyond["change"] < 0).sum()), int((beyond["change"] > 0).sum())
    areas = len(counted)
    one = areas == 1
    if not len(beyond):
        sentence = (_("No change in {noun} beyond chance in {areas} non-overlapping area") if one
                    else _("No change in {noun} beyond chance in {areas} non-overlapping areas"))
    elif fewer and more:
        sentence = _("Beyond chance: fewer {noun} in {fewer} and more {noun} in {more} of {areas} "
                     "non-overlapping areas")
    elif fewer:
        sentence = (_("Beyond chance: fewer {noun} in the one non-overlapping area") if one
                    else _("Beyond chance: fewer {noun} in {fewer} of {areas} non-overlapping areas"))
    else:
        sentence = (_("Beyond chance: more {noun} in the one non-overlapping area") if one
                    else _("Beyond chance: more {noun} in {more} of {areas} non-overlapping areas"))
    return sentence.format(noun=noun, fewer=i18n.number(fewer), more=i18n.number(more), areas=i18n.number(areas))


def _change_chart(orders: pd.DataFrame, limit: int, plot, texts: tuple[str, str, str],
                  describe_area) -> alt.VConcatChart:
    """A change chart, titled with the verdicts; ``texts`` (subtitles, description's opening) and areas' words vary."""
    changes = analysis.year_changes(orders)
    years = dict(zip(("earlier", "later"), plots.pair_names(changes)), tests=i18n.number(len(changes)))
    subtitle, tests, lead = (text.format(**years) for text in texts)
    shown = plots.largest_changes(changes, limit).nlargest(limit, "size")
    return layers.finish(plot(changes, limit), title=verdict_title(changes, _("orders")),
                         subtitle=[subtitle, tests + _shown(changes, limit)],
                         description=lead + " " + " ".join(describe_area(r) for r in shown.itertuples()),
                         source=layers.source_line("4-21"))


def orders_by_year(orders: pd.DataFrame, limit: int = plots.MAX_AREAS) -> alt.VConcatChart:
    """Orders imposed in the two latest years, per area, grouped by level."""
    area = _("{area} ({level}): {earlier} to {later}.")
    return _change_chart(orders, limit, plots.orders_dumbbell, (
        _("Orders imposed per area in {earlier} and {later}, grouped by level of area; not comparable across levels"),
        _("Verdict from Holm's adjustment for {tests} tests"),
        _("Dot plot of orders imposed in {earlier} and {later} for each area, grouped by level.")),
        lambda r: area.format(area=r.area, level=r.level_label.lower(), earlier=i18n.number(r.earlier),
                              later=i18n.number(r.later)))


def _violations(count: int) -> str:
    """'1 violation', '4 violations'."""
    return (_("{count} violation") if count == 1 else _("{count} violations")).format(count=i18n.number(count))


def _orders(count: int) -> str:
    """'1 order', '71 orders'."""
    return (_("{count} order") if count == 1 else _("{count} orders")).format(count=i18n.number(count))


def violation_rates(orders: pd.DataFrame, limit: int = plots.MAX_AREAS) -> alt.VConcatChart:
    """Violations per order imposed with exact 95% Poisson intervals, for the two latest years."""
    rates = analysis.violation_rates(orders)
    years = sorted(rates["year"].unique())
    rates = rates[rates["year"].isin(years[-plots.MAX_YEARS:])]
    shown_years = _("; the last {years} years shown").format(years=i18n.number(plots.MAX_YEARS)) \
        if len(years) > plots.MAX_YEARS else ""
    shown = rates[rates["area"].isin(plots.shown_areas(rates, "orders_imposed", limit))]
    area = _("{area} {year}: {violations}, {orders}, {rate} per order (interval {low} to {high}); "
             "what is counted: {counted}.")
    return layers.finish(
        plots.violation_rate_intervals(rates, limit),
        title=_("{low} to {high} violations per order, counted as each area's source words it").format(
            low=i18n.number(rates["rate"].min(), 2), high=i18n.number(rates["rate"].max(), 2)),
        subtitle=[_("A rate, not a share: one order can be violated more than once"),
                  _("Violations per order imposed, with exact 95% Poisson intervals") + _shown(rates, limit)
                  + shown_years],
        description=(_("Interval plot of violations per order imposed, per area and year.") + " "
                     + " ".join(area.format(area=r.area, year=r.year, violations=_violations(r.violations),
                                            orders=_orders(r.orders_imposed), rate=i18n.number(r.rate, 2),
                                            low=i18n.number(r.rate_low, 2), high=i18n.number(r.rate_high, 2),
                                            counted=r.counted[:1].lower() + r.counted[1:].rstrip("."))
                                for r in shown.itertuples())),
        source=layers.source_line("4-21"),
    )


def change_ratios(orders: pd.DataFrame, limit: int = plots.MAX_AREAS) -> alt.VConcatChart:
    """Ratio of orders in the latest year to the year before, with exact 95% intervals and the adjusted verdict."""
    area = {
        True: _("{area}: ratio {ratio}, unadjusted interval {low} to {high}, p {p}, Holm-adjusted p {p_holm}, "
                "beyond chance after adjustment."),
        False: _("{area}: ratio {ratio}, unadjusted interval {low} to {high}, p {p}, Holm-adjusted p {p_holm}, "
                 "within chance after adjustment."),
    }
    return _change_chart(orders, limit, plots.change_ratios, (
        _("Orders imposed in {later} divided by {earlier}, with unadjusted exact 95% intervals"),
        _("Colour: the verdict after Holm's adjustment for {tests} tests"),
        _("Interval plot, log scale, of the ratio of orders imposed in the later to the earlier year.")),
        lambda r: area[bool(r.beyond_chance)].format(
            area=r.area, ratio=i18n.number(r.ratio, 2), low=i18n.number(r.ratio_low, 2),
            high=i18n.number(r.ratio_high, 2), p=i18n.p_value(r.p_value), p_holm=i18n.p_value(r.p_holm)))


def funnels(orders: pd.DataFrame, populations: pd.DataFrame, areas: pd.DataFrame,
            regions: pd.DataFrame) -> list[analysis.Funnel]:
    """One :func:`dvregions.analysis.funnel` per year that has at least two areas to compare."""
    rates = analysis.population_rates(orders, analysis.populations(populations, areas))
    results = [analysis.funnel(rates, areas, int(year)) for year in sorted(rates["year"].unique())]
    return [result for result in results if len(result.points) >= 2]


def _outside(results: list[analysis.Funnel], column: str) -> str:
    """'5 of 9 areas in 2016 and 6 of 9 in 2017', or 'none' when no area lies beyond the outer limits."""
    counts = [(int(result.points[column].isin(["far_above", "far_below"]).sum()), len(result.points), result.year)
              for result in results]
    if not any(count for count, _total, _year in counts):
        return _("none")
    return i18n.join([_("{count} of {areas} areas in {year}").format(count=i18n.number(count),
                                                                      areas=i18n.number(total), year=year)
                      for count, total, year in counts])


def funnel_plots(orders: pd.DataFrame, populations: pd.DataFrame, areas: pd.DataFrame,
                 regions: pd.DataFrame) -> alt.VConcatChart:
    """Funnel plots of orders imposed per 10,000 inhabitants, one per year, stacked."""
    results = funnels(orders, populations, areas, regions)
    area = _("{area}: {orders}, {population} inhabitants, {rate} per 10,000 ({position}).")
    positions = {"within": _("within the 95% limits of chance alone"),
                 "above": _("above the 95% limits of chance alone"),
                 "below": _("below the 95% limits of chance alone"),
                 "far_above": _("above the 99.8% limits of chance alone"),
                 "far_below": _("below the 99.8% limits of chance alone")}
    described = [_("{year}: pooled rate {pooled} per 10,000 inhabitants.").format(
                     year=r.year, pooled=i18n.number(r.pooled, 2)) + " "
                 + " ".join(area.format(area=p.area, orders=_orders(p.orders_imposed),
                                        population=i18n.number(p.population), rate=i18n.number(p.rate, 2),
                                        position=positions[p.position])
                            for p in r.points.itertuples())
                 for r in results]
    dates = sorted({str(date) for r in results for date in r.points["reference_date"]})
    return layers.finish(
        alt.vconcat(*[plots.funnel(result, analysis.short_names(areas, regions)) for result in results], spacing=24),
        title=_("Beyond the 99.8% limits of chance alone: {plain}; allowing for the variation between areas: "
                "{widened}").format(plain=_outside(results, "position"), widened=_outside(results, "position_widened")),
        subtitle=[_("Orders imposed per 10,000 inhabitants against population, one panel per year"),
                  _("Grey: exact Poisson limits; black: widened for the variation between areas; solid 95%, dashed "
                    "99.8%")],
        description=_("Funnel plots, one per year.") + " " + " ".join(described),
        source=layers.source_line("4-21", _("Populations: Statistics Netherlands (CBS), StatLine table 37713, "
                                            "registered population on {dates}.").format(
            dates=i18n.join([i18n.day(d) for d in dates]))),
    )


CHARTS = (orders_by_year, violation_rates, change_ratios)
"""The cross-region chapter's charts, in the order it shows them."""
