"""The finished cross-region charts: take the orders table of any size, return a chart.

They work unchanged on the annex's 37 figures and on a national table of 20,000; where
there are more areas than a chart can show legibly, they show the areas with the largest
counts or changes and say so in the subtitle.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dvregions import analysis
from dvregions.charts import layers, plots


def _largest_changes(changes: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The rows of the areas the change charts draw (:func:`plots.shown_areas`), largest change first."""
    sized = changes.assign(size=changes["change"].abs())
    return sized[sized["area"].isin(plots.shown_areas(sized, "size", limit))].nlargest(limit, "size")


def _shown(table: pd.DataFrame, limit: int) -> str:
    areas = table["area"].nunique()
    return "" if areas <= limit else f"; the {limit} areas with the largest values of {areas} shown"


def verdict_title(changes: pd.DataFrame, noun: str) -> str:
    """A title counting non-overlapping areas whose change is beyond chance after Holm's adjustment.

    Directions ("fewer", "more") appear only for changes the adjusted test supports; when there are
    none, the title says every change is within what chance produces.
    """
    counted = changes[changes["non_overlapping"]]
    beyond = counted[counted["beyond_chance"]]
    fewer, more = int((beyond["change"] < 0).sum()), int((beyond["change"] > 0).sum())
    if not len(beyond):
        return f"No change in {noun} beyond chance in {len(counted)} non-overlapping areas"
    parts = [f"fewer {noun} in {fewer}" if fewer else "", f"more {noun} in {more}" if more else ""]
    return f"Beyond chance: {' and '.join(p for p in parts if p)} of {len(counted)} non-overlapping areas"


def orders_by_year(orders: pd.DataFrame, limit: int = plots.MAX_AREAS) -> alt.VConcatChart:
    """Orders imposed in the two latest years, per area, grouped by level."""
    changes = analysis.year_changes(orders)
    earlier, later = int(changes["earlier_year"].iloc[0]), int(changes["later_year"].iloc[0])
    shown = _largest_changes(changes, limit)
    return layers.finish(
        plots.orders_dumbbell(changes, limit),
        title=verdict_title(changes, "orders"),
        subtitle=[f"Orders imposed per area in {earlier} and {later}, grouped by level of area; "
                  "not comparable across levels",
                  f"Verdict from Holm's adjustment for {len(changes)} tests" + _shown(changes, limit)],
        description=(f"Dot plot of orders imposed in {earlier} and {later} for each area, grouped by level. "
                     + " ".join(f"{r.area} ({r.level_label.lower()}): {r.earlier} to {r.later}."
                                for r in shown.itertuples())),
        source=layers.source_line("4-21"),
    )


def violation_rates(orders: pd.DataFrame, limit: int = plots.MAX_AREAS) -> alt.VConcatChart:
    """Violations per order imposed with exact 95% Poisson intervals, for the two latest years."""
    rates = analysis.violation_rates(orders)
    latest = sorted(rates["year"].unique())[-2:]
    rates = rates[rates["year"].isin(latest)]
    shown = rates[rates["area"].isin(plots.shown_areas(rates, "orders_imposed", limit))]
    stated = sorted(set(rates.loc[rates["counted"] != analysis.NOT_STATED, "area"]))
    says = (f"only {' and '.join(stated)} {'says' if len(stated) == 1 else 'say'} what it counts" if stated
            else "no area says what it counts")
    return layers.finish(
        plots.violation_rate_intervals(rates, limit),
        title=f"{rates['rate'].min():.2f} to {rates['rate'].max():.2f} violations per order; {says}",
        subtitle=["A rate, not a share: one order can be violated more than once",
                  "Violations per order imposed, with exact 95% Poisson intervals" + _shown(rates, limit)],
        description=("Interval plot of violations per order imposed, per area and year. "
                     + " ".join(f"{r.area} {r.year}: {r.violations} violations, {r.orders_imposed} orders, "
                                f"{r.rate:.2f} per order (interval {r.rate_low:.2f} to {r.rate_high:.2f}); "
                                f"what is counted: {r.counted.lower()}." for r in shown.itertuples())),
        source=layers.source_line("4-21"),
    )


def change_ratios(orders: pd.DataFrame, limit: int = plots.MAX_AREAS) -> alt.VConcatChart:
    """Ratio of orders in the latest year to the year before, with exact 95% intervals and the adjusted verdict."""
    changes = analysis.year_changes(orders)
    earlier, later = int(changes["earlier_year"].iloc[0]), int(changes["later_year"].iloc[0])
    shown = _largest_changes(changes, limit)
    return layers.finish(
        plots.change_ratios(changes, limit),
        title=verdict_title(changes, "orders"),
        subtitle=[f"Orders imposed in {later} divided by {earlier}, with unadjusted exact 95% intervals",
                  f"Colour: the verdict after Holm's adjustment for {len(changes)} tests" + _shown(changes, limit)],
        description=("Interval plot, log scale, of the ratio of orders imposed in the later to the earlier year. "
                     + " ".join(f"{r.area}: ratio {r.ratio:.2f}, unadjusted interval {r.ratio_low:.2f} to "
                                f"{r.ratio_high:.2f}, p {r.p_value:.3f}, Holm-adjusted p {r.p_holm:.3f}, "
                                f"{'beyond' if r.beyond_chance else 'within'} chance after adjustment."
                                for r in shown.itertuples())),
        source=layers.source_line("4-21"),
    )


CHARTS = (orders_by_year, violation_rates, change_ratios)
"""The cross-region chapter's charts, in the order it shows them."""
