"""The finished cross-region charts: take the orders table of any size, return a chart.

They work unchanged on the annex's 37 figures and on a national table of 20,000; where
there are more areas than a chart can show legibly, they show the areas with the largest
counts or changes and say so in the subtitle.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dvregions import analysis
from dvregions.charts import figures, layers


def _shown(table: pd.DataFrame, limit: int) -> str:
    areas = table["area"].nunique()
    return "" if areas <= limit else f"; the {limit} areas with the largest values of {areas} shown"


def orders_by_year(orders: pd.DataFrame, limit: int = figures.MAX_AREAS) -> alt.VConcatChart:
    """Orders imposed in the two latest years, per area, grouped by level."""
    changes = analysis.year_changes(orders)
    earlier, later = int(changes["earlier_year"].iloc[0]), int(changes["later_year"].iloc[0])
    fewer = int((changes["change"] < 0).sum())
    shown = changes.assign(size=changes["change"].abs()).nlargest(limit, "size")
    return layers.finish(
        figures.orders_dumbbell(changes, limit),
        title=f"{fewer} of {len(changes)} areas imposed fewer orders in {later} than in {earlier}",
        subtitle=("Orders imposed per area in both years, grouped by level of area; not comparable across levels"
                  + _shown(changes, limit)),
        description=(f"Dot plot of orders imposed in {earlier} and {later} for each area, grouped by level. "
                     + " ".join(f"{r.area} ({r.level_label.lower()}): {r.earlier} to {r.later}."
                                for r in shown.itertuples())),
        source=layers.source_line("4-21"),
    )


def violation_shares(orders: pd.DataFrame, limit: int = figures.MAX_AREAS) -> alt.VConcatChart:
    """Share of orders violated with 95% Wilson intervals, for the two latest years."""
    shares = analysis.violation_shares(orders)
    latest = sorted(shares["year"].unique())[-2:]
    shares = shares[shares["year"].isin(latest)]
    shown = shares[shares["area"].isin(shares.groupby("area")["orders_imposed"].max().nlargest(limit).index)]
    return layers.finish(
        figures.violation_share_intervals(shares, limit),
        title="The share of orders broken is uncertain for every small area",
        subtitle="Share of orders imposed that were violated, with 95% Wilson intervals" + _shown(shares, limit),
        description=("Interval plot of the share of orders violated per area and year. "
                     + " ".join(f"{r.area} {r.year}: {r.violations} of {r.orders_imposed} ({r.share:.0%}, interval "
                                f"{r.share_low:.0%} to {r.share_high:.0%})." for r in shown.itertuples())),
        source=layers.source_line("4-21"),
    )


def change_ratios(orders: pd.DataFrame, limit: int = figures.MAX_AREAS) -> alt.VConcatChart:
    """Ratio of orders in the latest year to the year before, with exact 95% Poisson intervals."""
    changes = analysis.year_changes(orders)
    earlier, later = int(changes["earlier_year"].iloc[0]), int(changes["later_year"].iloc[0])
    beyond = int((~changes["could_be_chance"]).sum())
    shown = changes.assign(size=changes["change"].abs()).nlargest(limit, "size")
    return layers.finish(
        figures.change_ratios(changes, limit),
        title=f"{beyond} of {len(changes)} changes are larger than chance would produce",
        subtitle=(f"Orders imposed in {later} divided by {earlier}, with exact 95% Poisson intervals, grouped by level"
                  + _shown(changes, limit)),
        description=("Interval plot, log scale, of the ratio of orders imposed in the later to the earlier year. "
                     + " ".join(f"{r.area}: ratio {r.ratio:.2f}, interval {r.ratio_low:.2f} to {r.ratio_high:.2f}"
                                f"{'' if r.could_be_chance else ', larger than chance'}."
                                for r in shown.itertuples())),
        source=layers.source_line("4-21"),
    )


CHARTS = (orders_by_year, violation_shares, change_ratios)
"""The cross-region chapter's charts, in the order it shows them."""
